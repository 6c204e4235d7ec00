#include "cluster/registry/apps/controllerrevision.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

#include "cluster/registry/apps/columns.h"
#include "cluster/registry/apps/workload.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::apps {
namespace json = boost::json;
namespace {

// "statefulset.apps/web" for the owner reference marked as controller, "<none>" without one.
std::string ControllerName(const json::object& object) {
  const json::object* metadata = core::ObjectField(object, "metadata");
  const json::array* owners = metadata ? core::ArrayField(*metadata, "ownerReferences") : nullptr;
  if (owners == nullptr) return "<none>";
  for (const json::value& item : *owners) {
    const json::object* owner = item.if_object();
    if (owner == nullptr || !core::BoolField(*owner, "controller")) continue;
    std::string api_version = core::StringField(*owner, "apiVersion");
    size_t slash = api_version.find('/');
    std::string group = slash == std::string::npos ? "" : api_version.substr(0, slash);
    std::string kind = core::StringField(*owner, "kind");
    std::string name = core::StringField(*owner, "name");
    if (kind.empty() && group.empty()) return name;
    std::string qualified = group.empty() ? kind : kind + "." + group;
    std::transform(qualified.begin(), qualified.end(), qualified.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    return qualified + "/" + name;
  }
  return "<none>";
}

class ControllerRevisionStrategy : public Strategy {
 public:
  FieldErrors Validate(const json::object& object) const override {
    FieldErrors errors;
    const json::value* data = object.if_contains("data");
    if (data == nullptr || data->is_null()) {
      errors.push_back(Required("data", "data is mandatory"));
    }
    ValidateNonnegativeAt(object, "revision", "revision", errors);
    return errors;
  }

  FieldErrors ValidateUpdate(const json::object& object, const json::object& old) const override {
    FieldErrors errors = Validate(object);
    // The data is opaque: any difference counts, even between an empty and a missing member.
    const json::value* data = object.if_contains("data");
    const json::value* before = old.if_contains("data");
    if ((data == nullptr) != (before == nullptr) || (data != nullptr && *data != *before)) {
      errors.push_back(Invalid("data", data ? *data : json::value(), core::kFieldImmutable));
    }
    return errors;
  }

  std::vector<Column> Columns() const override {
    return {NameColumn(),
            {"Controller", "string", "", "The object this revision belongs to.", 0},
            {"Revision", "string", "", "Sequence number of the snapshot.", 0},
            AgeColumn()};
  }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    return {json::string(StringAt(object, "metadata.name")), json::string(ControllerName(object)),
            IntAt(object, "revision"), json::string(Age(object, now))};
  }
};

}  // namespace

std::unique_ptr<Strategy> NewControllerRevisionStrategy() {
  return std::make_unique<ControllerRevisionStrategy>();
}

}  // namespace mini::cluster::registry::apps
