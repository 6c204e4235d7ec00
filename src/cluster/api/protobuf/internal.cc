#include <fmt/format.h>

#include "cluster/api/protobuf/decode_internal.h"

namespace mini::cluster::api::protobuf::internal {

using schema::Scalar;
using wire::WireType;

WireType WireTypeOf(Scalar scalar) {
  switch (scalar) {
    case Scalar::kBoolean:
    case Scalar::kInt32:
    case Scalar::kInt64:
      return WireType::kVarint;
    case Scalar::kDouble:
      return WireType::kFixed64;
    default:
      return WireType::kLengthDelimited;
  }
}

std::string_view ScalarName(Scalar scalar) {
  switch (scalar) {
    case Scalar::kObject:
      return "Object";
    case Scalar::kString:
      return "string";
    case Scalar::kBoolean:
      return "boolean";
    case Scalar::kInt32:
      return "int32";
    case Scalar::kInt64:
      return "int64";
    case Scalar::kDouble:
      return "double";
    case Scalar::kBytes:
      return "bytes";
    case Scalar::kQuantity:
      return "Quantity";
    case Scalar::kIntOrString:
      return "IntOrString";
    case Scalar::kTime:
      return "Time";
    case Scalar::kMicroTime:
      return "MicroTime";
    case Scalar::kDuration:
      return "Duration";
    case Scalar::kRawExtension:
      return "RawExtension";
    case Scalar::kFieldsV1:
      return "FieldsV1";
    case Scalar::kStringList:
      return "StringList";
  }
  return "value";
}

PathScope::PathScope(std::string& path, std::string_view name) : PathScope(path) {
  if (name.empty()) return;
  if (!path.empty()) path.push_back('.');
  path.append(name);
}

PathScope::PathScope(std::string& path, size_t index) : PathScope(path) {
  fmt::format_to(std::back_inserter(path), "[{}]", index);
}

PathScope::PathScope(std::string& path, MapKey key) : PathScope(path) {
  // A key can be megabytes long; an error message needs only enough to find it.
  constexpr size_t kMaxShown = 64;
  path.push_back('[');
  path.append(key.key.substr(0, kMaxShown));
  if (key.key.size() > kMaxShown) path.append("...");
  path.push_back(']');
}

}  // namespace mini::cluster::api::protobuf::internal
