#include "drivers/qemu/qmp.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstring>
#include <thread>

#include "common/json.h"

namespace mini::drivers::qemu {
namespace json = boost::json;

QmpReply ParseQmpReply(std::string& buffer) {
  size_t nl;
  while ((nl = buffer.find('\n')) != std::string::npos) {
    std::string line = buffer.substr(0, nl);
    buffer.erase(0, nl + 1);
    auto v = ParseJson(line, "QMP message");
    if (!v.ok()) return {true, v.status()};
    if (!v->is_object()) continue;
    const json::object& o = v->get_object();
    if (o.contains("event")) continue;  // asynchronous, not a reply
    if (const json::value* r = o.if_contains("return")) return {true, *r};
    if (o.contains("QMP")) return {true, *v};  // the greeting
    if (const json::value* e = o.if_contains("error"); e && e->is_object()) {
      const json::value* desc = e->get_object().if_contains("desc");
      return {true, Error(Code::kInternal, "QEMU refused: {}",
                          desc && desc->is_string() ? desc->get_string().c_str() : "no reason")};
    }
  }
  return {false, json::value()};
}

Result<std::unique_ptr<QmpClient>> QmpClient::Connect(const std::filesystem::path& socket,
                                                      std::chrono::milliseconds timeout) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket.string().size() >= sizeof addr.sun_path) {
    return Error(Code::kInvalidArgument, "socket path too long: {}", socket.string());
  }
  std::strcpy(addr.sun_path, socket.c_str());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrnoError(Code::kInternal, errno, "socket");
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int err = errno;
    ::close(fd);
    return ErrnoError(Code::kUnavailable, err, "connecting to QEMU at " + socket.string());
  }
  std::unique_ptr<QmpClient> c(new QmpClient(fd, timeout));
  MINI_RETURN_IF_ERROR(c->ReadReply().status());  // greeting
  MINI_RETURN_IF_ERROR(c->Execute("qmp_capabilities").status());
  return c;
}

QmpClient::~QmpClient() { ::close(fd_); }

Result<json::value> QmpClient::ReadReply() {
  auto deadline = std::chrono::steady_clock::now() + timeout_;
  for (;;) {
    QmpReply reply = ParseQmpReply(buffer_);
    if (reply.complete) return reply.value;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Error(Code::kDeadlineExceeded, "QEMU did not answer");
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n <= 0) return Error(Code::kUnavailable, "QEMU closed its control socket");
    buffer_.append(buf, n);
  }
}

Result<json::value> QmpClient::Execute(const std::string& command, const json::value& arguments) {
  json::object o{{"execute", command}};
  if (!arguments.is_null()) o["arguments"] = arguments;
  std::string line = json::serialize(o) + "\n";
  if (::send(fd_, line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size())) {
    return ErrnoError(Code::kUnavailable, errno, "writing to QEMU's control socket");
  }
  return ReadReply();
}

}  // namespace mini::drivers::qemu
