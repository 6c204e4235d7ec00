// libFuzzer entry point for the decoders of API request bodies (protobuf, JSON, YAML). Every
// input goes to each decoder, which must answer with a value or a kInvalidArgument error:
// never crash, hang, leak or read out of bounds. Whatever decodes must also survive a round
// trip, which catches decoders that accept what they cannot represent, and the pruning of
// unknown fields that follows every decode in the server.
#include <boost/json.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/api/protobuf/protobuf.h"
#include "cluster/api/schema/schema.h"
#include "cluster/apiserver/rest/codec.h"

namespace {

namespace json = boost::json;
namespace protobuf = mini::cluster::api::protobuf;
namespace schema = mini::cluster::api::schema;
namespace rest = mini::cluster::apiserver::rest;

[[noreturn]] void Die(std::string_view what, std::string_view detail) {
  std::fprintf(stderr, "request_decoders_fuzz: %.*s\n%.*s\n", static_cast<int>(what.size()),
               what.data(), static_cast<int>(detail.size()), detail.data());
  std::abort();
}

void ExpectRejected(const mini::Status& status) {
  if (status.code() != mini::Code::kInvalidArgument) {
    Die("a decoder failed with something other than kInvalidArgument", status.ToString());
  }
}

void FuzzProtobufBody(std::string_view input) {
  const schema::Schema& builtin = schema::Builtin();
  auto decoded = protobuf::DecodeKubernetesProtobuf(input, builtin);
  if (!decoded.ok()) return ExpectRejected(decoded.status());
  auto body = protobuf::EncodeKubernetesProtobuf(*decoded, builtin);
  if (!body.ok()) Die("a decoded body does not encode again", body.status().ToString());
  auto again = protobuf::DecodeKubernetesProtobuf(*body, builtin);
  if (!again.ok() || *again != *decoded) {
    Die("a decoded body changed in a round trip",
        json::serialize(*decoded) + "\n" +
            (again.ok() ? json::serialize(*again) : again.status().ToString()));
  }
}

// The first two bytes pick a type and the rest is one of its messages, so mutations reach
// deep fields without first having to keep an envelope and a kind intact.
void FuzzProtobufMessage(std::string_view input) {
  static const std::vector<const schema::Type*> types = schema::Builtin().types();
  if (input.size() < 2 || types.empty()) return;
  const size_t pick = static_cast<uint8_t>(input[0]) << 8 | static_cast<uint8_t>(input[1]);
  const schema::Type& type = *types[pick % types.size()];
  auto decoded = protobuf::DecodeMessage(input.substr(2), type);
  if (!decoded.ok()) return ExpectRejected(decoded.status());
  auto bytes = protobuf::EncodeMessage(*decoded, type);
  if (!bytes.ok()) Die("a decoded message does not encode again", bytes.status().ToString());
  auto again = protobuf::DecodeMessage(*bytes, type);
  if (!again.ok() || *again != *decoded) {
    Die("a decoded " + type.name + " changed in a round trip",
        json::serialize(*decoded) + "\n" +
            (again.ok() ? json::serialize(*again) : again.status().ToString()));
  }
}

// The server prunes every decoded body against the type its kind names, or against any type
// when the kind is unknown, so pruning sees arbitrary shapes under every schema.
void FuzzPruning(json::object object, size_t pick) {
  const schema::Schema& builtin = schema::Builtin();
  const schema::Type* type = nullptr;
  if (auto* kind = object.if_contains("kind"); kind != nullptr && kind->is_string()) {
    for (const schema::Resource& resource : builtin.resources()) {
      if (resource.kind == kind->get_string()) type = resource.type;
    }
  }
  static const std::vector<const schema::Type*> types = builtin.types();
  if (type == nullptr && !types.empty()) type = types[pick % types.size()];
  if (type == nullptr) return;
  rest::PruneUnknownFields(object, *type);
  rest::PruneUnknownFields(object, *type);  // idempotent: nothing new to prune, no crash
}

void FuzzTextBody(std::string_view input, std::string_view media_type) {
  auto decoded = rest::DecodeBody(media_type, input, schema::Builtin());
  if (!decoded.ok()) return ExpectRejected(decoded.status());
  // JSON is its own serialization, and YAML's result is JSON: either must re-read unchanged.
  std::string text = json::serialize(*decoded);
  auto again = rest::DecodeBody("application/json", text, schema::Builtin());
  if (!again.ok() || *again != *decoded) {
    Die("a decoded body changed when read back as JSON", text);
  }
  FuzzPruning(std::move(*decoded), input.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  FuzzProtobufBody(input);
  FuzzProtobufMessage(input);
  FuzzTextBody(input, "application/json");
  FuzzTextBody(input, "application/yaml");
  return 0;
}
