// Facts about this host's network that drivers need.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mini::net {

/// kFailedPrecondition naming the port when something already listens on address:port (or a
/// bind there fails for another reason, given in the message).
Status CheckPortFree(const std::string& address, uint16_t port);

/// "host:port", with IPv6 hosts in brackets, for URLs and messages.
std::string HostPort(const std::string& host, uint16_t port);

/// Why a certificate, key or CA file could not be loaded: kNotFound when it does not exist,
/// kInvalidArgument with `detail` (the TLS library's reason) otherwise.
Status TlsFileError(const std::filesystem::path& path, std::string_view what,
                    const std::string& detail);

/// The first IPv4 address of an interface that is up and not loopback; "127.0.0.1" if none.
std::string PrimaryIPv4();

}  // namespace mini::net
