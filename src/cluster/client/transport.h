// How a component reaches the API server. Components talk to each other only through the API
// (watch + write), even inside one process, so each can be tested alone and a worker node's
// agent can later run the same code over the network. A Transport carries one request and its
// answer, or a stream of newline-delimited watch events.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace mini::cluster::client {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // "/api/v1/namespaces/default/pods"
  std::vector<std::pair<std::string, std::string>> query;
  std::string content_type;  // of body; empty without one
  std::string body;
};

struct HttpReply {
  int status = 0;
  std::string body;
};

/// A running stream; destroying it (or Stop) ends it. Thread-safe.
class StreamHandle {
 public:
  virtual ~StreamHandle() = default;
  /// Stops delivery; no callback runs after Stop returns.
  virtual void Stop() = 0;
};

class Transport {
 public:
  /// One line of a stream (without its newline), on a transport thread.
  using LineHandler = std::function<void(std::string line)>;
  /// The stream ended: OK when the server closed it, an error when the connection failed.
  using EndHandler = std::function<void(Status status)>;

  virtual ~Transport() = default;
  /// Sends a request and waits for the whole reply. An error only when no reply came; any HTTP
  /// status is a reply.
  virtual Result<HttpReply> Send(const HttpRequest& request) = 0;
  /// Starts a streamed request (a watch). A non-2xx answer comes back as a reply with its
  /// status and body and no stream; otherwise `on_line` sees each line and `on_end` runs once.
  virtual Result<std::unique_ptr<StreamHandle>> Stream(const HttpRequest& request,
                                                        LineHandler on_line, EndHandler on_end,
                                                        HttpReply* refused) = 0;
};

}  // namespace mini::cluster::client
