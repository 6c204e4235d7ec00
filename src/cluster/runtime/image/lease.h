// Keeps the collector away from content that is stored but not yet recorded. Whoever adds
// blobs and layers (a load, a pull) holds a shared lease from the first blob until the image
// is recorded; the collector holds the exclusive lease while it sweeps. The lease is flock(2)
// on <root>/gc.lock: it works across processes and threads, and a crash releases it.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <utility>

#include "common/status.h"

namespace mini::cluster::runtime::image {

class Lease {
 public:
  /// kDeadlineExceeded when the other kind stays held longer than `timeout`.
  static Result<Lease> Shared(const std::filesystem::path& file, std::chrono::milliseconds timeout);
  static Result<Lease> Exclusive(const std::filesystem::path& file,
                                 std::chrono::milliseconds timeout);
  /// nullopt when anyone else holds a lease: for sweeps that can wait for a later chance.
  static Result<std::optional<Lease>> TryExclusive(const std::filesystem::path& file);

  Lease(Lease&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Lease& operator=(Lease&& other) noexcept;
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  ~Lease();

 private:
  explicit Lease(int fd) : fd_(fd) {}
  static Result<Lease> Acquire(const std::filesystem::path& file, int operation,
                               std::chrono::milliseconds timeout);

  int fd_ = -1;
};

}  // namespace mini::cluster::runtime::image
