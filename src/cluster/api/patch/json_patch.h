// JSON Patch (RFC 6902), `application/json-patch+json`: what `kubectl patch --type=json`,
// `kubectl rollout undo` and the managedFields upgrade of `kubectl apply --server-side` send.
//
// Parsing and applying are separate steps because Kubernetes answers differently: a document
// that is not a valid patch is 400 BadRequest (kReasonMalformedPatch), a valid patch that does
// not apply to the object (failed `test`, missing path) is 422 (kReasonPatchNotApplicable).
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <vector>

#include "cluster/api/patch/json_pointer.h"
#include "common/status.h"

namespace mini::cluster::api::patch {

enum class JsonPatchOp : uint8_t { kAdd, kRemove, kReplace, kMove, kCopy, kTest };

struct JsonPatchOperation {
  JsonPatchOp op = JsonPatchOp::kAdd;
  JsonPointer path;
  JsonPointer from;          // move and copy only
  boost::json::value value;  // add, replace and test only (JSON null is a valid value)
};

using JsonPatch = std::vector<JsonPatchOperation>;

/// Decodes a patch document: an array of objects with "op" and "path", plus "value" or "from"
/// as the operation needs. Unknown members are ignored, as the RFC says.
Result<JsonPatch> ParseJsonPatch(const boost::json::value& document);

/// Applies the operations in order to `target`; any failure fails the whole patch.
Result<boost::json::value> ApplyJsonPatch(boost::json::value target, const JsonPatch& patch);

}  // namespace mini::cluster::api::patch
