// Pod IP addresses from the node's pod CIDR, one file per address claimed (named after the
// address, holding its owner), so claims survive agent restarts, two claims of one address
// cannot both win (O_EXCL), and a leaked address is visible on disk. The gateway (the first
// address) is never handed out.
#pragma once

#include <cstdint>
#include <filesystem>
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
  std::optional<std::string> Find(const std::string& owner) const;

 private:
  std::filesystem::path dir_;
  Cidr cidr_;
};

}  // namespace mini::cluster::kubelet::network
