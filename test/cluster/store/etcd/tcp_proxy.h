// A TCP forwarder on a loopback port that a test can take down and bring back, to break a
// client's connections to a server that keeps running (and accepting writes) meanwhile.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace mini::testing {

class TcpProxy {
 public:
  explicit TcpProxy(uint16_t upstream_port) : upstream_port_(upstream_port) {
    Enable();
    accepter_ = std::thread([this] { AcceptLoop(); });
  }
  ~TcpProxy() {
    stop_ = true;
    accepter_.join();
    Disable();
    for (std::thread& pump : pumps_) pump.join();
  }
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  uint16_t port() const { return port_; }

  /// Cuts every forwarded connection and closes the port: connecting is refused until Enable.
  void Disable() {
    std::lock_guard lock(mutex_);
    if (listener_ >= 0) {
      // Stops listening at once: a bare close would wait for the accept thread's poll to let
      // go of the socket, and connections made meanwhile would be reset instead of refused.
      ::shutdown(listener_, SHUT_RDWR);
      ::close(listener_);
      listener_ = -1;
    }
    for (int fd : open_) ::shutdown(fd, SHUT_RDWR);
  }

  /// Listens again on the same port.
  void Enable() {
    std::lock_guard lock(mutex_);
    if (listener_ >= 0) {
      return;
    }
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int on = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    sockaddr_in addr = Loopback(port_);
    socklen_t len = sizeof(addr);
    ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::listen(listener_, 64);
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }

 private:
  static sockaddr_in Loopback(uint16_t port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    return addr;
  }

  void AcceptLoop() {
    while (!stop_) {
      int listener = -1;
      {
        std::lock_guard lock(mutex_);
        listener = listener_;
      }
      pollfd pfd{listener, POLLIN, 0};
      if (listener < 0 || ::poll(&pfd, 1, 20) <= 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(listener < 0 ? 20 : 0));
        continue;
      }
      std::lock_guard lock(mutex_);
      if (listener_ != listener) {
        continue;  // disabled meanwhile
      }
      int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      int upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in addr = Loopback(upstream_port_);
      if (client < 0 ||
          ::connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        ::close(client);
        ::close(upstream);
        continue;
      }
      open_.push_back(client);
      open_.push_back(upstream);
      pumps_.emplace_back([this, client, upstream] { Pump(client, upstream); });
    }
  }

  void Pump(int a, int b) {
    pollfd fds[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
    char buffer[65536];
    bool open = true;
    while (open) {
      if (::poll(fds, 2, 100) < 0) break;
      for (int i = 0; i < 2 && open; ++i) {
        if (fds[i].revents == 0) continue;
        ssize_t n = ::read(fds[i].fd, buffer, sizeof(buffer));
        open = n > 0 && ::send(fds[1 - i].fd, buffer, n, MSG_NOSIGNAL) == n;
      }
    }
    std::lock_guard lock(mutex_);
    std::erase_if(open_, [&](int fd) { return fd == a || fd == b; });
    ::close(a);
    ::close(b);
  }

  uint16_t upstream_port_;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  int listener_ = -1;      // guarded by mutex_
  std::vector<int> open_;  // guarded by mutex_: forwarded sockets, both sides
  std::vector<std::thread> pumps_;
  std::thread accepter_;
};

}  // namespace mini::testing
