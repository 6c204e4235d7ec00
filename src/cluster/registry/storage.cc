#include "cluster/registry/storage.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "cluster/api/meta/ids.h"
#include "cluster/api/meta/names.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry {
namespace json = boost::json;
namespace meta = mini::api::meta;

namespace {

// Kubernetes' limit on the total size of an object's annotations.
constexpr size_t kMaxAnnotationBytes = 256 * 1024;
// A generated name that collides is retried with a new suffix this many times.
constexpr int kGenerateNameAttempts = 8;
// Read-modify-write retries before giving up on a hot object.
constexpr int kUpdateAttempts = 16;

json::object& Metadata(json::object& object) {
  json::value& metadata = object["metadata"];
  if (!metadata.is_object()) metadata = json::object();
  return metadata.as_object();
}

const json::object* MetadataOf(const json::object& object) { return ObjectAt(object, "metadata"); }

std::string Name(const json::object& object) { return StringAt(object, "metadata.name"); }

bool HasFinalizers(const json::object& object) {
  const json::object* metadata = MetadataOf(object);
  if (metadata == nullptr) return false;
  const json::value* finalizers = metadata->if_contains("finalizers");
  return finalizers && finalizers->is_array() && !finalizers->get_array().empty();
}

bool BeingDeleted(const json::object& object) {
  const json::object* metadata = MetadataOf(object);
  return metadata && metadata->contains("deletionTimestamp");
}

// "/registry/<group>/<resource>/" of the resource whose keys hold the objects.
std::string KeyPrefix(const api::schema::Resource& resource, const Converter* converter) {
  Converter::Location location{resource.group, resource.plural};
  if (converter != nullptr) location = converter->StoredAs();
  return fmt::format("/registry/{}/{}/", location.group.empty() ? "core" : location.group,
                     location.resource);
}

}  // namespace

Storage::Storage(const api::schema::Resource& resource, std::unique_ptr<Strategy> strategy,
                 store::Backend& backend, StorageHooks hooks, Clock clock,
                 std::unique_ptr<Converter> converter)
    : resource_(resource),
      strategy_(std::move(strategy)),
      backend_(backend),
      hooks_(std::move(hooks)),
      clock_(clock ? std::move(clock) : [] { return std::chrono::system_clock::now(); }),
      converter_(std::move(converter)),
      prefix_(KeyPrefix(resource, converter_.get())) {
  strategy_->set_has_status(resource.FindSubresource("status") != nullptr);
}

std::string Storage::Key(const std::string& name_space, const std::string& name) const {
  return resource_.namespaced ? prefix_ + name_space + "/" + name : prefix_ + name;
}

std::string Storage::Prefix(const std::string& name_space) const {
  return resource_.namespaced && !name_space.empty() ? prefix_ + name_space + "/" : prefix_;
}

Result<json::object> Storage::Decode(const store::KeyValue& kv) const {
  boost::system::error_code error;
  json::value value = json::parse(kv.value, error);
  if (error || !value.is_object()) {
    return InternalError(Status(Code::kInternal, "stored object " + kv.key + " is not JSON"));
  }
  json::object& object = value.as_object();
  Metadata(object)["resourceVersion"] = meta::FormatResourceVersion(kv.mod_revision);
  if (converter_) return converter_->FromStorage(std::move(object));
  return std::move(object);
}

std::string Storage::Encode(const json::object& object) const {
  if (converter_) return json::serialize(converter_->ToStorage(object));
  return json::serialize(object);
}

bool Storage::Selected(const json::object& object, const ListOptions& options) const {
  if (!options.labels.Empty()) {
    const json::object* labels = ObjectAt(object, "metadata.labels");
    if (!options.labels.Matches(labels ? *labels : json::object())) return false;
  }
  if (!options.fields.Empty()) {
    meta::Fields fields = strategy_->SelectableFields(object);
    fields["metadata.name"] = Name(object);
    if (resource_.namespaced) fields["metadata.namespace"] = StringAt(object, "metadata.namespace");
    if (!options.fields.Matches(fields)) return false;
  }
  return true;
}

