#include "cluster/store/etcd/transport.h"

#include <fmt/format.h>

#include <charconv>
#include <utility>

namespace mini::store::etcd {
namespace {

// Enough for the usual handful of concurrent callers; busier moments open extra connections
// that are closed instead of pooled.
constexpr size_t kMaxIdlePerMember = 8;

Result<uint16_t> ParsePort(std::string_view text, const std::string& endpoint) {
  unsigned port = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc() || end != text.data() + text.size() || port == 0 || port > 65535) {
    return Error(Code::kInvalidArgument, "invalid etcd endpoint '{}': expected host:port",
                 endpoint);
  }
  return static_cast<uint16_t>(port);
}

// What went wrong with each member tried, for the one error that names them all.
class Attempts {
 public:
  void Add(const Endpoint& endpoint, const Status& status) {
    Add(endpoint, status.message(), status.code());
  }
  void Add(const Endpoint& endpoint, const std::string& why, Code code = Code::kUnavailable) {
    lines_.push_back(fmt::format("{} ({})", endpoint.ToString(), why));
    all_denied_ = all_denied_ && code == Code::kPermissionDenied;
  }
  // kPermissionDenied when only certificates stood in the way: retrying will not help.
  Status ToStatus() const {
    return Error(all_denied_ ? Code::kPermissionDenied : Code::kUnavailable,
                 "cannot reach etcd at {}", fmt::join(lines_, ", "));
  }

 private:
  std::vector<std::string> lines_;
  bool all_denied_ = true;
};

}  // namespace

std::string Endpoint::ToString() const {
  return host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, port)
                                             : fmt::format("{}:{}", host, port);
}

Result<Endpoint> ParseEndpoint(const std::string& text) {
  Endpoint endpoint;
  size_t colon = std::string::npos;
  if (text.starts_with('[')) {
    size_t close = text.find(']');
    if (close != std::string::npos && close + 1 < text.size() && text[close + 1] == ':') {
      endpoint.host = text.substr(1, close - 1);
      colon = close + 1;
    }
  } else {
    colon = text.rfind(':');
    if (colon != std::string::npos && text.find(':') == colon) {
      endpoint.host = text.substr(0, colon);
    }
  }
  if (endpoint.host.empty()) {
    return Error(Code::kInvalidArgument, "invalid etcd endpoint '{}': expected host:port", text);
  }
  MINI_ASSIGN_OR_RETURN(endpoint.port, ParsePort(std::string_view(text).substr(colon + 1), text));
  return endpoint;
}

Result<std::string> MessageStream::Next() {
  while (true) {
    size_t newline = pending_.find('\n');
    if (newline != std::string::npos) {
      std::string message = pending_.substr(0, newline);
      pending_.erase(0, newline + 1);
      if (message.find_first_not_of(" \r\t") != std::string::npos) {
        return message;
      }
      continue;
    }
    MINI_ASSIGN_OR_RETURN(std::string more, connection_->ReadSome());
    pending_ += more;
  }
}

Result<std::shared_ptr<Transport>> Transport::Create(const EtcdOptions& options) {
  if (options.endpoints.empty()) {
    return Error(Code::kInvalidArgument, "no etcd endpoint given");
  }
  std::vector<Member> members;
  for (const std::string& text : options.endpoints) {
    MINI_ASSIGN_OR_RETURN(Endpoint endpoint, ParseEndpoint(text));
    members.push_back(Member{std::move(endpoint), {}});
  }
  std::shared_ptr<TlsContext> tls;
  if (!options.ca_file.empty()) {
    MINI_ASSIGN_OR_RETURN(tls, NewTlsContext(options.ca_file, options.cert_file, options.key_file));
  } else if (!options.cert_file.empty()) {
    return Error(Code::kInvalidArgument,
                 "an etcd client certificate needs the CA that verifies the server (ca_file)");
  }
  return std::shared_ptr<Transport>(
      new Transport(std::move(members), std::move(tls), options.request_timeout));
}

