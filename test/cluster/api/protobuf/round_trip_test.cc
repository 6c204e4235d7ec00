// Encode -> Decode over the built-in schema: a sample of every type with every field set
// comes back unchanged, and every kind's empty object settles on Go's zero JSON.
#include <boost/json.hpp>
#include <set>
#include <string>

#include "cluster/api/protobuf/protobuf.h"
#include "cluster/api/schema/schema.h"
#include "test/cluster/api/protobuf/sample.h"
#include "test/cluster/api/protobuf/test_support.h"

namespace mini::cluster::api::protobuf {
namespace {

namespace json = boost::json;
using schema::Type;
using testing::Sample;

json::object Decoded(std::string_view bytes, const Type& type) {
  auto decoded = DecodeMessage(bytes, type);
  REQUIRE_MESSAGE(decoded.ok(), decoded.status().ToString());
  return *decoded;
}

std::string Encoded(const json::object& object, const Type& type) {
  auto encoded = EncodeMessage(object, type);
  REQUIRE_MESSAGE(encoded.ok(), encoded.status().ToString());
  return *encoded;
}

TEST_CASE("every built-in type with every field set survives a round trip") {
  for (const Type* type : schema::Builtin().types()) {
    CAPTURE(type->OpenApiName());
    const json::object sample = Sample(*type);
    const std::string bytes = Encoded(sample, *type);
    const json::object decoded = Decoded(bytes, *type);
    CHECK(json::serialize(decoded) == json::serialize(sample));
    CHECK(decoded == sample);
    // The encoding is canonical: schema order, sorted map keys.
    CHECK(Encoded(decoded, *type) == bytes);
  }
}

TEST_CASE("every built-in kind round-trips through the envelope") {
  std::set<std::pair<std::string, std::string>> bodies;  // apiVersion, kind
  for (const schema::Resource& resource : schema::Builtin().resources()) {
    bodies.emplace(resource.ApiVersion(), resource.kind);
    for (const schema::Subresource& sub : resource.subresources) {
      const std::string version = sub.group.empty() ? sub.version : sub.group + "/" + sub.version;
      bodies.emplace(version, sub.type->name);
    }
  }
  bodies.emplace("v1", "DeleteOptions");
  bodies.emplace("apps/v1", "DeleteOptions");
  CHECK(bodies.size() > 40);
  for (const auto& [api_version, kind] : bodies) {
    CAPTURE(api_version);
    CAPTURE(kind);
    const Type* type = FindBodyType(schema::Builtin(), api_version, kind);
    REQUIRE(type != nullptr);
    json::object object{{"apiVersion", api_version}, {"kind", kind}};
    for (const auto& member : Sample(*type)) object.insert_or_assign(member.key(), member.value());
    auto body = EncodeKubernetesProtobuf(object, schema::Builtin());
    REQUIRE_MESSAGE(body.ok(), body.status().ToString());
    auto decoded = DecodeKubernetesProtobuf(*body, schema::Builtin());
    REQUIRE_MESSAGE(decoded.ok(), decoded.status().ToString());
    CHECK(*decoded == object);
    auto it = decoded->begin();
    CHECK(it->key() == "apiVersion");
    CHECK((++it)->key() == "kind");

    // An empty object settles after one pass: encoding what decoding produced changes nothing.
    const json::object empty{{"apiVersion", api_version}, {"kind", kind}};
    auto zero_body = EncodeKubernetesProtobuf(empty, schema::Builtin());
    REQUIRE(zero_body.ok());
    auto zero = DecodeKubernetesProtobuf(*zero_body, schema::Builtin());
    REQUIRE_MESSAGE(zero.ok(), zero.status().ToString());
    auto again = EncodeKubernetesProtobuf(*zero, schema::Builtin());
    REQUIRE(again.ok());
    CHECK(*again == *zero_body);
  }
}

TEST_CASE("the encoder writes the same bytes as kubectl for create namespace") {
  auto body = EncodeKubernetesProtobuf(
      testing::Json(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"demo"}})")
          .as_object(),
      schema::Builtin());
  REQUIRE(body.ok());
  // Byte for byte the body of docs/kubectl-protocol.md section 5.2.
  CHECK(*body ==
        testing::FromHex("6b387300"
                         "0a0f 0a02 7631 1209 4e616d657370616365"
                         "121c 0a14 0a04 64656d6f 1200 1a00 2200 2a00 3200 3800 4200 1200 1a02 0a00"
                         "1a00 2200"));
  auto decoded = DecodeKubernetesProtobuf(*body, schema::Builtin());
  REQUIRE(decoded.ok());
  CHECK(json::serialize(*decoded) ==
        R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"demo"},"spec":{},)"
        R"("status":{}})");
}

