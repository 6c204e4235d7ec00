// metadata.managedFields: which field manager set which fields, as Kubernetes records it on
// every write. An entry is identified by manager, operation and subresource, plus apiVersion
// for "Update" entries; a manager's repeated writes merge into its one entry.
//
// RecordUpdate is what create, update and the non-apply patches call (kubectl sends
// fieldManager=kubectl-create, kubectl-edit, kubectl-client-side-apply...); server-side apply
// is in server_side_apply.h.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/api/patch/field_set.h"
#include "cluster/api/schema/schema.h"
#include "common/status.h"

namespace mini::cluster::api::patch {

inline constexpr char kOperationApply[] = "Apply";
inline constexpr char kOperationUpdate[] = "Update";

struct ManagedFieldsEntry {
  std::string manager;
  std::string operation;    // kOperationApply or kOperationUpdate
  std::string api_version;  // "apps/v1"
  std::string time;         // RFC 3339, "" if unknown
  std::string subresource;  // "" for the main resource
  FieldSet fields;

  /// Whether both entries describe the same manager (and so must be one entry).
  bool SameManager(const ManagedFieldsEntry& other) const;
};

/// Who is writing, and what the resource tells the field manager.
struct FieldManagerContext {
  std::string manager;                 // the fieldManager parameter, or ManagerFromUserAgent()
  std::string api_version;             // of the request: "apps/v1", "v1"
  std::string subresource;             // "", "status", "scale"
  std::string time;                    // now, RFC 3339 ("2025-01-02T03:04:05Z")
  const schema::Type* type = nullptr;  // the kind's schema; nullptr for free-form kinds
  /// Fields nobody owns through this endpoint because the resource resets them (status on the
  /// main resource, spec on /status). Whole subtrees are ignored.
  FieldSet ignored;
};

/// Decodes metadata.managedFields of `object` (absent: none). Entries of the same manager are
/// merged. kInvalidArgument naming the entry when one is malformed.
Result<std::vector<ManagedFieldsEntry>> DecodeManagedFields(const boost::json::value& object);

/// Sorts `entries` as Kubernetes does (Apply before Update, then by time, manager, apiVersion,
/// subresource) and stores them in metadata.managedFields; an empty list removes the member.
void EncodeManagedFields(std::vector<ManagedFieldsEntry> entries, boost::json::value& object);

/// Fields no manager ever owns: apiVersion, kind and the identity and bookkeeping parts of
/// metadata (name, namespace, uid, resourceVersion, generation, creationTimestamp, ...).
const FieldSet& UnownedFields();

/// Records a create (`live` null), update or non-apply patch by ctx.manager into
/// `object`'s metadata.managedFields: the manager gains the fields the write added or changed,
/// every other manager loses them, and fields the write removed leave every manager. Entries
/// left with no fields are dropped. If `object` itself carries managedFields (a client
/// rewriting them, as kubectl's server-side apply upgrade does), those replace the live ones.
Status RecordUpdate(const boost::json::value* live, boost::json::value& object,
                    const FieldManagerContext& ctx);

/// The manager Kubernetes assumes when a request names none: the User-Agent up to its first
/// '/' ("kubectl/v1.32.4 (linux/amd64) ..." -> "kubectl").
std::string ManagerFromUserAgent(std::string_view user_agent);

namespace internal {
/// `object` without metadata.managedFields.
boost::json::value WithoutManagedFields(const boost::json::value& object);
/// A field set as entries store it: unowned and ignored fields taken out.
FieldSet OwnableFields(const FieldSet& set, const FieldSet& ignored);
/// Like DecodeManagedFields, but a malformed list reads as none (stored data must not block
/// writes; Kubernetes resets such lists too).
std::vector<ManagedFieldsEntry> DecodeStoredManagedFields(const boost::json::value& object);
}  // namespace internal

}  // namespace mini::cluster::api::patch