Status Storage::CheckNamespace(const std::string& name_space, json::object& object) const {
  json::object& metadata = Metadata(object);
  if (!resource_.namespaced) {
    metadata.erase("namespace");
    return Status::Ok();
  }
  std::string given = StringAt(object, "metadata.namespace");
  if (!given.empty() && given != name_space) {
    return BadRequestError(
        "the namespace of the provided object does not match the namespace sent on the request");
  }
  metadata["namespace"] = name_space;
  return hooks_.check_namespace ? hooks_.check_namespace(name_space) : Status::Ok();
}

FieldErrors Storage::ValidateMetadata(const json::object& object) const {
  FieldErrors errors;
  const json::object* metadata = MetadataOf(object);
  std::string name = Name(object);
  if (name.empty()) {
    errors.push_back(Required("metadata.name", "name or generateName is required"));
  } else {
    for (const std::string& problem : strategy_->ValidateName(name)) {
      errors.push_back(Invalid("metadata.name", json::string(name), problem));
    }
  }
  if (metadata == nullptr) return errors;
  if (const json::value* labels = metadata->if_contains("labels"); labels && labels->is_object()) {
    for (const auto& [key, value] : labels->get_object()) {
      for (const std::string& problem : meta::IsQualifiedName(key)) {
        errors.push_back(Invalid("metadata.labels", json::string(key), problem));
      }
      std::string text = value.is_string() ? std::string(value.get_string()) : "";
      for (const std::string& problem : meta::IsValidLabelValue(text)) {
        errors.push_back(Invalid("metadata.labels", json::string(text), problem));
      }
    }
  }
  if (const json::value* annotations = metadata->if_contains("annotations");
      annotations && annotations->is_object()) {
    size_t total = 0;
    for (const auto& [key, value] : annotations->get_object()) {
      for (const std::string& problem : meta::IsQualifiedName(key)) {
        errors.push_back(Invalid("metadata.annotations", json::string(key), problem));
      }
      total += key.size() + (value.is_string() ? value.get_string().size() : 0);
    }
    if (total > kMaxAnnotationBytes) {
      errors.push_back(TooLong("metadata.annotations", nullptr, kMaxAnnotationBytes));
    }
  }
  return errors;
}

Result<json::object> Storage::Create(const std::string& name_space, json::object object,
                                     const WriteOptions& options) {
  MINI_RETURN_IF_ERROR(CheckNamespace(name_space, object));
  json::object& metadata = Metadata(object);
  if (metadata.contains("resourceVersion") &&
      !StringAt(object, "metadata.resourceVersion").empty()) {
    return BadRequestError("resourceVersion should not be set on objects to be created");
  }
  std::string generate_name = StringAt(object, "metadata.generateName");
  bool generated = Name(object).empty() && !generate_name.empty();
  if (generated) metadata["name"] = meta::GenerateName(generate_name);

  strategy_->PrepareForCreate(object);
  // A strategy may add top-level fields, which can move `metadata`: look it up again.
  json::object& owned = Metadata(object);
  for (const char* server_owned :
       {"resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"}) {
    owned.erase(server_owned);
  }
  owned["uid"] = meta::NewUid();
  owned["creationTimestamp"] = meta::Rfc3339(clock_());
  owned["generation"] = 1;
  strategy_->Default(object);

  FieldErrors errors = ValidateMetadata(object);
  if (generated && !errors.empty()) {
    // Report the prefix the client chose rather than the random name made from it.
    for (FieldError& error : errors) {
      if (error.field == "metadata.name") {
        error.field = "metadata.generateName";
        error.value = json::string(generate_name);
      }
    }
  }
  FieldErrors kind_errors = strategy_->Validate(object);
  errors.insert(errors.end(), kind_errors.begin(), kind_errors.end());
  if (!errors.empty()) return InvalidError(SubjectOf(Name(object)), errors);
  MINI_RETURN_IF_ERROR(strategy_->BeforeCreate(object));
  if (options.dry_run) return object;

  for (int attempt = 0;; ++attempt) {
    std::string name = Name(object);
    auto created = backend_.Create(Key(name_space, name), Encode(object));
    if (created.ok()) return Decode(*created);
    if (created.status().code() != Code::kAlreadyExists) return InternalError(created.status());
    if (!generated || attempt + 1 >= kGenerateNameAttempts) {
      return AlreadyExistsError(SubjectOf(name));
    }
    Metadata(object)["name"] = meta::GenerateName(generate_name);
  }
}

