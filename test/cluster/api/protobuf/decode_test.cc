// Decoding well-formed messages: kubectl's real bodies and one case per kind of field.
#include <boost/json.hpp>
#include <cstring>

#include "cluster/api/protobuf/protobuf.h"
#include "cluster/api/schema/schema.h"
#include "test/cluster/api/protobuf/test_support.h"

namespace mini::cluster::api::protobuf {
namespace {

namespace json = boost::json;
using namespace testing;  // NOLINT: the byte builders read best unqualified

// What an empty WidgetSpec decodes to: its emitZero fields at their zero (a zero time is
// null) and its non-pointer struct, which Go's omitempty never drops.
json::object SpecWith(std::string_view extra) {
  json::object expected = Json(R"({"counted":0,"stamp":null,"options":{}})").as_object();
  const json::value extra_json = Json(extra);
  for (const auto& member : extra_json.as_object()) {
    expected.insert_or_assign(member.key(), member.value());
  }
  return expected;
}

// Compares as JSON values, key order aside (Decoded JSON follows the schema's field order).
void CheckSpec(std::string_view bytes, std::string_view extra) {
  const json::object decoded = DecodeSpec(bytes);
  const json::object expected = SpecWith(extra);
  CHECK_MESSAGE(decoded == expected, json::serialize(decoded), " != ", json::serialize(expected));
}

json::object DecodeBuiltin(std::string_view body) {
  auto decoded = DecodeKubernetesProtobuf(body, schema::Builtin());
  REQUIRE_MESSAGE(decoded.ok(), decoded.status().ToString());
  return *decoded;
}

TEST_CASE("kubectl create namespace demo decodes as Kubernetes' JSON shows it") {
  // The 55 bytes from docs/kubectl-protocol.md section 5.2.
  const std::string body = FromHex(
      "6b387300"
      "0a0f 0a02 7631 1209 4e616d657370616365"
      "121c 0a14 0a04 64656d6f 1200 1a00 2200 2a00 3200 3800 4200 1200 1a02 0a00"
      "1a00 2200");
  REQUIRE(body.size() == 55);
  // spec and status are non-pointer structs: omitempty does not drop a struct, so Go writes
  // them as {} even though they are empty. The zero creationTimestamp means unset.
  CHECK(json::serialize(DecodeBuiltin(body)) ==
        R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"demo"},"spec":{},)"
        R"("status":{}})");
}

TEST_CASE("kubectl create deployment decodes with its replicas, selector and template") {
  CHECK(DecodeBuiltin(KubectlDeploymentBody()) == Json(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "nginx", "labels": {"app": "nginx"}},
    "spec": {
      "replicas": 2,
      "selector": {"matchLabels": {"app": "nginx"}},
      "template": {
        "metadata": {"labels": {"app": "nginx"}},
        "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27",
                                 "ports": [{"containerPort": 80}], "resources": {}}]}},
      "strategy": {}},
    "status": {}})"));
}

TEST_CASE("a pointer field keeps its zero and a non-pointer one drops it") {
  const std::string raw = BytesField(2, Cat({VarintField(1, 0), VarintField(5, 0)}));
  const json::object deployment = DecodeBuiltin(Body("apps/v1", "Deployment", raw));
  CHECK(deployment.at("spec").at("replicas") == 0);
  CHECK(!deployment.at("spec").as_object().contains("minReadySeconds"));
  CheckSpec(Cat({SignedField(6, 0), BytesField(32, "")}), R"({"replicas":0,"maybeText":""})");
}

TEST_CASE("scalars decode with Go's zero rules") {
  CheckSpec(
      Cat({BytesField(1, "hi"), VarintField(2, 7), VarintField(3, 1ULL << 40), VarintField(5, 1)}),
      R"({"text":"hi","count":7,"total":1099511627776,"enabled":true})");
  CheckSpec(Cat({BytesField(1, ""), VarintField(2, 0), VarintField(3, 0), VarintField(5, 0),
                 Fixed64Field(4, 0), BytesField(7, "")}),
            "{}");
  double ratio = 2.5;
  uint64_t bits = 0;
  std::memcpy(&bits, &ratio, sizeof bits);
  CheckSpec(Fixed64Field(4, bits), R"({"ratio":2.5})");
}

