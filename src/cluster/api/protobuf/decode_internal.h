// Pieces shared by the decoder and the encoder.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "cluster/api/protobuf/wire.h"
#include "cluster/api/schema/schema.h"
#include "common/status.h"

namespace mini::cluster::api::protobuf::internal {

/// How a value of `scalar` travels: varint, 64-bit, or length-delimited (strings, bytes and
/// every message, the special ones included).
wire::WireType WireTypeOf(schema::Scalar scalar);

/// Numbers may also come packed into one length-delimited field when repeated.
inline bool IsPackable(schema::Scalar scalar) {
  return WireTypeOf(scalar) != wire::WireType::kLengthDelimited;
}

/// Messages, whose repeated occurrences in a non-repeated field merge.
inline bool IsMessage(schema::Scalar scalar) {
  return WireTypeOf(scalar) == wire::WireType::kLengthDelimited &&
         scalar != schema::Scalar::kString && scalar != schema::Scalar::kBytes;
}

/// "string", "int32", "IntOrString", "Object"...: for error messages.
std::string_view ScalarName(schema::Scalar scalar);

struct MapKey {
  std::string_view key;
};

/// EncodeMessage for the object of a whole body, whose apiVersion and kind the envelope
/// carries instead.
Result<std::string> EncodeRoot(const boost::json::object& object, const schema::Type& type);

/// Field paths as errors show them: "spec.template.spec.containers[0].ports". A scope
/// appends one step and takes it off again when it ends.
class PathScope {
 public:
  PathScope(std::string& path, std::string_view name);  // ".name"; nothing when name is empty
  PathScope(std::string& path, size_t index);           // "[index]"
  PathScope(std::string& path, MapKey key);             // "[key]", shortened
  PathScope(const PathScope&) = delete;
  PathScope& operator=(const PathScope&) = delete;
  ~PathScope() { path_.resize(size_); }

 private:
  explicit PathScope(std::string& path) : path_(path), size_(path.size()) {}

  std::string& path_;
  size_t size_;
};

}  // namespace mini::cluster::api::protobuf::internal