Result<json::object> Storage::Get(const std::string& name_space, const std::string& name) {
  auto kv = backend_.Get(Key(name_space, name));
  if (!kv.ok()) {
    if (kv.status().code() == Code::kNotFound) return NotFoundError(SubjectOf(name));
    return InternalError(kv.status());
  }
  return Decode(*kv);
}

Result<ListResult> Storage::List(const std::string& name_space, const ListOptions& options) {
  auto parsed_version = meta::ParseResourceVersion(options.resource_version);
  if (!parsed_version.ok()) return BadRequestError(parsed_version.status().message());
  const meta::ResourceVersion version = *parsed_version;
  auto match = meta::ParseResourceVersionMatch(options.resource_version_match, version,
                                               !options.continue_token.empty(), false);
  if (!match.ok()) return BadRequestError(match.status().message());

  const std::string prefix = Prefix(name_space);
  store::RangeRequest request;
  request.key = prefix;
  request.prefix = true;
  if (!options.continue_token.empty()) {
    auto token = meta::DecodeContinue(options.continue_token);
    if (!token.ok()) return BadRequestError(token.status().message());
    request.revision = token->revision;
    request.start_key = prefix + token->start_key;
  } else if (version.kind == meta::ResourceVersion::Kind::kRevision &&
             *match == meta::ResourceVersionMatch::kExact) {
    request.revision = version.revision;
  }

  const bool filtered = !options.labels.Empty() || !options.fields.Empty();
  ListResult result;
  for (;;) {
    // Without selectors one read of `limit` keys is the page; with them, read in batches
    // until the page is full or the keys run out.
    request.limit =
        options.limit > 0 ? options.limit - static_cast<int64_t>(result.items.size()) : 0;
    if (filtered && request.limit > 0) request.limit = std::max<int64_t>(request.limit, 256);
    auto range = backend_.Range(request);
    if (!range.ok()) {
      if (range.status().reason() == store::kReasonCompacted) {
        return ExpiredError(
            options.continue_token.empty()
                ? fmt::format("too old resource version: {}", options.resource_version)
                : "The provided continue parameter is too old to display a consistent list "
                  "result. You can start a new list without the continue parameter.");
      }
      if (range.status().reason() == store::kReasonFutureRevision) {
        return Status(Code::kDeadlineExceeded,
                      fmt::format("Too large resource version: {}", options.resource_version))
            .WithReason("Timeout");
      }
      return InternalError(range.status());
    }
    result.revision = range->revision;
    request.revision = range->revision;  // later batches read the same snapshot
    const size_t count = range->kvs.size();
    for (size_t i = 0; i < count; ++i) {
      store::KeyValue& kv = range->kvs[i];
      MINI_ASSIGN_OR_RETURN(json::object object, Decode(kv));
      if (filtered && !Selected(object, options)) continue;
      result.items.push_back(std::move(object));
      if (options.limit > 0 && static_cast<int64_t>(result.items.size()) >= options.limit) {
        if (i + 1 < count || range->more) {
          std::string next = kv.key + '\0';
          result.continue_token = meta::EncodeContinue(result.revision, next.substr(prefix.size()));
          if (!filtered) result.remaining = range->count - static_cast<int64_t>(i + 1);
        }
        return result;
      }
    }
    if (!range->more || count == 0) break;
    request.start_key = range->kvs.back().key + '\0';
  }
  return result;
}

Result<json::object> Storage::Update(const std::string& name_space, const std::string& name,
                                     const Mutation& mutation, bool status_only,
                                     const WriteOptions& options) {
  const std::string key = Key(name_space, name);
  for (int attempt = 0; attempt < kUpdateAttempts; ++attempt) {
    auto kv = backend_.Get(key);
    if (!kv.ok()) {
      if (kv.status().code() == Code::kNotFound) return NotFoundError(SubjectOf(name));
      return InternalError(kv.status());
    }
    MINI_ASSIGN_OR_RETURN(json::object current, Decode(*kv));
    MINI_ASSIGN_OR_RETURN(json::object next, mutation(current));
    bool retry = false;
    auto committed = Commit(name_space, name, *kv, std::move(next), status_only, options, &retry);
    if (!retry) return committed;
  }
  return StaleResourceVersionError(SubjectOf(name));
}