TEST_CASE("negative int32 and int64 come sign-extended in ten bytes") {
  const std::string minus_one = SignedField(2, -1);
  CHECK(minus_one.size() == 11);  // tag + 10 bytes
  CheckSpec(minus_one, R"({"count":-1})");
  CheckSpec(SignedField(2, -2147483648LL), R"({"count":-2147483648})");
  CheckSpec(SignedField(3, -5), R"({"total":-5})");
  CheckSpec(SignedField(3, INT64_MIN), R"({"total":-9223372036854775808})");
  // An int32 keeps the low 32 bits of whatever varint arrives, as protobuf does.
  CheckSpec(VarintField(2, 0xffffffffULL), R"({"count":-1})");
  CheckSpec(VarintField(2, 0x100000005ULL), R"({"count":5})");
}

TEST_CASE("repeated numbers decode both packed and unpacked") {
  CheckSpec(Cat({VarintField(8, 1), SignedField(8, -2), VarintField(8, 3)}),
            R"({"ints":[1,-2,3]})");
  CheckSpec(BytesField(8, Cat({Varint(1), Varint(static_cast<uint64_t>(-2LL)), Varint(3)})),
            R"({"ints":[1,-2,3]})");
  // Mixed, as a merge of two messages can produce.
  CheckSpec(Cat({VarintField(9, 10), BytesField(9, Cat({Varint(20), Varint(30)}))}),
            R"({"longs":[10,20,30]})");
  CheckSpec(BytesField(10, Cat({Varint(1), Varint(0)})), R"({"flags":[true,false]})");
  double values[] = {0.5, -1.0};
  std::string packed;
  for (double v : values) {
    uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof bits);
    packed += Fixed64Field(1, bits).substr(1);
  }
  CheckSpec(BytesField(11, packed), R"({"ratios":[0.5,-1.0]})");
  CheckSpec(BytesField(8, ""), "{}");  // an empty packed list is no list
  // Zeros inside a list stay: they are elements, not unset fields.
  CheckSpec(Cat({BytesField(12, ""), BytesField(12, "b")}), R"({"names":["","b"]})");
}

TEST_CASE("map fields decode sorted, last key wins, missing parts read as zero") {
  CheckSpec(Cat({StringEntry(21, "z", ""), Entry(21, "a", BytesField(2, BytesField(1, "x")))}),
            R"({"extra":{"a":["x"],"z":[]}})");
  CheckSpec(Cat({Entry(33, "b", VarintField(2, 2)), Entry(33, "a", SignedField(2, -1)),
                 Entry(33, "b", VarintField(2, 3)), BytesField(33, BytesField(1, "c")),
                 BytesField(33, VarintField(2, 4))}),
            R"({"byName":{"":4,"a":-1,"b":3,"c":0}})");
  CheckSpec(Entry(35, "p", BytesField(2, VarintField(2, 9))), R"({"parted":{"p":{"value":9}}})");
  CheckSpec(Entry(35, "p", ""), R"({"parted":{"p":{}}})");
  const json::object labels = DecodeBuiltin(
      Body("v1", "ConfigMap",
           Cat({BytesField(1, Cat({StringEntry(11, "tier", "web"), StringEntry(11, "app", "")})),
                StringEntry(2, "k", "v")})));
  CHECK(labels == Json(R"({"apiVersion":"v1","kind":"ConfigMap",
                           "metadata":{"labels":{"app":"","tier":"web"}},"data":{"k":"v"}})"));
}

TEST_CASE("bytes decode as standard base64") {
  const json::object secret = DecodeBuiltin(Body(
      "v1", "Secret",
      Cat({BytesField(1, BytesField(1, "s")), StringEntry(2, "empty", ""),
           StringEntry(2, "key", std::string("\x00\xff\x10hello", 8)), BytesField(3, "Opaque")})));
  CHECK(secret == Json(R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},
                           "data":{"empty":"","key":"AP8QaGVsbG8="},"type":"Opaque"})"));
  CheckSpec(BytesField(7, "ab"), R"({"blob":"YWI="})");
}

