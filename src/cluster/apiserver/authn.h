// Authentication by TLS client certificate, as Kubernetes' x509 authenticator does it: the
// subject's CN is the user name and each O is a group.
#pragma once

#include <openssl/types.h>

#include "cluster/apiserver/http.h"

namespace mini::cluster::apiserver {

/// The user of a connection whose handshake completed. A certificate that verified against the
/// client CA gives its CN and O values plus "system:authenticated"; no certificate, a failed
/// verification or an empty CN gives the anonymous user.
UserInfo UserFromConnection(SSL* ssl);

}  // namespace mini::cluster::apiserver