// Applies the rules every update shares, then writes with compare-and-swap on the revision
// that was read. `retry` is set when someone else wrote in between and the caller did not pin
// a resourceVersion, so a fresh read-modify-write may succeed.
Result<json::object> Storage::Commit(const std::string& name_space, const std::string& name,
                                     const store::KeyValue& current, json::object next,
                                     bool status_only, const WriteOptions& options, bool* retry) {
  MINI_ASSIGN_OR_RETURN(json::object old, Decode(current));
  json::object& metadata = Metadata(next);
  std::string pinned = StringAt(next, "metadata.resourceVersion");
  if (!pinned.empty() && pinned != meta::FormatResourceVersion(current.mod_revision)) {
    return StaleResourceVersionError(SubjectOf(name));
  }
  if (Name(next) != name) {
    return BadRequestError(fmt::format(
        "the name of the object ({}) does not match the name on the URL ({})", Name(next), name));
  }
  if (resource_.namespaced) metadata["namespace"] = name_space;
  // What the server owns in metadata survives any update.
  const json::object& old_metadata = *MetadataOf(old);
  for (const char* owned : {"uid", "creationTimestamp", "deletionTimestamp",
                            "deletionGracePeriodSeconds", "generation"}) {
    if (const json::value* value = old_metadata.if_contains(owned)) {
      metadata[owned] = *value;
    } else {
      metadata.erase(owned);
    }
  }
  metadata.erase("resourceVersion");
  metadata.erase("selfLink");

  if (!options.server_write) {
    if (status_only) {
      strategy_->PrepareForStatusUpdate(next, old);
    } else {
      strategy_->PrepareForUpdate(next, old);
    }
    strategy_->Default(next);
  }
  FieldErrors errors = ValidateMetadata(next);
  if (!options.server_write) {
    FieldErrors kind_errors = strategy_->ValidateUpdate(next, old);
    errors.insert(errors.end(), kind_errors.begin(), kind_errors.end());
  }
  if (!errors.empty()) return InvalidError(SubjectOf(name), errors);
  if (!status_only && strategy_->SpecChanged(next, old)) {
    Metadata(next)["generation"] = IntAt(old, "metadata.generation", 1) + 1;
  }
  MINI_RETURN_IF_ERROR(strategy_->BeforeUpdate(next, old));

  // An object being deleted whose last finalizer went away is gone now.
  if (BeingDeleted(next) && !HasFinalizers(next)) {
    if (options.dry_run) return next;
    auto deleted = backend_.Delete(current.key, current.mod_revision);
    if (!deleted.ok()) {
      if (deleted.status().code() == Code::kConflict) *retry = pinned.empty();
      return deleted.status().code() == Code::kConflict ? StaleResourceVersionError(SubjectOf(name))
                                                        : InternalError(deleted.status());
    }
    Metadata(next)["resourceVersion"] = meta::FormatResourceVersion(deleted->mod_revision);
    return next;
  }

  json::object comparable = old;
  Metadata(comparable).erase("resourceVersion");
  if (comparable == next) {
    // Nothing changed: Kubernetes skips the write and keeps the resourceVersion.
    return old;
  }
  if (options.dry_run) return next;
  auto updated = backend_.Update(current.key, Encode(next), current.mod_revision);
  if (!updated.ok()) {
    if (updated.status().code() == Code::kConflict) {
      *retry = pinned.empty();
      return StaleResourceVersionError(SubjectOf(name));
    }
    if (updated.status().code() == Code::kNotFound) return NotFoundError(SubjectOf(name));
    return InternalError(updated.status());
  }
  return Decode(*updated);
}

Result<json::object> Storage::Delete(const std::string& name_space, const std::string& name,
                                     const DeleteOptions& options) {
  const std::string key = Key(name_space, name);
  for (int attempt = 0; attempt < kUpdateAttempts; ++attempt) {
    auto kv = backend_.Get(key);
    if (!kv.ok()) {
      if (kv.status().code() == Code::kNotFound) return NotFoundError(SubjectOf(name));
      return InternalError(kv.status());
    }
    auto deleted = FinishDelete(*kv, name_space, options);
    if (deleted.ok() || deleted.status().code() != Code::kConflict ||
        options.precondition_resource_version) {
      return deleted;
    }
  }
  return StaleResourceVersionError(SubjectOf(name));
}

