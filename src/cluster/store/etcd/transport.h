// Requests to an etcd cluster's JSON gateway: a small pool of keep-alive connections per
// member, and failover from one member to the next when one is down.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cluster/store/etcd/connection.h"
#include "cluster/store/etcd/etcd_backend.h"

namespace mini::store::etcd {

/// "host:port" or "[v6]:port"; kInvalidArgument naming `text` otherwise.
Result<Endpoint> ParseEndpoint(const std::string& text);

/// Whether a request may be replayed on another member after it was sent without an answer.
enum class Replay {
  kSafe,    // a read, or a write whose replay cannot change the outcome
  kUnsafe,  // a write the first member may already have applied
};

/// A streaming answer read as newline-delimited messages (the gateway's framing).
class MessageStream {
 public:
  explicit MessageStream(std::unique_ptr<Connection> connection)
      : connection_(std::move(connection)) {}

  /// The next message; kUnavailable when the stream breaks, kCancelled after Interrupt.
  Result<std::string> Next();
  /// Thread-safe: makes a blocked or later Next return kCancelled.
  void Interrupt() { connection_->Interrupt(); }

 private:
  std::unique_ptr<Connection> connection_;
  std::string pending_;
};

class Transport {
 public:
  /// Parses the endpoints and loads the TLS files; does not connect yet.
  static Result<std::shared_ptr<Transport>> Create(const EtcdOptions& options);

  /// POSTs a JSON body to `path` ("/v3/kv/range") and returns the answer, whatever its HTTP
  /// status. Tries the member that answered last, then the others in order; kUnavailable
  /// naming every member tried, and why, when none answers.
  Result<Reply> Post(const std::string& path, const std::string& body, Replay replay);

  /// Opens a streaming POST the same way; the stream belongs to the caller.
  Result<std::unique_ptr<MessageStream>> OpenStream(const std::string& path,
                                                    const std::string& body);

 private:
  struct Member {
    Endpoint endpoint;
    std::vector<std::unique_ptr<Connection>> idle;  // guarded by mutex_
  };

  Transport(std::vector<Member> members, std::shared_ptr<TlsContext> tls,
            std::chrono::milliseconds timeout)
      : members_(std::move(members)), tls_(std::move(tls)), timeout_(timeout) {}

  // One member, with a retry on a fresh connection when a pooled one turns out to be stale.
  Result<Reply> PostTo(size_t index, const std::string& path, const std::string& body,
                       Progress& progress);
  std::unique_ptr<Connection> TakeIdle(size_t index);
  void GiveBack(size_t index, std::unique_ptr<Connection> connection);
  void DropIdle(size_t index);

  std::vector<Member> members_;
  std::shared_ptr<TlsContext> tls_;
  std::chrono::milliseconds timeout_;
  std::mutex mutex_;
  std::atomic<size_t> preferred_{0};  // the member that answered last
};

}  // namespace mini::store::etcd
