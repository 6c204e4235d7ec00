// Volumes of a PodSpec: their defaults and their validation, split out of pod_spec.cc.
#include <boost/json.hpp>
#include <set>

#include "cluster/registry/core/checks.h"
#include "cluster/registry/core/pod_spec_parts.h"
#include "cluster/registry/core/quantity.h"

namespace mini::cluster::registry::core {
namespace json = boost::json;

namespace {

// Every volume source a Volume may carry, in the order upstream checks them.
constexpr const char* kSources[] = {"emptyDir",
                                    "hostPath",
                                    "gitRepo",
                                    "gcePersistentDisk",
                                    "awsElasticBlockStore",
                                    "secret",
                                    "nfs",
                                    "iscsi",
                                    "glusterfs",
                                    "flocker",
                                    "persistentVolumeClaim",
                                    "rbd",
                                    "cinder",
                                    "cephfs",
                                    "quobyte",
                                    "downwardAPI",
                                    "fc",
                                    "flexVolume",
                                    "configMap",
                                    "azureFile",
                                    "vsphereVolume",
                                    "photonPersistentDisk",
                                    "portworxVolume",
                                    "azureDisk",
                                    "storageos",
                                    "projected",
                                    "scaleIO",
                                    "csi",
                                    "ephemeral",
                                    "image"};

constexpr int64_t kDefaultFileMode = 0644;  // 420, what kubectl shows
constexpr const char* kFileModeError =
    "must be a number between 0 and 0777 (octal), both inclusive";

bool HasSource(const json::object& volume, const char* source) {
  const json::value* value = volume.if_contains(source);
  return value != nullptr && !value->is_null();
}

void DefaultMode(json::object& source) {
  if (!source.contains("defaultMode")) source["defaultMode"] = kDefaultFileMode;
}

void ValidateMode(const json::object& object, const char* field, const std::string& path,
                  FieldErrors& errors) {
  int64_t mode = 0;
  if (IntField(object, field, mode) && (mode < 0 || mode > 0777)) {
    errors.push_back(Invalid(Child(path, field), mode, kFileModeError));
  }
}

void ValidateRelativePath(const std::string& value, const std::string& path, FieldErrors& errors) {
  if (!value.empty() && value.front() == '/') {
    errors.push_back(Invalid(path, json::string(value), "must be a relative path"));
  }
  bool backstep = false;
  size_t start = 0;
  while (true) {
    size_t slash = value.find('/', start);
    if (value.substr(start, slash == std::string::npos ? std::string::npos : slash - start) ==
        "..") {
      backstep = true;
      errors.push_back(Invalid(path, json::string(value), "must not contain '..'"));
      break;
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (!backstep && value.rfind("..", 0) == 0) {
    errors.push_back(Invalid(path, json::string(value), "must not start with '..'"));
  }
}

void ValidateItems(const json::object& source, const std::string& path, FieldErrors& errors) {
  const json::array* items = ArrayField(source, "items");
  if (items == nullptr) return;
  for (size_t i = 0; i < items->size(); ++i) {
    if (!(*items)[i].is_object()) continue;
    const json::object& item = (*items)[i].get_object();
    std::string at = Index(Child(path, "items"), i);
    if (StringField(item, "key").empty()) errors.push_back(Required(Child(at, "key")));
    std::string item_path = StringField(item, "path");
    if (item_path.empty()) errors.push_back(Required(Child(at, "path")));
    ValidateRelativePath(item_path, Child(at, "path"), errors);
    ValidateMode(item, "mode", at, errors);
  }
}

void RequireString(const json::object& source, const char* field, const std::string& path,
                   FieldErrors& errors) {
  if (StringField(source, field).empty()) errors.push_back(Required(Child(path, field)));
}

void ValidateSource(const std::string& kind, const json::object& source, const std::string& path,
                    FieldErrors& errors) {
  if (kind == "emptyDir") {
    if (const json::value* limit = source.if_contains("sizeLimit")) {
      std::optional<Quantity> quantity = QuantityOf(*limit);
      if (!quantity || quantity->nanos < 0) {
        errors.push_back(Forbidden(Child(path, "sizeLimit"),
                                   "SizeLimit field must be a valid resource quantity"));
      }
    }
  } else if (kind == "hostPath") {
    std::string host_path = StringField(source, "path");
    if (host_path.empty()) {
      errors.push_back(Required(Child(path, "path")));
      return;
    }
    if (host_path.find("/../") != std::string::npos || host_path.rfind("../", 0) == 0 ||
        host_path == ".." ||
        (host_path.size() >= 3 && host_path.compare(host_path.size() - 3, 3, "/..") == 0)) {
      errors.push_back(
          Invalid(Child(path, "path"), json::string(host_path), "must not contain '..'"));
    }
    std::string type = StringField(source, "type");
    static const std::vector<std::string> kTypes = {
        "",     "BlockDevice",  "CharDevice", "Directory", "DirectoryOrCreate",
        "File", "FileOrCreate", "Socket"};
    if (std::find(kTypes.begin(), kTypes.end(), type) == kTypes.end()) {
      errors.push_back(NotSupported(Child(path, "type"), json::string(type), kTypes));
    }
  } else if (kind == "secret") {
    RequireString(source, "secretName", path, errors);
    ValidateMode(source, "defaultMode", path, errors);
    ValidateItems(source, path, errors);
  } else if (kind == "configMap") {
    RequireString(source, "name", path, errors);
    ValidateMode(source, "defaultMode", path, errors);
    ValidateItems(source, path, errors);
  } else if (kind == "persistentVolumeClaim") {
    RequireString(source, "claimName", path, errors);
  } else if (kind == "nfs") {
    RequireString(source, "server", path, errors);
    RequireString(source, "path", path, errors);
    std::string nfs_path = StringField(source, "path");
    if (nfs_path.empty() || nfs_path.front() != '/') {
      errors.push_back(
          Invalid(Child(path, "path"), json::string(nfs_path), "must be an absolute path"));
    }
  } else if (kind == "downwardAPI" || kind == "projected") {
    ValidateMode(source, "defaultMode", path, errors);
  } else if (kind == "csi") {
    RequireString(source, "driver", path, errors);
  } else if (kind == "ephemeral") {
    if (ObjectField(source, "volumeClaimTemplate") == nullptr) {
      errors.push_back(Required(Child(path, "volumeClaimTemplate")));
    }
  }
}

}  // namespace

void DefaultVolume(json::object& volume) {
  bool any = false;
  for (const char* source : kSources) any = any || HasSource(volume, source);
  if (!any) volume["emptyDir"] = json::object();
  for (const char* source : {"secret", "configMap", "downwardAPI", "projected"}) {
    if (json::value* value = volume.if_contains(source); value && value->is_object()) {
      DefaultMode(value->get_object());
    }
  }
  if (json::value* host_path = volume.if_contains("hostPath");
      host_path && host_path->is_object()) {
    if (!host_path->get_object().contains("type")) host_path->get_object()["type"] = "";
  }
  if (json::value* downward = volume.if_contains("downwardAPI");
      downward && downward->is_object()) {
    if (json::value* items = downward->get_object().if_contains("items");
        items && items->is_array()) {
      for (json::value& item : items->get_array()) {
        if (!item.is_object()) continue;
        if (json::value* ref = item.get_object().if_contains("fieldRef"); ref && ref->is_object()) {
          DefaultString(ref->get_object(), "apiVersion", "v1");
        }
      }
    }
  }
  if (json::value* projected = volume.if_contains("projected");
      projected && projected->is_object()) {
    if (json::value* sources = projected->get_object().if_contains("sources");
        sources && sources->is_array()) {
      for (json::value& source : sources->get_array()) {
        if (!source.is_object()) continue;
        if (json::value* token = source.get_object().if_contains("serviceAccountToken");
            token && token->is_object() && !token->get_object().contains("expirationSeconds")) {
          token->get_object()["expirationSeconds"] = 3600;
        }
        if (json::value* downward = source.get_object().if_contains("downwardAPI");
            downward && downward->is_object()) {
          if (json::value* items = downward->get_object().if_contains("items");
              items && items->is_array()) {
            for (json::value& item : items->get_array()) {
              if (!item.is_object()) continue;
              if (json::value* ref = item.get_object().if_contains("fieldRef");
                  ref && ref->is_object()) {
                DefaultString(ref->get_object(), "apiVersion", "v1");
              }
            }
          }
        }
      }
    }
  }
}

VolumeSources ValidateVolumes(const json::array* volumes, const std::string& path,
                              FieldErrors& errors) {
  VolumeSources valid;
  if (volumes == nullptr) return valid;
  for (size_t i = 0; i < volumes->size(); ++i) {
    std::string at = Index(path, i);
    if (!(*volumes)[i].is_object()) continue;
    const json::object& volume = (*volumes)[i].get_object();
    FieldErrors own;
    std::string first;
    for (const char* source : kSources) {
      if (!HasSource(volume, source)) continue;
      if (!first.empty()) {
        own.push_back(Forbidden(Child(at, source), "may not specify more than 1 volume type"));
        continue;
      }
      first = source;
      const json::value& value = volume.at(source);
      ValidateSource(first, value.is_object() ? value.get_object() : json::object(),
                     Child(at, source), own);
    }
    if (first.empty()) own.push_back(Required(at, "must specify a volume type"));
    std::string name = StringField(volume, "name");
    if (name.empty()) {
      own.push_back(Required(Child(at, "name")));
    } else {
      ValidateDns1123Label(name, Child(at, "name"), own);
    }
    if (valid.count(name) != 0) own.push_back(Duplicate(Child(at, "name"), json::string(name)));
    // Like upstream, only a volume without problems becomes something mounts may name.
    if (own.empty()) {
      valid[name] = first;
    } else {
      errors.insert(errors.end(), own.begin(), own.end());
    }
  }
  return valid;
}

}  // namespace mini::cluster::registry::core
