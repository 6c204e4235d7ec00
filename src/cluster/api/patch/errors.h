// Patch failures carry a reason saying which HTTP status Kubernetes answers with, because
// both are kInvalidArgument to the caller but kubectl shows them differently (400 vs 422).
#pragma once

#include <fmt/format.h>

#include <string>
#include <utility>

#include "common/status.h"

namespace mini::cluster::api::patch {

/// The patch document itself is malformed: not the expected JSON shape, an unknown operation
/// or directive, a bad JSON Pointer. Kubernetes answers 400 BadRequest.
inline constexpr char kReasonMalformedPatch[] = "PATCH_MALFORMED";
/// The patch is well formed but does not apply to this object: a failed JSON Patch `test`, a
/// path that does not exist, a list element without its merge key. Kubernetes answers 422.
inline constexpr char kReasonPatchNotApplicable[] = "PATCH_NOT_APPLICABLE";

template <typename... Args>
Status MalformedPatch(fmt::format_string<Args...> format, Args&&... args) {
  return Status(Code::kInvalidArgument, fmt::format(format, std::forward<Args>(args)...))
      .WithReason(kReasonMalformedPatch);
}

template <typename... Args>
Status PatchNotApplicable(fmt::format_string<Args...> format, Args&&... args) {
  return Status(Code::kInvalidArgument, fmt::format(format, std::forward<Args>(args)...))
      .WithReason(kReasonPatchNotApplicable);
}

}  // namespace mini::cluster::api::patch