TEST_CASE("IntOrString decodes to a number or a string") {
  CheckSpec(BytesField(13, Cat({VarintField(1, 0), VarintField(2, 8080), BytesField(3, "")})),
            R"({"port":8080})");
  CheckSpec(BytesField(13, Cat({VarintField(1, 1), VarintField(2, 0), BytesField(3, "http")})),
            R"({"port":"http"})");
  CheckSpec(BytesField(13, Cat({VarintField(1, 0), SignedField(2, -3)})), R"({"port":-3})");
  // The zero IntOrString is unset unless the field is a pointer.
  CheckSpec(BytesField(13, Cat({VarintField(1, 0), VarintField(2, 0), BytesField(3, "")})), "{}");
  CheckSpec(BytesField(14, ""), R"({"maybePort":0})");
  CheckSpec(BytesField(14, Cat({VarintField(1, 1), BytesField(3, "")})), R"({"maybePort":""})");
  CHECK(SpecError(BytesField(13, VarintField(1, 2))) == "port: IntOrString has type 2, not 0 or 1");

  const std::string port =
      Cat({BytesField(1, "web"), BytesField(2, "TCP"), VarintField(3, 80),
           BytesField(4, Cat({VarintField(1, 1), BytesField(3, "http")})), VarintField(5, 0)});
  const json::object service =
      DecodeBuiltin(Body("v1", "Service", BytesField(2, BytesField(1, port))));
  CHECK(service.at("spec") ==
        Json(R"({"ports":[{"name":"web","protocol":"TCP","port":80,"targetPort":"http"}]})"));
}

TEST_CASE("times decode to RFC 3339 and a zero time is unset") {
  // 2024-05-06T07:08:09Z
  const uint64_t seconds = 1714979289;
  CheckSpec(BytesField(15, Cat({VarintField(1, seconds), VarintField(2, 0)})),
            R"({"when":"2024-05-06T07:08:09Z"})");
  // metav1.Time keeps whole seconds; MicroTime keeps six digits, truncated.
  CheckSpec(BytesField(15, Cat({VarintField(1, seconds), VarintField(2, 999999999)})),
            R"({"when":"2024-05-06T07:08:09Z"})");
  CheckSpec(BytesField(16, Cat({VarintField(1, seconds), VarintField(2, 123456789)})),
            R"({"whenMicro":"2024-05-06T07:08:09.123456Z"})");
  CheckSpec(BytesField(16, VarintField(1, seconds)),
            R"({"whenMicro":"2024-05-06T07:08:09.000000Z"})");
  CheckSpec(BytesField(15, SignedField(1, -1)), R"({"when":"1969-12-31T23:59:59Z"})");
  // Zero: dropped, or null where the field has no omitempty; pointers too.
  CheckSpec(Cat({BytesField(15, ""), BytesField(16, Cat({VarintField(1, 0), VarintField(2, 0)})),
                 BytesField(36, "")}),
            "{}");
  // The epoch reads back as zero, so it is unset too, whatever fraction came with it.
  CheckSpec(Cat({BytesField(15, VarintField(2, 5)), BytesField(16, VarintField(2, 999))}), "{}");
  CheckSpec(BytesField(16, VarintField(2, 1000)), R"({"whenMicro":"1970-01-01T00:00:00.000001Z"})");
  CheckSpec(BytesField(28, VarintField(1, seconds)), R"({"stamp":"2024-05-06T07:08:09Z"})");
  CheckSpec(BytesField(28, ""), R"({"stamp":null})");
  CheckSpec(Cat({BytesField(34, ""), BytesField(34, VarintField(1, seconds))}),
            R"({"stamps":[null,"2024-05-06T07:08:09Z"]})");
  CHECK(SpecError(BytesField(15, VarintField(1, 253402300800))) ==
        "when: time 253402300800s is outside the years 0000 to 9999");
  CHECK(SpecError(BytesField(16, Cat({VarintField(1, 1), SignedField(2, -1)}))) ==
        "whenMicro: time nanos -1 is outside 0..999999999");
}

