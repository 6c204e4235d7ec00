// The documents of the compiled-in schema, checked the way kubectl reads them.
#include <doctest/doctest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <chrono>
#include <set>

#include "cluster/api/openapi/openapi.h"
#include "openapi_test_util.h"

namespace mini::cluster::api::openapi {
namespace {

namespace json = boost::json;
using testing::Field;
using testing::QueryParamNames;
using testing::Resolve;
using testing::StringAt;
using testing::UnresolvedRefs;

const schema::Schema& Builtin() { return schema::Builtin(); }

// Built once: the checks below only read.
const Documents& Served() {
  static const Documents documents = BuildDocuments(Builtin());
  return documents;
}

const json::object& V3(std::string_view group, std::string_view version) {
  static std::map<std::string, json::object> parsed;
  std::string path = GroupVersionPath(group, version);
  auto it = parsed.find(path);
  if (it == parsed.end()) {
    it = parsed.emplace(path, json::parse(Served().v3.at(path).json).as_object()).first;
  }
  return it->second;
}

const json::object& Schemas(const json::object& document) {
  return document.at("components").at("schemas").get_object();
}

json::value Gvk(std::string_view group, std::string_view version, std::string_view kind) {
  return json::object{{"group", group}, {"kind", kind}, {"version", version}};
}

bool HasGvk(const json::object& schema, const json::value& gvk) {
  const json::value* gvks = schema.if_contains("x-kubernetes-group-version-kind");
  if (gvks == nullptr) return false;
  const json::array& list = gvks->get_array();
  return std::find(list.begin(), list.end(), gvk) != list.end();
}

constexpr std::string_view kMethods[] = {"get", "put", "post", "delete", "patch"};

TEST_SUITE("api/openapi/builtin") {
  TEST_CASE("every served group-version has a document whose references all resolve") {
    std::set<std::string> expected;
    for (const schema::Resource& resource : Builtin().resources()) {
      expected.insert(GroupVersionPath(resource.group, resource.version));
    }
    std::set<std::string> served;
    for (const auto& [path, document] : Served().v3) served.insert(path);
    CHECK(served == expected);
    for (const std::string& path : served) {
      json::value document = json::parse(Served().v3.at(path).json);
      CAPTURE(path);
      CHECK(UnresolvedRefs(document, testing::kV3Prefix, Schemas(document.as_object())) ==
            std::vector<std::string>{});
    }
    json::value v2 = json::parse(Served().v2.json);
    CHECK(UnresolvedRefs(v2, testing::kV2Prefix, v2.at("definitions").get_object()) ==
          std::vector<std::string>{});
  }

  TEST_CASE("the index lists every document under the hash of its bytes") {
    json::value index = json::parse(Served().v3_index);
    const json::object& paths = index.at("paths").get_object();
    CHECK(paths.size() == Served().v3.size());
    for (const auto& [path, document] : Served().v3) {
      CAPTURE(path);
      REQUIRE(paths.contains(path));
      CHECK(StringAt(paths.at(path).get_object(), "serverRelativeURL") ==
            "/openapi/v3/" + path + "?hash=" + ContentHash(document.json));
    }
  }

  TEST_CASE("every served kind and its list carry their GVK") {
    for (const schema::Resource& resource : Builtin().resources()) {
      CAPTURE(resource.plural);
      const json::object& schemas = Schemas(V3(resource.group, resource.version));
      std::string name = resource.type->OpenApiName();
      REQUIRE(schemas.contains(name));
      CHECK(HasGvk(schemas.at(name).get_object(),
                   Gvk(resource.group, resource.version, resource.kind)));
      if (std::binary_search(resource.verbs.begin(), resource.verbs.end(), "list")) {
        REQUIRE(schemas.contains(name + "List"));
        CHECK(HasGvk(schemas.at(name + "List").get_object(),
                     Gvk(resource.group, resource.version, resource.kind + "List")));
      }
    }
  }

  TEST_CASE("every operation's GVK names a schema of the same document, as explain needs") {
    for (const auto& [path, served] : Served().v3) {
      json::value document = json::parse(served.json);
      const json::object& schemas = Schemas(document.as_object());
      for (const auto& [url, item] : document.at("paths").get_object()) {
        for (std::string_view method : kMethods) {
          const json::value* operation = item.get_object().if_contains(method);
          if (operation == nullptr) continue;
          const json::value& gvk = operation->at("x-kubernetes-group-version-kind");
          bool found = std::any_of(schemas.begin(), schemas.end(), [&](const auto& entry) {
            return HasGvk(entry.value().get_object(), gvk);
          });
          CAPTURE(url);
          CAPTURE(method);
          CHECK(found);
        }
      }
    }
  }

  TEST_CASE("every write of every resource offers fieldValidation, as apply's probe needs") {
    // kubectl takes the first PATCH operation whose GVK is the object's and requires the
    // parameter there, so every one of them must have it (and POST and PUT for create/replace).
    for (const auto& [path, served] : Served().v3) {
      json::value document = json::parse(served.json);
      for (const auto& [url, item] : document.at("paths").get_object()) {
        for (std::string_view method : {"post", "put", "patch"}) {
          const json::value* operation = item.get_object().if_contains(method);
          if (operation == nullptr) continue;
          std::vector<std::string> names = QueryParamNames(operation->get_object());
          CAPTURE(url);
          CAPTURE(method);
          CHECK(std::count(names.begin(), names.end(), "fieldValidation") == 1);
          CHECK(std::count(names.begin(), names.end(), "dryRun") == 1);
          CHECK(std::count(names.begin(), names.end(), "fieldManager") == 1);
        }
      }
    }
    for (const schema::Resource& resource : Builtin().resources()) {
      if (!std::binary_search(resource.verbs.begin(), resource.verbs.end(), "patch")) continue;
      json::value gvk = Gvk(resource.group, resource.version, resource.kind);
      int patches = 0;
      for (const auto& [url, item] :
           V3(resource.group, resource.version).at("paths").get_object()) {
        const json::value* patch = item.get_object().if_contains("patch");
        if (patch != nullptr && patch->at("x-kubernetes-group-version-kind") == gvk) ++patches;
      }
      CAPTURE(resource.plural);
      CHECK(patches >= 1);
    }
  }

  TEST_CASE("apps/v1 deployments: writes, patch types and scale") {
    const json::object& paths = V3("apps", "v1").at("paths").get_object();
    const std::string base = "/apis/apps/v1/namespaces/{namespace}/deployments";
    json::value deployment = Gvk("apps", "v1", "Deployment");
    for (const auto& [path, method] :
         {std::pair{base, "post"}, std::pair{base + "/{name}", "put"},
          std::pair{base + "/{name}", "patch"}, std::pair{base + "/{name}/status", "patch"}}) {
      CAPTURE(path);
      CAPTURE(method);
      const json::object& operation = paths.at(path).at(method).get_object();
      CHECK(operation.at("x-kubernetes-group-version-kind") == deployment);
      std::vector<std::string> names = QueryParamNames(operation);
      CHECK(std::find(names.begin(), names.end(), "fieldValidation") != names.end());
    }
    const json::object& patch = paths.at(base + "/{name}").at("patch").get_object();
    CHECK(patch.at("requestBody")
              .at("content")
              .get_object()
              .contains("application/strategic-merge-patch+json"));
    CHECK(patch.at("requestBody")
              .at("content")
              .get_object()
              .contains("application/apply-patch+yaml"));
    const json::object& scale = paths.at(base + "/{name}/scale").get_object();
    CHECK(scale.at("patch").at("x-kubernetes-group-version-kind") ==
          Gvk("autoscaling", "v1", "Scale"));
    CHECK(HasGvk(Schemas(V3("apps", "v1")).at("io.k8s.api.autoscaling.v1.Scale").get_object(),
                 Gvk("autoscaling", "v1", "Scale")));
    CHECK(paths.at("/apis/apps/v1/deployments").at("get").at("x-kubernetes-action") == "list");
  }

  TEST_CASE("strategic merge patch metadata is where kubectl looks for it") {
    const json::object& schemas = Schemas(V3("apps", "v1"));
    const json::object* deployment = &schemas.at("io.k8s.api.apps.v1.Deployment").get_object();

    const json::object* containers =
        Field(schemas, deployment, {"spec", "template", "spec", "containers"});
    REQUIRE(containers != nullptr);
    CHECK(StringAt(*containers, "x-kubernetes-patch-strategy") == "merge");
    CHECK(StringAt(*containers, "x-kubernetes-patch-merge-key") == "name");
    CHECK(StringAt(*containers, "x-kubernetes-list-type") == "map");
    CHECK(containers->at("x-kubernetes-list-map-keys") == json::array{"name"});

    const json::object* env =
        Field(schemas, deployment, {"spec", "template", "spec", "containers", "env"});
    REQUIRE(env != nullptr);
    CHECK(StringAt(*env, "x-kubernetes-patch-merge-key") == "name");
    const json::object* ports =
        Field(schemas, deployment, {"spec", "template", "spec", "containers", "ports"});
    REQUIRE(ports != nullptr);
    CHECK(StringAt(*ports, "x-kubernetes-patch-merge-key") == "containerPort");
    CHECK(ports->at("x-kubernetes-list-map-keys") == json::array{"containerPort", "protocol"});

    const json::object* volumes =
        Field(schemas, deployment, {"spec", "template", "spec", "volumes"});
    REQUIRE(volumes != nullptr);
    CHECK(StringAt(*volumes, "x-kubernetes-patch-strategy") == "merge,retainKeys");
    const json::object* strategy = Field(schemas, deployment, {"spec", "strategy"});
    REQUIRE(strategy != nullptr);
    CHECK(StringAt(*strategy, "x-kubernetes-patch-strategy") == "retainKeys");
    // A volume's source is inlined, so its kinds are volume fields.
    CHECK(Field(schemas, deployment, {"spec", "template", "spec", "volumes", "configMap"}) !=
          nullptr);
    const json::object* finalizers = Field(schemas, deployment, {"metadata", "finalizers"});
    REQUIRE(finalizers != nullptr);
    CHECK(StringAt(*finalizers, "x-kubernetes-patch-strategy") == "merge");

    const json::object& core = Schemas(V3("", "v1"));
    const json::object* service_ports =
        Field(core, &core.at("io.k8s.api.core.v1.Service").get_object(), {"spec", "ports"});
    REQUIRE(service_ports != nullptr);
    CHECK(StringAt(*service_ports, "x-kubernetes-patch-merge-key") == "port");
    const json::object* target_port = Field(
        core, &core.at("io.k8s.api.core.v1.Service").get_object(), {"spec", "ports", "targetPort"});
    REQUIRE(target_port != nullptr);
    const json::object* resolved = Resolve(target_port, core);
    REQUIRE(resolved != nullptr);
    CHECK(StringAt(*resolved, "format") == "int-or-string");
  }

  TEST_CASE("v2 and v3 describe the same definitions") {
    json::value v2 = json::parse(Served().v2.json);
    const json::object& definitions = v2.at("definitions").get_object();
    std::set<std::string> v3_names;
    for (const auto& [path, served] : Served().v3) {
      json::value document = json::parse(served.json);
      for (const auto& entry : Schemas(document.as_object())) {
        v3_names.insert(entry.key());
        const json::object& v3_schema = entry.value().get_object();
        CAPTURE(entry.key());
        REQUIRE(definitions.contains(entry.key()));
        const json::object& v2_schema = definitions.at(entry.key()).get_object();
        for (std::string_view key : {"required", "x-kubernetes-group-version-kind",
                                     "x-kubernetes-map-type", "description", "enum"}) {
          CAPTURE(key);
          CHECK((v2_schema.if_contains(key) == nullptr) == (v3_schema.if_contains(key) == nullptr));
          if (v3_schema.contains(key) && v2_schema.contains(key)) {
            CHECK(v2_schema.at(key) == v3_schema.at(key));
          }
        }
        const json::value* v3_properties = v3_schema.if_contains("properties");
        const json::value* v2_properties = v2_schema.if_contains("properties");
        REQUIRE((v3_properties == nullptr) == (v2_properties == nullptr));
        if (v3_properties == nullptr) continue;
        REQUIRE(v3_properties->get_object().size() == v2_properties->get_object().size());
        for (const auto& property : v3_properties->get_object()) {
          CAPTURE(property.key());
          REQUIRE(v2_properties->get_object().contains(property.key()));
          const json::object& a = property.value().get_object();
          const json::object& b = v2_properties->get_object().at(property.key()).get_object();
          for (const auto& keyword : a) {
            if (!keyword.key().starts_with("x-kubernetes-")) continue;
            CHECK(b.if_contains(keyword.key()) != nullptr);
            if (b.contains(keyword.key())) CHECK(b.at(keyword.key()) == keyword.value());
          }
          // Same target: v3 wraps references with siblings in allOf, v2 does not.
          std::string a_ref = a.contains("allOf")
                                  ? StringAt(a.at("allOf").at(0).get_object(), "$ref")
                                  : StringAt(a, "$ref");
          std::string b_ref = StringAt(b, "$ref");
          if (!a_ref.empty()) a_ref.erase(0, testing::kV3Prefix.size());
          if (!b_ref.empty()) b_ref.erase(0, testing::kV2Prefix.size());
          CHECK(a_ref == b_ref);
        }
      }
    }
    std::set<std::string> v2_names;
    for (const auto& entry : definitions) v2_names.insert(entry.key());
    CHECK(v2_names == v3_names);
  }

  TEST_CASE("building every document stays cheap") {
    auto start = std::chrono::steady_clock::now();
    Documents documents = BuildDocuments(Builtin());
    auto elapsed =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start);
    size_t bytes = documents.v2.json.size();
    for (const auto& [path, document] : documents.v3) bytes += document.json.size();
    MESSAGE("built ", documents.v3.size() + 1, " documents, ", bytes, " bytes, in ",
            elapsed.count(), " ms");
    // A release build takes a few tens of milliseconds; the bound leaves room for sanitizers.
    CHECK(elapsed.count() < 5000);
  }
}

}  // namespace
}  // namespace mini::cluster::api::openapi
