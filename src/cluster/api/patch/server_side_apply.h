// Server-side apply, `application/apply-patch+yaml` (`kubectl apply --server-side`): the body
// is the manager's full intent for the object. It is merged into the live object the way the
// schema's list types say (listType map merges by list_keys, set merges values, atomic lists,
// atomic maps and atomic structs are replaced) and the manager's "Apply" entry in
// metadata.managedFields becomes exactly the set of fields the body sets. Fields the manager
// applied last time but leaves out now are removed from the object unless another manager
// owns them.
//
// Conflicts (another manager owning a field this apply changes) are reported, not enforced:
// the caller decides between 409 and force. Ownership of those fields moves to the applier, as
// with force=true.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/api/patch/field_set.h"
#include "cluster/api/patch/managed_fields.h"
#include "common/status.h"

namespace mini::cluster::api::patch {

/// Fields another manager owned that this apply changes.
struct ApplyConflict {
  std::string manager;
  std::string api_version;
  FieldSet fields;
};

struct ApplyResult {
  boost::json::value object;  // the merged object, metadata.managedFields updated
  std::vector<ApplyConflict> conflicts;
};

/// Parses an apply body: JSON, or a single YAML document (YAML 1.2 core scalars). Errors are
/// kInvalidArgument with kReasonMalformedPatch.
Result<boost::json::value> ParseApplyPatch(std::string_view body);

/// Applies `applied` (an object) for ctx.manager to `live` (nullptr: the object does not exist
/// and is created from `applied`). The result is neither defaulted nor validated. Errors carry
/// kReasonMalformedPatch (the body sets metadata.managedFields, or is not an object) or
/// kReasonPatchNotApplicable (a keyed-list item without its key, duplicate keys).
Result<ApplyResult> ServerSideApply(const boost::json::value* live,
                                    const boost::json::value& applied,
                                    const FieldManagerContext& ctx);

}  // namespace mini::cluster::api::patch
