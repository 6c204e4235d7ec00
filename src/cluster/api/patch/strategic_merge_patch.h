// Strategic merge patch, `application/strategic-merge-patch+json`: what client-side
// `kubectl apply` (from the second run on), `edit`, `set image`, `cordon`, `rollout restart`
// and `kubectl patch` by default send.
//
// How each list merges comes from the schema: a field with patch_merge and a patch_merge_key
// (containers by name, ports by containerPort) merges element by element, one with
// patch_merge and no key (finalizers) merges as a set, any other list is replaced. Maps merge
// key by key and null deletes. The directives kubectl writes are honoured: `$patch`
// (replace, delete, merge), `$retainKeys`, `$setElementOrder/<list>` and
// `$deleteFromPrimitiveList/<list>`. Fields the schema does not know, and kinds without a
// schema, merge like a JSON merge patch.
#pragma once

#include <boost/json/value.hpp>

#include "cluster/api/schema/schema.h"
#include "common/status.h"

namespace mini::cluster::api::patch {

/// Applies `patch` (a JSON object) to `original` (an object of the kind `type` describes;
/// `type` may be nullptr). Errors carry kReasonMalformedPatch or kReasonPatchNotApplicable.
/// `{"$patch": "delete"}` as a member's value removes the member (Kubernetes leaves `{}`
/// there); at the top level it yields an empty object. `{"$patch": "merge"}` in a map is
/// accepted as the default it is; in a list element it is an error, as in Kubernetes.
Result<boost::json::value> ApplyStrategicMergePatch(boost::json::value original,
                                                    const boost::json::value& patch,
                                                    const schema::Type* type);

}  // namespace mini::cluster::api::patch