Result<json::object> Storage::FinishDelete(const store::KeyValue& current,
                                           const std::string& name_space,
                                           const DeleteOptions& options) {
  MINI_ASSIGN_OR_RETURN(json::object object, Decode(current));
  std::string name = Name(object);
  if (options.precondition_uid && *options.precondition_uid != StringAt(object, "metadata.uid")) {
    return ConflictError(SubjectOf(name),
                         fmt::format("Precondition failed: UID in precondition: {}, UID in "
                                     "object meta: {}",
                                     *options.precondition_uid, StringAt(object, "metadata.uid")));
  }
  if (options.precondition_resource_version &&
      *options.precondition_resource_version != meta::FormatResourceVersion(current.mod_revision)) {
    return ConflictError(
        SubjectOf(name),
        fmt::format("Precondition failed: ResourceVersion in precondition: {}, ResourceVersion "
                    "in object meta: {}",
                    *options.precondition_resource_version, current.mod_revision));
  }
  const bool is_namespace = resource_.group.empty() && resource_.plural == "namespaces";
  if (HasFinalizers(object) && !is_namespace) {
    // Finalizers hold the object: mark it and let their owners remove them.
    if (BeingDeleted(object)) return object;
    json::object& metadata = Metadata(object);
    metadata["deletionTimestamp"] = meta::Rfc3339(clock_());
    metadata["deletionGracePeriodSeconds"] = 0;
    metadata.erase("resourceVersion");
    if (options.dry_run) return object;
    auto updated = backend_.Update(current.key, Encode(object), current.mod_revision);
    if (!updated.ok()) {
      return updated.status().code() == Code::kConflict ? StaleResourceVersionError(SubjectOf(name))
                                                        : InternalError(updated.status());
    }
    return Decode(*updated);
  }
  if (options.dry_run) return object;
  if (is_namespace && hooks_.delete_namespace_contents) {
    // Mark it first so nothing new is created in it while its contents go.
    if (!BeingDeleted(object)) {
      json::object terminating = object;
      Metadata(terminating)["deletionTimestamp"] = meta::Rfc3339(clock_());
      Metadata(terminating).erase("resourceVersion");
      terminating["status"] = json::object{{"phase", "Terminating"}};
      auto marked = backend_.Update(current.key, Encode(terminating), current.mod_revision);
      if (!marked.ok()) {
        return marked.status().code() == Code::kConflict
                   ? StaleResourceVersionError(SubjectOf(name))
                   : InternalError(marked.status());
      }
      MINI_RETURN_IF_ERROR(hooks_.delete_namespace_contents(name));
      auto gone = backend_.Delete(current.key, marked->mod_revision);
      if (!gone.ok() && gone.status().code() != Code::kNotFound)
        return InternalError(gone.status());
      return Decode(*marked);
    }
    MINI_RETURN_IF_ERROR(hooks_.delete_namespace_contents(name));
  }
  auto deleted = backend_.Delete(current.key, current.mod_revision);
  if (!deleted.ok()) {
    if (deleted.status().code() == Code::kConflict)
      return StaleResourceVersionError(SubjectOf(name));
    if (deleted.status().code() == Code::kNotFound) return NotFoundError(SubjectOf(name));
    return InternalError(deleted.status());
  }
  (void)name_space;
  return object;
}

Result<ListResult> Storage::DeleteCollection(const std::string& name_space,
                                             const ListOptions& options,
                                             const DeleteOptions& delete_options) {
  ListOptions all = options;
  all.limit = 0;
  all.continue_token.clear();
  MINI_ASSIGN_OR_RETURN(ListResult listed, List(name_space, all));
  ListResult deleted;
  deleted.revision = listed.revision;
  for (const json::object& object : listed.items) {
    auto gone = Delete(StringAt(object, "metadata.namespace"), Name(object), delete_options);
    if (gone.ok()) {
      deleted.items.push_back(std::move(*gone));
    } else if (gone.status().code() != Code::kNotFound) {
      return gone.status();
    }
  }
  return deleted;
}

}  // namespace mini::cluster::registry
