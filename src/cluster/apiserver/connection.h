// Internal to the API server: serving one accepted TCP connection (TLS, then HTTP/1.1
// requests until the client leaves, a timeout fires or the server stops).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "cluster/apiserver/connection_tracker.h"
#include "cluster/apiserver/router.h"
#include "cluster/apiserver/server.h"

namespace mini::cluster::apiserver {

/// Takes over `socket` (whose executor must be a strand) and returns at once; the connection
/// registers with `tracker`. `tls`, `router`, `options` and `tracker` must outlive every
/// connection, i.e. the io_context that runs them.
void ServeConnection(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& tls,
                     const Router& router, const ServerOptions& options,
                     ConnectionTracker& tracker);

}  // namespace mini::cluster::apiserver
