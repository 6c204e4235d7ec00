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

constexpr const char* kIngress = R"({
  "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
  "metadata": {"name": "web", "creationTimestamp": "2024-05-01T10:00:00Z"},
  "spec": {"ingressClassName": "nginx",
           "rules": [{"host": "example.com",
                      "http": {"paths": [{"path": "/", "pathType": "Prefix",
                                          "backend": {"service": {"name": "web",
                                                                  "port": {"number": 80}}}}]}}]}})";

FieldErrors WithPath(const char* path_json) {
  auto strategy = StrategyFor("networking.k8s.io", "ingresses", true);
  json::object object = Json(kIngress);
  object["spec"].as_object()["rules"].as_array()[0].as_object()["http"].as_object()["paths"] =
      json::array{json::parse(path_json)};
  return Create(*strategy, object);
}

TEST_CASE("a typical Ingress is valid and gets no defaults") {
  auto strategy = StrategyFor("networking.k8s.io", "ingresses", true);
  json::object object = Json(kIngress);
  json::object before = object;
  CHECK(Lines(Create(*strategy, object)).empty());
  CHECK(object == before);
}

TEST_CASE("Ingress paths need a pathType, and Exact and Prefix paths must be clean") {
  CHECK(Lines(WithPath(
            R"({"path":"/","backend":{"service":{"name":"web","port":{"number":80}}}})")) ==
        std::vector<std::string>{
            "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified"});
  CHECK(
      Lines(WithPath(
          R"({"path":"/","pathType":"Regex","backend":{"service":{"name":"web","port":{"number":80}}}})")) ==
      std::vector<std::string>{R"(spec.rules[0].http.paths[0].pathType: Unsupported value: )"
                               R"("Regex": supported values: "Exact", )"
                               R"("ImplementationSpecific", "Prefix")"});
  FieldErrors errors = WithPath(
      R"({"path":"api//v1/..","pathType":"Exact","backend":{"service":{"name":"web","port":{"number":80}}}})");
  CHECK(Has(errors, R"(spec.rules[0].http.paths[0].path: Invalid value: "api//v1/..": must be )"
                    R"(an absolute path)"));
  CHECK(Has(errors, R"(spec.rules[0].http.paths[0].path: Invalid value: "api//v1/..": must not )"
                    R"(contain '//')"));
  CHECK(Has(errors, R"(spec.rules[0].http.paths[0].path: Invalid value: "api//v1/..": cannot )"
                    R"(end with '/..')"));
}

TEST_CASE("Ingress backends need exactly one target and a valid port") {
  CHECK(Lines(WithPath(R"({"path":"/","pathType":"Prefix","backend":{}})")) ==
        std::vector<std::string>{R"(spec.rules[0].http.paths[0].backend: Invalid value: "": )"
                                 R"(resource or service backend is required)"});
  CHECK(
      Lines(WithPath(R"({"path":"/","pathType":"Prefix","backend":{"service":{"name":"web"}}})")) ==
      std::vector<std::string>{"spec.rules[0].http.paths[0].backend: Required value: port name "
                               "or number is required"});
  CHECK(
      Lines(WithPath(
          R"({"path":"/","pathType":"Prefix","backend":{"service":{"name":"web","port":{"name":"http","number":80}}}})")) ==
      std::vector<std::string>{R"(spec.rules[0].http.paths[0].backend: Invalid value: "": )"
                               R"(cannot set both port name & port number)"});
  CHECK(
      Lines(WithPath(
          R"({"path":"/","pathType":"Prefix","backend":{"service":{"name":"web","port":{"number":70000}}}})")) ==
      std::vector<std::string>{"spec.rules[0].http.paths[0].backend.service.port.number: "
                               "Invalid value: 70000: must be between 1 and 65535, inclusive"});
  CHECK(
      Lines(WithPath(
          R"({"path":"/","pathType":"Prefix","backend":{"resource":{"kind":"Bucket"},"service":{"name":"web"}}})")) ==
      std::vector<std::string>{R"(spec.rules[0].http.paths[0].backend: Invalid value: "": )"
                               R"(cannot set both resource and service backends)"});
  CHECK(Lines(WithPath(
            R"({"path":"/","pathType":"Prefix","backend":{"resource":{"kind":"Bucket"}}})")) ==
        std::vector<std::string>{"spec.rules[0].http.paths[0].backend.resource.name: Required "
                                 "value: name is required"});
}

TEST_CASE("an Ingress needs rules or a default backend, and DNS host names") {
  auto strategy = StrategyFor("networking.k8s.io", "ingresses");
  json::object object = Json(kIngress);
  object["spec"].as_object().erase("rules");
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{"spec: Invalid value: []networking.IngressRule(nil): either "
                                 "`defaultBackend` or `rules` must be specified"});
  object = Json(kIngress);
  object["spec"].as_object()["rules"].as_array()[0].as_object()["host"] = "10.0.0.1";
  CHECK(Has(Create(*strategy, object), R"(spec.rules[0].host: Invalid value: "10.0.0.1": must )"
                                       R"(be a DNS name, not an IP address)"));
  object = Json(kIngress);
  object["spec"].as_object()["rules"].as_array()[0].as_object()["host"] = "*.example.com";
  CHECK(Lines(Create(*strategy, object)).empty());
  object["spec"].as_object()["rules"].as_array()[0].as_object()["host"] = "a.*.com";
  FieldErrors errors = Create(*strategy, object);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].Message().find("a wildcard DNS-1123 subdomain must start with '*.'") !=
        std::string::npos);
}

