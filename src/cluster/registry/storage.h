// The REST storage every resource shares, as Kubernetes' generic registry store: objects are
// JSON documents in the datastore under /registry/<group>/<resource>/[<namespace>/]<name>, their
// resourceVersion is the key's mod_revision, and each verb applies the kind's Strategy around a
// compare-and-swap write. The REST layer decodes requests into these calls; nothing here knows
// HTTP.
//
// A resource with a Converter (converter.h) lives under another resource's keys in that
// resource's form: Encode and Decode convert, and everything between them sees the served form.
//
// Writes come in two forms. The asynchronous ones (CreateAsync, UpdateAsync, DeleteAsync) return
// at once and answer through a callback once the datastore has committed, running every step
// after the first through the caller's Post function: a server thread is never held while a
// commit waits for the disk. The blocking forms run the same code to its end on the calling
// thread.
//
// Thread-safe: every method may run on many threads at once.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/api/meta/fields.h"
#include "cluster/api/meta/labels.h"
#include "cluster/api/meta/resource_version.h"
#include "cluster/api/schema/schema.h"
#include "cluster/registry/converter.h"
#include "cluster/registry/strategy.h"
#include "cluster/store/backend.h"
#include "common/status.h"
#include "common/task_loop.h"

namespace mini::cluster::registry {

struct ListOptions {
  mini::api::meta::LabelSelector labels;
  mini::api::meta::FieldSelector fields;
  int64_t limit = 0;           // 0: everything
  std::string continue_token;  // from a previous page's metadata.continue
  std::string resource_version;
  std::string resource_version_match;
};

struct ListResult {
  std::vector<boost::json::object> items;
  int64_t revision = 0;              // the list's resourceVersion
  std::string continue_token;        // empty on the last page
  std::optional<int64_t> remaining;  // items after this page, when known exactly
};

struct WriteOptions {
  bool dry_run = false;
  /// A write the server makes on its own authority, as Kubernetes' pods/binding writes
  /// straight to storage: the kind's update preparation and validation are skipped (they
  /// refuse a change of spec.nodeName), the metadata rules still hold.
  bool server_write = false;
};

struct DeleteOptions {
  bool dry_run = false;
  /// The client's gracePeriodSeconds: 0 deletes a pod at once (`kubectl delete --force`).
  std::optional<int64_t> grace_period_seconds;
  std::optional<std::string> precondition_uid;
  std::optional<std::string> precondition_resource_version;
};

/// Receives one watch's events; calls never overlap and must not block.
class WatchConsumer {
 public:
  enum class EventType { kAdded, kModified, kDeleted };
  virtual ~WatchConsumer() = default;
  virtual void OnEvent(EventType type, boost::json::object object) = 0;
  /// The watch failed or ended on the store's side (e.g. 410 Expired once history is gone).
  virtual void OnError(Status status) = 0;
};

class Storage;

/// The whole-cluster facts a storage needs beyond its own objects.
struct StorageHooks {
  /// OK if objects may be created in this namespace: NotFound when it does not exist,
  /// Forbidden while it is being deleted.
  std::function<Status(const std::string& name_space)> check_namespace;
};

class Storage {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  /// Computes an object's new state from its current one; an error aborts the update.
  using Mutation = std::function<Result<boost::json::object>(boost::json::object current)>;

  /// `converter`: nullptr when objects are stored as served.
  Storage(const api::schema::Resource& resource, std::unique_ptr<Strategy> strategy,
          store::Backend& backend, StorageHooks hooks, Clock clock = nullptr,
          std::unique_ptr<Converter> converter = nullptr);

  const api::schema::Resource& resource() const { return resource_; }
  const Strategy& strategy() const { return *strategy_; }

  using ObjectDone = std::function<void(Result<boost::json::object>)>;

  Result<boost::json::object> Create(const std::string& name_space, boost::json::object object,
                                     const WriteOptions& options);
  void CreateAsync(const std::string& name_space, boost::json::object object,
                   const WriteOptions& options, Post post, ObjectDone done);
  Result<boost::json::object> Get(const std::string& name_space, const std::string& name);
  Result<ListResult> List(const std::string& name_space, const ListOptions& options);

