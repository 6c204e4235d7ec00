#include "test/cluster/api/protobuf/sample.h"

#include <boost/json.hpp>

namespace mini::cluster::api::protobuf::testing {
namespace {

namespace json = boost::json;
using schema::Field;
using schema::Scalar;
using schema::Type;

// Pointer, list and map fields below this depth are left out, keeping samples finite.
constexpr int kMaxSampleDepth = 8;

json::value SampleScalar(Scalar scalar, int depth) {
  switch (scalar) {
    case Scalar::kString:
      return "text";
    case Scalar::kBoolean:
      return true;
    case Scalar::kInt32:
      return -7;
    case Scalar::kInt64:
      return -1234567890123;
    case Scalar::kDouble:
      return 1.5;
    case Scalar::kBytes:
      return "AP8Q";
    case Scalar::kQuantity:
      return "250m";
    case Scalar::kIntOrString:
      return depth % 2 == 0 ? json::value(8080) : json::value("http");
    case Scalar::kTime:
      return "2024-05-06T07:08:09Z";
    case Scalar::kMicroTime:
      return "2024-05-06T07:08:09.123456Z";
    case Scalar::kDuration:
      return "1h2m3.5s";
    case Scalar::kRawExtension:
      return json::parse(R"({"kind":"Thing","items":[1,"two",null]})");
    case Scalar::kFieldsV1:
      return json::parse(R"({"f:metadata":{"f:name":{}}})");
    case Scalar::kStringList:
      return json::array{"a", "b"};
    case Scalar::kObject:
      break;
  }
  return nullptr;
}

json::object SampleAt(const Type& type, int depth);

void Fill(const Field& field, int depth, json::object& out) {
  if (field.proto == 0) return;
  const bool optional = field.pointer || field.container != schema::Container::kNone;
  if (optional && depth >= kMaxSampleDepth) return;
  json::value element = field.scalar == Scalar::kObject
                            ? json::value(SampleAt(*field.object, depth + 1))
                            : SampleScalar(field.scalar, depth);
  if (field.inlined) {
    for (auto& member : element.as_object()) out.insert_or_assign(member.key(), member.value());
    return;
  }
  if (field.is_list()) {
    out[field.name] = json::array{element};
  } else if (field.is_map()) {
    out[field.name] = json::object{{"key", element}};
  } else {
    out[field.name] = element;
  }
}

json::object SampleAt(const Type& type, int depth) {
  json::object out;
  for (const Field& field : type.fields) Fill(field, depth, out);
  return out;
}

}  // namespace

json::object Sample(const Type& type) { return SampleAt(type, 0); }

}  // namespace mini::cluster::api::protobuf::testing
