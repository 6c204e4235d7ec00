#include "cluster/api/patch/server_side_apply.h"

#include <algorithm>
#include <boost/json.hpp>
#include <utility>

#include "cluster/api/patch/apply_merge.h"
#include "cluster/api/patch/errors.h"
#include "cluster/api/patch/json_order.h"
#include "cluster/api/patch/object_fields.h"
#include "cluster/api/patch/shape.h"

namespace mini::cluster::api::patch {
namespace json = boost::json;

namespace {

// Kubernetes' name for the owner of everything an object held before its first apply, when
// nothing recorded managers for it.
constexpr char kBeforeFirstApply[] = "before-first-apply";

bool HasManagedFields(const json::value& object) {
  const json::object* o = object.if_object();
  const json::value* metadata = o != nullptr ? o->if_contains("metadata") : nullptr;
  return metadata != nullptr && metadata->is_object() &&
         metadata->get_object().contains("managedFields");
}

// Removes what the manager applied last time and no longer applies, unless someone else
// (including the manager's new configuration) still owns it. Sets are compared with named
// struct fields as members, so a struct nobody owns anything in goes away as a whole.
void Prune(json::value& merged, const FieldSet& last, const FieldSet& still_owned,
           const schema::Type* type) {
  FieldSet last_named = WithNamedFieldsAsMembers(last, type);
  FieldSet owned_named = WithNamedFieldsAsMembers(still_owned, type);
  FieldSet present = WithNamedFieldsAsMembers(FieldsOfLenient(merged, type), type);
  FieldSet doomed =
      present.Intersection(last_named).Difference(owned_named).Difference(UnownedFields());
  RemoveFields(merged, doomed, type);
}

}  // namespace

Result<ApplyResult> ServerSideApply(const json::value* live, const json::value& applied,
                                    const FieldManagerContext& ctx) {
  if (!applied.is_object()) return MalformedPatch("an apply patch must be an object");
  if (HasManagedFields(applied)) return MalformedPatch("metadata.managedFields must be nil");
  MINI_ASSIGN_OR_RETURN(FieldSet applied_all, FieldsOf(applied, ctx.type));
  FieldSet applied_fields = internal::OwnableFields(applied_all, ctx.ignored);

  json::value before = live != nullptr ? internal::WithoutManagedFields(*live) : json::object();
  std::vector<ManagedFieldsEntry> entries;
  if (live != nullptr) {
    entries = internal::DecodeStoredManagedFields(*live);
    if (!HasManagedFields(*live)) {
      entries.push_back(ManagedFieldsEntry{
          kBeforeFirstApply, kOperationUpdate, ctx.api_version, ctx.time, "",
          internal::OwnableFields(FieldsOfLenient(before, ctx.type), ctx.ignored)});
    }
  }

  ApplyResult result;
  result.object = MergeApplied(before, applied, Shape::Of(ctx.type));
  FieldChanges changes = CompareObjects(before, result.object, ctx.type);
  FieldSet changed = changes.added.Union(changes.modified);

  ManagedFieldsEntry mine{ctx.manager, kOperationApply, ctx.api_version,
                          ctx.time,    ctx.subresource, applied_fields};
  auto previous = std::find_if(entries.begin(), entries.end(),
                               [&mine](const auto& e) { return e.SameManager(mine); });
  bool reapplied = previous != entries.end();
  FieldSet last = reapplied ? previous->fields : FieldSet();
  std::string last_time = reapplied ? previous->time : std::string();
  if (reapplied) entries.erase(previous);

  FieldSet still_owned = applied_all;
  for (ManagedFieldsEntry& entry : entries) {
    FieldSet taken = entry.fields.Intersection(applied_fields).Intersection(changed);
    if (!taken.empty()) {
      result.conflicts.push_back(ApplyConflict{entry.manager, entry.api_version, taken});
      entry.fields = entry.fields.Difference(taken);
    }
    still_owned = still_owned.Union(entry.fields);
  }
  if (reapplied) {
    Prune(result.object, last, still_owned, ctx.type);
    if (last == applied_fields && result.conflicts.empty() && JsonEqual(before, result.object)) {
      mine.time = last_time;  // a no-op apply must not look like a change
    }
  }

  std::erase_if(entries, [](const ManagedFieldsEntry& e) { return e.fields.empty(); });
  entries.push_back(std::move(mine));
  EncodeManagedFields(std::move(entries), result.object);
  return result;
}

}  // namespace mini::cluster::api::patch
