#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cluster/registry/groups.h"
#include "test/cluster/registry/groups/helpers.h"

namespace mini::cluster::registry {
namespace {

struct Kind {
  std::string group;
  std::string resource;
  std::string second_column;  // tells the kind's own table from the default one
};

TEST_CASE("every kind of the non-core groups gets its own strategy") {
  const std::vector<Kind> kinds = {
      {"apps", "deployments", "Ready"},
      {"apps", "replicasets", "Desired"},
      {"apps", "statefulsets", "Ready"},
      {"apps", "daemonsets", "Desired"},
      {"apps", "controllerrevisions", "Controller"},
      {"batch", "jobs", "Status"},
      {"batch", "cronjobs", "Schedule"},
      {"networking.k8s.io", "ingresses", "Class"},
      {"networking.k8s.io", "ingressclasses", "Controller"},
      {"networking.k8s.io", "networkpolicies", "Pod-Selector"},
      {"storage.k8s.io", "storageclasses", "Provisioner"},
      {"coordination.k8s.io", "leases", "Holder"},
      {"discovery.k8s.io", "endpointslices", "AddressType"},
      {"policy", "poddisruptionbudgets", "Min Available"},
      {"rbac.authorization.k8s.io", "roles", "Created At"},
      {"rbac.authorization.k8s.io", "clusterroles", "Created At"},
      {"rbac.authorization.k8s.io", "rolebindings", "Role"},
      {"rbac.authorization.k8s.io", "clusterrolebindings", "Role"},
      {"scheduling.k8s.io", "priorityclasses", "Value"},
      {"autoscaling", "horizontalpodautoscalers", "Reference"},
  };
  for (const Kind& kind : kinds) {
    CAPTURE(kind.resource);
    auto strategy = testing::StrategyFor(kind.group, kind.resource);
    std::vector<Column> columns = strategy->Columns();
    REQUIRE(columns.size() >= 2);
    CHECK(columns[0].name == "Name");
    CHECK(columns[0].format == "name");
    CHECK(columns[1].name == kind.second_column);
    // Every row has one cell per column, even for an object with nothing in it.
    boost::json::object empty = testing::Json(R"({"metadata":{"name":"x"}})");
    CHECK(strategy->Cells(empty, std::chrono::system_clock::now()).size() == columns.size());
  }
}

TEST_CASE("resources a group does not know fall back to the default strategy") {
  CHECK(apps::NewStrategy("deploymentz", StrategyContext{}) == nullptr);
  CHECK(batch::NewStrategy("scheduledjobs", StrategyContext{}) == nullptr);
  auto strategy = testing::StrategyFor("apps", "deploymentz");
  CHECK(strategy->Columns()[1].name == "Created At");
}

}  // namespace
}  // namespace mini::cluster::registry
