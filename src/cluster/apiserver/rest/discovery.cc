#include "cluster/apiserver/rest/discovery.h"

#include <boost/json.hpp>
#include <map>
#include <memory>

namespace mini::cluster::apiserver::rest {
namespace json = boost::json;
namespace schema = api::schema;

namespace {

// Kubernetes lists groups by priority rather than by name; clients show them in this order.
int GroupPriority(const std::string& group) {
  static const std::vector<std::string> kOrder = {"",
                                                  "apps",
                                                  "events.k8s.io",
                                                  "authentication.k8s.io",
                                                  "authorization.k8s.io",
                                                  "autoscaling",
                                                  "batch",
                                                  "networking.k8s.io",
                                                  "policy",
                                                  "rbac.authorization.k8s.io",
                                                  "storage.k8s.io",
                                                  "scheduling.k8s.io",
                                                  "coordination.k8s.io",
                                                  "discovery.k8s.io"};
  for (size_t i = 0; i < kOrder.size(); ++i) {
    if (kOrder[i] == group) return static_cast<int>(i);
  }
  return static_cast<int>(kOrder.size());
}

json::array Strings(const std::vector<std::string>& values) {
  json::array array;
  for (const std::string& value : values) array.push_back(json::string(value));
  return array;
}

std::vector<std::string> SubresourceVerbs(const schema::Subresource& sub) {
  if (sub.name == "status" || sub.name == "scale") return {"get", "patch", "update"};
  if (sub.name == "log") return {"get"};
  if (sub.name == "finalize") return {"update"};
  return {"create"};
}

// A group with its versions, newest first, and each version's resources.
struct Group {
  std::string name;
  std::map<std::string, std::vector<const schema::Resource*>, std::greater<>> versions;
};

std::vector<Group> Groups(const schema::Schema& schema,
                          const std::vector<schema::Resource>& served_elsewhere) {
  std::map<std::string, Group> by_name;
  auto add = [&by_name](const schema::Resource& resource) {
    Group& group = by_name[resource.group];
    group.name = resource.group;
    group.versions[resource.version].push_back(&resource);
  };
  for (const schema::Resource& resource : schema.resources()) add(resource);
  for (const schema::Resource& resource : served_elsewhere) add(resource);
  std::vector<Group> groups;
  for (auto& [name, group] : by_name) groups.push_back(std::move(group));
  std::stable_sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) {
    return GroupPriority(a.name) < GroupPriority(b.name);
  });
  return groups;
}

json::object ResourceList(const std::string& group_version,
                          const std::vector<const schema::Resource*>& resources) {
  json::array list;
  for (const schema::Resource* resource : resources) {
    json::object entry{{"name", resource->plural},
                       {"singularName", resource->singular},
                       {"namespaced", resource->namespaced},
                       {"kind", resource->kind},
                       {"verbs", Strings(resource->verbs)}};
    if (!resource->short_names.empty()) entry["shortNames"] = Strings(resource->short_names);
    if (!resource->categories.empty()) entry["categories"] = Strings(resource->categories);
    list.push_back(std::move(entry));
    for (const schema::Subresource& sub : resource->subresources) {
      json::object sub_entry{{"name", resource->plural + "/" + sub.name},
                             {"singularName", ""},
                             {"namespaced", resource->namespaced},
                             {"kind", sub.type->name},
                             {"verbs", Strings(SubresourceVerbs(sub))}};
      if (sub.group != resource->group) sub_entry["group"] = sub.group;
      if (sub.group != resource->group || sub.version != resource->version) {
        sub_entry["version"] = sub.version;
      }
      list.push_back(std::move(sub_entry));
    }
  }
  return json::object{{"kind", "APIResourceList"},
                      {"apiVersion", "v1"},
                      {"groupVersion", group_version},
                      {"resources", std::move(list)}};
}

json::object AggregatedGroup(const Group& group) {
  json::array versions;
  for (const auto& [version, resources] : group.versions) {
    json::array list;
    for (const schema::Resource* resource : resources) {
      json::object entry{{"resource", resource->plural},
                         {"responseKind", json::object{{"group", resource->group},
                                                       {"version", version},
                                                       {"kind", resource->kind}}},
                         {"scope", resource->namespaced ? "Namespaced" : "Cluster"},
                         {"singularResource", resource->singular},
                         {"verbs", Strings(resource->verbs)}};
      if (!resource->short_names.empty()) entry["shortNames"] = Strings(resource->short_names);
      if (!resource->categories.empty()) entry["categories"] = Strings(resource->categories);
      json::array subresources;
      for (const schema::Subresource& sub : resource->subresources) {
        subresources.push_back(json::object{
            {"subresource", sub.name},
            {"responseKind",
             json::object{
                 {"group", sub.group}, {"version", sub.version}, {"kind", sub.type->name}}},
            {"verbs", Strings(SubresourceVerbs(sub))}});
      }
      if (!subresources.empty()) entry["subresources"] = std::move(subresources);
      list.push_back(std::move(entry));
    }
    versions.push_back(json::object{
        {"version", version}, {"resources", std::move(list)}, {"freshness", "Current"}});
  }
  json::object metadata{{"creationTimestamp", nullptr}};
  if (!group.name.empty()) metadata["name"] = group.name;
  return json::object{{"metadata", std::move(metadata)}, {"versions", std::move(versions)}};
}

