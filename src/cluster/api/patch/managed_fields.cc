#include "cluster/api/patch/managed_fields.h"

#include <algorithm>
#include <boost/json.hpp>
#include <tuple>
#include <utility>

#include "cluster/api/patch/object_fields.h"

namespace mini::cluster::api::patch {
namespace json = boost::json;

namespace {

const json::array* ManagedFieldsList(const json::value& object) {
  const json::object* o = object.if_object();
  const json::value* metadata = o != nullptr ? o->if_contains("metadata") : nullptr;
  const json::object* m = metadata != nullptr ? metadata->if_object() : nullptr;
  const json::value* list = m != nullptr ? m->if_contains("managedFields") : nullptr;
  return list != nullptr ? list->if_array() : nullptr;
}

Result<std::string> StringMember(const json::object& entry, std::string_view key, size_t index) {
  const json::value* v = entry.if_contains(key);
  if (v == nullptr || v->is_null()) return std::string();
  if (!v->is_string()) {
    return Error(Code::kInvalidArgument, "metadata.managedFields[{}].{} must be a string", index,
                 key);
  }
  return std::string(v->get_string());
}

Result<ManagedFieldsEntry> DecodeEntry(const json::value& v, size_t index) {
  const json::object* entry = v.if_object();
  if (entry == nullptr) {
    return Error(Code::kInvalidArgument, "metadata.managedFields[{}] must be an object", index);
  }
  ManagedFieldsEntry out;
  MINI_ASSIGN_OR_RETURN(out.manager, StringMember(*entry, "manager", index));
  MINI_ASSIGN_OR_RETURN(out.operation, StringMember(*entry, "operation", index));
  MINI_ASSIGN_OR_RETURN(out.api_version, StringMember(*entry, "apiVersion", index));
  MINI_ASSIGN_OR_RETURN(out.time, StringMember(*entry, "time", index));
  MINI_ASSIGN_OR_RETURN(out.subresource, StringMember(*entry, "subresource", index));
  MINI_ASSIGN_OR_RETURN(std::string fields_type, StringMember(*entry, "fieldsType", index));
  const json::value* fields = entry->if_contains("fieldsV1");
  if (fields == nullptr || fields->is_null()) return out;
  if (fields_type != "FieldsV1") {
    return Error(Code::kInvalidArgument,
                 "metadata.managedFields[{}].fieldsType: Unsupported value: {:?}: supported "
                 "values: \"FieldsV1\"",
                 index, fields_type);
  }
  auto set = FieldSet::FromFieldsV1(*fields);
  if (!set.ok()) return set.status().WithContext("metadata.managedFields[{}].fieldsV1", index);
  out.fields = std::move(*set);
  return out;
}

json::value EncodeEntry(const ManagedFieldsEntry& entry) {
  json::object out;
  out["manager"] = entry.manager;
  out["operation"] = entry.operation;
  out["apiVersion"] = entry.api_version;
  if (!entry.time.empty()) out["time"] = entry.time;
  out["fieldsType"] = "FieldsV1";
  out["fieldsV1"] = entry.fields.ToFieldsV1();
  if (!entry.subresource.empty()) out["subresource"] = entry.subresource;
  return out;
}

void AddMerged(std::vector<ManagedFieldsEntry>& entries, ManagedFieldsEntry entry) {
  for (ManagedFieldsEntry& existing : entries) {
    if (!existing.SameManager(entry)) continue;
    existing.fields = existing.fields.Union(entry.fields);
    existing.time = std::max(existing.time, entry.time);
    return;
  }
  entries.push_back(std::move(entry));
}

FieldPath Path(std::initializer_list<const char*> names) {
  FieldPath path;
  for (const char* name : names) path.push_back(PathElement::Field(name));
  return path;
}

}  // namespace

bool ManagedFieldsEntry::SameManager(const ManagedFieldsEntry& other) const {
  // Appliers keep their entry when they change apiVersion; updaters get one per version.
  return manager == other.manager && operation == other.operation &&
         subresource == other.subresource &&
         (operation == kOperationApply || api_version == other.api_version);
}

Result<std::vector<ManagedFieldsEntry>> DecodeManagedFields(const json::value& object) {
  std::vector<ManagedFieldsEntry> entries;
  const json::array* list = ManagedFieldsList(object);
  if (list == nullptr) return entries;
  for (size_t i = 0; i < list->size(); ++i) {
    MINI_ASSIGN_OR_RETURN(ManagedFieldsEntry entry, DecodeEntry((*list)[i], i));
    AddMerged(entries, std::move(entry));
  }
  return entries;
}

void EncodeManagedFields(std::vector<ManagedFieldsEntry> entries, json::value& object) {
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return std::tie(a.operation, a.time, a.manager, a.api_version, a.subresource) <
           std::tie(b.operation, b.time, b.manager, b.api_version, b.subresource);
  });
  if (!object.is_object()) object = json::object();
  json::object& o = object.get_object();
  if (entries.empty()) {
    if (json::value* metadata = o.if_contains("metadata"); metadata && metadata->is_object()) {
      metadata->get_object().erase("managedFields");
    }
    return;
  }
  json::value& metadata = o["metadata"];
  if (!metadata.is_object()) metadata = json::object();
  json::array list;
  for (const ManagedFieldsEntry& entry : entries) list.push_back(EncodeEntry(entry));
  metadata.get_object()["managedFields"] = std::move(list);
}