Result<Reply> Transport::Post(const std::string& path, const std::string& body, Replay replay) {
  Attempts attempts;
  size_t first = preferred_.load();
  for (size_t i = 0; i < members_.size(); ++i) {
    size_t index = (first + i) % members_.size();
    Progress progress = Progress::kNotSent;
    Result<Reply> reply = PostTo(index, path, body, progress);
    const Endpoint& endpoint = members_[index].endpoint;
    if (reply.ok() && reply->http_status == 503 && replay == Replay::kSafe) {
      // The member is up but cannot serve (no leader, stopping): another one may.
      attempts.Add(endpoint, "unavailable: " + reply->body.substr(0, 200));
      continue;
    }
    if (reply.ok()) {
      preferred_ = index;
      return reply;
    }
    attempts.Add(endpoint, reply.status());
    if (progress != Progress::kNotSent && replay == Replay::kUnsafe) {
      return Error(Code::kUnavailable,
                   "etcd at {} did not answer ({}); the write may or may not have been applied",
                   endpoint.ToString(), reply.status().message());
    }
  }
  return attempts.ToStatus();
}

Result<Reply> Transport::PostTo(size_t index, const std::string& path, const std::string& body,
                                Progress& progress) {
  for (bool fresh : {false, true}) {
    progress = Progress::kNotSent;
    Clock::time_point deadline = Clock::now() + timeout_;
    std::unique_ptr<Connection> connection = fresh ? nullptr : TakeIdle(index);
    bool reused = connection != nullptr;
    if (!reused) {
      auto opened = Connection::Open(members_[index].endpoint, tls_, deadline);
      if (!opened.ok()) {
        DropIdle(index);
        return opened.status();
      }
      connection = std::move(opened).value();
    }
    Result<Reply> reply = connection->Post(path, body, deadline, progress);
    if (reply.ok()) {
      if (connection->reusable()) {
        GiveBack(index, std::move(connection));
      }
      return reply;
    }
    // A pooled connection the member closed while idle (it restarted, say) fails before any
    // answer; the member never saw the request, so one retry on a new connection is safe.
    bool stale =
        reused && progress != Progress::kAnswered && reply.status().code() == Code::kUnavailable;
    if (!stale) {
      return reply.status();
    }
    DropIdle(index);  // its siblings are most likely stale too
  }
  return Error(Code::kInternal, "unreachable");
}

Result<std::unique_ptr<MessageStream>> Transport::OpenStream(const std::string& path,
                                                             const std::string& body) {
  Attempts attempts;
  size_t first = preferred_.load();
  for (size_t i = 0; i < members_.size(); ++i) {
    size_t index = (first + i) % members_.size();
    const Endpoint& endpoint = members_[index].endpoint;
    Clock::time_point deadline = Clock::now() + timeout_;
    auto connection = Connection::Open(members_[index].endpoint, tls_, deadline);
    if (!connection.ok()) {
      attempts.Add(endpoint, connection.status());
      continue;
    }
    Result<Reply> reply = (*connection)->StartStream(path, body, deadline);
    if (!reply.ok()) {
      attempts.Add(endpoint, reply.status());
    } else if (reply->http_status / 100 != 2) {
      attempts.Add(endpoint, fmt::format("HTTP {}: {}", reply->http_status, reply->body));
    } else {
      return std::make_unique<MessageStream>(std::move(connection).value());
    }
  }
  return attempts.ToStatus();
}

std::unique_ptr<Connection> Transport::TakeIdle(size_t index) {
  std::lock_guard lock(mutex_);
  auto& idle = members_[index].idle;
  if (idle.empty()) {
    return nullptr;
  }
  std::unique_ptr<Connection> connection = std::move(idle.back());
  idle.pop_back();
  return connection;
}

void Transport::GiveBack(size_t index, std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  auto& idle = members_[index].idle;
  if (idle.size() < kMaxIdlePerMember) {
    idle.push_back(std::move(connection));
  }
}

void Transport::DropIdle(size_t index) {
  std::vector<std::unique_ptr<Connection>> dropped;
  std::lock_guard lock(mutex_);
  dropped.swap(members_[index].idle);
}

}  // namespace mini::store::etcd
