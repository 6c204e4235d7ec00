#include "net/host.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace mini::net {
namespace {

using AddrInfoPtr = std::unique_ptr<addrinfo, decltype(&freeaddrinfo)>;

Result<AddrInfoPtr> ResolveBindAddress(const std::string& address, uint16_t port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  // Numeric only (plus "localhost"): a bind address is an IP, and a port check must not wait
  // on DNS.
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV | AI_NUMERICHOST;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  // An empty address means "every interface", as for a listening server.
  const char* node = address.empty()          ? nullptr
                     : address == "localhost" ? "127.0.0.1"
                                              : address.c_str();
  int rc = getaddrinfo(node, service.c_str(), &hints, &found);
  if (rc != 0 || found == nullptr) {
    return Error(Code::kInvalidArgument, "cannot resolve bind address '{}': {}", address,
                 gai_strerror(rc));
  }
  return AddrInfoPtr(found, freeaddrinfo);
}

}  // namespace

Status CheckPortFree(const std::string& address, uint16_t port) {
  MINI_ASSIGN_OR_RETURN(AddrInfoPtr info, ResolveBindAddress(address, port));
  int fd = socket(info->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return ErrnoError(Code::kFailedPrecondition, errno, "cannot create a TCP socket");
  }
  // SO_REUSEADDR, as every server sets it, so a port held only by TIME_WAIT connections of a
  // previous run counts as free while a listening socket still counts as taken.
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  int rc = bind(fd, info->ai_addr, info->ai_addrlen);
  int err = errno;
  close(fd);
  if (rc == 0) {
    return Status::Ok();
  }
  if (err == EADDRINUSE) {
    return Error(Code::kFailedPrecondition, "port {} on {} is already in use", port, address);
  }
  return Error(Code::kFailedPrecondition, "cannot bind port {} on {}: {}", port, address,
               std::strerror(err));
}

std::string PrimaryIPv4() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) {
    return "127.0.0.1";
  }
  std::string result = "127.0.0.1";
  for (ifaddrs* it = list; it != nullptr; it = it->ifa_next) {
    if (it->ifa_addr == nullptr || it->ifa_addr->sa_family != AF_INET) {
      continue;
    }
    if ((it->ifa_flags & IFF_UP) == 0 || (it->ifa_flags & IFF_LOOPBACK) != 0) {
      continue;
    }
    char text[INET_ADDRSTRLEN] = {};
    const auto* sin = reinterpret_cast<const sockaddr_in*>(it->ifa_addr);
    if (inet_ntop(AF_INET, &sin->sin_addr, text, sizeof(text)) != nullptr) {
      result = text;
      break;
    }
  }
  freeifaddrs(list);
  return result;
}

std::string HostPort(const std::string& host, uint16_t port) {
  bool ipv6 = host.find(':') != std::string::npos;
  return ipv6 ? fmt::format("[{}]:{}", host, port) : fmt::format("{}:{}", host, port);
}

Status TlsFileError(const std::filesystem::path& path, std::string_view what,
                    const std::string& detail) {
  std::error_code exists_ec;
  if (!std::filesystem::exists(path, exists_ec)) {
    return Error(Code::kNotFound, "{} {} does not exist", what, path.string());
  }
  return Error(Code::kInvalidArgument, "cannot load {} {}: {}", what, path.string(), detail);
}

}  // namespace mini::net
