#include "cluster/apiserver/stream_pump.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <utility>

namespace mini::cluster::apiserver {
namespace {

constexpr std::string_view kLastChunk = "0\r\n\r\n";

class PumpSink final : public StreamSink {
 public:
  explicit PumpSink(std::weak_ptr<StreamPump> pump) : pump_(std::move(pump)) {}

  bool Write(std::string data) override {
    std::shared_ptr<StreamPump> pump = pump_.lock();
    return pump != nullptr && pump->Enqueue(std::move(data));
  }

  void Close() override {
    if (std::shared_ptr<StreamPump> pump = pump_.lock()) {
      pump->End();
    }
  }

 private:
  // Weak: a producer that keeps its sink must not keep a closed connection's pump alive.
  std::weak_ptr<StreamPump> pump_;
};

}  // namespace

std::shared_ptr<StreamPump> StreamPump::Create(std::weak_ptr<Transport> transport,
                                               size_t max_backlog_bytes) {
  return std::shared_ptr<StreamPump>(new StreamPump(std::move(transport), max_backlog_bytes));
}

void StreamPump::Start(std::string head, std::shared_ptr<BodyStream> body) {
  {
    std::lock_guard lock(mu_);
    pending_ = std::move(head);
    write_active_ = true;
  }
  body_ = std::move(body);
  Flush();
  if (body_ != nullptr) {
    body_->Start(std::make_shared<PumpSink>(weak_from_this()));
  }
}

bool StreamPump::Enqueue(std::string data) {
  if (data.empty()) {
    return true;  // an empty chunk would end the body
  }
  bool schedule = false;
  bool overflow = false;
  {
    std::lock_guard lock(mu_);
    if (closed_ || ended_) {
      return false;
    }
    overflow = pending_.size() + data.size() > max_backlog_bytes_;
    if (overflow) {
      closed_ = true;
      pending_.clear();
    } else {
      fmt::format_to(std::back_inserter(pending_), "{:x}\r\n{}\r\n", data.size(), data);
      schedule = !std::exchange(write_active_, true);
    }
  }
  if (overflow) {
    spdlog::warn("cutting a response stream: the client reads too slowly");
    Post([](StreamPump& pump) { pump.Cancel(); });
    return false;
  }
  if (schedule) {
    Post([](StreamPump& pump) { pump.Flush(); });
  }
  return true;
}

void StreamPump::End() {
  bool schedule = false;
  {
    std::lock_guard lock(mu_);
    if (closed_ || ended_) {
      return;
    }
    ended_ = true;
    schedule = !std::exchange(write_active_, true);
  }
  if (schedule) {
    Post([](StreamPump& pump) { pump.Flush(); });
  }
}

void StreamPump::Post(void (*task)(StreamPump&)) {
  if (std::shared_ptr<Transport> transport = transport_.lock()) {
    transport->Post([self = shared_from_this(), task] { task(*self); });
  }
}

void StreamPump::Flush() {
  std::string data;
  bool last = false;
  {
    std::lock_guard lock(mu_);
    if (closed_) {
      return;
    }
    data = std::move(pending_);
    pending_.clear();
    if (ended_) {
      data += kLastChunk;
      last = true;
      closed_ = true;
    }
    if (data.empty()) {
      write_active_ = false;
      return;
    }
  }
  std::shared_ptr<Transport> transport = transport_.lock();
  if (transport == nullptr) {
    return;
  }
  if (last) {
    body_.reset();  // ended normally: the body is not cancelled
  }
  transport->Write(std::move(data),
                   [self = shared_from_this(), last](bool ok) { self->OnWritten(ok, last); });
}

void StreamPump::OnWritten(bool ok, bool last) {
  if (!ok) {
    Cancel();
    return;
  }
  if (last) {
    if (std::shared_ptr<Transport> transport = transport_.lock()) {
      transport->Close();
    }
    return;
  }
  Flush();
}

void StreamPump::Cancel() {
  std::shared_ptr<BodyStream> body = std::move(body_);
  body_.reset();
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    pending_.clear();
  }
  if (body != nullptr) {
    body->Cancel();
  }
  if (std::shared_ptr<Transport> transport = transport_.lock()) {
    transport->Close();
  }
}

}  // namespace mini::cluster::apiserver
