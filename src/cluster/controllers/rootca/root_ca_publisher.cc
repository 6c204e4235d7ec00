#include "cluster/controllers/rootca/root_ca_publisher.h"

#include <boost/json.hpp>

namespace mini::cluster::controllers {
namespace json = boost::json;

namespace {
constexpr const char* kName = "kube-root-ca.crt";
}  // namespace

std::unique_ptr<NamespaceFanout> NewRootCaPublisher(client::Client& client, std::string ca_pem) {
  FanoutSpec spec;
  spec.controller = "root-ca-cert-publisher";
  spec.resource = client::resources::kConfigMaps;
  spec.name = kName;
  spec.desired = [ca_pem](const std::string& name_space) {
    return json::object{
        {"apiVersion", "v1"},
        {"kind", "ConfigMap"},
        {"metadata",
         {{"name", kName}, {"namespace", name_space}}},
        {"data", {{"ca.crt", ca_pem}}}};
  };
  // Someone changed the bundle: put it back, as pods must be able to trust it.
  spec.differs = [](const json::object& current, const json::object& desired) {
    const json::value* data = current.if_contains("data");
    return data == nullptr || *data != desired.at("data");
  };
  return std::make_unique<NamespaceFanout>(client, std::move(spec));
}

}  // namespace mini::cluster::controllers
