// A 9P2000.L file server over TCP that shares one host directory with the Linux kernel's v9fs
// client (`mount -t 9p -o trans=tcp,version=9p2000.L`), for `mini mount`. It serves as the
// user running it: the guest can do to the directory what that user can, nothing outside it.
//
// The server answers on its own thread from NewServer() until Stop() or destruction; both
// are safe to call from any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "common/status.h"

namespace mini::vm::ninep {

struct ServerOptions {
  std::filesystem::path root;  // the exported directory
  std::string bind_address = "127.0.0.1";
  uint16_t port = 0;  // 0: any free port
  /// The largest message the server accepts; the client may ask for less.
  uint32_t max_msize = 512 * 1024;
  /// The guest sees the serving user's files as owned by these ids (and its chown to them
  /// maps back to the serving user).
  uint32_t guest_uid = 0;
  uint32_t guest_gid = 0;
};

class Server {
 public:
  virtual ~Server() = default;
  Server() = default;
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// The port it listens on (the chosen one when the options said 0).
  virtual uint16_t port() const = 0;
  /// Closes every connection and stops the thread; idempotent.
  virtual void Stop() = 0;
};
using ServerPtr = std::unique_ptr<Server>;

/// Opens the directory, binds the port and starts serving. kNotFound / kInvalidArgument when
/// the root is missing or not a directory, kFailedPrecondition when the address cannot be
/// bound (a port in use).
Result<ServerPtr> NewServer(const ServerOptions& options);

}  // namespace mini::vm::ninep