TEST_CASE("Quantity, Duration, RawExtension, FieldsV1 and StringList decode to their JSON") {
  CheckSpec(BytesField(18, BytesField(1, "500m")), R"({"size":"500m"})");
  CheckSpec(BytesField(18, BytesField(1, "")), "{}");
  CheckSpec(Entry(23, "cpu", BytesField(2, BytesField(1, "0"))), R"({"limits":{"cpu":"0"}})");
  CheckSpec(Entry(23, "cpu", ""), R"({"limits":{"cpu":"0"}})");
  CheckSpec(BytesField(17, VarintField(1, 3723500000000ULL)), R"({"timeout":"1h2m3.5s"})");
  CheckSpec(BytesField(17, SignedField(1, -1500)), R"({"timeout":"-1.5µs"})");
  CheckSpec(BytesField(17, VarintField(1, 0)), "{}");
  CheckSpec(BytesField(19, BytesField(1, R"({"kind":"Pod","n":[1,2]})")),
            R"({"extension":{"kind":"Pod","n":[1,2]}})");
  CheckSpec(BytesField(19, ""), "{}");
  CheckSpec(BytesField(20, BytesField(1, R"({"f:metadata":{}})")),
            R"({"managed":{"f:metadata":{}}})");
  CHECK(SpecError(BytesField(19, BytesField(1, "{nope")))
            .starts_with("extension: RawExtension does not hold valid JSON: "));
  CheckSpec(Entry(21, "groups", BytesField(2, Cat({BytesField(1, "a"), BytesField(1, "b")}))),
            R"({"extra":{"groups":["a","b"]}})");
}

TEST_CASE("an inlined field's members merge into the enclosing object") {
  CheckSpec(BytesField(25, BytesField(1, BytesField(1, "/data"))),
            R"({"hostPath":{"path":"/data"}})");
  CheckSpec(BytesField(25, BytesField(2, BytesField(2, BytesField(1, "1Gi")))),
            R"({"emptyDir":{"sizeLimit":"1Gi"}})");
  // Volume{1 name, 2 volumeSource{1 hostPath{1 path}}} inside PodSpec.volumes.
  const std::string volume =
      Cat({BytesField(1, "data"), BytesField(2, BytesField(1, BytesField(1, "/srv")))});
  const json::object pod = DecodeBuiltin(Body("v1", "Pod", BytesField(2, BytesField(1, volume))));
  CHECK(pod.at("spec").at("volumes") == Json(R"([{"name":"data","hostPath":{"path":"/srv"}}])"));
}

TEST_CASE("non-pointer messages are always present, pointer messages only when sent") {
  CheckSpec("", "{}");
  CheckSpec(BytesField(30, VarintField(1, 1)), R"({"options":{"verbose":true}})");
  CheckSpec(BytesField(31, ""), R"({"maybeOptions":{}})");
  CheckSpec(BytesField(24, ""), R"({"parts":[{}]})");
  // emitZero lists that were not sent stay absent rather than null.
  CHECK(!DecodeSpec("").contains("tags"));
  CheckSpec(BytesField(29, ""), R"({"tags":[""]})");
}

TEST_CASE("a non-repeated message sent twice merges, a scalar sent twice keeps the last") {
  CheckSpec(Cat({BytesField(24, VarintField(2, 1)), BytesField(30, ""), VarintField(2, 1),
                 BytesField(30, VarintField(1, 1)), VarintField(2, 2)}),
            R"({"count":2,"parts":[{"value":1}],"options":{"verbose":true}})");
  CheckSpec(Cat({BytesField(26, BytesField(1, "a")), BytesField(26, VarintField(2, 3))}),
            R"({"child":{"text":"a","count":3,"counted":0,"stamp":null,"options":{}}})");
}

TEST_CASE("unknown field numbers of every wire type are skipped") {
  CheckSpec(Cat({VarintField(99, 1), Fixed64Field(100, 2), BytesField(101, "junk"), Tag(102, 5),
                 "abcd", BytesField(1, "kept"), VarintField(536870911, 0)}),
            R"({"text":"kept"})");
  // Inside nested messages, map entries and special messages too.
  CheckSpec(Cat({BytesField(24, Cat({VarintField(9, 9), BytesField(1, "p")})),
                 BytesField(33, Cat({VarintField(3, 1), BytesField(1, "k"), VarintField(2, 1)})),
                 BytesField(13, Cat({VarintField(4, 1), VarintField(2, 5)}))}),
            R"({"parts":[{"name":"p"}],"byName":{"k":1},"port":5})");
}

