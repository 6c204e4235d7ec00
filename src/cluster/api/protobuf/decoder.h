// The schema-driven message decoder behind DecodeMessage and DecodeKubernetesProtobuf.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/api/protobuf/protobuf.h"
#include "cluster/api/protobuf/wire.h"
#include "cluster/api/schema/schema.h"
#include "common/status.h"

namespace mini::cluster::api::protobuf::internal {

class Decoder {
 public:
  explicit Decoder(const DecodeOptions& options) : options_(options) {}

  /// One message of `type`; errors are kInvalidArgument prefixed with the field path.
  Result<boost::json::object> Message(std::string_view bytes, const schema::Type& type);

 private:
  // A decoded value, and whether it is its type's zero value, which omitempty drops.
  struct Value {
    boost::json::value json;
    bool zero = false;
  };

  // decode.cc: messages and their fields.
  Status Fields(std::string_view bytes, const schema::Type& type, boost::json::object& out);
  Status Single(const schema::Field& field, const std::vector<wire::RawField>& seen,
                boost::json::object& out);
  Status List(const schema::Field& field, const std::vector<wire::RawField>& seen,
              boost::json::object& out);
  Status Packed(const schema::Field& field, std::string_view bytes, boost::json::array& items);
  Status Map(const schema::Field& field, const std::vector<wire::RawField>& seen,
             boost::json::object& out);

  // decode_values.cc: one value of a field's element type.
  Result<Value> Element(const schema::Field& field, const wire::RawField& raw);
  Result<Value> Number(schema::Scalar scalar, uint64_t bits);
  Result<Value> Special(schema::Scalar scalar, std::string_view bytes);
  Result<Value> IntOrString(std::string_view bytes);
  Result<Value> Time(std::string_view bytes, bool micro);
  Result<Value> RawJson(schema::Scalar scalar, std::string_view bytes);
  /// What an absent value reads as in Go: "", 0, false, null for times, {} for messages.
  Result<boost::json::value> ZeroOf(const schema::Field& field);

  Status CheckWireType(const schema::Field& field, wire::WireType type) const;
  Status Fail(std::string_view what) const;

  const DecodeOptions& options_;
  std::string path_;
  int depth_ = 0;
};

}  // namespace mini::cluster::api::protobuf::internal
