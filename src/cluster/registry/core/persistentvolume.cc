#include "cluster/registry/core/persistentvolume.h"

#include <boost/json.hpp>

#include "cluster/api/meta/ids.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/core/quantity.h"
#include "cluster/registry/core/volume_common.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::core {
namespace json = boost::json;

namespace {

// A PersistentVolume's possible sources, in the order upstream checks them.
constexpr const char* kSources[] = {"hostPath",
                                    "gcePersistentDisk",
                                    "awsElasticBlockStore",
                                    "glusterfs",
                                    "flocker",
                                    "nfs",
                                    "rbd",
                                    "quobyte",
                                    "cephfs",
                                    "iscsi",
                                    "cinder",
                                    "fc",
                                    "flexVolume",
                                    "azureFile",
                                    "vsphereVolume",
                                    "photonPersistentDisk",
                                    "portworxVolume",
                                    "azureDisk",
                                    "scaleIO",
                                    "local",
                                    "storageos",
                                    "csi"};

json::object SourcesOf(const json::object& spec) {
  json::object out;
  for (const char* source : kSources) {
    if (const json::value* value = spec.if_contains(source); value && !value->is_null()) {
      out[source] = *value;
    }
  }
  return out;
}

class PersistentVolumeStrategy : public Strategy {
 public:
  void PrepareForCreate(json::object& object) const override {
    Strategy::PrepareForCreate(object);
    object["status"] = json::object{{"phase", "Pending"},
                                    {"lastPhaseTransitionTime", mini::api::meta::Rfc3339Now()}};
  }

  void Default(json::object& object) const override {
    json::object& spec = EnsureObject(object, "spec");
    DefaultString(spec, "persistentVolumeReclaimPolicy", "Retain");
    DefaultString(spec, "volumeMode", "Filesystem");
    if (json::value* host = spec.if_contains("hostPath");
        host && host->is_object() && !host->get_object().contains("type")) {
      host->get_object()["type"] = "";
    }
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
    if (modes == nullptr || modes->empty()) errors.push_back(Required("spec.accessModes"));
    ValidateAccessModes(spec, "spec", errors);
    const json::object* capacity = ObjectField(spec, "capacity");
    if (capacity == nullptr || capacity->empty()) errors.push_back(Required("spec.capacity"));
    if (capacity == nullptr || !capacity->contains("storage") || capacity->size() > 1) {
      errors.push_back(NotSupported(
          "spec.capacity", capacity ? json::value(*capacity) : json::value(nullptr), {"storage"}));
    }
    for (const auto& [name, value] : capacity ? *capacity : kEmpty) {
      std::string path = Key("spec.capacity", name);
      std::optional<Quantity> quantity = QuantityOf(value);
      if (!quantity) {
        errors.push_back(Invalid(path, value, kQuantityRegexError));
      } else if (quantity->nanos <= 0) {
        errors.push_back(
            Invalid(path, json::string(FormatQuantity(*quantity)), "must be greater than zero"));
      }
    }
    std::string policy = StringField(spec, "persistentVolumeReclaimPolicy");
    if (!policy.empty() && policy != "Delete" && policy != "Recycle" && policy != "Retain") {
      errors.push_back(NotSupported("spec.persistentVolumeReclaimPolicy", json::string(policy),
                                    {"Delete", "Recycle", "Retain"}));
    }
    int sources = 0;
    for (const char* source : kSources) {
      const json::value* value = spec.if_contains(source);
      if (value == nullptr || value->is_null()) continue;
      std::string path = Child("spec", source);
      if (sources++ > 0) {
        errors.push_back(Forbidden(path, "may not specify more than 1 volume type"));
        continue;
      }
      const json::object* fields = value->if_object();
      std::string name(source);
      if ((name == "hostPath" || name == "local" || name == "nfs") &&
          (fields == nullptr || StringField(*fields, "path").empty())) {
        errors.push_back(Required(Child(path, "path")));
      }
      if (name == "csi" && (fields == nullptr || StringField(*fields, "driver").empty())) {
        errors.push_back(Required(Child(path, "driver")));
      }
      if (name == "csi" && (fields == nullptr || StringField(*fields, "volumeHandle").empty())) {
        errors.push_back(Required(Child(path, "volumeHandle")));
      }
    }
    if (sources == 0) errors.push_back(Required("spec", "must specify a volume type"));
    std::string storage_class = StringField(spec, "storageClassName");
    if (!storage_class.empty()) {
      ValidateDns1123Subdomain(storage_class, "spec.storageClassName", errors);
    }
    std::string mode = StringField(spec, "volumeMode");
    if (!mode.empty() && mode != "Block" && mode != "Filesystem") {
      errors.push_back(
          NotSupported("spec.volumeMode", json::string(mode), {"Block", "Filesystem"}));
    }
    return errors;
  }