const FieldSet& UnownedFields() {
  static const FieldSet kSet = [] {
    FieldSet set;
    set.Insert(Path({"apiVersion"}));
    set.Insert(Path({"kind"}));
    set.Insert(Path({"metadata"}));
    for (const char* name : {"name", "namespace", "creationTimestamp", "selfLink", "uid",
                             "clusterName", "generation", "managedFields", "resourceVersion"}) {
      set.Insert(Path({"metadata", name}));
    }
    return set;
  }();
  return kSet;
}

std::string ManagerFromUserAgent(std::string_view user_agent) {
  return std::string(user_agent.substr(0, user_agent.find('/')));
}

namespace internal {

json::value WithoutManagedFields(const json::value& object) {
  json::value copy = object;
  if (json::object* o = copy.if_object()) {
    if (json::value* metadata = o->if_contains("metadata"); metadata && metadata->is_object()) {
      metadata->get_object().erase("managedFields");
    }
  }
  return copy;
}

FieldSet OwnableFields(const FieldSet& set, const FieldSet& ignored) {
  return set.Difference(UnownedFields()).RecursiveDifference(ignored);
}

std::vector<ManagedFieldsEntry> DecodeStoredManagedFields(const json::value& object) {
  auto entries = DecodeManagedFields(object);
  return entries.ok() ? std::move(*entries) : std::vector<ManagedFieldsEntry>();
}

}  // namespace internal

Status RecordUpdate(const json::value* live, json::value& object, const FieldManagerContext& ctx) {
  if (!object.is_object()) return Error(Code::kInvalidArgument, "the object must be a JSON object");
  std::vector<ManagedFieldsEntry> entries;
  const json::array* requested = ManagedFieldsList(object);
  if (ctx.subresource.empty() && requested != nullptr && !requested->empty()) {
    MINI_ASSIGN_OR_RETURN(entries, DecodeManagedFields(object));
    // [{}] is how a client asks to reset managedFields: such entries own nothing.
    std::erase_if(entries, [](const auto& e) { return e.manager.empty() && e.fields.empty(); });
  } else if (live != nullptr) {
    entries = internal::DecodeStoredManagedFields(*live);
  }

  json::value before = live != nullptr ? internal::WithoutManagedFields(*live) : json::object();
  json::value after = internal::WithoutManagedFields(object);
  FieldChanges changes = CompareObjects(before, after, ctx.type);
  FieldSet changed = internal::OwnableFields(changes.added.Union(changes.modified), ctx.ignored);
  FieldSet removed = internal::OwnableFields(changes.removed, ctx.ignored);

  for (ManagedFieldsEntry& entry : entries) {
    entry.fields = entry.fields.Difference(changed).Difference(removed);
  }
  if (!changed.empty()) {
    // The write changed something, so the manager's entry is touched (and its time with it).
    ManagedFieldsEntry mine{ctx.manager, kOperationUpdate, ctx.api_version,
                            ctx.time,    ctx.subresource,  std::move(changed)};
    auto it = std::find_if(entries.begin(), entries.end(),
                           [&mine](const auto& e) { return e.SameManager(mine); });
    if (it == entries.end()) {
      entries.push_back(std::move(mine));
    } else {
      it->fields = it->fields.Union(mine.fields);
      it->time = mine.time;
    }
  }
  std::erase_if(entries, [](const ManagedFieldsEntry& e) { return e.fields.empty(); });
  EncodeManagedFields(std::move(entries), object);
  return Status::Ok();
}

}  // namespace mini::cluster::api::patch
