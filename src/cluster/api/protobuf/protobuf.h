// Kubernetes protobuf request bodies (Content-Type application/vnd.kubernetes.protobuf),
// which kubectl's typed clients send for `create <generator>`, `auth can-i`, `create token`,
// evictions and more, turned into the JSON the rest of the API server works with.
//
// A body is the magic "k8s\0" followed by a runtime.Unknown message: typeMeta {1 apiVersion,
// 2 kind}, 2 raw (the object's own message), 3 contentEncoding, 4 contentType. The object's
// message is decoded generically from the API schema, which carries every field's protobuf
// number, so there is no generated code to keep in step with it.
//
// The JSON is what Kubernetes' Go types would marshal for the decoded object:
// - A non-pointer scalar the sender wrote at its zero value ("", 0, false, empty bytes) is
//   dropped, as `omitempty` drops it, unless the field is `emit_zero` (no omitempty in Go),
//   which keeps its zero even when the wire left it out.
// - A pointer field is kept whenever it is on the wire, zero or not (`replicas: 0`).
// - A non-pointer message field is a Go struct, which omitempty never drops: it is always
//   present, `{}` when empty or absent (`"spec":{}`, `"status":{}` of `create namespace`). A
//   pointer message appears only when sent.
// - Empty lists and maps, which the wire cannot tell from absent ones, are left out, never
//   null; their elements are kept whatever their value.
// - A zero time (seconds and nanos 0, as the JSON would show it) means unset: dropped, or null
//   when `emit_zero`. Other special messages (Quantity, IntOrString, Duration, RawExtension)
//   at their zero value are dropped like scalars, where Go would write "0", 0, "0s" or null;
//   Kubernetes reads either form as unset.
// - Map keys come out sorted, as Go writes them. Strings pass through byte for byte (upstream
//   does not check UTF-8 in protobuf either). Field numbers the schema does not know are
//   skipped, as upstream's generated code does; malformed wire data is an error.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "cluster/api/schema/schema.h"
#include "common/status.h"

namespace mini::cluster::api::protobuf {

/// The four bytes every Kubernetes protobuf body starts with.
inline constexpr std::string_view kMagic{"k8s\0", 4};

/// Content type of such bodies.
inline constexpr std::string_view kContentType = "application/vnd.kubernetes.protobuf";

struct DecodeOptions {
  /// Messages nested deeper than this are rejected rather than recursed into; Kubernetes
  /// objects nest about 15 deep.
  int max_depth = 64;
};

/// Decodes a whole body into {"apiVersion", "kind", ...fields}. kInvalidArgument for a missing
/// magic, malformed wire data (the message names the field path, such as
/// "spec.template.spec.containers[0].ports: truncated length-delimited field"), an
/// unsupported contentEncoding, or a kind the schema does not know.
Result<boost::json::object> DecodeKubernetesProtobuf(std::string_view body,
                                                     const schema::Schema& schema,
                                                     const DecodeOptions& options = {});

/// The inverse: `object` must carry apiVersion and kind. Non-pointer scalars and messages are
/// written even at their zero value, as Go's generated marshallers do. kInvalidArgument for a
/// field the schema does not have or a value of the wrong JSON type.
Result<std::string> EncodeKubernetesProtobuf(const boost::json::object& object,
                                             const schema::Schema& schema);

/// One message of `type` (the `raw` of a body), without the envelope.
Result<boost::json::object> DecodeMessage(std::string_view bytes, const schema::Type& type,
                                          const DecodeOptions& options = {});
Result<std::string> EncodeMessage(const boost::json::object& object, const schema::Type& type);

/// The schema package of an apiVersion: "v1" -> "core/v1", "apps/v1" -> "apps/v1",
/// "rbac.authorization.k8s.io/v1" -> "rbac/v1" (the group's first DNS label); "" when the
/// apiVersion is malformed.
std::string PackageOf(std::string_view api_version);

/// The message type of a body's apiVersion and kind: the served resource's type, else the
/// type of that name in the group's package (TokenRequest, Eviction, SelfSubjectAccessReview
/// are bodies without a resource of their own), else meta/v1's (DeleteOptions, which every
/// group version accepts). nullptr when none.
const schema::Type* FindBodyType(const schema::Schema& schema, std::string_view api_version,
                                 std::string_view kind);

}  // namespace mini::cluster::api::protobuf
