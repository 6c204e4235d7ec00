// StorageClasses, Leases, EndpointSlices, PodDisruptionBudgets and PriorityClasses.
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

const auto kNow = testing::Time("2024-05-01T10:01:00Z");

constexpr const char* kStorageClass = R"({
  "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
  "metadata": {"name": "standard", "creationTimestamp": "2024-05-01T10:00:00Z",
               "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
  "provisioner": "k8s.io/minikube-hostpath"})";

TEST_CASE("StorageClass defaults: Delete and Immediate") {
  auto strategy = StrategyFor("storage.k8s.io", "storageclasses");
  json::object object = Json(kStorageClass);
  CHECK(Lines(Create(*strategy, object)).empty());
  CHECK(object.at("reclaimPolicy") == "Delete");
  CHECK(object.at("volumeBindingMode") == "Immediate");
}

TEST_CASE("StorageClass provisioner, policies and updates are checked as upstream") {
  auto strategy = StrategyFor("storage.k8s.io", "storageclasses");
  json::object object = Json(kStorageClass);
  object.erase("provisioner");
  object["reclaimPolicy"] = "Recycle";
  object["volumeBindingMode"] = "Later";
  FieldErrors errors = Create(*strategy, object);
  CHECK(Has(errors, "provisioner: Required value"));
  CHECK(
      Has(errors,
          R"(reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain")"));
  CHECK(Has(errors, R"(volumeBindingMode: Unsupported value: "Later": supported values: )"
                    R"("Immediate", "WaitForFirstConsumer")"));

  json::object old = Json(kStorageClass);
  strategy->Default(old);
  json::object changed = old;
  changed["provisioner"] = "example.com/nfs";
  changed["reclaimPolicy"] = "Retain";
  changed["parameters"] = json::parse(R"({"type":"ssd"})");
  changed["volumeBindingMode"] = "WaitForFirstConsumer";
  changed["allowVolumeExpansion"] = true;
  CHECK(Lines(testing::Update(*strategy, changed, old)) ==
        std::vector<std::string>{
            "parameters: Forbidden: updates to parameters are forbidden.",
            "provisioner: Forbidden: updates to provisioner are forbidden.",
            "reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.",
            R"(volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable)"});
}

TEST_CASE("kubectl get storageclasses marks the default class") {
  auto strategy = StrategyFor("storage.k8s.io", "storageclasses");
  json::object object = Json(kStorageClass);
  strategy->Default(object);
  std::vector<std::string> names;
  for (const Column& column : strategy->Columns()) names.push_back(column.name);
  CHECK(names == std::vector<std::string>{"Name", "Provisioner", "ReclaimPolicy",
                                          "VolumeBindingMode", "AllowVolumeExpansion", "Age"});
  CHECK(strategy->Cells(object, kNow) == json::array{"standard (default)",
                                                     "k8s.io/minikube-hostpath", "Delete",
                                                     "Immediate", false, "60s"});
  object["metadata"].as_object().erase("annotations");
  object["allowVolumeExpansion"] = true;
  json::array cells = strategy->Cells(object, kNow);
  CHECK(cells[0] == "standard");
  CHECK(cells[4] == true);
}

constexpr const char* kLease = R"({
  "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
  "metadata": {"name": "node-1", "namespace": "kube-node-lease",
               "creationTimestamp": "2024-05-01T10:00:00Z"},
  "spec": {"holderIdentity": "node-1", "leaseDurationSeconds": 40,
           "renewTime": "2024-05-01T10:00:50.000000Z"}})";

TEST_CASE("Lease durations and transitions are checked as upstream") {
  auto strategy = StrategyFor("coordination.k8s.io", "leases");
  json::object object = Json(kLease);
  CHECK(Lines(Create(*strategy, object)).empty());
  object["spec"].as_object()["leaseDurationSeconds"] = 0;
  object["spec"].as_object()["leaseTransitions"] = -1;
  object["spec"].as_object()["preferredHolder"] = "node-2";
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{
            "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0",
            "spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0",
            "spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined"});
}

TEST_CASE("kubectl get leases: HOLDER") {
  auto strategy = StrategyFor("coordination.k8s.io", "leases");
  json::object object = Json(kLease);
  CHECK(strategy->Cells(object, kNow) == json::array{"node-1", "node-1", "60s"});
  object["spec"].as_object().erase("holderIdentity");
  CHECK(strategy->Cells(object, kNow)[1] == "");
}

constexpr const char* kSlice = R"({
  "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
  "metadata": {"name": "web-abc12", "creationTimestamp": "2024-05-01T10:00:00Z"},
  "addressType": "IPv4",
  "endpoints": [{"addresses": ["10.244.0.5"], "conditions": {"ready": true}},
                {"addresses": ["10.244.0.6"]}],
  "ports": [{"name": "http", "port": 80}]})";

