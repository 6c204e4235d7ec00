#include <doctest/doctest.h>

#include "cluster/api/schema/schema.h"

namespace mini::cluster::api::schema {
namespace {

const char* kWidgets = R"(
group: example.mini.dev
version: v1
resources:
  widgets: {kind: Widget, shortNames: [wd], categories: [all], subresources: {status: Widget}}
  gadgets: {kind: Gadget, namespaced: false, verbs: [list, create, get]}
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
      url: {proto: 1, type: string}
)";

const char* kMeta = R"(
group: meta.k8s.io
version: v1
types:
  ObjectMeta:
    fields:
      name: {proto: 1, type: string}
)";

Result<std::shared_ptr<const Schema>> LoadWidgets(const std::string& widgets = kWidgets) {
  return Schema::Load({{"example_v1.yaml", widgets}, {"meta_v1.yaml", kMeta}});
}

TEST_SUITE("api/schema/loader") {
  TEST_CASE("fields keep their facts and link to types across documents") {
    auto schema = LoadWidgets();
    REQUIRE_MESSAGE(schema.ok(), schema.status().message());
    const Type* widget = (*schema)->FindType("example/v1", "Widget");
    REQUIRE(widget != nullptr);
    CHECK(widget->description == "A thing with parts.");
    CHECK(widget->OpenApiName() == "io.k8s.api.example.v1.Widget");
    REQUIRE(widget->fields.size() == 5);
    CHECK(widget->fields[0].object == (*schema)->FindType("meta/v1", "ObjectMeta"));
    CHECK(widget->fields[0].object->OpenApiName() ==
          "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");

    const Field& parts = widget->fields[1];
    CHECK(parts.is_list());
    CHECK(parts.list_type == ListType::kMap);
    CHECK(parts.list_keys == std::vector<std::string>{"name"});
    CHECK(parts.patch_merge);
    CHECK_FALSE(parts.patch_retain_keys);
    CHECK(parts.patch_merge_key == "name");
    CHECK(parts.description == "The parts, by name.");
    CHECK(parts.DisplayType() == "[]Part");

    CHECK(widget->fields[2].is_map());
    CHECK(widget->fields[2].scalar == Scalar::kQuantity);
    CHECK(widget->fields[2].DisplayType() == "map[string]Quantity");
    CHECK(widget->fields[3].pointer);
    CHECK(widget->fields[3].DisplayType() == "integer");

    const Type* part = (*schema)->FindType("example/v1", "Part");
    REQUIRE(part != nullptr);
    CHECK(part->atomic);
    CHECK(part->fields[0].required);
    CHECK(part->fields[0].emit_zero);  // required fields are always written
    CHECK(part->fields[1].enum_values == std::vector<std::string>{"TCP", "UDP"});
    CHECK(part->fields[1].default_json == "\"TCP\"");
    CHECK(part->fields[2].default_json == "80");
  }

  TEST_CASE("FindField looks through inlined fields") {
    auto schema = LoadWidgets();
    REQUIRE(schema.ok());
    const Type* widget = (*schema)->FindType("example/v1", "Widget");
    const Field* url = widget->FindField("url");
    REQUIRE(url != nullptr);
    CHECK(url->scalar == Scalar::kString);
    CHECK(widget->FindField("source") == nullptr);  // the inlined field has no JSON name
    CHECK(widget->FindField("nope") == nullptr);
  }

  TEST_CASE("resources carry discovery facts with defaults filled in") {
    auto schema = LoadWidgets();
    REQUIRE(schema.ok());
    const Resource* widgets = (*schema)->FindResource("example.mini.dev", "v1", "widgets");
    REQUIRE(widgets != nullptr);
    CHECK(widgets->kind == "Widget");
    CHECK(widgets->singular == "widget");
    CHECK(widgets->namespaced);
    CHECK(widgets->ApiVersion() == "example.mini.dev/v1");
    CHECK(widgets->short_names == std::vector<std::string>{"wd"});
    CHECK(widgets->verbs.size() == 8);
    REQUIRE(widgets->FindSubresource("status") != nullptr);
    CHECK(widgets->FindSubresource("status")->group == "example.mini.dev");
    CHECK(widgets->FindSubresource("scale") == nullptr);

    const Resource* gadgets = (*schema)->FindKind("example.mini.dev", "v1", "Gadget");
    REQUIRE(gadgets != nullptr);
    CHECK_FALSE(gadgets->namespaced);
    CHECK(gadgets->verbs == std::vector<std::string>{"create", "get", "list"});  // sorted
  }

  TEST_CASE("broken documents are refused with the file and field at fault") {
    std::string unknown_type = kWidgets;
    unknown_type.replace(unknown_type.find("type: Source"), 12, "type: Sauce");
    auto schema = LoadWidgets(unknown_type);
    REQUIRE_FALSE(schema.ok());
    CHECK(schema.status().message() == "schema example_v1.yaml: Widget.source: unknown type Sauce");

    std::string unknown_attribute = kWidgets;
    unknown_attribute.replace(unknown_attribute.find("pointer: true"), 13, "pointr: true");
    schema = LoadWidgets(unknown_attribute);
    REQUIRE_FALSE(schema.ok());
    CHECK(schema.status().message().find("Widget.replicas: unknown attribute pointr") !=
          std::string::npos);

    std::string keyless = kWidgets;
    keyless.replace(keyless.find("keys: [name], "), 14, "");
    schema = LoadWidgets(keyless);
    REQUIRE_FALSE(schema.ok());
    CHECK(schema.status().message().find("a map list needs keys") != std::string::npos);

    schema = Schema::Load({{"wrong_name.yaml", kMeta}});
    REQUIRE_FALSE(schema.ok());
    CHECK(schema.status().message().find("name the file meta_v1.yaml") != std::string::npos);

    schema = Schema::Load({{"meta_v1.yaml", "group: [unclosed"}});
    REQUIRE_FALSE(schema.ok());
    CHECK(schema.status().message().starts_with("schema: "));
  }
}

}  // namespace
}  // namespace mini::cluster::api::schema
