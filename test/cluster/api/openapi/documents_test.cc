#include <doctest/doctest.h>

#include <algorithm>
#include <boost/json/parse.hpp>

#include "cluster/api/openapi/openapi.h"
#include "openapi_test_util.h"

namespace mini::cluster::api::openapi {
namespace {

namespace json = boost::json;
using testing::QueryParamNames;
using testing::StringAt;
using testing::UnresolvedRefs;

const char* kWidgets = R"(
group: example.mini.dev
version: v1
resources:
  widgets: {kind: Widget, subresources: {status: Widget}}
  gadgets: {kind: Gadget, namespaced: false, verbs: [create, get, list]}
types:
  Widget:
    description: A thing with parts.
    fields:
      metadata: {proto: 1, type: meta/v1.ObjectMeta}
      parts: {proto: 2, type: "[]Part", list: map, keys: [name], patch: merge, mergeKey: name,
        description: "The parts, by name."}
      sizes: {proto: 3, type: "map[string]Quantity"}
      replicas: {proto: 4, type: int32, pointer: true}
      source: {proto: 5, type: Source, inline: true}
      port: {proto: 6, type: IntOrString}
      count: {proto: 7, type: int64, required: true}
      strategy: {proto: 8, type: Source, patch: "merge,retainKeys"}
      tags: {proto: 9, type: "[]string", list: set}
      labels: {proto: 10, type: "map[string]string", mapType: atomic}
  Gadget:
    fields:
      metadata: {proto: 1, type: meta/v1.ObjectMeta}
  Part:
    structType: atomic
    fields:
      name: {proto: 1, type: string, required: true}
      protocol: {proto: 2, type: string, enum: [TCP, UDP], default: "TCP"}
      port: {proto: 3, type: int32, default: 80}
  Source:
    fields:
      url: {proto: 1, type: string, required: true}
      since: {proto: 2, type: Time}
)";

const char* kMeta = R"(
group: meta.k8s.io
version: v1
types:
  ObjectMeta:
    fields:
      name: {proto: 1, type: string}
  ListMeta:
    fields:
      continue: {proto: 3, type: string}
  Status:
    fields:
      metadata: {proto: 1, type: ListMeta}
      code: {proto: 6, type: int32}
  DeleteOptions:
    fields:
      gracePeriodSeconds: {proto: 1, type: int64, pointer: true}
)";

const schema::Schema& Widgets() {
  static const std::shared_ptr<const schema::Schema> schema = [] {
    auto loaded = schema::Schema::Load({{"example_v1.yaml", kWidgets}, {"meta_v1.yaml", kMeta}});
    REQUIRE_MESSAGE(loaded.ok(), loaded.status().message());
    return *loaded;
  }();
  return *schema;
}

constexpr std::string_view kWidget = "io.k8s.api.example.v1.Widget";
constexpr std::string_view kCollection = "/apis/example.mini.dev/v1/namespaces/{namespace}/widgets";

const json::object& Schemas(const json::object& document) {
  return document.at("components").at("schemas").get_object();
}

const json::object& SchemaOf(const json::object& document, std::string_view name) {
  return Schemas(document).at(name).get_object();
}

json::value Gvk(std::string_view group, std::string_view version, std::string_view kind) {
  return json::object{{"group", group}, {"kind", kind}, {"version", version}};
}

