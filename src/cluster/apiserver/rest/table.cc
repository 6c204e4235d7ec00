#include "cluster/apiserver/rest/table.h"

#include <boost/json.hpp>

namespace mini::cluster::apiserver::rest {
namespace json = boost::json;

IncludeObject ParseIncludeObject(std::string_view value) {
  if (value == "None") return IncludeObject::kNone;
  if (value == "Object") return IncludeObject::kObject;
  return IncludeObject::kMetadata;
}

bool WantsTable(std::string_view accept) {
  // Each comma-separated alternative is checked on its own: "as=Table" must come with the
  // meta.k8s.io group, and any of v1 or v1beta1 is fine as both have the same shape.
  size_t start = 0;
  while (start < accept.size()) {
    size_t comma = accept.find(',', start);
    std::string_view part = accept.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (part.find("as=Table") != std::string_view::npos &&
        part.find("g=meta.k8s.io") != std::string_view::npos) {
      return true;
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return false;
}

json::object BuildTable(const registry::Strategy& strategy,
                        const std::vector<json::object>& objects, json::object list_metadata,
                        IncludeObject include, bool with_columns) {
  auto now = std::chrono::system_clock::now();
  json::object table{{"kind", "Table"}, {"apiVersion", "meta.k8s.io/v1"}};
  table["metadata"] = std::move(list_metadata);
  json::array columns;
  if (with_columns) {
    for (const registry::Column& column : strategy.Columns()) {
      json::object definition{{"name", column.name},
                              {"type", column.type},
                              {"format", column.format},
                              {"description", column.description},
                              {"priority", column.priority}};
      columns.push_back(std::move(definition));
    }
  }
  table["columnDefinitions"] = std::move(columns);
  json::array rows;
  for (const json::object& object : objects) {
    json::object row{{"cells", strategy.Cells(object, now)}};
    if (include == IncludeObject::kObject) {
      row["object"] = object;
    } else if (include == IncludeObject::kMetadata) {
      json::object partial{{"kind", "PartialObjectMetadata"}, {"apiVersion", "meta.k8s.io/v1"}};
      const json::value* metadata = object.if_contains("metadata");
      partial["metadata"] = metadata ? *metadata : json::object();
      row["object"] = std::move(partial);
    }
    rows.push_back(std::move(row));
  }
  table["rows"] = std::move(rows);
  return table;
}

}  // namespace mini::cluster::apiserver::rest
