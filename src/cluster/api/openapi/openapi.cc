// Assembles whole documents from the model, the schemas and the operations.
#include "cluster/api/openapi/openapi.h"

#include <array>
#include <boost/json/array.hpp>
#include <vector>

#include "cluster/api/openapi/model.h"
#include "cluster/api/openapi/operations.h"
#include "cluster/api/openapi/schemas.h"

namespace mini::cluster::api::openapi {
namespace {

namespace json = boost::json;

// The Kubernetes release whose API mini serves, as GET /version reports it.
constexpr std::string_view kKubernetesVersion = "v1.32.4";

json::object Info() { return {{"title", "Kubernetes"}, {"version", kKubernetesVersion}}; }

json::object BearerToken() {
  return {{"type", "apiKey"},
          {"in", "header"},
          {"name", "authorization"},
          {"description", "A bearer token in the Authorization header."}};
}

json::array Security() { return json::array{json::object{{"BearerToken", json::array()}}}; }

// Builds documents for one schema; each definition's schema is built once per dialect and
// copied into every document that reaches it.
class Builder {
 public:
  explicit Builder(const schema::Schema& schema) : model_(schema) {}

  const Model& model() const { return model_; }

  json::object V3(const GroupVersion& gv) {
    json::object paths;
    for (const schema::Resource* resource : model_.ResourcesOf(gv)) {
      AddResourcePaths(model_, Dialect::kV3, *resource, paths);
    }
    json::object components{{"schemas", Definitions(Dialect::kV3, model_.RootsOf(gv))},
                            {"securitySchemes", {{"BearerToken", BearerToken()}}}};
    return {{"openapi", "3.0.0"},
            {"info", Info()},
            {"paths", std::move(paths)},
            {"components", std::move(components)},
            {"security", Security()}};
  }

  json::object V2() {
    json::object paths;
    std::vector<std::string> roots;
    for (const GroupVersion& gv : model_.group_versions()) {
      for (const schema::Resource* resource : model_.ResourcesOf(gv)) {
        AddResourcePaths(model_, Dialect::kV2, *resource, paths);
      }
      std::vector<std::string> more = model_.RootsOf(gv);
      roots.insert(roots.end(), more.begin(), more.end());
    }
    return {{"swagger", "2.0"},
            {"info", Info()},
            {"paths", std::move(paths)},
            {"definitions", Definitions(Dialect::kV2, roots)},
            {"securityDefinitions", {{"BearerToken", BearerToken()}}},
            {"security", Security()}};
  }

 private:
  json::object Definitions(Dialect dialect, const std::vector<std::string>& roots) {
    auto& cache = cache_[static_cast<size_t>(dialect)];
    json::object out;
    for (const std::string& name : model_.Reachable(roots)) {
      auto it = cache.find(name);
      if (it == cache.end()) {
        it = cache.emplace(name, DefinitionSchema(model_, dialect, *model_.Find(name))).first;
      }
      out[name] = it->second;
    }
    return out;
  }

  Model model_;
  std::array<std::map<std::string, json::object, std::less<>>, 2> cache_;
};

ServedDocument Serve(const json::object& document) {
  ServedDocument served;
  served.json = CanonicalJson(document);
  served.hash = ContentHash(served.json);
  return served;
}

}  // namespace

std::string GroupVersionPath(std::string_view group, std::string_view version) {
  if (group.empty()) return "api/" + std::string(version);
  return "apis/" + std::string(group) + "/" + std::string(version);
}

json::object BuildV3Document(const schema::Schema& schema, std::string_view group,
                             std::string_view version) {
  return Builder(schema).V3({std::string(group), std::string(version)});
}

json::object BuildV2Document(const schema::Schema& schema) { return Builder(schema).V2(); }

json::object BuildV3Index(const std::map<std::string, ServedDocument>& v3) {
  json::object paths;
  for (const auto& [path, document] : v3) {
    paths[path] = {{"serverRelativeURL", "/openapi/v3/" + path + "?hash=" + document.hash}};
  }
  return {{"paths", std::move(paths)}};
}

Documents BuildDocuments(const schema::Schema& schema) {
  Builder builder(schema);
  Documents documents;
  for (const GroupVersion& gv : builder.model().group_versions()) {
    documents.v3[GroupVersionPath(gv.group, gv.version)] = Serve(builder.V3(gv));
  }
  documents.v3_index = CanonicalJson(BuildV3Index(documents.v3));
  documents.v2 = Serve(builder.V2());
  return documents;
}

}  // namespace mini::cluster::api::openapi
