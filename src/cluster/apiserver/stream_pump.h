// Internal to the API server: how a long-lived response body reaches the client.
//
// A connection offers itself as a Transport (Beast stays in connection.cc). The StreamPump
// turns what a BodyStream writes from any thread into HTTP/1.1 chunks written one at a time on
// the connection's strand, and closes the connection when the body ends or the client leaves.
// The exec and port-forward upgrades will reuse Transport, adding a read side.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "cluster/apiserver/http.h"

namespace mini::cluster::apiserver {

class Transport {
 public:
  virtual ~Transport() = default;
  /// Runs `task` on the connection's strand, keeping the connection alive until it has run.
  /// Thread-safe.
  virtual void Post(std::function<void()> task) = 0;
  /// On the strand, one at a time: sends `data`, then calls `done(ok)` on the strand.
  virtual void Write(std::string data, std::function<void(bool ok)> done) = 0;
  /// On the strand: closes the connection; an outstanding Write completes with ok == false.
  virtual void Close() = 0;
};

class StreamPump : public std::enable_shared_from_this<StreamPump> {
 public:
  /// `max_backlog_bytes` bounds what a slow client may leave unsent before the stream is cut,
  /// so one stalled watcher cannot hold unbounded memory.
  static std::shared_ptr<StreamPump> Create(std::weak_ptr<Transport> transport,
                                            size_t max_backlog_bytes);

  /// On the strand: sends `head` (the serialized response head, announcing chunked encoding),
  /// then starts `body` with a sink that feeds this pump.
  void Start(std::string head, std::shared_ptr<BodyStream> body);
  /// On the strand: the client left or the server stops. Cancels the body unless it already
  /// ended, and closes the connection. Idempotent.
  void Cancel();

  /// For the sink, from any thread. False once the pump is closed or over its backlog.
  bool Enqueue(std::string data);
  void End();

 private:
  StreamPump(std::weak_ptr<Transport> transport, size_t max_backlog_bytes)
      : transport_(std::move(transport)), max_backlog_bytes_(max_backlog_bytes) {}

  void Flush();                        // strand
  void OnWritten(bool ok, bool last);  // strand
  /// Runs `task` on the strand (from any thread).
  void Post(void (*task)(StreamPump&));

  const std::weak_ptr<Transport> transport_;
  const size_t max_backlog_bytes_;
  std::shared_ptr<BodyStream> body_;  // strand only; reset once the end is sent or on Cancel

  std::mutex mu_;
  std::string pending_;        // framed bytes not yet handed to the transport; guarded by mu_
  bool write_active_ = false;  // a Flush is posted or a Write is in flight; guarded by mu_
  bool ended_ = false;         // the body closed its sink; guarded by mu_
  bool closed_ = false;        // nothing more will be sent; guarded by mu_
};

}  // namespace mini::cluster::apiserver
