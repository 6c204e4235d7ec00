// JSON Merge Patch (RFC 7386), `application/merge-patch+json`: what `kubectl label`,
// `kubectl annotate`, `kubectl scale` and client-side apply of custom resources send.
#pragma once

#include <boost/json/value.hpp>

namespace mini::cluster::api::patch {

/// Objects merge member by member, a null member deletes, anything else replaces: a patch that
/// is not an object replaces the whole target. Cannot fail; the API server rejects patches
/// whose result is not an object of the kind.
boost::json::value ApplyMergePatch(boost::json::value target, const boost::json::value& patch);

}  // namespace mini::cluster::api::patch
