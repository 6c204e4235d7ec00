// The runtime.Unknown envelope around a body, and which schema type its kind names.
#include <array>
#include <boost/json/object.hpp>
#include <span>

#include "cluster/api/protobuf/decode_internal.h"
#include "cluster/api/protobuf/protobuf.h"
#include "common/json.h"

namespace mini::cluster::api::protobuf {
namespace {

namespace json = boost::json;
using wire::RawField;
using wire::WireType;

struct Envelope {
  std::string_view api_version;
  std::string_view kind;
  std::string_view raw;
  std::string_view content_encoding;
  std::string_view content_type;
};

Status EnvelopeError(std::string_view what) {
  return Error(Code::kInvalidArgument, "protobuf envelope: {}", what);
}

// Reads the string fields of one message into `slots` by field number (1-based); others skip.
Status ReadStrings(std::string_view bytes, std::string_view message,
                   std::span<std::string_view*> slots) {
  wire::Reader reader(bytes);
  RawField field;
  for (;;) {
    const auto step = reader.Next(field);
    if (step == wire::Reader::Step::kEnd) return Status::Ok();
    if (step == wire::Reader::Step::kError) {
      return EnvelopeError(fmt::format("{}: {}", message, reader.error()));
    }
    const auto index = static_cast<size_t>(field.number - 1);
    if (index >= slots.size() || slots[index] == nullptr) continue;
    if (field.type != WireType::kLengthDelimited) {
      return EnvelopeError(
          fmt::format("{} field {} sent as {}", message, field.number, WireTypeName(field.type)));
    }
    *slots[index] = field.bytes;
  }
}

Result<Envelope> ReadEnvelope(std::string_view bytes) {
  // Unknown {1 typeMeta, 2 raw, 3 contentEncoding, 4 contentType}; TypeMeta {1 apiVersion,
  // 2 kind}. Reading typeMeta's occurrences one after another merges them as protobuf says.
  Envelope envelope;
  std::array<std::string_view*, 4> fields = {nullptr, &envelope.raw, &envelope.content_encoding,
                                             &envelope.content_type};
  std::array<std::string_view*, 2> meta_fields = {&envelope.api_version, &envelope.kind};
  wire::Reader reader(bytes);
  RawField field;
  for (;;) {
    const auto step = reader.Next(field);
    if (step == wire::Reader::Step::kEnd) return envelope;
    if (step == wire::Reader::Step::kError) return EnvelopeError(reader.error());
    const auto index = static_cast<size_t>(field.number - 1);
    if (index >= fields.size()) continue;
    if (field.type != WireType::kLengthDelimited) {
      return EnvelopeError(
          fmt::format("field {} sent as {}", field.number, WireTypeName(field.type)));
    }
    if (index == 0) {
      MINI_RETURN_IF_ERROR(ReadStrings(field.bytes, "typeMeta", meta_fields));
    } else {
      *fields[index] = field.bytes;
    }
  }
}

// The kinds every group version accepts besides its own (upstream registers them in each).
constexpr std::array<std::string_view, 8> kSharedKinds = {
    "DeleteOptions", "CreateOptions", "UpdateOptions", "PatchOptions",
    "GetOptions",    "ListOptions",   "Status",        "WatchEvent",
};

}  // namespace

std::string PackageOf(std::string_view api_version) {
  const size_t slash = api_version.find('/');
  const std::string_view group =
      slash == std::string_view::npos ? std::string_view() : api_version.substr(0, slash);
  const std::string_view version =
      slash == std::string_view::npos ? api_version : api_version.substr(slash + 1);
  if (version.empty() || version.find('/') != std::string_view::npos ||
      (slash != std::string_view::npos && group.empty())) {
    return "";
  }
  const std::string_view label = group.empty() ? "core" : group.substr(0, group.find('.'));
  if (label.empty()) return "";
  return fmt::format("{}/{}", label, version);
}

const schema::Type* FindBodyType(const schema::Schema& schema, std::string_view api_version,
                                 std::string_view kind) {
  const std::string package = PackageOf(api_version);
  if (package.empty() || kind.empty()) return nullptr;
  const size_t slash = api_version.find('/');
  const std::string_view group =
      slash == std::string_view::npos ? std::string_view() : api_version.substr(0, slash);
  const std::string_view version =
      api_version.substr(slash == std::string_view::npos ? 0 : slash + 1);
  if (const auto* resource = schema.FindKind(group, version, kind);
      resource != nullptr && resource->type != nullptr) {
    return resource->type;
  }
  if (const auto* type = schema.FindType(package, kind)) return type;
  for (std::string_view shared : kSharedKinds) {
    if (kind == shared) return schema.FindType("meta/v1", kind);
  }
  return nullptr;
}

Result<json::object> DecodeKubernetesProtobuf(std::string_view body, const schema::Schema& schema,
                                              const DecodeOptions& options) {
  if (!body.starts_with(kMagic)) {
    return Status(Code::kInvalidArgument,
                  "protobuf body does not start with the Kubernetes prefix \"k8s\\x00\"");
  }
  MINI_ASSIGN_OR_RETURN(Envelope envelope, ReadEnvelope(body.substr(kMagic.size())));
  if (!envelope.content_encoding.empty()) {
    return EnvelopeError(
        fmt::format("contentEncoding \"{}\" is not supported", envelope.content_encoding));
  }
  if (!envelope.content_type.empty() && envelope.content_type != kContentType) {
    return EnvelopeError(
        fmt::format("contentType \"{}\" is not {}", envelope.content_type, kContentType));
  }
  if (envelope.api_version.empty() || envelope.kind.empty()) {
    return EnvelopeError("typeMeta lacks apiVersion or kind");
  }
  const schema::Type* type = FindBodyType(schema, envelope.api_version, envelope.kind);
  if (type == nullptr) {
    return Error(Code::kInvalidArgument, "no kind \"{}\" is registered for version \"{}\"",
                 envelope.kind, envelope.api_version);
  }
  MINI_ASSIGN_OR_RETURN(json::object fields, DecodeMessage(envelope.raw, *type, options));
  json::object object;
  object.reserve(fields.size() + 2);
  object.emplace("apiVersion", envelope.api_version);
  object.emplace("kind", envelope.kind);
  for (auto& member : fields) object.emplace(member.key(), std::move(member.value()));
  return object;
}

Result<std::string> EncodeKubernetesProtobuf(const json::object& object,
                                             const schema::Schema& schema) {
  MINI_ASSIGN_OR_RETURN(std::string api_version, GetString(object, "apiVersion"));
  MINI_ASSIGN_OR_RETURN(std::string kind, GetString(object, "kind"));
  const schema::Type* type = FindBodyType(schema, api_version, kind);
  if (type == nullptr) {
    return Error(Code::kInvalidArgument, "no kind \"{}\" is registered for version \"{}\"", kind,
                 api_version);
  }
  MINI_ASSIGN_OR_RETURN(std::string raw, internal::EncodeRoot(object, *type));
  std::string type_meta;
  wire::AppendBytesField(type_meta, 1, api_version);
  wire::AppendBytesField(type_meta, 2, kind);
  std::string body(kMagic);
  wire::AppendBytesField(body, 1, type_meta);
  wire::AppendBytesField(body, 2, raw);
  // kubectl writes the two empty strings as well.
  wire::AppendBytesField(body, 3, {});
  wire::AppendBytesField(body, 4, {});
  return body;
}

}  // namespace mini::cluster::api::protobuf
