#include "cluster/registry/core/template_cells.h"

#include <boost/json.hpp>

#include "cluster/registry/core/checks.h"

namespace mini::cluster::registry::core {
namespace json = boost::json;

std::pair<std::string, std::string> ContainerCells(const json::object* spec) {
  std::string names;
  std::string images;
  const json::array* containers = spec ? ArrayField(*spec, "containers") : nullptr;
  for (size_t i = 0; containers && i < containers->size(); ++i) {
    const json::object* container = (*containers)[i].if_object();
    if (i > 0) {
      names += ",";
      images += ",";
    }
    if (container) {
      names += StringField(*container, "name");
      images += StringField(*container, "image");
    }
  }
  return {names, images};
}

}  // namespace mini::cluster::registry::core