json::object LegacyGroup(const Group& group) {
  json::array versions;
  for (const auto& [version, resources] : group.versions) {
    versions.push_back(
        json::object{{"groupVersion", group.name + "/" + version}, {"version", version}});
  }
  json::value preferred = versions.front();
  return json::object{{"name", group.name},
                      {"versions", std::move(versions)},
                      {"preferredVersion", std::move(preferred)}};
}

Response Fixed(std::string content_type, const json::value& body) {
  Response response;
  response.content_type = std::move(content_type);
  response.body = json::serialize(body);
  return response;
}

// Picks the aggregated form when the client offers it, the legacy one otherwise.
Handler Negotiated(json::object aggregated, json::object legacy) {
  auto v2 = std::make_shared<Response>(Fixed(kAggregatedDiscoveryType, aggregated));
  aggregated["apiVersion"] = "apidiscovery.k8s.io/v2beta1";
  auto v2beta1 = std::make_shared<Response>(Fixed(kAggregatedDiscoveryTypeBeta, aggregated));
  auto plain = std::make_shared<Response>(Fixed("application/json", legacy));
  return [v2, v2beta1, plain](const Request& request) {
    std::string_view accept = request.headers.Get("Accept").value_or("");
    if (accept.find("as=APIGroupDiscoveryList") != std::string_view::npos) {
      if (accept.find("v=v2;") != std::string_view::npos ||
          accept.find("v=v2,") != std::string_view::npos ||
          accept.ends_with("v=v2;as=APIGroupDiscoveryList")) {
        return *v2;
      }
      if (accept.find("v=v2beta1") != std::string_view::npos) return *v2beta1;
    }
    return *plain;
  };
}

}  // namespace

void InstallDiscovery(Router& router, const schema::Schema& schema,
                      const std::string& server_address,
                      const std::vector<schema::Resource>& served_elsewhere) {
  std::vector<Group> groups = Groups(schema, served_elsewhere);
  json::array core_items, group_items, legacy_groups;
  for (const Group& group : groups) {
    if (group.name.empty()) {
      core_items.push_back(AggregatedGroup(group));
      for (const auto& [version, resources] : group.versions) {
        auto body =
            std::make_shared<Response>(Fixed("application/json", ResourceList(version, resources)));
        router.Handle("GET", "/api/" + version, [body](const Request&) { return *body; });
      }
      continue;
    }
    group_items.push_back(AggregatedGroup(group));
    json::object legacy = LegacyGroup(group);
    legacy_groups.push_back(legacy);
    legacy["kind"] = "APIGroup";
    legacy["apiVersion"] = "v1";
    auto group_body = std::make_shared<Response>(Fixed("application/json", legacy));
    router.Handle("GET", "/apis/" + group.name,
                  [group_body](const Request&) { return *group_body; });
    for (const auto& [version, resources] : group.versions) {
      std::string group_version = group.name + "/" + version;
      auto body = std::make_shared<Response>(
          Fixed("application/json", ResourceList(group_version, resources)));
      router.Handle("GET", "/apis/" + group_version, [body](const Request&) { return *body; });
    }
  }
  json::array core_versions;
  for (const Group& group : groups) {
    if (!group.name.empty()) continue;
    for (const auto& [version, resources] : group.versions)
      core_versions.push_back(json::string(version));
  }
  json::object api_legacy{
      {"kind", "APIVersions"},
      {"versions", std::move(core_versions)},
      {"serverAddressByClientCIDRs",
       json::array{json::object{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", server_address}}}}};
  json::object list{{"kind", "APIGroupDiscoveryList"},
                    {"apiVersion", "apidiscovery.k8s.io/v2"},
                    {"metadata", json::object()}};
  json::object api_aggregated = list;
  api_aggregated["items"] = std::move(core_items);
  json::object apis_aggregated = list;
  apis_aggregated["items"] = std::move(group_items);
  json::object apis_legacy{
      {"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", std::move(legacy_groups)}};
  router.Handle("GET", "/api", Negotiated(std::move(api_aggregated), std::move(api_legacy)));
  router.Handle("GET", "/apis", Negotiated(std::move(apis_aggregated), std::move(apis_legacy)));
}

}  // namespace mini::cluster::apiserver::rest
