#include "cluster/kubelet/network/ipam.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <charconv>
#include <system_error>

#include "common/files.h"

namespace mini::cluster::kubelet::network {
namespace fs = std::filesystem;

Result<Cidr> Cidr::Parse(std::string_view text) {
  size_t slash = text.find('/');
  in_addr address{};
  int prefix = -1;
  if (slash != std::string_view::npos) {
    std::from_chars(text.data() + slash + 1, text.data() + text.size(), prefix);
  }
  if (slash == std::string_view::npos || prefix < 8 || prefix > 30 ||
      inet_pton(AF_INET, std::string(text.substr(0, slash)).c_str(), &address) != 1) {
    return Status(Code::kInvalidArgument,
                  fmt::format("invalid pod CIDR {:?}: want an IPv4 prefix from /8 to /30", text));
  }
  uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
  return Cidr{ntohl(address.s_addr) & mask, prefix};
}

std::string Cidr::Address(uint32_t offset) const {
  in_addr address{htonl(base + offset)};
  char text[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &address, text, sizeof(text));
  return text;
}

std::map<std::string, std::string>& Ipam::Owners() {
  if (!owners_) {
    owners_.emplace();
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(dir_, error)) {
      auto content = ReadFile(entry.path());
      if (content.ok()) (*owners_)[*content] = entry.path().filename().string();
    }
  }
  return *owners_;
}

std::optional<std::string> Ipam::Find(const std::string& owner) {
  std::lock_guard lock(mu_);
  auto& owners = Owners();
  auto it = owners.find(owner);
  return it == owners.end() ? std::nullopt : std::optional(it->second);
}

Result<std::string> Ipam::Allocate(const std::string& owner) {
  std::lock_guard lock(mu_);
  auto& owners = Owners();
  if (auto it = owners.find(owner); it != owners.end()) return it->second;
  MINI_RETURN_IF_ERROR(MakeDirs(dir_));
  // Skip the network address, the gateway and the broadcast address.
  const uint32_t first = 2, count = cidr_.Size() > 3 ? cidr_.Size() - 3 : 0;
  for (uint32_t tried = 0; tried < count; ++tried) {
    const uint32_t offset = first + (next_ - first + tried) % count;
    std::string address = cidr_.Address(offset);
    fs::path claim = dir_ / address;
    int fd = ::open(claim.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      if (errno == EEXIST) continue;
      return Status(Code::kInternal, fmt::format("claiming {}: {}", claim.string(),
                                                 std::generic_category().message(errno)));
    }
    bool written = ::write(fd, owner.data(), owner.size()) == static_cast<ssize_t>(owner.size());
    ::close(fd);
    if (!written) {
      fs::remove(claim);
      return Status(Code::kInternal, "writing the claim of " + address);
    }
    next_ = offset + 1;
    owners[owner] = address;
    return address;
  }
  return Status(Code::kResourceExhausted,
                fmt::format("no free pod address left in {}/{}", cidr_.Address(0), cidr_.prefix));
}

Status Ipam::Release(const std::string& owner) {
  std::lock_guard lock(mu_);
  auto& owners = Owners();
  auto it = owners.find(owner);
  if (it == owners.end()) return Status::Ok();
  std::error_code error;
  fs::remove(dir_ / it->second, error);
  if (error) return Status(Code::kInternal, "releasing " + it->second + ": " + error.message());
  owners.erase(it);
  return Status::Ok();
}

}  // namespace mini::cluster::kubelet::network
