// `GET pods/<name>/log`: the API server answers it with the help of the node the pod runs on,
// as Kubernetes proxies it to that node's kubelet. Nodes attach their log source here by
// name; the single node of an all-in-one cluster attaches in-process.
#pragma once

#include <boost/json/object.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "cluster/apiserver/http.h"

namespace mini::cluster::apiserver::rest {

struct LogOptions {
  std::string container;
  bool follow = false;
  bool previous = false;
  bool timestamps = false;
  std::optional<int64_t> tail_lines;
  std::optional<int64_t> limit_bytes;
  std::optional<std::string> since_time;  // RFC 3339; sinceSeconds is turned into this
};

class PodLogSource {
 public:
  virtual ~PodLogSource() = default;
  /// The log of `options.container` of `pod` (a container the pod has), as text/plain, or a
  /// stream when following. Errors as Kubernetes gives them (BadRequest when the container
  /// has not started, NotFound for a previous instance that does not exist).
  virtual Response Logs(const boost::json::object& pod, const LogOptions& options) = 0;
};

/// The log sources of the cluster's nodes. Thread-safe.
class NodeLogs {
 public:
  void Attach(const std::string& node, std::shared_ptr<PodLogSource> source);
  void Detach(const std::string& node);
  std::shared_ptr<PodLogSource> Find(const std::string& node) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<PodLogSource>> sources_;
};

}  // namespace mini::cluster::apiserver::rest
