// Pod IP addresses from the node's pod CIDR, one file per address claimed (named after the
// address, holding its owner), so claims survive agent restarts, two claims of one address
// cannot both win (O_EXCL), and a leaked address is visible on disk. The gateway (the first
// address) is never handed out. The claims are read once; then an index of owners answers,
// and new claims go round the range from the last one (as CNI's host-local does), so a burst
// of pods costs one claim each rather than a scan of every claim and address before it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "common/status.h"

namespace mini::cluster::kubelet::network {

/// An IPv4 prefix such as 10.244.0.0/24.
struct Cidr {
  uint32_t base = 0;  // host order, host bits zero
  int prefix = 0;

  static Result<Cidr> Parse(std::string_view text);
  uint32_t Size() const { return prefix == 0 ? 0 : 1u << (32 - prefix); }
  std::string Address(uint32_t offset) const;  // dotted form of base + offset
  std::string Gateway() const { return Address(1); }
};

class Ipam {
 public:
  Ipam(std::filesystem::path dir, Cidr cidr) : dir_(std::move(dir)), cidr_(cidr) {}

  /// The address of `owner`, claiming a free one if it has none. kResourceExhausted when the
  /// range is full.
  Result<std::string> Allocate(const std::string& owner);
  /// Frees the address of `owner`; nothing to free is not an error.
  Status Release(const std::string& owner);
  /// The address `owner` holds, if any.
  std::optional<std::string> Find(const std::string& owner);

 private:
  /// The owners' addresses, read from the claims on first use. Under mu_.
  std::map<std::string, std::string>& Owners();

  std::filesystem::path dir_;
  Cidr cidr_;
  std::mutex mu_;
  std::optional<std::map<std::string, std::string>> owners_;
  uint32_t next_ = 2;  // where the next claim is tried first
};

}  // namespace mini::cluster::kubelet::network
