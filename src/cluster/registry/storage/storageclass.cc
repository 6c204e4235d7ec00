#include "cluster/registry/storage/storageclass.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

#include "cluster/registry/apps/columns.h"
#include "cluster/registry/apps/workload.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::storage {
namespace json = boost::json;
using apps::ValueAt;

namespace {

constexpr size_t kMaxParameters = 512;
constexpr size_t kMaxParametersSize = 256 * 1024;

void ValidateParameters(const json::object& object, FieldErrors& errors) {
  const json::object* parameters = ObjectAt(object, "parameters");
  if (parameters == nullptr) return;
  if (parameters->size() > kMaxParameters) {
    errors.push_back(TooLong("parameters", "", kMaxParameters));
    return;
  }
  size_t total = 0;
  for (const auto& [key, value] : *parameters) {
    if (key.empty()) errors.push_back(Invalid("parameters", "", "field can not be empty."));
    total += key.size() + (value.is_string() ? value.get_string().size() : 0);
  }
  if (total > kMaxParametersSize) errors.push_back(TooLong("parameters", "", kMaxParametersSize));
}

void ValidateEnum(const json::object& object, const char* key,
                  std::initializer_list<const char*> supported, bool required,
                  FieldErrors& errors) {
  const json::value* value = object.if_contains(key);
  if (value == nullptr || value->is_null()) {
    if (required) errors.push_back(Required(key));
    return;
  }
  std::string text = value->is_string() ? std::string(value->get_string()) : "";
  if (text.empty() && !required) return;
  if (std::find_if(supported.begin(), supported.end(),
                   [&](const char* option) { return text == option; }) == supported.end()) {
    errors.push_back(NotSupported(key, json::string(text),
                                  std::vector<std::string>(supported.begin(), supported.end())));
  }
}

bool IsDefault(const json::object& object) {
  const json::object* annotations = ObjectAt(object, "metadata.annotations");
  if (annotations == nullptr) return false;
  for (const char* key : {"storageclass.kubernetes.io/is-default-class",
                          "storageclass.beta.kubernetes.io/is-default-class"}) {
    if (core::StringField(*annotations, key) == "true") return true;
  }
  return false;
}

class StorageClassStrategy : public Strategy {
 public:
  void Default(json::object& object) const override {
    apps::SetIfAbsent(object, "reclaimPolicy", "Delete");
    apps::SetIfAbsent(object, "volumeBindingMode", "Immediate");
  }

  FieldErrors Validate(const json::object& object) const override {
    FieldErrors errors;
    std::string provisioner = core::StringField(object, "provisioner");
    if (provisioner.empty()) {
      errors.push_back(Required("provisioner"));
    } else {
      std::transform(provisioner.begin(), provisioner.end(), provisioner.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      core::ValidateQualifiedName(provisioner, "provisioner", errors);
    }
    ValidateParameters(object, errors);
    ValidateEnum(object, "reclaimPolicy", {"Delete", "Retain"}, false, errors);
    ValidateEnum(object, "volumeBindingMode", {"Immediate", "WaitForFirstConsumer"}, true, errors);
    return errors;
  }

  FieldErrors ValidateUpdate(const json::object& object, const json::object& old) const override {
    FieldErrors errors = Validate(object);
    if (!apps::SemanticEqual(ValueAt(object, "parameters"), ValueAt(old, "parameters"))) {
      errors.push_back(Forbidden("parameters", "updates to parameters are forbidden."));
    }
    if (core::StringField(object, "provisioner") != core::StringField(old, "provisioner")) {
      errors.push_back(Forbidden("provisioner", "updates to provisioner are forbidden."));
    }
    if (core::StringField(object, "reclaimPolicy") != core::StringField(old, "reclaimPolicy")) {
      errors.push_back(Forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden."));
    }
    apps::ValidateImmutable(ValueAt(object, "volumeBindingMode"), ValueAt(old, "volumeBindingMode"),
                            "volumeBindingMode", errors);
    return errors;
  }

  std::vector<Column> Columns() const override {
    return {apps::NameColumn(),
            {"Provisioner", "string", "", "What creates volumes of this class.", 0},
            {"ReclaimPolicy", "string", "", "What happens to a volume when its claim goes.", 0},
            {"VolumeBindingMode", "string", "", "When claims are bound to volumes.", 0},
            {"AllowVolumeExpansion", "string", "", "Whether claims may grow.", 0},
            apps::AgeColumn()};
  }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    std::string name = StringAt(object, "metadata.name");
    if (IsDefault(object)) name += " (default)";
    const json::value* expansion = object.if_contains("allowVolumeExpansion");
    return {json::string(name),
            json::string(core::StringField(object, "provisioner")),
            json::string(core::StringField(object, "reclaimPolicy", "Delete")),
            json::string(core::StringField(object, "volumeBindingMode", "Immediate")),
            expansion != nullptr && expansion->is_bool() && expansion->get_bool(),
            json::string(Age(object, now))};
  }
};

}  // namespace

std::unique_ptr<Strategy> NewStorageClassStrategy() {
  return std::make_unique<StorageClassStrategy>();
}

}  // namespace mini::cluster::registry::storage
