// Create, update and delete. Each runs as a chain of steps: the work up to a datastore write
// runs on the caller's thread, the write completes through the backend's callback, and the step
// after it (answer, or retry after a conflict) is posted to the caller's threads. The blocking
// forms drive the same chain with Await.
#include <fmt/format.h>

#include <boost/json.hpp>

#include "cluster/api/meta/ids.h"
#include "cluster/api/meta/names.h"
#include "cluster/api/meta/resource_version.h"
#include "cluster/registry/object_meta.h"
#include "cluster/registry/printing.h"
#include "cluster/registry/storage.h"

namespace mini::cluster::registry {
namespace json = boost::json;
namespace meta = mini::api::meta;
using object_meta::BeingDeleted;
using object_meta::HasFinalizers;
using object_meta::Metadata;
using object_meta::MetadataOf;
using object_meta::Name;

namespace {

// A generated name that collides is retried with a new suffix this many times.
constexpr int kGenerateNameAttempts = 8;
// Read-modify-write retries before giving up on a hot object.
constexpr int kUpdateAttempts = 16;

// The backend's answer, handed to `next` on a thread of `post` rather than the backend's own.
store::Backend::WriteDone Then(const Post& post,
                               std::function<void(Result<store::KeyValue>)> next) {
  return [post, next = std::move(next)](Result<store::KeyValue> result) {
    post([next, result = std::move(result)]() mutable { next(std::move(result)); });
  };
}

}  // namespace

struct Storage::CreateState {
  std::string name_space;
  json::object object;
  std::string generate_name;  // set when the name was generated from it
  int attempt = 0;
  Post post;
  ObjectDone done;
};

struct Storage::UpdateState {
  std::string name_space;
  std::string name;
  Mutation mutation;
  bool status_only = false;
  WriteOptions options;
  int attempt = 0;
  Post post;
  ObjectDone done;
};

struct Storage::DeleteState {
  std::string name_space;
  std::string name;
  DeleteOptions options;
  int attempt = 0;
  Post post;
  ObjectDone done;
};

Result<json::object> Storage::Written(json::object object, const store::KeyValue& kv) const {
  // A converted kind is answered in the form read back, as every later read will see it.
  if (converter_) return Decode(kv);
  Metadata(object)["resourceVersion"] = meta::FormatResourceVersion(kv.mod_revision);
  return object;
}

Result<store::KeyValue> Storage::Current(const std::string& name_space,
                                         const std::string& name) const {
  auto kv = backend_.Get(Key(name_space, name));
  if (kv.ok()) return kv;
  if (kv.status().code() == Code::kNotFound) return NotFoundError(SubjectOf(name));
  return InternalError(kv.status());
}

Status Storage::WriteError(const Status& status, const std::string& name) const {
  if (status.code() == Code::kConflict) return StaleResourceVersionError(SubjectOf(name));
  if (status.code() == Code::kNotFound) return NotFoundError(SubjectOf(name));
  return InternalError(status);
}

Result<json::object> Storage::Create(const std::string& name_space, json::object object,
                                     const WriteOptions& options) {
  return Await<json::object>([&](Post post, ObjectDone done) {
    CreateAsync(name_space, std::move(object), options, std::move(post), std::move(done));
  });
}

void Storage::CreateAsync(const std::string& name_space, json::object object,
                          const WriteOptions& options, Post post, ObjectDone done) {
  if (Status valid = CheckNamespace(name_space, object); !valid.ok()) return done(valid);
  json::object& metadata = Metadata(object);
  if (metadata.contains("resourceVersion") &&
      !StringAt(object, "metadata.resourceVersion").empty()) {
    return done(BadRequestError("resourceVersion should not be set on objects to be created"));
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
  if (!errors.empty()) return done(InvalidError(SubjectOf(Name(object)), errors));
  if (Status ready = strategy_->BeforeCreate(object); !ready.ok()) return done(ready);
  if (options.dry_run) return done(std::move(object));
  TryCreate(std::make_shared<CreateState>(CreateState{
      .name_space = name_space,
      .object = std::move(object),
      .generate_name = generated ? std::move(generate_name) : std::string(),
      .post = std::move(post),
      .done = std::move(done)}));
}

void Storage::TryCreate(std::shared_ptr<CreateState> state) {
  std::string name = Name(state->object);
  backend_.CreateAsync(
      Key(state->name_space, name), Encode(state->object), 0,
      Then(state->post, [this, state, name](Result<store::KeyValue> created) {
        if (created.ok()) return state->done(Written(std::move(state->object), *created));
        if (created.status().code() != Code::kAlreadyExists) {
          return state->done(InternalError(created.status()));
        }
        if (state->generate_name.empty() || ++state->attempt >= kGenerateNameAttempts) {
          return state->done(AlreadyExistsError(SubjectOf(name)));
        }
        Metadata(state->object)["name"] = meta::GenerateName(state->generate_name);
        TryCreate(state);
      }));
}

Result<json::object> Storage::Update(const std::string& name_space, const std::string& name,
                                     const Mutation& mutation, bool status_only,
                                     const WriteOptions& options) {
  return Await<json::object>([&](Post post, ObjectDone done) {
    UpdateAsync(name_space, name, mutation, status_only, options, std::move(post),
                std::move(done));
  });
}

void Storage::UpdateAsync(const std::string& name_space, const std::string& name,
                          Mutation mutation, bool status_only, const WriteOptions& options,
                          Post post, ObjectDone done) {
  TryUpdate(std::make_shared<UpdateState>(UpdateState{.name_space = name_space,
                                                      .name = name,
                                                      .mutation = std::move(mutation),
                                                      .status_only = status_only,
                                                      .options = options,
                                                      .post = std::move(post),
                                                      .done = std::move(done)}));
}

void Storage::TryUpdate(std::shared_ptr<UpdateState> state) {
  const std::string& name = state->name;
  if (state->attempt++ >= kUpdateAttempts) {
    return state->done(StaleResourceVersionError(SubjectOf(name)));
  }
  auto kv = Current(state->name_space, name);
  if (!kv.ok()) return state->done(kv.status());
  auto old = Decode(*kv);
  if (!old.ok()) return state->done(old.status());
  auto next = state->mutation(*old);
  if (!next.ok()) return state->done(next.status());
  // Only an update that names no resourceVersion may be retried on someone else's write.
  const bool pinned = !StringAt(*next, "metadata.resourceVersion").empty();
  auto plan = PlanUpdate(state->name_space, name, *kv, *old, std::move(*next),
                         state->status_only, state->options);
  if (!plan.ok()) return state->done(plan.status());
  if (plan->write == Plan::Write::kNone) return state->done(std::move(plan->object));

  auto object = std::make_shared<json::object>(std::move(plan->object));
  auto finish = [this, state, object, pinned](Result<store::KeyValue> written, bool deleted) {
    if (written.ok()) {
      if (!deleted) return state->done(Written(std::move(*object), *written));
      Metadata(*object)["resourceVersion"] = meta::FormatResourceVersion(written->mod_revision);
      return state->done(std::move(*object));
    }
    if (written.status().code() == Code::kConflict && !pinned) return TryUpdate(state);
    state->done(WriteError(written.status(), state->name));
  };
  if (plan->write == Plan::Write::kDelete) {
    backend_.DeleteAsync(kv->key, kv->mod_revision,
                         Then(state->post, [finish](Result<store::KeyValue> written) {
                           finish(std::move(written), true);
                         }));
  } else {
    backend_.UpdateAsync(kv->key, Encode(*object), kv->mod_revision, 0,
                         Then(state->post, [finish](Result<store::KeyValue> written) {
                           finish(std::move(written), false);
                         }));
  }
}

// Applies the rules every update shares to the mutation's result and decides the write:
// none when nothing changed (Kubernetes then keeps the resourceVersion), a delete when an
// object being deleted lost the last thing holding it, an update otherwise.
Result<Storage::Plan> Storage::PlanUpdate(const std::string& name_space, const std::string& name,
                                          const store::KeyValue& current, const json::object& old,
                                          json::object next, bool status_only,
                                          const WriteOptions& options) const {
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

  // The update that frees a marked object of the last thing holding it deletes it, unless
  // its grace period is still running (the kubelet deletes a pod when its containers stopped).
  if (BeingDeleted(next) && !HasFinalizers(next) && !strategy_->DeletionHeld(next) &&
      IntAt(next, "metadata.deletionGracePeriodSeconds", 0) == 0) {
    if (options.dry_run) return Plan{.object = std::move(next)};
    return Plan{.write = Plan::Write::kDelete, .object = std::move(next)};
  }
  json::object comparable = old;
  Metadata(comparable).erase("resourceVersion");
  if (comparable == next) return Plan{.object = old};
  if (options.dry_run) return Plan{.object = std::move(next)};
  return Plan{.write = Plan::Write::kUpdate, .object = std::move(next)};
}

Result<json::object> Storage::Delete(const std::string& name_space, const std::string& name,
                                     const DeleteOptions& options) {
  return Await<json::object>([&](Post post, ObjectDone done) {
    DeleteAsync(name_space, name, options, std::move(post), std::move(done));
  });
}

void Storage::DeleteAsync(const std::string& name_space, const std::string& name,
                          const DeleteOptions& options, Post post, ObjectDone done) {
  TryDelete(std::make_shared<DeleteState>(DeleteState{.name_space = name_space,
                                                      .name = name,
                                                      .options = options,
                                                      .post = std::move(post),
                                                      .done = std::move(done)}));
}

void Storage::TryDelete(std::shared_ptr<DeleteState> state) {
  const std::string& name = state->name;
  // A conflict is retried unless the caller pinned the resourceVersion it meant to delete.
  const bool retry = !state->options.precondition_resource_version;
  if (state->attempt++ >= kUpdateAttempts) {
    return state->done(StaleResourceVersionError(SubjectOf(name)));
  }
  auto kv = Current(state->name_space, name);
  if (!kv.ok()) return state->done(kv.status());
  auto plan = PlanDelete(*kv, state->options);
  if (!plan.ok()) {
    if (plan.status().code() == Code::kConflict && retry) return TryDelete(state);
    return state->done(plan.status());
  }
  if (plan->write == Plan::Write::kNone) return state->done(std::move(plan->object));

  auto object = std::make_shared<json::object>(std::move(plan->object));
  const bool marking = plan->write == Plan::Write::kUpdate;
  auto finish = [this, state, object, marking, retry](Result<store::KeyValue> written) {
    if (written.ok()) {
      // A deleted object is answered as it was; one marked for its finalizers as it is now.
      if (!marking) return state->done(std::move(*object));
      return state->done(Written(std::move(*object), *written));
    }
    if (written.status().code() == Code::kConflict && retry) return TryDelete(state);
    state->done(WriteError(written.status(), state->name));
  };
  if (marking) {
    backend_.UpdateAsync(kv->key, Encode(*object), kv->mod_revision, 0,
                         Then(state->post, std::move(finish)));
  } else {
    backend_.DeleteAsync(kv->key, kv->mod_revision, Then(state->post, std::move(finish)));
  }
}

// Checks the preconditions and decides the write, as Kubernetes' graceful deletion does: an
// object that finalizers or its kind hold, or whose owner gets a grace period to finish with
// it (a pod's kubelet), is marked with a deletionTimestamp and stays; anything else goes now.
// Deleting a marked object again can only shorten its grace period; at zero, with nothing
// holding it, it goes.
Result<Storage::Plan> Storage::PlanDelete(const store::KeyValue& current,
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
  MINI_RETURN_IF_ERROR(strategy_->CheckDelete(object));
  const std::optional<int64_t> grace =
      strategy_->GracePeriod(object, options.grace_period_seconds);
  const bool held = HasFinalizers(object) || strategy_->DeletionHeld(object);
  const Plan::Write write_now = options.dry_run ? Plan::Write::kNone : Plan::Write::kDelete;
  const Plan::Write mark_now = options.dry_run ? Plan::Write::kNone : Plan::Write::kUpdate;
  json::object& metadata = Metadata(object);
  if (BeingDeleted(object)) {
    const int64_t marked = IntAt(object, "metadata.deletionGracePeriodSeconds", 0);
    const bool shorter = grace && *grace < marked;
    const int64_t remaining = shorter ? *grace : marked;
    if (remaining == 0 && !held) return Plan{.write = write_now, .object = std::move(object)};
    if (!shorter) return Plan{.object = std::move(object)};
    metadata["deletionTimestamp"] = meta::Rfc3339(clock_() + std::chrono::seconds(remaining));
    metadata["deletionGracePeriodSeconds"] = remaining;
    metadata.erase("resourceVersion");
    return Plan{.write = mark_now, .object = std::move(object)};
  }
  const int64_t period = grace.value_or(0);
  if (period == 0 && !held) return Plan{.write = write_now, .object = std::move(object)};
  metadata["deletionTimestamp"] = meta::Rfc3339(clock_() + std::chrono::seconds(period));
  metadata["deletionGracePeriodSeconds"] = period;
  if (period > 0 && metadata.contains("generation")) {
    metadata["generation"] = IntAt(object, "metadata.generation", 0) + 1;
  }
  metadata.erase("resourceVersion");
  strategy_->MarkDeleting(object);
  return Plan{.write = mark_now, .object = std::move(object)};
}

}  // namespace mini::cluster::registry