TEST_CASE("EndpointSlice ports default to TCP with an empty name") {
  auto strategy = StrategyFor("discovery.k8s.io", "endpointslices");
  json::object object = Json(kSlice);
  object["ports"].as_array().push_back(json::parse(R"({"port":443})"));
  CHECK(Lines(Create(*strategy, object)).empty());
  CHECK(object.at("ports").at(0).at("protocol") == "TCP");
  CHECK(object.at("ports").at(1) == json::parse(R"({"port":443,"name":"","protocol":"TCP"})"));
}

TEST_CASE("EndpointSlice address types, addresses and ports are checked as upstream") {
  auto strategy = StrategyFor("discovery.k8s.io", "endpointslices");
  json::object object = Json(kSlice);
  object["addressType"] = "IPX";
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{
            R"(addressType: Unsupported value: "IPX": supported values: "FQDN", "IPv4", "IPv6")"});
  object = Json(kSlice);
  object["endpoints"] = json::parse(R"([{"addresses":[]},{"addresses":["fd00::1","x"]}])");
  object["ports"] = json::parse(R"([{"name":"http","port":80},{"name":"http","port":81,
      "protocol":"ICMP"}])");
  FieldErrors errors = Create(*strategy, object);
  CHECK(Has(errors, "endpoints[0].addresses: Required value: must contain at least 1 address"));
  CHECK(Has(errors, R"(endpoints[1].addresses[0]: Invalid value: "fd00::1": must be an IPv4 )"
                    R"(address)"));
  CHECK(Has(errors, R"(endpoints[1].addresses[1]: Invalid value: "x": must be a valid IP )"
                    R"(address, (e.g. 10.9.8.7 or 2001:db8::ffff))"));
  CHECK(Has(errors, R"(ports[1].name: Duplicate value: "http")"));
  CHECK(Has(
      errors,
      R"(ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP")"));
}

TEST_CASE("an EndpointSlice's address type may not change") {
  auto strategy = StrategyFor("discovery.k8s.io", "endpointslices");
  json::object old = Json(kSlice);
  json::object object = Json(kSlice);
  object["addressType"] = "FQDN";
  object["endpoints"] = json::parse(R"([{"addresses":["web.example.com"]}])");
  CHECK(Lines(testing::Update(*strategy, object, old)) ==
        std::vector<std::string>{R"(addressType: Invalid value: "FQDN": field is immutable)"});
}

TEST_CASE("kubectl get endpointslices: ADDRESSTYPE, PORTS, ENDPOINTS") {
  auto strategy = StrategyFor("discovery.k8s.io", "endpointslices");
  json::object object = Json(kSlice);
  CHECK(strategy->Cells(object, kNow) ==
        json::array{"web-abc12", "IPv4", "80", "10.244.0.5,10.244.0.6", "60s"});
  object["endpoints"] = json::parse(
      R"([{"addresses":["10.0.0.1","10.0.0.2"]},{"addresses":["10.0.0.3","10.0.0.4","10.0.0.5"]}])");
  object.erase("ports");
  CHECK(strategy->Cells(object, kNow) == json::array{"web-abc12", "IPv4", "<unset>",
                                                     "10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...",
                                                     "60s"});
}

constexpr const char* kBudget = R"({
  "apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
  "metadata": {"name": "web", "creationTimestamp": "2024-05-01T10:00:00Z"},
  "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "web"}}}})";

TEST_CASE("PodDisruptionBudgets set minAvailable or maxUnavailable, not both") {
  auto strategy = StrategyFor("policy", "poddisruptionbudgets", true);
  json::object object = Json(kBudget);
  CHECK(Lines(Create(*strategy, object)).empty());
  object["spec"].as_object()["maxUnavailable"] = "10%";
  CHECK(Has(Create(*strategy, object),
            R"(spec: Invalid value: {"minAvailable":2,"selector":{"matchLabels":{"app":"web"}},)"
            R"("maxUnavailable":"10%"}: minAvailable and maxUnavailable cannot be both set)"));
  object = Json(kBudget);
  object["spec"].as_object()["minAvailable"] = "150%";
  object["spec"].as_object()["unhealthyPodEvictionPolicy"] = "Never";
  FieldErrors errors = Create(*strategy, object);
  CHECK(Has(errors, R"(spec.minAvailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, )"
                    R"(StrVal:"150%"}: must not be greater than 100%)"));
  CHECK(Has(errors, R"(spec.unhealthyPodEvictionPolicy: Unsupported value: "Never": supported )"
                    R"(values: "AlwaysAllow", "IfHealthyBudget")"));
}

