#include "cluster/registry/core/namespace.h"

#include <boost/json.hpp>

#include "cluster/api/meta/names.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::core {
namespace json = boost::json;

namespace {

class NamespaceStrategy : public Strategy {
 public:
  void PrepareForCreate(json::object& object) const override {
    Strategy::PrepareForCreate(object);
    // Every namespace is born with the finalizer that makes deletion empty it first.
    EnsureObject(object, "spec")["finalizers"] = json::array{"kubernetes"};
    object["status"] = json::object{{"phase", "Active"}};
  }

  void PrepareForUpdate(json::object& object, const json::object& old) const override {
    Strategy::PrepareForUpdate(object, old);
    // spec.finalizers changes only through the finalize subresource.
    json::object& spec = EnsureObject(object, "spec");
    if (const json::object* old_spec = ObjectField(old, "spec");
        old_spec && old_spec->contains("finalizers")) {
      spec["finalizers"] = old_spec->at("finalizers");
    } else {
      spec.erase("finalizers");
    }
  }

  void Default(json::object& object) const override {
    std::string name = StringAt(object, "metadata.name");
    if (!name.empty()) {
      json::object& metadata = EnsureObject(object, "metadata");
      EnsureObject(metadata, "labels")["kubernetes.io/metadata.name"] = name;
    }
    if (json::value* status = object.if_contains("status"); status && status->is_object()) {
      DefaultString(status->get_object(), "phase", "Active");
    }
  }

  std::vector<std::string> ValidateName(std::string_view name) const override {
    return mini::api::meta::IsDns1123Label(name);
  }

  FieldErrors Validate(const json::object& object) const override {
    FieldErrors errors;
    const json::object* spec = ObjectField(object, "spec");
    const json::array* finalizers = spec ? ArrayField(*spec, "finalizers") : nullptr;
    for (size_t i = 0; finalizers && i < finalizers->size(); ++i) {
      std::string name =
          (*finalizers)[i].is_string() ? std::string((*finalizers)[i].get_string()) : "";
      ValidateQualifiedName(name, "spec.finalizers", errors);
      if (name.find('/') == std::string::npos && name != "kubernetes") {
        errors.push_back(Invalid("spec.finalizers", json::string(name),
                                 "name is neither a standard finalizer name nor is it fully "
                                 "qualified"));
      }
    }
    return errors;
  }

  FieldErrors ValidateUpdate(const json::object&, const json::object&) const override {
    return {};  // Only metadata may change, and the storage validates that.
  }

  // What the NamespaceLifecycle admission step refuses on a real cluster.
  Status CheckDelete(const json::object& object) const override {
    std::string name = StringAt(object, "metadata.name");
    if (name == "default" || name == "kube-system" || name == "kube-public") {
      return ForbiddenError(Subject{"", "namespaces", "Namespace", name},
                            "this namespace may not be deleted");
    }
    return Status::Ok();
  }

  // The namespace controller empties a deleted namespace, then clears its "kubernetes"
  // finalizer through the finalize subresource; only then does the namespace go.
  bool DeletionHeld(const json::object& object) const override {
    const json::object* spec = ObjectField(object, "spec");
    const json::array* finalizers = spec ? ArrayField(*spec, "finalizers") : nullptr;
    return finalizers != nullptr && !finalizers->empty();
  }

  void MarkDeleting(json::object& object) const override {
    EnsureObject(object, "status")["phase"] = "Terminating";
  }

  std::map<std::string, std::string> SelectableFields(const json::object& object) const override {
    return {{"status.phase", StringAt(object, "status.phase")}};
  }

  std::vector<Column> Columns() const override {
    return {{"Name", "string", "name", "Name must be unique.", 0},
            {"Status", "string", "", "The status of the namespace", 0},
            {"Age", "string", "", "Time since the namespace was created.", 0}};
  }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    return {json::string(StringAt(object, "metadata.name")),
            json::string(StringAt(object, "status.phase")), json::string(Age(object, now))};
  }
};

}  // namespace

std::unique_ptr<Strategy> NewNamespaceStrategy(const StrategyContext&) {
  return std::make_unique<NamespaceStrategy>();
}

}  // namespace mini::cluster::registry::core
