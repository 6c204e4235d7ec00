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

const auto kNow = testing::Time("2024-05-01T12:00:00Z");

constexpr const char* kRole = R"({
  "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
  "metadata": {"name": "pod-reader", "creationTimestamp": "2024-05-01T10:00:00Z"},
  "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}]})";

TEST_CASE("role names only need to fit in a URL path") {
  auto strategy = StrategyFor("rbac.authorization.k8s.io", "clusterroles");
  CHECK(strategy->ValidateName("system:controller:job-controller").empty());
  CHECK(strategy->ValidateName("a/b") == std::vector<std::string>{"may not contain '/'"});
}

TEST_CASE("role rules need verbs and what they apply to") {
  auto strategy = StrategyFor("rbac.authorization.k8s.io", "roles");
  json::object object = Json(kRole);
  CHECK(Lines(Create(*strategy, object)).empty());
  object["rules"] = json::parse(R"([{"apiGroups":[""],"resources":["pods"]},{"verbs":["get"]},
      {"verbs":["get"],"nonResourceURLs":["/healthz"]}])");
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{
            "rules[0].verbs: Required value: verbs must contain at least one value",
            "rules[1].apiGroups: Required value: resource rules must supply at least one api group",
            "rules[1].resources: Required value: resource rules must supply at least one resource",
            R"(rules[2].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules )"
            R"(cannot apply to non-resource URLs)"});
}

TEST_CASE("cluster roles may name non-resource URLs and aggregate other roles") {
  auto strategy = StrategyFor("rbac.authorization.k8s.io", "clusterroles");
  json::object object = Json(kRole);
  object["rules"] = json::parse(R"([{"verbs":["get"],"nonResourceURLs":["/healthz"]},
      {"verbs":["get"],"nonResourceURLs":["/metrics"],"resources":["pods"]}])");
  object["aggregationRule"] = json::parse(R"({"clusterRoleSelectors":[]})");
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{
            R"(rules[1].nonResourceURLs: Invalid value: []string{"/metrics"}: rules cannot )"
            R"(apply to both regular resources and non-resource URLs)",
            "aggregationRule.clusterRoleSelectors: Required value: at least one "
            "clusterRoleSelector required if aggregationRule is non-nil"});
}

TEST_CASE("roles print as kinds without a printer: NAME and CREATED AT") {
  auto strategy = StrategyFor("rbac.authorization.k8s.io", "roles");
  std::vector<std::string> names;
  for (const Column& column : strategy->Columns()) names.push_back(column.name);
  CHECK(names == std::vector<std::string>{"Name", "Created At"});
  CHECK(strategy->Cells(Json(kRole), kNow) == json::array{"pod-reader", "2024-05-01T10:00:00Z"});
}

constexpr const char* kBinding = R"({
  "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
  "metadata": {"name": "read-pods", "creationTimestamp": "2024-05-01T10:00:00Z"},
  "subjects": [{"kind": "User", "name": "jane"},
               {"kind": "Group", "name": "devs"},
               {"kind": "ServiceAccount", "name": "builder", "namespace": "ci"}],
  "roleRef": {"kind": "Role", "name": "pod-reader"}})";

TEST_CASE("bindings get the RBAC API group for their role and user or group subjects") {
  auto strategy = StrategyFor("rbac.authorization.k8s.io", "rolebindings");
  json::object object = Json(kBinding);
  CHECK(Lines(Create(*strategy, object)).empty());
  CHECK(object.at("roleRef").at("apiGroup") == "rbac.authorization.k8s.io");
  CHECK(object.at("subjects").at(0).at("apiGroup") == "rbac.authorization.k8s.io");
  CHECK(object.at("subjects").at(1).at("apiGroup") == "rbac.authorization.k8s.io");
  CHECK_FALSE(object.at("subjects").at(2).as_object().contains("apiGroup"));
}

TEST_CASE("binding role references and subjects are checked as upstream") {
  auto strategy = StrategyFor("rbac.authorization.k8s.io", "rolebindings");
  json::object object = Json(kBinding);
  object["roleRef"] = json::parse(R"({"apiGroup":"example.com","kind":"Policy"})");
  object["subjects"] = json::parse(R"([{"kind":"Robot","name":"r2"},
      {"kind":"ServiceAccount","name":"Builder","apiGroup":"v1"},{"kind":"User"}])");
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{
            R"(roleRef.apiGroup: Unsupported value: "example.com": supported values: )"
            R"("rbac.authorization.k8s.io")",
            R"(roleRef.kind: Unsupported value: "Policy": supported values: "Role", "ClusterRole")",
            "roleRef.name: Required value",
            R"(subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", )"
            R"("User", "Group")",
            R"(subjects[1].name: Invalid value: "Builder": a lowercase RFC 1123 subdomain must )"
            R"(consist of lower case alphanumeric characters, '-' or '.', and must start and end )"
            R"(with an alphanumeric character (e.g. 'example.com', regex used for validation is )"
            R"('[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'))",
            R"(subjects[1].apiGroup: Unsupported value: "v1": supported values: "")",
            "subjects[2].name: Required value"});
}

TEST_CASE("cluster role bindings grant cluster roles to namespaced service accounts") {
  auto strategy = StrategyFor("rbac.authorization.k8s.io", "clusterrolebindings");
  json::object object = Json(kBinding);
  object["subjects"] = json::parse(R"([{"kind":"ServiceAccount","name":"builder"}])");
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{
            R"(roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole")",
            "subjects[0].namespace: Required value"});
}

TEST_CASE("a binding's role reference may not change") {
  auto strategy = StrategyFor("rbac.authorization.k8s.io", "rolebindings");
  json::object old = Json(kBinding);
  strategy->Default(old);
  json::object object = Json(kBinding);
  object["roleRef"].as_object()["name"] = "pod-writer";
  CHECK(Lines(testing::Update(*strategy, object, old)) ==
        std::vector<std::string>{
            R"(roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", )"
            R"(Kind:"Role", Name:"pod-writer"}: cannot change roleRef)"});
  json::object resubjected = Json(kBinding);
  resubjected["subjects"].as_array().pop_back();
  CHECK(Lines(testing::Update(*strategy, resubjected, old)).empty());
}

TEST_CASE("kubectl get rolebindings: ROLE and the wide subject columns") {
  auto strategy = StrategyFor("rbac.authorization.k8s.io", "rolebindings");
  json::object object = Json(kBinding);
  object["subjects"].as_array().push_back(json::parse(R"({"kind":"User","name":"joe"})"));
  std::vector<std::string> names;
  for (const Column& column : strategy->Columns()) names.push_back(column.name);
  CHECK(names ==
        std::vector<std::string>{"Name", "Role", "Age", "Users", "Groups", "ServiceAccounts"});
  CHECK(strategy->Cells(object, kNow) ==
        json::array{"read-pods", "Role/pod-reader", "120m", "jane, joe", "devs", "ci/builder"});
}

}  // namespace
}  // namespace mini::cluster::registry
