// A Kubernetes API client over a Transport, for the components (scheduler, kubelet,
// controllers). Objects are JSON, as in the store and on the wire; errors come back as the
// Status the server sent, with its code and reason (NotFound, AlreadyExists, Conflict, Invalid,
// Expired...), so callers branch on the same facts a Go client would.
#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cluster/client/transport.h"
#include "common/status.h"

namespace mini::cluster::client {

/// A resource of the API: group ("" for core), version and plural name.
struct Resource {
  std::string group;
  std::string version;
  std::string plural;

  /// "/api/v1" or "/apis/apps/v1", then the namespace, plural, name and subresource when set.
  std::string Path(std::string_view name_space = "", std::string_view name = "",
                   std::string_view subresource = "") const;
};

namespace resources {
inline const Resource kPods{"", "v1", "pods"};
inline const Resource kNodes{"", "v1", "nodes"};
inline const Resource kEvents{"", "v1", "events"};
inline const Resource kNamespaces{"", "v1", "namespaces"};
inline const Resource kServiceAccounts{"", "v1", "serviceaccounts"};
inline const Resource kConfigMaps{"", "v1", "configmaps"};
inline const Resource kLeases{"coordination.k8s.io", "v1", "leases"};
}  // namespace resources

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  std::string resource_version;  // "" = most recent; "0" = any
  int64_t limit = 0;
  std::string continue_token;
};

struct DeleteOptions {
  std::optional<int64_t> grace_period_seconds;  // the kind's own when unset
  std::string precondition_uid;                 // the object must still be this one
};

struct WatchEvent {
  enum class Type { kAdded, kModified, kDeleted, kBookmark };
  Type type;
  boost::json::object object;
};

class Client {
 public:
  explicit Client(std::shared_ptr<Transport> transport) : transport_(std::move(transport)) {}

  Result<boost::json::object> Get(const Resource& resource, std::string_view name_space,
                                  std::string_view name);
  /// The list object (items, metadata.resourceVersion, metadata.continue).
  Result<boost::json::object> List(const Resource& resource, std::string_view name_space,
                                   const ListOptions& options = {});
  Result<boost::json::object> Create(const Resource& resource, std::string_view name_space,
                                     const boost::json::object& object);
  /// PUT of the whole object, or of its status with subresource "status".
  Result<boost::json::object> Update(const Resource& resource, std::string_view name_space,
                                     const boost::json::object& object,
                                     std::string_view subresource = "");
  /// PATCH with a merge patch ("application/merge-patch+json") unless `content_type` says
  /// otherwise.
  Result<boost::json::object> Patch(const Resource& resource, std::string_view name_space,
                                    std::string_view name, const boost::json::value& patch,
                                    std::string_view subresource = "",
                                    std::string_view content_type = "application/merge-patch+json");
  Status Delete(const Resource& resource, std::string_view name_space, std::string_view name,
                const DeleteOptions& options = {});
  /// Deletes (or, for pods, gracefully marks) every object of the namespace the options select.
  Status DeleteCollection(const Resource& resource, std::string_view name_space,
                          const ListOptions& options = {});
  /// GET of any API path (discovery documents such as "/apis").
  Result<boost::json::object> GetPath(std::string_view path);
  /// POST to a subresource such as pods/binding; returns the reply body.
  Result<boost::json::object> Post(const Resource& resource, std::string_view name_space,
                                   std::string_view name, std::string_view subresource,
                                   const boost::json::object& body);

  using WatchHandler = std::function<void(WatchEvent event)>;
  /// Watches from `options.resource_version` with bookmarks. `on_event` runs on a transport
  /// thread for each event, in order; `on_end` once when the watch ends: OK when the server
  /// closed it (watch again from the last version seen), an error (kOutOfRange for 410 Expired:
  /// list again) otherwise. Handlers must not stop their own watch.
  Result<std::unique_ptr<StreamHandle>> Watch(const Resource& resource, std::string_view name_space,
                                              const ListOptions& options, WatchHandler on_event,
                                              Transport::EndHandler on_end);

 private:
  Result<boost::json::object> Call(HttpRequest request);

  std::shared_ptr<Transport> transport_;
};

/// The Status a non-2xx reply stands for: code from the HTTP status, reason and message from
/// the body's Kubernetes Status when there is one.
Status StatusFromReply(const HttpReply& reply);

}  // namespace mini::cluster::client
