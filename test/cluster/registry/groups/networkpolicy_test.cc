#include <doctest/doctest.h>

#include "test/cluster/registry/groups/helpers.h"

namespace mini::cluster::registry {
namespace {

namespace json = boost::json;
using testing::Create;
using testing::Has;
using testing::Json;
using testing::Lines;
using testing::StrategyFor;

constexpr const char* kPolicy = R"({
  "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
  "metadata": {"name": "db", "creationTimestamp": "2024-05-01T10:00:00Z"},
  "spec": {"podSelector": {"matchLabels": {"app": "db"}},
           "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "web"}}}],
                        "ports": [{"port": 5432}]}]}})";

TEST_CASE("NetworkPolicy defaults: Ingress policy type and TCP ports") {
  auto strategy = StrategyFor("networking.k8s.io", "networkpolicies");
  json::object object = Json(kPolicy);
  CHECK(Lines(Create(*strategy, object)).empty());
  CHECK(object.at("spec").at("policyTypes") == json::array{"Ingress"});
  CHECK(object.at("spec").at("ingress").at(0).at("ports").at(0).at("protocol") == "TCP");

  object = Json(kPolicy);
  object["spec"].as_object()["egress"] =
      json::parse(R"([{"to":[{"ipBlock":{"cidr":"10.0.0.0/8"}}]}])");
  strategy->Default(object);
  CHECK(object.at("spec").at("policyTypes") == json::array{"Ingress", "Egress"});

  object = Json(kPolicy);
  object["spec"].as_object()["policyTypes"] = json::array{"Egress"};
  strategy->Default(object);
  CHECK(object.at("spec").at("policyTypes") == json::array{"Egress"});
}

TEST_CASE("NetworkPolicy ports are checked as upstream") {
  auto strategy = StrategyFor("networking.k8s.io", "networkpolicies");
  json::object object = Json(kPolicy);
  object["spec"].as_object()["ingress"].as_array()[0].as_object()["ports"] = json::parse(
      R"([{"port":5432,"endPort":5000},{"port":"http","endPort":90},{"endPort":1},
          {"protocol":"ICMP","port":0}])");
  FieldErrors errors = Create(*strategy, object);
  CHECK(Has(errors,
            "spec.ingress[0].ports[0].endPort: Invalid value: 5432: must be greater than "
            "or equal to `port`"));
  CHECK(Has(errors,
            "spec.ingress[0].ports[1].endPort: Invalid value: 90: may not be specified "
            "when `port` is non-numeric"));
  CHECK(Has(errors,
            "spec.ingress[0].ports[2].endPort: Invalid value: 1: may not be specified "
            "when `port` is not specified"));
  CHECK(Has(errors, R"(spec.ingress[0].ports[3].protocol: Unsupported value: "ICMP": supported )"
                    R"(values: "TCP", "UDP", "SCTP")"));
  CHECK(Has(errors,
            "spec.ingress[0].ports[3].port: Invalid value: 0: must be between 1 and "
            "65535, inclusive"));
}

TEST_CASE("NetworkPolicy peers and IP blocks are checked as upstream") {
  auto strategy = StrategyFor("networking.k8s.io", "networkpolicies");
  json::object object = Json(kPolicy);
  object["spec"].as_object()["egress"] = json::parse(R"([{"to":[
      {},
      {"ipBlock":{"cidr":"10.0.0.0/8"},"podSelector":{}},
      {"ipBlock":{"cidr":"10.0.0.0/8","except":["10.1.0.0/16","192.168.0.0/16","10.0.0.0/8"]}},
      {"ipBlock":{"cidr":"10.0.0.0/33"}}]}])");
  FieldErrors errors = Create(*strategy, object);
  CHECK(Has(errors, "spec.egress[0].to[0]: Required value: must specify a peer"));
  CHECK(Has(errors,
            "spec.egress[0].to[1]: Forbidden: may not specify both ipBlock and another peer"));
  CHECK(Has(errors, R"(spec.egress[0].to[2].ipBlock.except[1]: Invalid value: "192.168.0.0/16": )"
                    R"(must be a strict subset of `cidr`)"));
  CHECK(Has(errors, R"(spec.egress[0].to[2].ipBlock.except[2]: Invalid value: "10.0.0.0/8": )"
                    R"(must be a strict subset of `cidr`)"));
  CHECK(Has(errors, R"(spec.egress[0].to[3].ipBlock.cidr: Invalid value: "10.0.0.0/33": must be )"
                    R"(a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64))"));
  CHECK_FALSE(Has(errors, R"(spec.egress[0].to[2].ipBlock.except[0]: Invalid value: )"
                          R"("10.1.0.0/16": must be a strict subset of `cidr`)"));
}

TEST_CASE("NetworkPolicy policy types are Ingress or Egress") {
  auto strategy = StrategyFor("networking.k8s.io", "networkpolicies");
  json::object object = Json(kPolicy);
  object["spec"].as_object()["policyTypes"] = json::array{"Ingress", "Sideways"};
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{R"(spec.policyTypes[1]: Unsupported value: "Sideways": )"
                                 R"(supported values: "Ingress", "Egress")"});
  object["spec"].as_object()["policyTypes"] = json::array{"Ingress", "Egress", "Ingress"};
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{R"(spec.policyTypes: Invalid value: []networking.PolicyType)"
                                 R"({"Ingress", "Egress", "Ingress"}: may not specify more than )"
                                 R"(two policyTypes)"});
}

TEST_CASE("kubectl get networkpolicies: POD-SELECTOR") {
  auto strategy = StrategyFor("networking.k8s.io", "networkpolicies");
  json::object object = Json(kPolicy);
  auto now = testing::Time("2024-05-01T10:00:05Z");
  CHECK(strategy->Cells(object, now) == json::array{"db", "app=db", "5s"});
  object["spec"].as_object()["podSelector"] = json::object();
  CHECK(strategy->Cells(object, now) == json::array{"db", "<none>", "5s"});
}

}  // namespace
}  // namespace mini::cluster::registry