  /// Read-modify-write for PUT, PATCH, scale and binding. `mutation` sees the current object
  /// and returns the new one, or the status subresource's with `status_only`. A resourceVersion
  /// left in the result must match the stored one (409 otherwise); without one, writes by
  /// others in between are retried and the update is unconditional.
  Result<boost::json::object> Update(const std::string& name_space, const std::string& name,
                                     const Mutation& mutation, bool status_only,
                                     const WriteOptions& options);
  /// The same; `mutation` may run several times (once per retry), each on a thread of `post`.
  void UpdateAsync(const std::string& name_space, const std::string& name, Mutation mutation,
                   bool status_only, const WriteOptions& options, Post post, ObjectDone done);

  /// Deletes the object, or marks it for deletion (deletionTimestamp) while finalizers or its
  /// kind hold it or its owner has a grace period to finish with it. Returns the object as it
  /// was last stored.
  Result<boost::json::object> Delete(const std::string& name_space, const std::string& name,
                                     const DeleteOptions& options);
  /// The same, asynchronously.
  void DeleteAsync(const std::string& name_space, const std::string& name,
                   const DeleteOptions& options, Post post, ObjectDone done);
  /// Deletes every object the list options select; returns them.
  Result<ListResult> DeleteCollection(const std::string& name_space, const ListOptions& options,
                                      const DeleteOptions& delete_options);

  /// Streams changes after options.resource_version (none or "0": first every current object
  /// as ADDED). Objects entering or leaving the selectors arrive as ADDED and DELETED.
  Result<store::WatchPtr> Watch(const std::string& name_space, const ListOptions& options,
                                std::shared_ptr<WatchConsumer> consumer);

  /// Key of one object and the prefix of a namespace's objects ("" = every namespace).
  std::string Key(const std::string& name_space, const std::string& name) const;
  std::string Prefix(const std::string& name_space) const;

  /// Parses a stored value, sets its resourceVersion and converts it to the served form;
  /// public for watch and the registry.
  Result<boost::json::object> Decode(const store::KeyValue& kv) const;
  /// The value to store for an object in its served form.
  std::string Encode(const boost::json::object& object) const;
  /// Whether an object passes the list's label and field selectors.
  bool Selected(const boost::json::object& object, const ListOptions& options) const;

 private:
  Subject SubjectOf(const std::string& name) const { return Subject::Of(resource_, name); }
  Status CheckNamespace(const std::string& name_space, boost::json::object& object) const;
  FieldErrors ValidateMetadata(const boost::json::object& object) const;
  struct CreateState;
  struct UpdateState;
  struct DeleteState;
  /// What a write step decided: answer with `object` now, or write it first.
  struct Plan {
    enum class Write { kNone, kUpdate, kDelete } write = Write::kNone;
    boost::json::object object;
  };

  void TryCreate(std::shared_ptr<CreateState> state);
  void TryUpdate(std::shared_ptr<UpdateState> state);
  void TryDelete(std::shared_ptr<DeleteState> state);
  Result<Plan> PlanUpdate(const std::string& name_space, const std::string& name,
                          const store::KeyValue& current, const boost::json::object& old,
                          boost::json::object next, bool status_only,
                          const WriteOptions& options) const;
  Result<Plan> PlanDelete(const store::KeyValue& current, const DeleteOptions& options);
  /// The stored key-value of `name`, or the error a client gets when there is none.
  Result<store::KeyValue> Current(const std::string& name_space, const std::string& name) const;
  /// What a failed datastore write answers: Conflict, NotFound or an internal error.
  Status WriteError(const Status& status, const std::string& name) const;
  /// The object as stored by `kv`, in the served form, without parsing it again when possible.
  Result<boost::json::object> Written(boost::json::object object, const store::KeyValue& kv) const;

  const api::schema::Resource& resource_;
  std::unique_ptr<Strategy> strategy_;
  store::Backend& backend_;
  StorageHooks hooks_;
  Clock clock_;
  std::unique_ptr<Converter> converter_;  // nullptr: stored as served
  std::string prefix_;                    // "/registry/<group>/<resource>/"
};

}  // namespace mini::cluster::registry
