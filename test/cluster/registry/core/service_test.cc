#include "cluster/registry/core/service.h"

#include <doctest/doctest.h>

#include <mutex>
#include <set>
#include <thread>

#include "cluster/registry/groups.h"
#include "test/cluster/registry/core/test_util.h"

namespace mini::cluster::registry::core {
namespace json = boost::json;
using testing::Describe;
using testing::HasError;
using testing::Parse;

namespace {

// A stand-in for the store: what list_all sees, written only after a create finishes.
struct FakeStore {
  std::mutex mu;
  std::vector<json::object> services;

  StrategyContext Context() {
    return {[this](const std::string& group,
                   const std::string& resource) -> Result<std::vector<json::object>> {
      CHECK(group.empty());
      CHECK(resource == "services");
      std::lock_guard<std::mutex> lock(mu);
      return services;
    }};
  }
};

// Runs a create the way the storage does; returns the stored object or the failure.
Result<json::object> Create(Strategy& strategy, FakeStore& store, std::string_view text) {
  json::object service = Parse(text);
  strategy.PrepareForCreate(service);
  strategy.Default(service);
  FieldErrors errors = strategy.Validate(service);
  if (!errors.empty()) return Status(Code::kInvalidArgument, Describe(errors));
  MINI_RETURN_IF_ERROR(strategy.BeforeCreate(service));
  std::lock_guard<std::mutex> lock(store.mu);
  store.services.push_back(service);
  return service;
}

std::unique_ptr<Strategy> Services(FakeStore& store) {
  std::unique_ptr<Strategy> strategy = NewStrategy("services", store.Context());
  strategy->set_has_status(true);
  return strategy;
}

std::string Named(std::string_view name, std::string_view spec) {
  return std::string(R"({"metadata":{"namespace":"default","name":")") + std::string(name) +
         R"("},"spec":)" + std::string(spec) + "}";
}

FieldErrors Errors(std::string_view spec) {
  FakeStore store;
  auto strategy = Services(store);
  json::object service = Parse(Named("svc", spec));
  strategy->Default(service);
  return strategy->Validate(service);
}

}  // namespace

