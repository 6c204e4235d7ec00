#include "cluster/registry/core/persistentvolumeclaim.h"

#include <boost/json.hpp>

#include "cluster/registry/core/checks.h"
#include "cluster/registry/core/quantity.h"
#include "cluster/registry/core/volume_common.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::core {
namespace json = boost::json;

namespace {

std::optional<Quantity> RequestedStorage(const json::object& spec) {
  const json::object* resources = ObjectField(spec, "resources");
  const json::object* requests = resources ? ObjectField(*resources, "requests") : nullptr;
  const json::value* storage = requests ? requests->if_contains("storage") : nullptr;
  return storage ? QuantityOf(*storage) : std::nullopt;
}

class PersistentVolumeClaimStrategy : public Strategy {
 public:
  void PrepareForCreate(json::object& object) const override {
    Strategy::PrepareForCreate(object);
    object["status"] = json::object{{"phase", "Pending"}};
  }

  void Default(json::object& object) const override {
    DefaultString(EnsureObject(object, "spec"), "volumeMode", "Filesystem");
    if (json::value* status = object.if_contains("status"); status && status->is_object()) {
      DefaultString(status->get_object(), "phase", "Pending");
    }
  }

  FieldErrors Validate(const json::object& object) const override {
    FieldErrors errors;
    static const json::object kEmpty;
    const json::object* spec_ptr = ObjectField(object, "spec");
    const json::object& spec = spec_ptr ? *spec_ptr : kEmpty;
    const json::array* modes = ArrayField(spec, "accessModes");
    if (modes == nullptr || modes->empty()) {
      errors.push_back(Required("spec.accessModes", "at least 1 access mode is required"));
    }
    ValidateAccessModes(spec, "spec", errors);
    const json::object* resources = ObjectField(spec, "resources");
    const json::object* requests = resources ? ObjectField(*resources, "requests") : nullptr;
    const json::value* storage = requests ? requests->if_contains("storage") : nullptr;
    if (storage == nullptr) {
      errors.push_back(Required("spec.resources[storage]"));
    } else if (std::optional<Quantity> quantity = QuantityOf(*storage); !quantity) {
      errors.push_back(Invalid("spec.resources[storage]", *storage, kQuantityRegexError));
    } else if (quantity->nanos <= 0) {
      errors.push_back(Invalid("spec.resources[storage]", json::string(FormatQuantity(*quantity)),
                               "must be greater than zero"));
    }
    std::string storage_class = StringField(spec, "storageClassName");
    if (!storage_class.empty()) {
      ValidateDns1123Subdomain(storage_class, "spec.storageClassName", errors);
    }
    std::string mode = StringField(spec, "volumeMode");
    if (!mode.empty() && mode != "Block" && mode != "Filesystem") {
      errors.push_back(
          NotSupported("spec.volumeMode", json::string(mode), {"Block", "Filesystem"}));
    }
    if (const json::object* selector = ObjectField(spec, "selector")) {
      ValidateLabels(ObjectField(*selector, "matchLabels"), "spec.selector.matchLabels", errors);
    }
    return errors;
  }

  FieldErrors ValidateUpdate(const json::object& object, const json::object& old) const override {
    FieldErrors errors = Validate(object);
    static const json::object kEmpty;
    const json::object* spec_ptr = ObjectField(object, "spec");
    const json::object* old_ptr = ObjectField(old, "spec");
    const json::object& spec = spec_ptr ? *spec_ptr : kEmpty;
    const json::object& old_spec = old_ptr ? *old_ptr : kEmpty;
    json::object before = old_spec;
    json::object after = spec;
    // The binder sets volumeName once; a bound claim may change its storage request.
    if (StringField(old_spec, "volumeName").empty()) {
      if (const json::value* name = spec.if_contains("volumeName")) {
        before["volumeName"] = *name;
      } else {
        before.erase("volumeName");
      }
    }
    bool bound = StringAt(object, "status.phase") == "Bound";
    if (bound) {
      for (json::object* side : {&before, &after}) {
        json::value* resources = side->if_contains("resources");
        if (resources && resources->is_object()) {
          json::value* requests = resources->get_object().if_contains("requests");
          if (requests && requests->is_object()) requests->get_object().erase("storage");
        }
      }
      for (json::object* side : {&before, &after}) side->erase("volumeAttributesClassName");
    }
    if (before != after) {
      errors.push_back(Forbidden("spec",
                                 "spec is immutable after creation except resources.requests and "
                                 "volumeAttributesClassName for bound claims"));
    }
    std::optional<Quantity> size = RequestedStorage(spec);
    std::optional<Quantity> old_size = RequestedStorage(old_spec);
    if (size && old_size && CompareQuantities(*size, *old_size) < 0) {
      // Shrinking is allowed only back towards what a failed expansion left.
      std::optional<Quantity> capacity;
      if (const json::object* status = ObjectField(old, "status")) {
        if (const json::object* held = ObjectField(*status, "capacity")) {
          if (const json::value* storage = held->if_contains("storage"))
            capacity = QuantityOf(*storage);
        }
      }
      if (!capacity || CompareQuantities(*size, *capacity) <= 0) {
        errors.push_back(Forbidden("spec.resources.requests.storage",
                                   "field can not be less than status.capacity"));
      }
    }
    std::string mode = StringField(spec, "volumeMode");
    if (mode != StringField(old_spec, "volumeMode")) {
      errors.push_back(Invalid("volumeMode", json::string(mode), kFieldImmutable));
    }
    return errors;
  }

  std::vector<Column> Columns() const override {
    return {{"Name", "string", "name", "Name must be unique within a namespace.", 0},
            {"Status", "string", "", "The phase of the claim.", 0},
            {"Volume", "string", "", "The volume bound to the claim.", 0},
            {"Capacity", "string", "", "The storage the bound volume provides.", 0},
            {"Access Modes", "string", "", "How the bound volume can be mounted.", 0},
            {"StorageClass", "string", "", "StorageClass of the pvc", 0},
            {"VolumeAttributesClass", "string", "", "VolumeAttributesClass of the pvc", 0},
            {"Age", "string", "", "Time since the claim was created.", 0},
            {"VolumeMode", "string", "", "Filesystem or Block.", 1}};
  }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    static const json::object kEmpty;
    const json::object* spec_ptr = ObjectField(object, "spec");
    const json::object& spec = spec_ptr ? *spec_ptr : kEmpty;
    const json::object* status = ObjectField(object, "status");
    std::string phase = StringAt(object, "status.phase");
    if (ObjectAt(object, "metadata") &&
        ObjectAt(object, "metadata")->contains("deletionTimestamp")) {
      phase = "Terminating";
    }
    std::string volume = StringField(spec, "volumeName");
    std::string capacity;
    std::string modes;
    if (!volume.empty()) {
      modes = AccessModesCell(status);
      capacity = StorageOf(status ? ObjectField(*status, "capacity") : nullptr);
    }
    return {json::string(StringAt(object, "metadata.name")),
            json::string(phase),
            json::string(volume),
            json::string(capacity),
            json::string(modes),
            json::string(StorageClassOf(object)),
            json::string(VolumeAttributesClassOf(object)),
            json::string(Age(object, now)),
            json::string(StringField(spec, "volumeMode", "<unset>"))};
  }
};

}  // namespace

std::unique_ptr<Strategy> NewPersistentVolumeClaimStrategy(const StrategyContext&) {
  return std::make_unique<PersistentVolumeClaimStrategy>();
}

}  // namespace mini::cluster::registry::core
