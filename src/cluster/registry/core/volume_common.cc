#include "cluster/registry/core/volume_common.h"

#include <boost/json.hpp>
#include <vector>

#include "cluster/registry/core/checks.h"
#include "cluster/registry/core/quantity.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::core {
namespace json = boost::json;

void ValidateAccessModes(const json::object& spec, const std::string& path, FieldErrors& errors) {
  const json::array* modes = ArrayField(spec, "accessModes");
  if (modes == nullptr) return;
  bool once_pod = false;
  bool others = false;
  for (const json::value& value : *modes) {
    std::string mode = value.is_string() ? std::string(value.get_string()) : "";
    if (mode == "ReadWriteOncePod") {
      once_pod = true;
    } else if (mode == "ReadWriteOnce" || mode == "ReadOnlyMany" || mode == "ReadWriteMany") {
      others = true;
    } else {
      errors.push_back(
          NotSupported(Child(path, "accessModes"), json::string(mode),
                       {"ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"}));
    }
  }
  if (once_pod && others) {
    errors.push_back(Forbidden(Child(path, "accessModes"),
                               "may not use ReadWriteOncePod with other access modes"));
  }
}

std::string AccessModesCell(const json::object* holder) {
  const json::array* modes = holder ? ArrayField(*holder, "accessModes") : nullptr;
  auto has = [modes](std::string_view mode) {
    if (modes == nullptr) return false;
    for (const json::value& value : *modes) {
      if (value.is_string() && value.get_string() == mode) return true;
    }
    return false;
  };
  std::vector<std::string> out;
  if (has("ReadWriteOnce")) out.emplace_back("RWO");
  if (has("ReadOnlyMany")) out.emplace_back("ROX");
  if (has("ReadWriteMany")) out.emplace_back("RWX");
  if (has("ReadWriteOncePod")) out.emplace_back("RWOP");
  std::string joined;
  for (const std::string& mode : out) joined += (joined.empty() ? "" : ",") + mode;
  return joined;
}

std::string StorageClassOf(const json::object& object) {
  if (const json::object* annotations = ObjectAt(object, "metadata.annotations")) {
    if (const json::value* value =
            annotations->if_contains("volume.beta.kubernetes.io/storage-class");
        value && value->is_string()) {
      return std::string(value->get_string());
    }
  }
  return StringAt(object, "spec.storageClassName");
}

std::string VolumeAttributesClassOf(const json::object& object) {
  const json::object* spec = ObjectField(object, "spec");
  const json::value* value = spec ? spec->if_contains("volumeAttributesClassName") : nullptr;
  return value && value->is_string() ? std::string(value->get_string()) : "<unset>";
}

std::string StorageOf(const json::object* resources) {
  const json::value* value = resources ? resources->if_contains("storage") : nullptr;
  if (value == nullptr) return "0";
  std::optional<Quantity> quantity = QuantityOf(*value);
  return quantity ? FormatQuantity(*quantity)
                  : (value->is_string() ? std::string(value->get_string()) : "");
}

}  // namespace mini::cluster::registry::core
