// A real etcd (Debian's etcd-server) for tests: one member on free loopback ports with a
// temporary data dir, started, stopped and restarted on demand, killed and removed at the end.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/process.h"
#include "test/temp_dir.h"

namespace mini::testing {

inline constexpr char kEtcdBinary[] = "/usr/bin/etcd";
inline constexpr size_t kMaxRequestBytes = 1536 * 1024 + 64 * 1024;

/// `count` distinct ports nothing listens on right now: the kernel's picks, with every socket
/// held until all are chosen so none repeats.
inline std::vector<uint16_t> FreeLoopbackPorts(size_t count) {
  std::vector<int> fds;
  std::vector<uint16_t> ports;
  for (size_t i = 0; i < count; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    fds.push_back(fd);
    ports.push_back(ntohs(addr.sin_port));
  }
  for (int fd : fds) ::close(fd);
  return ports;
}

/// GET http://127.0.0.1:port/path with a short timeout; the raw answer, empty on failure.
inline std::string PlainHttpGet(uint16_t port, const std::string& path) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval timeout{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buffer[4096];
      for (ssize_t n; (n = ::read(fd, buffer, sizeof(buffer))) > 0;) answer.append(buffer, n);
    }
  }
  ::close(fd);
  return answer;
}

struct EtcdServerOptions {
  /// With a certificate the client port speaks TLS; with `client_ca` it also demands client
  /// certificates signed by it.
  std::filesystem::path cert_file;
  std::filesystem::path key_file;
  std::filesystem::path client_ca;
  /// How often etcd reports progress to watches that ask for it; empty: etcd's 10 minutes.
  std::string progress_notify_interval;
};

class EtcdServer {
  static constexpr size_t npos = std::string::npos;

 public:
  explicit EtcdServer(EtcdServerOptions options = {})
      : options_(std::move(options)), processes_(NewSystemProcesses()) {
    PickPorts();
  }
  ~EtcdServer() { (void)Kill(); }
  EtcdServer(const EtcdServer&) = delete;
  EtcdServer& operator=(const EtcdServer&) = delete;

  /// Starts etcd (again, on the same ports and data) and waits until it is healthy.
  Status Start() {
    if (!std::filesystem::exists(kEtcdBinary)) {
      return Error(Code::kFailedPrecondition,
                   "{} is missing: run scripts/setup (it installs etcd-server)", kEtcdBinary);
    }
    Status launched = Launch();
    if (!launched.ok() && !started_ && LogTail().find("address already in use") != npos) {
      // Another process took a port between our pick and etcd's bind: pick again, afresh.
      std::error_code ec;
      std::filesystem::remove_all(dir_ / "data", ec);
      std::filesystem::remove(dir_ / "etcd.log", ec);
      PickPorts();
      launched = Launch();
    }
    started_ = started_ || launched.ok();
    return launched;
  }

  /// Stops etcd gracefully (SIGTERM), keeping its data.
  Status Stop() { return Terminate(std::chrono::seconds(10)); }
  /// Stops etcd at once (SIGKILL), keeping its data.
  Status Kill() { return Terminate(std::chrono::milliseconds(0)); }

  Status Restart() {
    MINI_RETURN_IF_ERROR(Stop());
    return Start();
  }

  /// "127.0.0.1:<client port>", what EtcdOptions::endpoints takes.
  std::string endpoint() const { return "127.0.0.1:" + std::to_string(client_port_); }
  uint16_t client_port() const { return client_port_; }
  const std::filesystem::path& dir() const { return dir_.path(); }

  std::string LogTail() const {
    std::ifstream in(dir_ / "etcd.log");
    std::stringstream text;
    text << in.rdbuf();
    std::string log = text.str();
    return log.size() > 2000 ? log.substr(log.size() - 2000) : log;
  }

 private:
  std::vector<std::string> Argv() const {
    bool tls = !options_.cert_file.empty();
    std::string client =
        (tls ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(client_port_);
    std::string peer = "http://127.0.0.1:" + std::to_string(peer_port_);
    std::vector<std::string> argv = {
        kEtcdBinary, "--name=test", "--data-dir=" + (dir_ / "data").string(),
        "--listen-client-urls=" + client, "--advertise-client-urls=" + client,
        "--listen-peer-urls=" + peer, "--initial-advertise-peer-urls=" + peer,
        "--initial-cluster=test=" + peer,
        "--listen-metrics-urls=http://127.0.0.1:" + std::to_string(health_port_),
        // A lone member elects itself after one election timeout: keep it short.
        "--heartbeat-interval=20", "--election-timeout=200",
        // Room for a value of the contract's full 1.5 MiB plus its key and the request around it.
        "--max-request-bytes=" + std::to_string(kMaxRequestBytes), "--logger=zap",
        "--log-outputs=stderr", "--log-level=warn"};
    if (tls) {
      argv.push_back("--cert-file=" + options_.cert_file.string());
      argv.push_back("--key-file=" + options_.key_file.string());
    }
    if (!options_.progress_notify_interval.empty()) {
      argv.push_back("--experimental-watch-progress-notify-interval=" +
                     options_.progress_notify_interval);
    }
    if (!options_.client_ca.empty()) {
      argv.push_back("--client-cert-auth");
      argv.push_back("--trusted-ca-file=" + options_.client_ca.string());
    }
    return argv;
  }

  void PickPorts() {
    std::vector<uint16_t> ports = FreeLoopbackPorts(3);
    client_port_ = ports[0];
    peer_port_ = ports[1];
    health_port_ = ports[2];
  }

  Status Launch() {
    MINI_ASSIGN_OR_RETURN(ProcessId id,
                          processes_->Spawn({.argv = Argv(), .log_file = dir_ / "etcd.log"}));
    process_ = id;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      if (PlainHttpGet(health_port_, "/health").find("\"health\":\"true\"") != npos) {
        return Status::Ok();
      }
      if (!processes_->Poll(*process_).running) {
        process_.reset();
        return Error(Code::kUnavailable, "etcd exited at start: {}", LogTail());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return Error(Code::kDeadlineExceeded, "etcd did not become healthy in 20 s: {}", LogTail());
  }

  Status Terminate(std::chrono::milliseconds grace) {
    if (!process_) {
      return Status::Ok();
    }
    Result<bool> killed =
        grace.count() == 0 ? ForceKill() : TerminateProcess(*processes_, *process_, grace);
    process_.reset();
    return killed.status();
  }

  Result<bool> ForceKill() {
    (void)processes_->Signal(*process_, SIGKILL);
    for (int i = 0; i < 500 && processes_->Poll(*process_).running; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
  }

  EtcdServerOptions options_;
  TempDir dir_;
  ProcessesPtr processes_;
  uint16_t client_port_ = 0;
  uint16_t peer_port_ = 0;
  uint16_t health_port_ = 0;
  bool started_ = false;  // once started, the ports are part of the member's identity
  std::optional<ProcessId> process_;
};

}  // namespace mini::testing