TEST_CASE("kubectl get poddisruptionbudgets: MIN AVAILABLE, MAX UNAVAILABLE, ALLOWED DISRUPTIONS") {
  auto strategy = StrategyFor("policy", "poddisruptionbudgets");
  json::object object = Json(kBudget);
  object["status"] = json::parse(R"({"disruptionsAllowed":1})");
  std::vector<std::string> names;
  for (const Column& column : strategy->Columns()) names.push_back(column.name);
  CHECK(names == std::vector<std::string>{"Name", "Min Available", "Max Unavailable",
                                          "Allowed Disruptions", "Age"});
  CHECK(strategy->Cells(object, kNow) == json::array{"web", "2", "N/A", 1, "60s"});
  object["spec"] = json::parse(R"({"maxUnavailable":"25%"})");
  CHECK(strategy->Cells(object, kNow) == json::array{"web", "N/A", "25%", 1, "60s"});
}

constexpr const char* kPriorityClass = R"({
  "apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
  "metadata": {"name": "high", "creationTimestamp": "2024-05-01T10:00:00Z"},
  "value": 1000000})";

TEST_CASE("PriorityClasses preempt lower priorities by default") {
  auto strategy = StrategyFor("scheduling.k8s.io", "priorityclasses");
  json::object object = Json(kPriorityClass);
  CHECK(Lines(Create(*strategy, object)).empty());
  CHECK(object.at("preemptionPolicy") == "PreemptLowerPriority");
}

TEST_CASE("PriorityClass values: capped for users, reserved for system classes, fixed") {
  auto strategy = StrategyFor("scheduling.k8s.io", "priorityclasses");
  json::object object = Json(kPriorityClass);
  object["value"] = 1000000001;
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{"value: Forbidden: maximum allowed value of a user defined "
                                 "priority is 1000000000"});
  object = Json(kPriorityClass);
  object["metadata"].as_object()["name"] = "system-mine";
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{"metadata.name: Forbidden: priority class names with 'system-' "
                                 "prefix are reserved for system use only. error: system-mine is "
                                 "not a known system priority class"});
  object = Json(kPriorityClass);
  object["metadata"].as_object()["name"] = "system-cluster-critical";
  object["value"] = 2000000000;
  CHECK(Lines(Create(*strategy, object)).empty());
  object["preemptionPolicy"] = "Sometimes";
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{R"(preemptionPolicy: Unsupported value: "Sometimes": supported )"
                                 R"(values: "PreemptLowerPriority", "Never")"});

  json::object old = Json(kPriorityClass);
  strategy->Default(old);
  json::object changed = old;
  changed["value"] = 5;
  changed["preemptionPolicy"] = "Never";
  changed["description"] = "now documented";
  CHECK(
      Lines(testing::Update(*strategy, changed, old)) ==
      std::vector<std::string>{"value: Forbidden: may not be changed in an update.",
                               R"(preemptionPolicy: Invalid value: "Never": field is immutable)"});
}

TEST_CASE("only one PriorityClass may be the global default") {
  StrategyContext context;
  context.list_all = [](const std::string& group,
                        const std::string& resource) -> Result<std::vector<json::object>> {
    CHECK(group == "scheduling.k8s.io");
    CHECK(resource == "priorityclasses");
    return std::vector<json::object>{
        Json(R"({"metadata":{"name":"standard"},"value":0,"globalDefault":true})"),
        Json(R"({"metadata":{"name":"high"},"value":5})")};
  };
  auto strategy = NewStrategy("scheduling.k8s.io", "priorityclasses", context);
  json::object object = Json(kPriorityClass);
  CHECK(strategy->BeforeCreate(object).ok());
  object["globalDefault"] = true;
  Status refused = strategy->BeforeCreate(object);
  CHECK(refused.code() == Code::kPermissionDenied);
  CHECK(refused.message() ==
        "priorityclasses.scheduling.k8s.io \"high\" is forbidden: PriorityClass standard is "
        "already marked as default. Only one default can exist");
  json::object standard =
      Json(R"({"metadata":{"name":"standard"},"value":1,"globalDefault":true})");
  CHECK(strategy->BeforeUpdate(standard, standard).ok());
}

TEST_CASE("kubectl get priorityclasses: VALUE, GLOBAL-DEFAULT, PREEMPTIONPOLICY") {
  auto strategy = StrategyFor("scheduling.k8s.io", "priorityclasses");
  json::object object = Json(kPriorityClass);
  strategy->Default(object);
  std::vector<std::string> names;
  for (const Column& column : strategy->Columns()) names.push_back(column.name);
  CHECK(names ==
        std::vector<std::string>{"Name", "Value", "Global-Default", "Age", "PreemptionPolicy"});
  CHECK(strategy->Cells(object, kNow) ==
        json::array{"high", 1000000, false, "60s", "PreemptLowerPriority"});
}

}  // namespace
}  // namespace mini::cluster::registry
