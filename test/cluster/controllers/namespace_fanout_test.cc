// The controllers that keep one object in every namespace, against a real registry.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "cluster/controllers/rootca/root_ca_publisher.h"
#include "cluster/controllers/serviceaccount/default_service_account.h"
#include "test/cluster/client/api_fixture.h"
#include "test/eventually.h"

namespace mini::cluster::controllers {
namespace json = boost::json;
namespace {

using namespace std::chrono_literals;
using mini::testing::Eventually;
using client::resources::kConfigMaps;
using client::resources::kServiceAccounts;

json::object Namespace(const std::string& name) {
  return json::object{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
}

TEST_SUITE("controllers/namespace_fanout") {
  TEST_CASE("every namespace gets a default ServiceAccount, again after it is deleted") {
    client::testing::ApiFixture api;
    client::Client client(api.NewTransport());
    auto controller = NewDefaultServiceAccountController(client);
    REQUIRE(controller->Start(5s).ok());
    CHECK(Eventually([&] { return client.Get(kServiceAccounts, "kube-system", "default").ok(); }));
    REQUIRE(client.Create(client::resources::kNamespaces, "", Namespace("team")).ok());
    CHECK(Eventually([&] { return client.Get(kServiceAccounts, "team", "default").ok(); }));
    REQUIRE(client.Delete(kServiceAccounts, "team", "default").ok());
    CHECK(Eventually([&] { return client.Get(kServiceAccounts, "team", "default").ok(); }));
    controller->Stop();
  }

  TEST_CASE("kube-root-ca.crt holds the CA in every namespace and is restored when changed") {
    client::testing::ApiFixture api;
    client::Client client(api.NewTransport());
    const std::string ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    auto controller = NewRootCaPublisher(client, ca);
    REQUIRE(controller->Start(5s).ok());
    auto holds_ca = [&](const std::string& name_space) {
      auto map = client.Get(kConfigMaps, name_space, "kube-root-ca.crt");
      return map.ok() && map->at("data").at("ca.crt") == json::value(ca);
    };
    CHECK(Eventually([&] { return holds_ca("default"); }));
    auto current = client.Get(kConfigMaps, "default", "kube-root-ca.crt");
    REQUIRE(current.ok());
    json::object changed = *current;
    changed["data"] = json::object{{"ca.crt", "not a CA"}};
    REQUIRE(client.Update(kConfigMaps, "default", changed).ok());
    CHECK(Eventually([&] { return holds_ca("default"); }));
    controller->Stop();
  }
}

}  // namespace
}  // namespace mini::cluster::controllers