bool Has(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

TEST_SUITE("api/openapi/documents") {
  TEST_CASE("a v3 document names every schema it reaches and only those") {
    json::object document = BuildV3Document(Widgets(), "example.mini.dev", "v1");
    CHECK(StringAt(document, "openapi") == "3.0.0");
    const json::object& schemas = Schemas(document);
    for (std::string_view name :
         {"io.k8s.api.example.v1.Widget", "io.k8s.api.example.v1.WidgetList",
          "io.k8s.api.example.v1.Gadget", "io.k8s.api.example.v1.GadgetList",
          "io.k8s.api.example.v1.Part", "io.k8s.api.example.v1.Source",
          "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
          "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta",
          "io.k8s.apimachinery.pkg.apis.meta.v1.Status",
          "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions",
          "io.k8s.apimachinery.pkg.apis.meta.v1.Patch", "io.k8s.apimachinery.pkg.apis.meta.v1.Time",
          "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent",
          "io.k8s.apimachinery.pkg.runtime.RawExtension",
          "io.k8s.apimachinery.pkg.api.resource.Quantity",
          "io.k8s.apimachinery.pkg.util.intstr.IntOrString"}) {
      CHECK_MESSAGE(schemas.contains(name), name);
    }
    CHECK_FALSE(schemas.contains("io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime"));
    CHECK_FALSE(schemas.contains("io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1"));
    CHECK(UnresolvedRefs(document, testing::kV3Prefix, schemas).empty());
  }

  TEST_CASE("a kind carries its GVK, apiVersion and kind, and fields keep their facts") {
    json::object document = BuildV3Document(Widgets(), "example.mini.dev", "v1");
    const json::object& widget = SchemaOf(document, kWidget);
    CHECK(widget.at("x-kubernetes-group-version-kind") ==
          json::array{Gvk("example.mini.dev", "v1", "Widget")});
    CHECK(StringAt(widget, "description") == "A thing with parts.");
    const json::object& properties = widget.at("properties").get_object();
    CHECK(properties.at("apiVersion").at("type") == "string");
    CHECK(properties.at("kind").at("type") == "string");
    // Only declared required fields; the inlined Source brings its own.
    CHECK(widget.at("required") == json::array{"url", "count"});

    const json::object& parts = properties.at("parts").get_object();
    CHECK(parts.at("type") == "array");
    CHECK(parts.at("x-kubernetes-list-type") == "map");
    CHECK(parts.at("x-kubernetes-list-map-keys") == json::array{"name"});
    CHECK(parts.at("x-kubernetes-patch-strategy") == "merge");
    CHECK(parts.at("x-kubernetes-patch-merge-key") == "name");
    CHECK(parts.at("description") == "The parts, by name.");
    CHECK(parts.at("items") ==
          json::parse(R"({"allOf":[{"$ref":"#/components/schemas/io.k8s.api.example.v1.Part"}],
                          "default":{}})"));

    CHECK(properties.at("sizes") == json::parse(R"({"type":"object","additionalProperties":
             {"$ref":"#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity"}})"));
    CHECK(properties.at("replicas") == json::parse(R"({"type":"integer","format":"int32"})"));
    CHECK(properties.at("count") ==
          json::parse(R"({"type":"integer","format":"int64","default":0})"));
    CHECK(
        properties.at("port") ==
        json::parse(
            R"({"$ref":"#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString"})"));
    CHECK(properties.at("strategy").at("x-kubernetes-patch-strategy") == "merge,retainKeys");
    CHECK(properties.at("strategy").at("default") == json::object());
    CHECK(properties.at("tags") == json::parse(R"({"type":"array","x-kubernetes-list-type":"set",
                                                   "items":{"type":"string","default":""}})"));
    CHECK(properties.at("labels").at("x-kubernetes-map-type") == "atomic");

    // Inlined fields are flattened into the parent.
    CHECK(properties.contains("url"));
    CHECK(properties.contains("since"));
    CHECK_FALSE(properties.contains("source"));
  }

  TEST_CASE("plain types carry enums, defaults and structType without a GVK") {
    json::object document = BuildV3Document(Widgets(), "example.mini.dev", "v1");
    const json::object& part = SchemaOf(document, "io.k8s.api.example.v1.Part");
    CHECK_FALSE(part.contains("x-kubernetes-group-version-kind"));
    CHECK(part.at("x-kubernetes-map-type") == "atomic");
    const json::object& properties = part.at("properties").get_object();
    CHECK_FALSE(properties.contains("apiVersion"));
    CHECK(properties.at("protocol") ==
          json::parse(R"({"type":"string","enum":["TCP","UDP"],"default":"TCP"})"));
    CHECK(properties.at("port").at("default") == 80);
    CHECK(properties.at("name").at("default") == "");
  }

  TEST_CASE("special scalars use Kubernetes' names and shapes") {
    json::object v3 = BuildV3Document(Widgets(), "example.mini.dev", "v1");
    json::object v2 = BuildV2Document(Widgets());
    const json::object& v2_definitions = v2.at("definitions").get_object();
    const json::object& quantity = SchemaOf(v3, "io.k8s.apimachinery.pkg.api.resource.Quantity");
    CHECK(quantity.at("oneOf") == json::parse(R"([{"type":"string"},{"type":"number"}])"));
    CHECK_FALSE(quantity.contains("type"));
    CHECK(v2_definitions.at("io.k8s.apimachinery.pkg.api.resource.Quantity").at("type") ==
          "string");
    const json::object& int_or_string =
        SchemaOf(v3, "io.k8s.apimachinery.pkg.util.intstr.IntOrString");
    CHECK(int_or_string.at("format") == "int-or-string");
    CHECK(int_or_string.at("oneOf") == json::parse(R"([{"type":"integer"},{"type":"string"}])"));
    CHECK(v2_definitions.at("io.k8s.apimachinery.pkg.util.intstr.IntOrString").at("type") ==
          "string");
    const json::object& time = SchemaOf(v3, "io.k8s.apimachinery.pkg.apis.meta.v1.Time");
    CHECK(time.at("type") == "string");
    CHECK(time.at("format") == "date-time");
    CHECK(SchemaOf(v3, "io.k8s.apimachinery.pkg.runtime.RawExtension").at("type") == "object");
  }

  TEST_CASE("lists are kinds with items and ListMeta") {
    json::object document = BuildV3Document(Widgets(), "example.mini.dev", "v1");
    const json::object& list = SchemaOf(document, "io.k8s.api.example.v1.WidgetList");
    CHECK(list.at("x-kubernetes-group-version-kind") ==
          json::array{Gvk("example.mini.dev", "v1", "WidgetList")});
    CHECK(list.at("required") == json::array{"items"});
    const json::object& properties = list.at("properties").get_object();
    CHECK(properties.at("items").at("items").at("allOf").at(0).at("$ref") ==
          "#/components/schemas/io.k8s.api.example.v1.Widget");
    CHECK(properties.at("metadata").at("allOf").at(0).at("$ref") ==
          "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta");
    CHECK(properties.contains("apiVersion"));
    CHECK(properties.contains("kind"));
  }

  TEST_CASE("namespaced resources get collection, item, status and all-namespaces paths") {
    json::object document = BuildV3Document(Widgets(), "example.mini.dev", "v1");
    const json::object& paths = document.at("paths").get_object();
    std::string collection(kCollection);
    REQUIRE(paths.contains(collection));
    REQUIRE(paths.contains(collection + "/{name}"));
    REQUIRE(paths.contains(collection + "/{name}/status"));
    REQUIRE(paths.contains("/apis/example.mini.dev/v1/widgets"));

    const json::object& item = paths.at(collection + "/{name}").get_object();
    for (std::string_view method : {"get", "put", "patch", "delete"}) {
      REQUIRE_MESSAGE(item.contains(method), method);
      CHECK(item.at(method).at("x-kubernetes-group-version-kind") ==
            Gvk("example.mini.dev", "v1", "Widget"));
    }
    CHECK(item.at("get").at("x-kubernetes-action") == "get");
    CHECK(item.at("put").at("x-kubernetes-action") == "put");
    CHECK(item.at("delete").at("x-kubernetes-action") == "delete");
    CHECK(item.at("get").at("operationId") == "readExampleMiniDevV1NamespacedWidget");

    const json::object& list = paths.at(collection).get_object();
    CHECK(list.at("get").at("x-kubernetes-action") == "list");
    CHECK(list.at("post").at("x-kubernetes-action") == "post");
    CHECK(list.at("delete").at("x-kubernetes-action") == "deletecollection");
    CHECK(Has(QueryParamNames(list.at("get").get_object()), "labelSelector"));
    CHECK(Has(QueryParamNames(list.at("get").get_object()), "watch"));
    CHECK(list.at("get")
              .at("responses")
              .at("200")
              .at("content")
              .at("application/json")
              .at("schema") ==
          json::object{{"$ref", "#/components/schemas/io.k8s.api.example.v1.WidgetList"}});

    // Path parameters are declared once on the path item.
    std::vector<std::string> path_params;
    for (const json::value& param : item.at("parameters").get_array()) {
      if (param.at("in") == "path") path_params.emplace_back(param.at("name").get_string());
    }
    CHECK(path_params == std::vector<std::string>{"name", "namespace"});

    const json::object& status = paths.at(collection + "/{name}/status").get_object();
    CHECK(status.contains("get"));
    CHECK(status.contains("put"));
    CHECK(status.contains("patch"));
    CHECK_FALSE(status.contains("delete"));
    CHECK(status.at("patch").at("operationId") == "patchExampleMiniDevV1NamespacedWidgetStatus");
  }

  TEST_CASE("writes accept fieldValidation, dryRun and fieldManager, and PATCH every patch type") {
    json::object document = BuildV3Document(Widgets(), "example.mini.dev", "v1");
    const json::object& paths = document.at("paths").get_object();
    std::string collection(kCollection);
    for (const auto& [path, method] :
         {std::pair{collection, "post"}, std::pair{collection + "/{name}", "put"},
          std::pair{collection + "/{name}", "patch"},
          std::pair{collection + "/{name}/status", "patch"}}) {
      std::vector<std::string> names = QueryParamNames(paths.at(path).at(method).get_object());
      CAPTURE(path);
      CAPTURE(method);
      CHECK(Has(names, "fieldValidation"));
      CHECK(Has(names, "dryRun"));
      CHECK(Has(names, "fieldManager"));
    }
    const json::object& patch = paths.at(collection + "/{name}").at("patch").get_object();
    CHECK(Has(QueryParamNames(patch), "force"));
    const json::object& content = patch.at("requestBody").at("content").get_object();
    for (std::string_view type :
         {"application/json-patch+json", "application/merge-patch+json",
          "application/strategic-merge-patch+json", "application/apply-patch+yaml"}) {
      CHECK_MESSAGE(content.contains(type), type);
    }
    CHECK(content.at("application/merge-patch+json").at("schema").at("$ref") ==
          "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch");
  }

  TEST_CASE("a resource only gets the operations its verbs allow") {
    json::object document = BuildV3Document(Widgets(), "example.mini.dev", "v1");
    const json::object& paths = document.at("paths").get_object();
    // Gadgets are cluster-scoped and only created, read and listed.
    const json::object& collection = paths.at("/apis/example.mini.dev/v1/gadgets").get_object();
    CHECK(collection.contains("get"));
    CHECK(collection.contains("post"));
    CHECK_FALSE(collection.contains("delete"));
    CHECK(collection.at("get").at("operationId") == "listExampleMiniDevV1Gadget");
    const json::object& item = paths.at("/apis/example.mini.dev/v1/gadgets/{name}").get_object();
    CHECK(item.contains("get"));
    CHECK_FALSE(item.contains("put"));
    CHECK_FALSE(item.contains("patch"));
    CHECK_FALSE(item.contains("delete"));
    for (const json::value& param : item.at("parameters").get_array()) {
      CHECK(param.at("name") != "namespace");
    }
  }

  TEST_CASE("an unserved group-version gets an empty document") {
    json::object document = BuildV3Document(Widgets(), "nothing.example", "v1");
    CHECK(document.at("paths").get_object().empty());
    CHECK(Schemas(document).empty());
  }

  TEST_CASE("the v2 document uses definitions, plain refs and body parameters") {
    json::object document = BuildV2Document(Widgets());
    CHECK(StringAt(document, "swagger") == "2.0");
    const json::object& definitions = document.at("definitions").get_object();
    CHECK(UnresolvedRefs(document, testing::kV2Prefix, definitions).empty());
    const json::object& widget = definitions.at(kWidget).get_object();
    CHECK(widget.at("x-kubernetes-group-version-kind") ==
          json::array{Gvk("example.mini.dev", "v1", "Widget")});
    const json::object& metadata = widget.at("properties").at("metadata").get_object();
    CHECK(metadata.at("$ref") == "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
    CHECK_FALSE(metadata.contains("allOf"));

    const json::object& patch =
        document.at("paths").at(std::string(kCollection) + "/{name}").at("patch").get_object();
    CHECK(patch.at("x-kubernetes-group-version-kind") == Gvk("example.mini.dev", "v1", "Widget"));
    CHECK(Has(QueryParamNames(patch), "fieldValidation"));
    const json::array& consumes = patch.at("consumes").get_array();
    CHECK(std::find(consumes.begin(), consumes.end(),
                    json::value("application/strategic-merge-patch+json")) != consumes.end());
    bool has_body = false;
    for (const json::value& param : patch.at("parameters").get_array()) {
      if (param.at("in") == "body") {
        has_body = true;
        CHECK(param.at("schema").at("$ref") ==
              "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch");
      }
    }
    CHECK(has_body);
  }

  TEST_CASE("BuildDocuments serves one v3 document per group-version, hashed") {
    Documents documents = BuildDocuments(Widgets());
    REQUIRE(documents.v3.size() == 1);
    const ServedDocument& served = documents.v3.at("apis/example.mini.dev/v1");
    CHECK(served.hash == ContentHash(served.json));
    CHECK(json::parse(served.json) == BuildV3Document(Widgets(), "example.mini.dev", "v1"));
    CHECK(json::parse(documents.v3_index) ==
          json::object{{"paths",
                        {{"apis/example.mini.dev/v1",
                          {{"serverRelativeURL",
                            "/openapi/v3/apis/example.mini.dev/v1?hash=" + served.hash}}}}}});
    CHECK(documents.v2.hash == ContentHash(documents.v2.json));
    // Building again gives the same bytes, so the hash is stable across restarts.
    CHECK(BuildDocuments(Widgets()).v3.at("apis/example.mini.dev/v1").json == served.json);
  }

  TEST_CASE("GroupVersionPath puts the core group under api") {
    CHECK(GroupVersionPath("", "v1") == "api/v1");
    CHECK(GroupVersionPath("apps", "v1") == "apis/apps/v1");
  }
}

}  // namespace
}  // namespace mini::cluster::api::openapi