TEST_CASE("the widget schema round-trips every kind of field, zero and negative values too") {
  const json::value sample = testing::Json(R"({
    "text": "t", "count": -1, "total": -9223372036854775808, "ratio": -0.25, "enabled": true,
    "replicas": 0, "blob": "AA==", "ints": [0, -1, 2147483647], "longs": [-2],
    "flags": [false, true], "ratios": [0.0, 1e300], "names": ["", "x"], "port": -80,
    "maybePort": "", "when": "1969-12-31T23:59:59Z", "whenMicro": "2024-01-01T00:00:00.000001Z",
    "timeout": "-1.5µs", "size": "1Ki", "extension": [1, {"a": null}],
    "managed": {"f:x": {}}, "extra": {"b": [], "a": ["x"]}, "secrets": {"k": ""},
    "limits": {"cpu": "0"}, "parts": [{}, {"name": "p", "value": -3}],
    "emptyDir": {"medium": "Memory", "sizeLimit": "0"},
    "child": {"counted": 0, "stamp": null, "options": {}, "maybeText": ""},
    "counted": 0, "stamp": null, "tags": [""], "options": {"verbose": true},
    "maybeOptions": {}, "maybeText": "", "byName": {"": -1}, "stamps": [null],
    "parted": {"z": {}}, "maybeStamp": "2024-01-01T00:00:00Z"})");
  const std::string bytes = Encoded(sample.as_object(), testing::WidgetSpec());
  const json::object decoded = Decoded(bytes, testing::WidgetSpec());
  json::object expected = sample.as_object();
  // Map keys come back sorted.
  expected["extra"] = testing::Json(R"({"a": ["x"], "b": []})");
  CHECK(decoded == expected);
}

TEST_CASE("the encoder rejects what the schema cannot carry") {
  auto error = [](std::string_view text) {
    auto encoded = EncodeMessage(testing::Json(text).as_object(), testing::WidgetSpec());
    REQUIRE(!encoded.ok());
    return encoded.status().message();
  };
  CHECK(error(R"({"nope":1})") == "nope: unknown field of WidgetSpec");
  CHECK(error(R"({"parts":[{"nope":1}]})") == "parts[0].nope: unknown field of Part");
  CHECK(error(R"({"count":"1"})") == "count: expected an integer");
  CHECK(error(R"({"count":2147483648})") == "count: integer out of range");
  CHECK(error(R"({"count":1.5})") == "count: expected an integer");
  CHECK(error(R"({"text":1})") == "text: expected a string");
  CHECK(error(R"({"ints":{}})") == "ints: expected an array");
  CHECK(error(R"({"byName":[]})") == "byName: expected an object");
  CHECK(error(R"({"byName":{"a":true}})") == "byName[a]: expected an integer");
  CHECK(error(R"({"blob":"!"})") == "blob: illegal base64 data");
  CHECK(error(R"({"when":"yesterday"})") == R"(when: "yesterday" is not an RFC 3339 time)");
  CHECK(error(R"({"timeout":"soon"})") == R"(timeout: "soon" is not a duration such as "1h2m3s")");
  CHECK(error(R"({"extra":{"a":[1]}})") == "extra[a]: expected an array of strings");
  auto missing_kind = EncodeKubernetesProtobuf(testing::Json(R"({"apiVersion":"v1"})").as_object(),
                                               schema::Builtin());
  CHECK(!missing_kind.ok());
  // Numbers for quantities and integral doubles for integers are accepted, as in Kubernetes.
  auto lenient =
      EncodeMessage(testing::Json(R"({"size":2,"count":3.0})").as_object(), testing::WidgetSpec());
  REQUIRE(lenient.ok());
  CHECK(Decoded(*lenient, testing::WidgetSpec()).at("size") == "2");
  CHECK(Decoded(*lenient, testing::WidgetSpec()).at("count") == 3);
}

}  // namespace
}  // namespace mini::cluster::api::protobuf
