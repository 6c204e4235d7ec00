// Messages, repeated fields and maps. See protobuf.h for which values survive into the JSON.
#include <spdlog/spdlog.h>

#include <boost/json/array.hpp>
#include <map>

#include "cluster/api/protobuf/decode_internal.h"
#include "cluster/api/protobuf/decoder.h"

namespace mini::cluster::api::protobuf {
namespace internal {
namespace {

namespace json = boost::json;
using schema::Field;
using schema::Scalar;
using schema::Type;
using wire::RawField;
using wire::WireType;

int IndexOf(const Type& type, int number) {
  for (size_t i = 0; i < type.fields.size(); ++i) {
    if (type.fields[i].proto == number) return static_cast<int>(i);
  }
  return -1;
}

// Sets the field, or for an inlined one (Volume's volumeSource) merges its members into the
// enclosing object, where the enclosing type's own fields win as Go's embedding rules say.
void Put(const Field& field, json::value value, json::object& out) {
  if (field.inlined && value.is_object()) {
    for (auto& member : value.get_object()) out.emplace(member.key(), std::move(member.value()));
    return;
  }
  out.insert_or_assign(field.name, std::move(value));
}

}  // namespace

Status Decoder::Fail(std::string_view what) const {
  if (path_.empty()) return Status(Code::kInvalidArgument, std::string(what));
  return Error(Code::kInvalidArgument, "{}: {}", path_, what);
}

Status Decoder::CheckWireType(const Field& field, WireType type) const {
  const WireType expected = WireTypeOf(field.scalar);
  if (type == expected) return Status::Ok();
  return Fail(fmt::format("{} field sent as {} instead of {}", ScalarName(field.scalar),
                          wire::WireTypeName(type), wire::WireTypeName(expected)));
}

Result<json::object> Decoder::Message(std::string_view bytes, const Type& type) {
  if (depth_ >= options_.max_depth) {
    return Fail(fmt::format("messages nested deeper than {} levels", options_.max_depth));
  }
  ++depth_;
  json::object out;
  Status status = Fields(bytes, type, out);
  --depth_;
  if (!status.ok()) return status;
  return out;
}

Status Decoder::Fields(std::string_view bytes, const Type& type, json::object& out) {
  // First collect every occurrence per field, then build the object in schema order: the
  // JSON keeps Go's field order whatever order the sender used, and a repeated occurrence of
  // a non-repeated message merges as protobuf says (by decoding the concatenation).
  std::vector<std::vector<RawField>> seen(type.fields.size());
  wire::Reader reader(bytes);
  RawField raw;
  for (;;) {
    const auto step = reader.Next(raw);
    if (step == wire::Reader::Step::kEnd) break;
    if (step == wire::Reader::Step::kError) {
      const int number = reader.error_field();
      const int index = number == 0 ? -1 : IndexOf(type, number);
      const std::string name = index >= 0    ? type.fields[static_cast<size_t>(index)].name
                               : number == 0 ? std::string()
                                             : fmt::format("(field {})", number);
      PathScope scope(path_, name);
      return Fail(reader.error());
    }
    const int index = IndexOf(type, raw.number);
    if (index < 0) {
      // Upstream's generated code skips unknown fields too; a newer client may send them.
      spdlog::debug("protobuf: skipping field {} unknown to {}.{} at '{}'", raw.number,
                    type.package, type.name, path_);
      continue;
    }
    seen[static_cast<size_t>(index)].push_back(raw);
  }
  for (size_t i = 0; i < type.fields.size(); ++i) {
    const Field& field = type.fields[i];
    if (field.proto == 0) continue;  // JSON-only
    if (field.scalar == Scalar::kObject && field.object == nullptr) {
      return Status(Code::kInternal,
                    fmt::format("schema field {}.{} has no type", type.name, field.name));
    }
    // An inlined field's members sit in the enclosing object, and so do their paths.
    PathScope scope(path_, field.inlined ? std::string_view() : std::string_view(field.name));
    if (field.is_list()) {
      MINI_RETURN_IF_ERROR(List(field, seen[i], out));
    } else if (field.is_map()) {
      MINI_RETURN_IF_ERROR(Map(field, seen[i], out));
    } else {
      MINI_RETURN_IF_ERROR(Single(field, seen[i], out));
    }
  }
  return Status::Ok();
}

Status Decoder::Single(const Field& field, const std::vector<RawField>& seen, json::object& out) {
  if (seen.empty()) {
    // Go still has the field: a struct marshals as {} (omitempty never drops structs), a
    // field without omitempty as its zero. Pointers and lists stay absent: no invented nulls.
    if (field.pointer) return Status::Ok();
    if (field.scalar == Scalar::kObject ||
        (field.emit_zero && field.scalar != Scalar::kStringList)) {
      MINI_ASSIGN_OR_RETURN(json::value zero, ZeroOf(field));
      Put(field, std::move(zero), out);
    }
    return Status::Ok();
  }
  for (const RawField& raw : seen) MINI_RETURN_IF_ERROR(CheckWireType(field, raw.type));
  RawField last = seen.back();
  std::string merged;
  if (IsMessage(field.scalar) && seen.size() > 1) {
    for (const RawField& raw : seen) merged.append(raw.bytes);
    last.bytes = merged;
  }
  MINI_ASSIGN_OR_RETURN(Value value, Element(field, last));
  if (value.json.is_null()) {
    // A zero time or an empty RawExtension: unset, which only a field without omitempty shows.
    if (field.emit_zero) Put(field, nullptr, out);
    return Status::Ok();
  }
  if (!value.zero || field.pointer || field.emit_zero || field.scalar == Scalar::kObject) {
    Put(field, std::move(value.json), out);
  }
  return Status::Ok();
}

Status Decoder::List(const Field& field, const std::vector<RawField>& seen, json::object& out) {
  json::array items;
  for (const RawField& raw : seen) {
    if (raw.type == WireType::kLengthDelimited && IsPackable(field.scalar)) {
      MINI_RETURN_IF_ERROR(Packed(field, raw.bytes, items));
      continue;
    }
    PathScope scope(path_, items.size());
    MINI_RETURN_IF_ERROR(CheckWireType(field, raw.type));
    MINI_ASSIGN_OR_RETURN(Value value, Element(field, raw));
    items.push_back(std::move(value.json));
  }
  // An empty list is indistinguishable from an absent one on the wire; omit both.
  if (!items.empty()) out.insert_or_assign(field.name, std::move(items));
  return Status::Ok();
}

Status Decoder::Packed(const Field& field, std::string_view bytes, json::array& items) {
  while (!bytes.empty()) {
    uint64_t bits = 0;
    const bool read = field.scalar == Scalar::kDouble ? wire::ConsumeFixed64(bytes, bits)
                                                      : wire::ConsumeVarint(bytes, bits);
    if (!read) {
      PathScope scope(path_, items.size());
      return Fail(fmt::format("truncated packed {}", ScalarName(field.scalar)));
    }
    PathScope scope(path_, items.size());
    MINI_ASSIGN_OR_RETURN(Value value, Number(field.scalar, bits));
    items.push_back(std::move(value.json));
  }
  return Status::Ok();
}

Status Decoder::Map(const Field& field, const std::vector<RawField>& seen, json::object& out) {
  // Go writes map keys sorted; a key sent twice keeps its last value, as protobuf says.
  std::map<std::string, json::value, std::less<>> entries;
  for (const RawField& entry : seen) {
    if (entry.type != WireType::kLengthDelimited) {
      return Fail(fmt::format("map entry sent as {}", wire::WireTypeName(entry.type)));
    }
    std::string_view key;
    const RawField* value = nullptr;
    RawField raw;
    RawField value_raw;
    wire::Reader reader(entry.bytes);
    for (;;) {
      const auto step = reader.Next(raw);
      if (step == wire::Reader::Step::kEnd) break;
      if (step == wire::Reader::Step::kError) {
        return Fail(fmt::format("map entry: {}", reader.error()));
      }
      if (raw.number == 1) {
        if (raw.type != WireType::kLengthDelimited) {
          return Fail(fmt::format("map key sent as {}", wire::WireTypeName(raw.type)));
        }
        key = raw.bytes;
      } else if (raw.number == 2) {
        value_raw = raw;
        value = &value_raw;
      }
    }
    PathScope scope(path_, MapKey{key});
    json::value json;
    if (value != nullptr) {
      MINI_RETURN_IF_ERROR(CheckWireType(field, value->type));
      MINI_ASSIGN_OR_RETURN(Value decoded, Element(field, *value));
      json = std::move(decoded.json);
    } else {
      MINI_ASSIGN_OR_RETURN(json, ZeroOf(field));
    }
    entries.insert_or_assign(std::string(key), std::move(json));
  }
  if (entries.empty()) return Status::Ok();
  json::object map;
  map.reserve(entries.size());
  for (auto& [key, json] : entries) map.emplace(key, std::move(json));
  out.insert_or_assign(field.name, std::move(map));
  return Status::Ok();
}

}  // namespace internal

Result<boost::json::object> DecodeMessage(std::string_view bytes, const schema::Type& type,
                                          const DecodeOptions& options) {
  internal::Decoder decoder(options);
  return decoder.Message(bytes, type);
}

}  // namespace mini::cluster::api::protobuf