TEST_CASE("JSON-only fields are left alone") { CHECK(!DecodeSpec("").contains("jsonOnly")); }

TEST_CASE("apiVersion and kind come first and pick the message type") {
  const json::object widget = [] {
    auto decoded = DecodeKubernetesProtobuf(
        Body("widgets.example.com/v1", "Widget", BytesField(1, BytesField(1, "w"))),
        WidgetSchema());
    REQUIRE_MESSAGE(decoded.ok(), decoded.status().ToString());
    return *decoded;
  }();
  CHECK(json::serialize(widget) ==
        R"({"apiVersion":"widgets.example.com/v1","kind":"Widget","metadata":{"name":"w"},)"
        R"("spec":{"counted":0,"stamp":null,"options":{}}})");
  // Body kinds that no resource serves, and DeleteOptions from meta/v1 in any group.
  const json::object review = DecodeBuiltin(
      Body("authorization.k8s.io/v1", "SelfSubjectAccessReview",
           BytesField(2, BytesField(1, Cat({BytesField(2, "get"), BytesField(5, "pods")})))));
  CHECK(review.at("spec").at("resourceAttributes") == Json(R"({"verb":"get","resource":"pods"})"));
  const json::object token =
      DecodeBuiltin(Body("authentication.k8s.io/v1", "TokenRequest",
                         BytesField(2, Cat({BytesField(1, "api"), VarintField(4, 3600)}))));
  CHECK(token.at("spec") == Json(R"({"audiences":["api"],"expirationSeconds":3600})"));
  const json::object options = DecodeBuiltin(
      Body("v1", "DeleteOptions", Cat({VarintField(1, 0), BytesField(4, "Foreground")})));
  CHECK(options == Json(R"({"apiVersion":"v1","kind":"DeleteOptions","gracePeriodSeconds":0,
                            "propagationPolicy":"Foreground"})"));
  const json::object eviction = DecodeBuiltin(
      Body("policy/v1", "Eviction",
           Cat({BytesField(1, BytesField(1, "web-0")), BytesField(2, VarintField(1, 30))})));
  CHECK(eviction.at("deleteOptions") == Json(R"({"gracePeriodSeconds":30})"));
  const json::object role = DecodeBuiltin(Body(
      "rbac.authorization.k8s.io/v1", "Role",
      Cat({BytesField(1, BytesField(1, "r")),
           BytesField(2, Cat({BytesField(1, "get"), BytesField(2, ""), BytesField(3, "pods")}))})));
  CHECK(role.at("rules") == Json(R"([{"verbs":["get"],"apiGroups":[""],"resources":["pods"]}])"));
}

TEST_CASE("PackageOf maps apiVersions to schema packages") {
  CHECK(PackageOf("v1") == "core/v1");
  CHECK(PackageOf("apps/v1") == "apps/v1");
  CHECK(PackageOf("rbac.authorization.k8s.io/v1") == "rbac/v1");
  CHECK(PackageOf("autoscaling/v2") == "autoscaling/v2");
  CHECK(PackageOf("") == "");
  CHECK(PackageOf("/v1") == "");
  CHECK(PackageOf("apps/") == "");
  CHECK(PackageOf("a/b/c") == "");
  CHECK(PackageOf(".x/v1") == "");
  CHECK(FindBodyType(schema::Builtin(), "apps/v1", "Nope") == nullptr);
  CHECK(FindBodyType(schema::Builtin(), "apps/v1", "ObjectMeta") == nullptr);
  REQUIRE(FindBodyType(schema::Builtin(), "v1", "Pod") != nullptr);
  CHECK(FindBodyType(schema::Builtin(), "v1", "Pod")->name == "Pod");
}

}  // namespace
}  // namespace mini::cluster::api::protobuf
