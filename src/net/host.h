// Facts about this host's network that drivers need.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace mini::net {

/// kFailedPrecondition naming the port when something already listens on address:port (or a
/// bind there fails for another reason, given in the message).
Status CheckPortFree(const std::string& address, uint16_t port);

/// The first IPv4 address of an interface that is up and not loopback; "127.0.0.1" if none.
std::string PrimaryIPv4();

}  // namespace mini::net
