// What is particular to one kind: defaulting, validation, which parts a request may change, the
// fields a field selector may name and the columns `kubectl get` prints. The generic storage
// (storage.h) does everything else the same way for every kind, as Kubernetes' REST store does.
//
// Objects are boost::json objects in their wire form. Strategies are stateless apart from what
// their constructor is given (allocators), and are called from many threads at once.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/api/schema/schema.h"
#include "cluster/registry/errors.h"
#include "common/status.h"

namespace mini::cluster::registry {

/// A column of the Table kubectl prints (`kubectl get`).
struct Column {
  std::string name;         // "Ready": kubectl upper-cases it
  std::string type;         // "string", "integer", "number", "boolean", "date"
  std::string format;       // "name" for the name column, otherwise usually empty
  std::string description;  // our own words
  int priority = 0;         // 0 always shown, 1 only with -o wide
};

class Strategy {
 public:
  virtual ~Strategy() = default;

  /// Fills in what a real cluster defaults (Pod restartPolicy, Service type...). Runs before
  /// validation on create and on update; must be idempotent.
  virtual void Default(boost::json::object& object) const;

  /// Resets what a client may not set on create: status (when the kind has a status
  /// subresource) and anything the server owns. Runs before Default.
  virtual void PrepareForCreate(boost::json::object& object) const;
  /// Carries over from `old` what a main-resource update may not change (status when the kind
  /// has a status subresource). Runs before Default.
  virtual void PrepareForUpdate(boost::json::object& object, const boost::json::object& old) const;
  /// The status subresource's counterpart: keeps everything but status from `old`.
  virtual void PrepareForStatusUpdate(boost::json::object& object,
                                      const boost::json::object& old) const;

  /// The rule metadata.name must follow, as error strings of api/meta/names.h (empty: valid).
  /// DNS-1123 subdomain by default; namespaces use DNS-1123 labels, Services DNS-1035 labels.
  virtual std::vector<std::string> ValidateName(std::string_view name) const;

  /// Field errors of a new object (metadata is already validated by the storage).
  virtual FieldErrors Validate(const boost::json::object& object) const;
  /// Field errors of an update: Validate plus immutable fields.
  virtual FieldErrors ValidateUpdate(const boost::json::object& object,
                                     const boost::json::object& old) const;

  /// Whether this update changes the spec, so metadata.generation goes up. By default every
  /// change outside metadata and status counts.
  virtual bool SpecChanged(const boost::json::object& object, const boost::json::object& old) const;

  /// Runs inside a create, after validation and just before the write: allocates what must be
  /// unique across objects (a Service's cluster IP and node ports). An error fails the create.
  virtual Status BeforeCreate(boost::json::object& object) const;
  /// The same for an update (a Service changing type to NodePort gets its ports here).
  virtual Status BeforeUpdate(boost::json::object& object, const boost::json::object& old) const;

  /// Refuses a delete outright (the namespaces a cluster cannot live without); OK by default.
  virtual Status CheckDelete(const boost::json::object& object) const;
  /// Graceful deletion: how many seconds the object's owner gets to finish with it before it
  /// goes (a pod's kubelet stops its containers first), given the gracePeriodSeconds the client
  /// asked for. Zero or nullopt deletes at once; kinds without an owner to wait for return
  /// nullopt, the default.
  virtual std::optional<int64_t> GracePeriod(const boost::json::object& object,
                                             std::optional<int64_t> requested) const;
  /// Whether something besides metadata.finalizers still holds a deletion: a Namespace's
  /// spec.finalizers, cleared through its finalize subresource once its contents are gone.
  virtual bool DeletionHeld(const boost::json::object& object) const;
  /// What marking the object for deletion changes besides its deletionTimestamp (a Namespace's
  /// Terminating phase).
  virtual void MarkDeleting(boost::json::object& object) const;

  /// Values of the fields a field selector may name, besides metadata.name and
  /// metadata.namespace which every kind has (e.g. "spec.nodeName", "status.phase").
  virtual std::map<std::string, std::string> SelectableFields(
      const boost::json::object& object) const;

  /// The Table columns, and one row's cells for an object (same length). By default "Name"
  /// and "Created At" as Kubernetes prints kinds without their own printer.
  virtual std::vector<Column> Columns() const;
  virtual boost::json::array Cells(const boost::json::object& object,
                                   std::chrono::system_clock::time_point now) const;

  /// Whether the kind has a status subresource whose content the main resource ignores.
  bool has_status() const { return has_status_; }
  void set_has_status(bool has_status) { has_status_ = has_status; }

 private:
  bool has_status_ = false;
};

/// What strategies may use besides the object: other objects, for allocators that must not
/// hand out a value twice. Reads go straight to the store's current state.
struct StrategyContext {
  /// Every stored object of a resource (all namespaces), e.g. ("", "services").
  std::function<Result<std::vector<boost::json::object>>(const std::string& group,
                                                         const std::string& resource)>
      list_all;
};

/// The strategy of a kind without its own: the defaults above.
std::unique_ptr<Strategy> DefaultStrategy();

/// The strategy for group/resource ("apps", "deployments") in the version its objects are stored
/// in: one explicit list in strategies.cc. Kinds without their own get DefaultStrategy().
/// has_status is set from the schema by the caller.
std::unique_ptr<Strategy> NewStrategy(const std::string& group, const std::string& resource,
                                      const StrategyContext& context);
/// The same for one served version: a version stored in another's form (converter.h) may have
/// its own strategy in the second list of strategies.cc (autoscaling/v1 autoscalers).
std::unique_ptr<Strategy> NewStrategy(const std::string& group, const std::string& version,
                                      const std::string& resource, const StrategyContext& context);

}  // namespace mini::cluster::registry
