#include "cluster/client/local_transport.h"

#include <mutex>

namespace mini::cluster::client {
namespace {

// Receives a handler's streamed body and hands it on line by line. Writes come from the
// producer's threads; Stop cuts the stream and waits out a delivery in progress, so nothing is
// called after Stop returns.
class LineSink final : public apiserver::StreamSink {
 public:
  LineSink(Transport::LineHandler on_line, Transport::EndHandler on_end)
      : on_line_(std::move(on_line)), on_end_(std::move(on_end)) {}

  bool Write(std::string data) override {
    std::lock_guard lock(mutex_);
    if (stopped_) return false;
    pending_ += data;
    size_t start = 0;
    for (size_t end; (end = pending_.find('\n', start)) != std::string::npos; start = end + 1) {
      if (end > start) on_line_(pending_.substr(start, end - start));
    }
    pending_.erase(0, start);
    return true;
  }

  void Close() override {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    if (!pending_.empty()) on_line_(std::move(pending_));
    on_end_(Status::Ok());
  }

  void Stop() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }

 private:
  std::mutex mutex_;  // also serializes deliveries, so handlers see lines in order
  bool stopped_ = false;
  std::string pending_;
  Transport::LineHandler on_line_;
  Transport::EndHandler on_end_;
};

class LocalStream final : public StreamHandle {
 public:
  LocalStream(std::shared_ptr<apiserver::BodyStream> body, std::shared_ptr<LineSink> sink)
      : body_(std::move(body)), sink_(std::move(sink)) {}
  ~LocalStream() override { Stop(); }

  void Stop() override {
    sink_->Stop();
    body_->Cancel();
  }

 private:
  std::shared_ptr<apiserver::BodyStream> body_;
  std::shared_ptr<LineSink> sink_;
};

}  // namespace

LocalTransport::LocalTransport(std::shared_ptr<const apiserver::Router> router,
                               apiserver::UserInfo user)
    : router_(std::move(router)), user_(std::move(user)) {}

apiserver::Response LocalTransport::Dispatch(const HttpRequest& request) const {
  apiserver::Request call;
  call.method = request.method;
  call.path = request.path;
  for (const auto& [key, value] : request.query) call.query.Add(key, value);
  if (!request.content_type.empty()) call.headers.Add("Content-Type", request.content_type);
  call.headers.Add("Accept", "application/json");
  call.body = request.body;
  call.user = user_;
  call.remote_address = "in-process";
  return apiserver::Resolve(router_->Dispatch(call));
}

Result<HttpReply> LocalTransport::Send(const HttpRequest& request) {
  apiserver::Response response = Dispatch(request);
  if (response.stream) {
    response.stream->Cancel();
    return Status(Code::kInvalidArgument, "a streamed answer to a plain request: use Stream");
  }
  return HttpReply{response.status, std::move(response.body)};
}

Result<std::unique_ptr<StreamHandle>> LocalTransport::Stream(const HttpRequest& request,
                                                              LineHandler on_line,
                                                              EndHandler on_end,
                                                              HttpReply* refused) {
  apiserver::Response response = Dispatch(request);
  if (!response.stream) {
    *refused = HttpReply{response.status, std::move(response.body)};
    return std::unique_ptr<StreamHandle>();
  }
  auto sink = std::make_shared<LineSink>(std::move(on_line), std::move(on_end));
  response.stream->Start(sink);
  return std::unique_ptr<StreamHandle>(std::make_unique<LocalStream>(response.stream, sink));
}

}  // namespace mini::cluster::client
