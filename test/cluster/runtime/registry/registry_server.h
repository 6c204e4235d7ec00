// A real registry (Debian's docker-registry) for tests: on a free loopback port with a
// temporary config and storage, optionally TLS with a certificate made here and htpasswd
// users; filled with skopeo. Killed and removed at the end.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "common/process.h"
#include "common/status.h"
#include "test/temp_dir.h"

namespace mini::cluster::runtime::registry::testing {

struct RegistryServerOptions {
  bool tls = false;
  std::string user;  // with a user, every request needs basic credentials (htpasswd)
  std::string password;
};

class RegistryServer {
 public:
  explicit RegistryServer(RegistryServerOptions options = {});
  ~RegistryServer();
  RegistryServer(const RegistryServer&) = delete;
  RegistryServer& operator=(const RegistryServer&) = delete;

  /// Writes the config (and certificate, users), starts the registry and waits until it
  /// answers. kFailedPrecondition naming the missing package when a tool is not installed.
  Status Start();
  /// skopeo copy <source> (e.g. "oci-archive:/x.tar") docker://<host>/<repository>.
  Status Push(const std::string& source, const std::string& repository);

  /// "127.0.0.1:<port>", a reference's domain.
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  /// The CA the serving certificate chains to (TLS only).
  std::filesystem::path ca() const { return dir_ / "ca.crt"; }
  std::filesystem::path storage() const { return dir_ / "storage"; }
  std::string LogTail() const;

 private:
  Status WriteConfig();
  Status WaitReady();

  RegistryServerOptions options_;
  mini::testing::TempDir dir_;
  ProcessesPtr processes_;
  std::optional<ProcessId> process_;
  uint16_t port_ = 0;
};

/// The test images (images/test/build.sh), built once per build tree. kFailedPrecondition
/// with the script's output when it fails.
Result<std::filesystem::path> TestImages();

}  // namespace mini::cluster::runtime::registry::testing
