// Malformed input: every error names the field path, and no input crashes or reads out of
// bounds (the test build runs under AddressSanitizer and UBSan).
#include <boost/json.hpp>

#include "cluster/api/protobuf/protobuf.h"
#include "cluster/api/schema/schema.h"
#include "test/cluster/api/protobuf/test_support.h"

namespace mini::cluster::api::protobuf {
namespace {

namespace json = boost::json;
using namespace testing;  // NOLINT: the byte builders read best unqualified

std::string BodyError(std::string_view body, const schema::Schema& schema = schema::Builtin()) {
  auto decoded = DecodeKubernetesProtobuf(body, schema);
  REQUIRE_MESSAGE(!decoded.ok(), json::serialize(*decoded));
  CHECK(decoded.status().code() == Code::kInvalidArgument);
  return decoded.status().message();
}

// Decoding must end in a value or an error; anything else is caught by the sanitizers.
void DecodeSomehow(std::string_view body) {
  auto decoded = DecodeKubernetesProtobuf(body, schema::Builtin());
  if (!decoded.ok()) CHECK(decoded.status().code() == Code::kInvalidArgument);
}

TEST_CASE("wire errors name the field path") {
  CHECK(SpecError(Tag(2, 0) + "\x80") == "count: truncated or overlong varint");
  CHECK(SpecError(Tag(1, 2) + Varint(5) + "abc") == "text: truncated length-delimited field");
  CHECK(SpecError(Tag(1, 2)) == "text: truncated length-delimited field");
  CHECK(SpecError(Tag(4, 1) + "abc") == "ratio: truncated 64-bit field");
  CHECK(SpecError(Tag(99, 5) + "ab") == "(field 99): truncated 32-bit field");
  CHECK(SpecError(Cat(
            {BytesField(24, BytesField(1, "a")), BytesField(24, Tag(1, 2) + Varint(9) + "ab")})) ==
        "parts[1].name: truncated length-delimited field");
  CHECK(SpecError(BytesField(26, BytesField(24, Tag(2, 0) + "\xff"))) ==
        "child.parts[0].value: truncated or overlong varint");
  CHECK(SpecError("\x80") == "truncated or overlong field tag");
  CHECK(SpecError(std::string(1, '\0')) == "invalid field number");
  CHECK(SpecError(Varint(uint64_t{1} << 32)) == "invalid field number");
  // Ten bytes at most, and the tenth may only carry bit 63.
  CHECK(SpecError(Tag(3, 0) + std::string(10, '\x80') + "\x01") ==
        "total: truncated or overlong varint");
  CHECK(SpecError(Tag(3, 0) + std::string(9, '\xff') + "\x02") ==
        "total: truncated or overlong varint");
}

TEST_CASE("a kubectl body cut inside a container port names the full path") {
  // Deployment{spec{template{spec{containers[0]{ports: length 10, 3 bytes present}}}}}
  const std::string container = Cat({BytesField(1, "web"), Tag(6, 2), Varint(10), "abc"});
  const std::string raw = BytesField(2, BytesField(3, BytesField(2, BytesField(2, container))));
  CHECK(BodyError(Body("apps/v1", "Deployment", raw)) ==
        "spec.template.spec.containers[0].ports: truncated length-delimited field");
}

TEST_CASE("groups and undefined wire types are rejected") {
  CHECK(SpecError(Tag(5, 3)) == "enabled: groups are not supported");
  CHECK(SpecError(Tag(77, 3) + Tag(77, 4)) == "(field 77): groups are not supported");
  CHECK(SpecError(Tag(1, 4)) == "text: groups are not supported");
  CHECK(SpecError(Tag(1, 6)) == "text: invalid wire type 6");
  CHECK(SpecError(Tag(1, 7)) == "text: invalid wire type 7");
}

TEST_CASE("a known field sent with the wrong wire type is an error") {
  CHECK(SpecError(VarintField(1, 5)) ==
        "text: string field sent as varint instead of length-delimited");
  CHECK(SpecError(BytesField(2, "x")) ==
        "count: int32 field sent as length-delimited instead of varint");
  CHECK(SpecError(VarintField(4, 1)) == "ratio: double field sent as varint instead of 64-bit");
  CHECK(SpecError(VarintField(30, 1)) ==
        "options: Object field sent as varint instead of length-delimited");
  CHECK(SpecError(VarintField(12, 1)) ==
        "names[0]: string field sent as varint instead of length-delimited");
  CHECK(SpecError(BytesField(15, BytesField(1, "x"))) ==
        "when: Time field 1 sent as length-delimited");
  CHECK(SpecError(BytesField(18, VarintField(1, 1))) == "size: Quantity sent with a varint value");
  CHECK(SpecError(BytesField(17, BytesField(1, "1s"))) ==
        "timeout: Duration sent with a length-delimited value");
  CHECK(SpecError(BytesField(13, BytesField(2, ""))) ==
        "port: IntOrString field 2 sent as length-delimited");
  CHECK(SpecError(BytesField(19, VarintField(1, 1))) ==
        "extension: RawExtension sent with a varint value");
}

TEST_CASE("malformed repeated fields, maps and special messages") {
  CHECK(SpecError(BytesField(8, Cat({Varint(1), "\x80"}))) == "ints[1]: truncated packed int32");
  CHECK(SpecError(BytesField(11, "abc")) == "ratios[0]: truncated packed double");
  CHECK(SpecError(VarintField(33, 1)) == "byName: map entry sent as varint");
  CHECK(SpecError(BytesField(33, Tag(1, 2) + Varint(5) + "ab")) ==
        "byName: map entry: truncated length-delimited field");
  CHECK(SpecError(BytesField(33, VarintField(1, 1))) == "byName: map key sent as varint");
  CHECK(SpecError(Entry(33, "k", BytesField(2, "x"))) ==
        "byName[k]: int32 field sent as length-delimited instead of varint");
  CHECK(SpecError(Entry(35, "k", BytesField(2, Tag(1, 2)))) ==
        "parted[k].name: truncated length-delimited field");
  CHECK(SpecError(BytesField(15, Tag(1, 0))) == "when: truncated or overlong varint in Time");
  CHECK(SpecError(BytesField(13, "\x08")) == "port: truncated or overlong varint in IntOrString");
  CHECK(SpecError(BytesField(18, "\x0a\x05")) ==
        "size: truncated length-delimited field in Quantity");
  CHECK(SpecError(BytesField(20, "\x0a")) ==
        "managed: truncated length-delimited field in FieldsV1");
  CHECK(SpecError(Fixed64Field(4, 0x7ff8000000000000ULL)) ==
        "ratio: NaN and infinite numbers cannot be written as JSON");
  CHECK(SpecError(Fixed64Field(4, 0x7ff0000000000000ULL)) ==
        "ratio: NaN and infinite numbers cannot be written as JSON");
  CHECK(SpecError(BytesField(19, BytesField(1, "\"\xff\"")))
            .starts_with("extension: RawExtension does not hold valid JSON"));
  // A map key is kept whole in the JSON but shortened in the error path.
  const std::string key(100, 'k');
  CHECK(SpecError(Entry(33, key, BytesField(2, ""))) ==
        "byName[" + std::string(64, 'k') +
            "...]: int32 field sent as length-delimited instead of varint");
}

TEST_CASE("messages nested deeper than the limit are rejected") {
  std::string nested;
  for (int i = 0; i < 40; ++i) nested = BytesField(26, nested);
  CHECK(DecodeMessage(nested, WidgetSpec()).ok());
  for (int i = 0; i < 40; ++i) nested = BytesField(26, nested);
  const std::string message = SpecError(nested);
  CHECK(message.starts_with("child.child.child."));
  CHECK(message.ends_with(": messages nested deeper than 64 levels"));
  DecodeOptions shallow;
  shallow.max_depth = 3;
  auto decoded = DecodeMessage(BytesField(26, BytesField(26, "")), WidgetSpec(), shallow);
  REQUIRE(!decoded.ok());
  CHECK(decoded.status().message() == "child.child: messages nested deeper than 3 levels");
  // Far deeper than any stack could take if the limit were missing.
  std::string deep;
  for (int i = 0; i < 3000; ++i) deep = Tag(26, 2) + Varint(deep.size()) + deep;
  CHECK(SpecError(deep).ends_with("messages nested deeper than 64 levels"));
}

TEST_CASE("envelope errors") {
  CHECK(BodyError("") == R"(protobuf body does not start with the Kubernetes prefix "k8s\x00")");
  CHECK(BodyError("k8s") == R"(protobuf body does not start with the Kubernetes prefix "k8s\x00")");
  CHECK(BodyError("{\"kind\":\"Pod\"}") ==
        R"(protobuf body does not start with the Kubernetes prefix "k8s\x00")");
  CHECK(BodyError(std::string("k8s\0", 4)) ==
        "protobuf envelope: typeMeta lacks apiVersion or kind");
  CHECK(BodyError(Body("v1", "", "")) == "protobuf envelope: typeMeta lacks apiVersion or kind");
  CHECK(BodyError(Body("v1", "Nope", "")) == R"(no kind "Nope" is registered for version "v1")");
  CHECK(BodyError(Body("bad/group/v1", "Pod", "")) ==
        R"(no kind "Pod" is registered for version "bad/group/v1")");
  const std::string good = Body("v1", "Namespace", "");
  CHECK(BodyError(good.substr(0, good.size() - 1)) ==
        "protobuf envelope: truncated length-delimited field");
  CHECK(BodyError(Cat({std::string_view("k8s\0", 4), VarintField(2, 1)})) ==
        "protobuf envelope: field 2 sent as varint");
  CHECK(BodyError(Cat({std::string_view("k8s\0", 4), BytesField(1, VarintField(2, 1))})) ==
        "protobuf envelope: typeMeta field 2 sent as varint");
  CHECK(BodyError(Cat({good, BytesField(3, "gzip")})) ==
        R"(protobuf envelope: contentEncoding "gzip" is not supported)");
  CHECK(BodyError(Cat({good, BytesField(4, "application/json")})) ==
        "protobuf envelope: contentType \"application/json\" is not "
        "application/vnd.kubernetes.protobuf");
  CHECK(DecodeKubernetesProtobuf(Cat({good, BytesField(4, kContentType), VarintField(9, 1)}),
                                 schema::Builtin())
            .ok());
  CHECK(BodyError(Body("v1", "Namespace", "\x0a\x05")) ==
        "metadata: truncated length-delimited field");
}

TEST_CASE("every truncation of a valid body decodes or fails cleanly") {
  for (const std::string& body :
       {KubectlDeploymentBody(), Body("v1", "Namespace", FromHex("0a140a0464656d6f1200"))}) {
    for (size_t n = 0; n <= body.size(); ++n) DecodeSomehow(body.substr(0, n));
    // The raw object on its own, cut anywhere: the decoder sees only its own bytes.
    auto type = FindBodyType(schema::Builtin(), "apps/v1", "Deployment");
    for (size_t n = 0; n <= body.size(); ++n) (void)DecodeMessage(body.substr(0, n), *type);
  }
  CHECK(DecodeKubernetesProtobuf(KubectlDeploymentBody(), schema::Builtin()).ok());
}

TEST_CASE("every single-byte change of a valid body decodes or fails cleanly") {
  const std::string body = KubectlDeploymentBody();
  const uint8_t replacements[] = {0x00, 0x01, 0x02, 0x05, 0x07, 0x0b, 0x7f, 0x80, 0xfe, 0xff};
  for (size_t i = 0; i < body.size(); ++i) {
    std::string mutated = body;
    for (uint8_t r : replacements) {
      mutated[i] = static_cast<char>(r);
      DecodeSomehow(mutated);
    }
    for (int bit = 0; bit < 8; ++bit) {
      mutated[i] = static_cast<char>(body[i] ^ (1 << bit));
      DecodeSomehow(mutated);
    }
  }
}

}  // namespace
}  // namespace mini::cluster::api::protobuf