TEST_SUITE("registry/core/service") {
  TEST_CASE("a minimal service gets the defaults and the second address of the range") {
    FakeStore store;
    auto strategy = Services(store);
    auto created = Create(*strategy, store,
                          Named("web", R"({"selector":{"app":"web"},"ports":[{"port":80}]})"));
    REQUIRE_MESSAGE(created.ok(), created.status().ToString());
    const json::object& spec = created->at("spec").as_object();
    CHECK(spec.at("type") == "ClusterIP");
    CHECK(spec.at("sessionAffinity") == "None");
    CHECK(spec.at("clusterIP") == "10.96.0.2");
    CHECK(spec.at("clusterIPs") == json::array{"10.96.0.2"});
    CHECK(spec.at("ipFamilies") == json::array{"IPv4"});
    CHECK(spec.at("ipFamilyPolicy") == "SingleStack");
    CHECK(spec.at("internalTrafficPolicy") == "Cluster");
    CHECK_FALSE(spec.contains("externalTrafficPolicy"));
    CHECK(spec.at("ports").as_array()[0] ==
          Parse(R"({"port":80,"protocol":"TCP","targetPort":80})"));
    CHECK(created->at("status") == Parse(R"({"loadBalancer":{}})"));
  }

  TEST_CASE("only default/kubernetes gets the first service address") {
    FakeStore store;
    auto strategy = Services(store);
    auto kubernetes = Create(*strategy, store, Named("kubernetes", R"({"ports":[{"port":443}]})"));
    REQUIRE(kubernetes.ok());
    CHECK(kubernetes->at("spec").at("clusterIP") == "10.96.0.1");
    auto taken = Create(*strategy, store,
                        Named("other", R"({"clusterIP":"10.96.0.1","ports":[{"port":1}]})"));
    REQUIRE_FALSE(taken.ok());
    CHECK(taken.status().message().find("provided IP is already allocated") != std::string::npos);
  }

  TEST_CASE("requested cluster IPs are honoured when free and in range") {
    FakeStore store;
    auto strategy = Services(store);
    auto first =
        Create(*strategy, store, Named("a", R"({"clusterIP":"10.96.0.10","ports":[{"port":80}]})"));
    REQUIRE(first.ok());
    CHECK(first->at("spec").at("clusterIP") == "10.96.0.10");
    auto again =
        Create(*strategy, store, Named("b", R"({"clusterIP":"10.96.0.10","ports":[{"port":80}]})"));
    REQUIRE_FALSE(again.ok());
    CHECK(again.status().reason() == "Invalid");
    CHECK(again.status().message() ==
          "Service \"b\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.96.0.10\"}: "
          "failed to allocate IP 10.96.0.10: provided IP is already allocated");
    auto outside =
        Create(*strategy, store, Named("c", R"({"clusterIP":"1.1.1.1","ports":[{"port":80}]})"));
    REQUIRE_FALSE(outside.ok());
    CHECK(outside.status().message() ==
          "Service \"c\" is invalid: spec.clusterIPs: Invalid value: []string{\"1.1.1.1\"}: "
          "failed to allocate IP 1.1.1.1: the provided IP (1.1.1.1) is not in the valid range. "
          "The range of valid IPs is 10.96.0.0/12");
  }

  TEST_CASE("headless and ExternalName services get no cluster IP") {
    FakeStore store;
    auto strategy = Services(store);
    auto headless = Create(*strategy, store, Named("h", R"({"clusterIP":"None"})"));
    REQUIRE_MESSAGE(headless.ok(), headless.status().ToString());
    CHECK(headless->at("spec").at("clusterIPs") == json::array{"None"});
    auto external = Create(*strategy, store,
                           Named("e", R"({"type":"ExternalName","externalName":"example.com"})"));
    REQUIRE_MESSAGE(external.ok(), external.status().ToString());
    CHECK_FALSE(external->at("spec").as_object().contains("clusterIP"));
    CHECK_FALSE(external->at("spec").as_object().contains("ipFamilies"));
    json::array row = strategy->Cells(*external, std::chrono::system_clock::now());
    CHECK(row[2] == "<none>");
    CHECK(row[3] == "example.com");
    CHECK(row[4] == "<none>");
  }

  TEST_CASE("node ports are allocated once and requested ones must be free") {
    FakeStore store;
    auto strategy = Services(store);
    auto first = Create(*strategy, store, Named("a", R"({"type":"NodePort","ports":[
        {"name":"http","port":80},{"name":"https","port":443,"nodePort":30001}]})"));
    REQUIRE_MESSAGE(first.ok(), first.status().ToString());
    const json::array& ports = first->at("spec").at("ports").as_array();
    CHECK(ports[0].at("nodePort") == 30000);
    CHECK(ports[1].at("nodePort") == 30001);
    CHECK(first->at("spec").at("externalTrafficPolicy") == "Cluster");
    json::array row = strategy->Cells(*first, std::chrono::system_clock::now());
    CHECK(row[4] == "80:30000/TCP,443:30001/TCP");
    CHECK(row[3] == "<none>");

    auto taken =
        Create(*strategy, store,
               Named("b", R"({"type":"NodePort","ports":[{"port":80,"nodePort":30001}]})"));
    REQUIRE_FALSE(taken.ok());
    CHECK(taken.status().message() ==
          "Service \"b\" is invalid: spec.ports[0].nodePort: Invalid value: 30001: provided port "
          "is already allocated");
    auto outside = Create(*strategy, store,
                          Named("c", R"({"type":"NodePort","ports":[{"port":80,"nodePort":80}]})"));
    REQUIRE_FALSE(outside.ok());
    CHECK(outside.status().message().find("provided port is not in the valid range. The range "
                                          "of valid ports is 30000-32767") != std::string::npos);
  }

  TEST_CASE("a load balancer without ingress shows <pending>") {
    FakeStore store;
    auto strategy = Services(store);
    auto lb =
        Create(*strategy, store, Named("lb", R"({"type":"LoadBalancer","ports":[{"port":80}]})"));
    REQUIRE_MESSAGE(lb.ok(), lb.status().ToString());
    CHECK(lb->at("spec").at("allocateLoadBalancerNodePorts") == true);
    json::array row = strategy->Cells(*lb, std::chrono::system_clock::now());
    CHECK(row[3] == "<pending>");
    json::object with_ingress = *lb;
    with_ingress["status"] = Parse(R"({"loadBalancer":{"ingress":[{"ip":"192.168.49.100"}]}})");
    CHECK(strategy->Cells(with_ingress, std::chrono::system_clock::now())[3] == "192.168.49.100");
  }

  TEST_CASE("concurrent creates never share a cluster IP or node port") {
    FakeStore store;
    auto strategy = Services(store);
    constexpr int kThreads = 8;
    constexpr int kEach = 10;
    std::vector<std::thread> threads;
    std::mutex results_mu;
    std::vector<json::object> results;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) {
          json::object service = Parse(Named("s" + std::to_string(t) + "-" + std::to_string(i),
                                             R"({"type":"NodePort","ports":[{"port":80}]})"));
          strategy->PrepareForCreate(service);
          strategy->Default(service);
          if (!strategy->BeforeCreate(service).ok()) continue;
          // The write lands after the strategy returns, as with a real store.
          std::this_thread::yield();
          std::lock_guard<std::mutex> lock(store.mu);
          store.services.push_back(service);
          std::lock_guard<std::mutex> results_lock(results_mu);
          results.push_back(service);
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    REQUIRE(results.size() == kThreads * kEach);
    std::set<std::string> ips;
    std::set<int64_t> ports;
    for (const json::object& service : results) {
      ips.insert(std::string(service.at("spec").at("clusterIP").as_string()));
      ports.insert(service.at("spec").at("ports").as_array()[0].at("nodePort").as_int64());
    }
    CHECK(ips.size() == results.size());
    CHECK(ports.size() == results.size());
    CHECK(ips.count("10.96.0.1") == 0);
  }

  TEST_CASE("service validation follows upstream's rules and wording") {
    CHECK(HasError(Errors(R"({})"), "spec.ports: Required value"));
    FieldErrors errors = Errors(R"({"type":"Magic","ports":[{"port":80},{"port":0,"name":"b"},
        {"name":"c","port":81,"protocol":"HTTP"}],"selector":{"bad key!":"x"}})");
    INFO(Describe(errors));
    CHECK(HasError(errors, "spec.ports[0].name: Required value"));
    CHECK(HasError(errors,
                   "spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, "
                   "inclusive"));
    CHECK(HasError(errors,
                   "spec.ports[2].protocol: Unsupported value: \"HTTP\": supported "
                   "values: \"SCTP\", \"TCP\", \"UDP\""));
    CHECK(HasError(errors,
                   "spec.type: Unsupported value: \"Magic\": supported values: "
                   "\"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""));
    CHECK(HasError(errors,
                   "spec.selector: Invalid value: \"bad key!\": name part must consist of "
                   "alphanumeric characters, '-', '_' or '.', and must start and end with an "
                   "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
                   "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"));

    errors = Errors(R"({"ports":[{"name":"a","port":80},{"name":"a","port":80}]})");
    INFO(Describe(errors));
    CHECK(HasError(errors, "spec.ports[1].name: Duplicate value: \"a\""));
    CHECK(HasError(errors,
                   "spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", "
                   "Protocol:\"TCP\", AppProtocol:(*string)(nil), Port:80, "
                   "TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, "
                   "NodePort:0}"));
    CHECK(HasError(Errors(R"({"ports":[{"port":80,"nodePort":30000}]})"),
                   "spec.ports[0].nodePort: Forbidden: may not be used when `type` is "
                   "'ClusterIP'"));
    CHECK(HasError(Errors(R"({"type":"ExternalName"})"), "spec.externalName: Required value"));
    CHECK(HasError(Errors(R"({"type":"NodePort","clusterIP":"None","ports":[{"port":1}]})"),
                   "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for "
                   "NodePort services"));
  }

  TEST_CASE("service names are DNS-1035 labels") {
    FakeStore store;
    CHECK_FALSE(Services(store)->ValidateName("1web").empty());
    CHECK(Services(store)->ValidateName("web-1").empty());
  }

  TEST_CASE("the cluster IP may not change, and a resent manifest keeps it") {
    FakeStore store;
    auto strategy = Services(store);
    auto created = Create(*strategy, store, Named("web", R"({"type":"NodePort",
        "ports":[{"port":80}]})"));
    REQUIRE(created.ok());
    json::object resent = Parse(Named("web", R"({"type":"NodePort","ports":[{"port":80}]})"));
    strategy->PrepareForUpdate(resent, *created);
    strategy->Default(resent);
    CHECK(strategy->ValidateUpdate(resent, *created).empty());
    REQUIRE(strategy->BeforeUpdate(resent, *created).ok());
    CHECK(resent["spec"].at("clusterIP") == created->at("spec").at("clusterIP"));
    CHECK(resent["spec"].at("ports").as_array()[0].at("nodePort") ==
          created->at("spec").at("ports").as_array()[0].at("nodePort"));

    json::object moved = *created;
    moved["spec"].as_object()["clusterIP"] = "10.96.0.99";
    moved["spec"].as_object()["clusterIPs"] = json::array{"10.96.0.99"};
    FieldErrors errors = strategy->ValidateUpdate(moved, *created);
    CHECK_MESSAGE(HasError(errors,
                           "spec.clusterIPs[0]: Invalid value: [\"10.96.0.99\"]: may not "
                           "change once set"),
                  Describe(errors));
  }
}

}  // namespace mini::cluster::registry::core