TEST_CASE("an Ingress class annotation must agree with ingressClassName") {
  auto strategy = StrategyFor("networking.k8s.io", "ingresses");
  json::object object = Json(kIngress);
  object["metadata"].as_object()["annotations"] =
      json::parse(R"({"kubernetes.io/ingress.class":"traefik"})");
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{R"(annotations.kubernetes.io/ingress.class: Invalid value: )"
                                 R"("traefik": must match `ingressClassName` when both are )"
                                 R"(specified)"});
}

TEST_CASE("kubectl get ingresses: CLASS, HOSTS, ADDRESS, PORTS") {
  auto strategy = StrategyFor("networking.k8s.io", "ingresses");
  json::object object = Json(kIngress);
  auto now = testing::Time("2024-05-01T10:10:00Z");
  std::vector<std::string> names;
  for (const Column& column : strategy->Columns()) names.push_back(column.name);
  CHECK(names == std::vector<std::string>{"Name", "Class", "Hosts", "Address", "Ports", "Age"});
  CHECK(strategy->Cells(object, now) ==
        json::array{"web", "nginx", "example.com", "", "80", "10m"});
  object["spec"].as_object().erase("ingressClassName");
  object["spec"].as_object()["tls"] = json::parse(R"([{"hosts":["example.com"]}])");
  object["spec"].as_object()["rules"] =
      json::parse(R"([{"host":"a.com"},{"host":"b.com"},{},{"host":"c.com"},{"host":"d.com"}])");
  object["status"] = json::parse(
      R"({"loadBalancer":{"ingress":[{"ip":"192.168.49.2"},{"hostname":"lb.local"}]}})");
  CHECK(strategy->Cells(object, now) == json::array{"web", "<none>",
                                                    "a.com,b.com,c.com + 2 more...",
                                                    "192.168.49.2,lb.local", "80, 443", "10m"});
}

constexpr const char* kIngressClass = R"({
  "apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
  "metadata": {"name": "nginx", "creationTimestamp": "2024-05-01T10:00:00Z"},
  "spec": {"controller": "k8s.io/ingress-nginx"}})";

TEST_CASE("IngressClass controllers are domain-prefixed paths that never change") {
  auto strategy = StrategyFor("networking.k8s.io", "ingressclasses");
  json::object object = Json(kIngressClass);
  CHECK(Lines(Create(*strategy, object)).empty());
  object["spec"].as_object()["controller"] = "nginx";
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{R"(spec.controller: Invalid value: "nginx": must be a )"
                                 R"(domain-prefixed path (such as "acme.io/foo"))"});
  json::object old = Json(kIngressClass);
  json::object changed = Json(kIngressClass);
  changed["spec"].as_object()["controller"] = "example.com/other";
  CHECK(Lines(testing::Update(*strategy, changed, old)) ==
        std::vector<std::string>{
            R"(spec.controller: Invalid value: "example.com/other": field is immutable)"});
}

TEST_CASE("IngressClass parameters default to cluster scope and are checked") {
  auto strategy = StrategyFor("networking.k8s.io", "ingressclasses");
  json::object object = Json(kIngressClass);
  object["spec"].as_object()["parameters"] =
      json::parse(R"({"apiGroup":"k8s.example.com","kind":"IngressParameters","name":"p"})");
  CHECK(Lines(Create(*strategy, object)).empty());
  CHECK(object.at("spec").at("parameters").at("scope") == "Cluster");
  object["spec"].as_object()["parameters"].as_object()["namespace"] = "default";
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{"spec.parameters.namespace: Forbidden: `parameters.scope` is set "
                                 "to 'Cluster'"});
  object["spec"].as_object()["parameters"].as_object()["scope"] = "Namespace";
  object["spec"].as_object()["parameters"].as_object().erase("namespace");
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{"spec.parameters.namespace: Required value: `parameters.scope` "
                                 "is set to 'Namespace'"});
}

TEST_CASE("kubectl get ingressclasses: CONTROLLER and PARAMETERS") {
  auto strategy = StrategyFor("networking.k8s.io", "ingressclasses");
  json::object object = Json(kIngressClass);
  auto now = testing::Time("2024-05-01T10:00:30Z");
  CHECK(strategy->Cells(object, now) ==
        json::array{"nginx", "k8s.io/ingress-nginx", "<none>", "30s"});
  object["spec"].as_object()["parameters"] =
      json::parse(R"({"apiGroup":"k8s.example.com","kind":"IngressParameters","name":"p"})");
  CHECK(strategy->Cells(object, now)[2] == "IngressParameters.k8s.example.com/p");
}

}  // namespace
}  // namespace mini::cluster::registry
