// The root-CA publisher: every namespace has a ConfigMap "kube-root-ca.crt" holding the CA
// that signs the API server's certificate, so that pods (through their service-account
// volume) can verify the server they talk to.
#pragma once

#include <memory>
#include <string>

#include "cluster/controllers/namespace_fanout/namespace_fanout.h"

namespace mini::cluster::controllers {

std::unique_ptr<NamespaceFanout> NewRootCaPublisher(client::Client& client, std::string ca_pem);

}  // namespace mini::cluster::controllers