  FieldErrors ValidateUpdate(const json::object& object, const json::object& old) const override {
    FieldErrors errors = Validate(object);
    static const json::object kEmpty;
    const json::object* spec = ObjectField(object, "spec");
    const json::object* old_spec = ObjectField(old, "spec");
    if (SourcesOf(spec ? *spec : kEmpty) != SourcesOf(old_spec ? *old_spec : kEmpty)) {
      errors.push_back(Forbidden("spec.persistentvolumesource",
                                 "spec.persistentvolumesource is immutable after creation"));
    }
    std::string mode = spec ? StringField(*spec, "volumeMode") : "";
    if (mode != (old_spec ? StringField(*old_spec, "volumeMode") : "")) {
      errors.push_back(Invalid("volumeMode", json::string(mode), kFieldImmutable));
    }
    return errors;
  }

  std::vector<Column> Columns() const override {
    return {{"Name", "string", "name", "Name must be unique.", 0},
            {"Capacity", "string", "", "The storage the volume provides.", 0},
            {"Access Modes", "string", "", "How the volume can be mounted.", 0},
            {"Reclaim Policy", "string", "", "What happens to the volume once released.", 0},
            {"Status", "string", "", "The phase of the volume.", 0},
            {"Claim", "string", "", "The claim bound to the volume.", 0},
            {"StorageClass", "string", "", "StorageClass of the pv", 0},
            {"VolumeAttributesClass", "string", "", "VolumeAttributesClass of the pv", 0},
            {"Reason", "string", "", "Why the volume is in its phase.", 0},
            {"Age", "string", "", "Time since the volume was created.", 0},
            {"VolumeMode", "string", "", "Filesystem or Block.", 1}};
  }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    static const json::object kEmpty;
    const json::object* spec_ptr = ObjectField(object, "spec");
    const json::object& spec = spec_ptr ? *spec_ptr : kEmpty;
    std::string claim;
    if (const json::object* ref = ObjectField(spec, "claimRef")) {
      claim = StringField(*ref, "namespace") + "/" + StringField(*ref, "name");
    }
    std::string phase = StringAt(object, "status.phase");
    if (ObjectAt(object, "metadata") &&
        ObjectAt(object, "metadata")->contains("deletionTimestamp")) {
      phase = "Terminating";
    }
    std::string mode = StringField(spec, "volumeMode", "<unset>");
    return {json::string(StringAt(object, "metadata.name")),
            json::string(StorageOf(ObjectField(spec, "capacity"))),
            json::string(AccessModesCell(&spec)),
            json::string(StringField(spec, "persistentVolumeReclaimPolicy")),
            json::string(phase),
            json::string(claim),
            json::string(StorageClassOf(object)),
            json::string(VolumeAttributesClassOf(object)),
            json::string(StringAt(object, "status.reason")),
            json::string(Age(object, now)),
            json::string(mode)};
  }
};

}  // namespace

std::unique_ptr<Strategy> NewPersistentVolumeStrategy(const StrategyContext&) {
  return std::make_unique<PersistentVolumeStrategy>();
}

}  // namespace mini::cluster::registry::core
