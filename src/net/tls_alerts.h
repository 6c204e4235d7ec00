// Telling a refused client certificate apart from other TLS failures, so a user is told to
// fix credentials rather than the network.
#pragma once

#include <boost/system/error_code.hpp>

namespace mini::net {

/// True for the alerts a server sends when it refuses the client certificate offered (or its
/// absence): bad, unknown, expired or revoked certificate, unknown CA, access denied.
bool IsClientCertRejection(const boost::system::error_code& ec);

}  // namespace mini::net
