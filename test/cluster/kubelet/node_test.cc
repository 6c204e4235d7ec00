#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "cluster/kubelet/machine_info.h"
#include "cluster/kubelet/node_agent.h"
#include "cluster/kubelet/node_status.h"
#include "test/cluster/client/api_fixture.h"

namespace mini::cluster::kubelet {
namespace json = boost::json;
namespace {

using std::chrono::system_clock;
constexpr int64_t kGi = int64_t{1} << 30;

NodeConfig Config() {
  NodeConfig config;
  config.name = "mini";
  config.internal_ip = "10.0.0.5";
  config.kubelet_version = "v1.32.4";
  config.runtime_version = "mini://0.1.0";
  return config;
}

MachineInfo Healthy() {
  MachineInfo machine;
  machine.cpus = 2;
  machine.memory_bytes = 4 * kGi;
  machine.memory_available_bytes = 3 * kGi;
  machine.storage_bytes = 20 * kGi;
  machine.storage_available_bytes = 15 * kGi;
  machine.pid_max = 4194304;
  machine.processes = 200;
  machine.kernel_version = "6.1.0";
  machine.os_image = "Debian GNU/Linux 12 (bookworm)";
  return machine;
}

std::string ConditionStatus(const json::object& status, std::string_view type) {
  for (const json::value& condition : status.at("conditions").as_array()) {
    if (condition.at("type").as_string() == type) {
      return std::string(condition.at("status").as_string());
    }
  }
  return "";
}

TEST_SUITE("kubelet/node_status") {
  TEST_CASE("capacity, allocatable and conditions follow the machine") {
    RuntimeState not_ready{false, "container runtime is not ready"};
    json::object status = NodeStatus(Config(), Healthy(), not_ready, {}, system_clock::now());
    CHECK(status.at("capacity").at("cpu").as_string() == "2");
    CHECK(status.at("capacity").at("memory").as_string() == "4194304Ki");
    CHECK(status.at("allocatable").at("memory").as_string() == "4091904Ki");  // 100Mi kept back
    CHECK(status.at("allocatable").at("pods").as_string() == "110");
    CHECK(ConditionStatus(status, "MemoryPressure") == "False");
    CHECK(ConditionStatus(status, "DiskPressure") == "False");
    CHECK(ConditionStatus(status, "PIDPressure") == "False");
    CHECK(ConditionStatus(status, "Ready") == "False");
    CHECK(status.at("nodeInfo").at("containerRuntimeVersion").as_string() == "mini://0.1.0");
    CHECK(status.at("addresses").at(0).at("address").as_string() == "10.0.0.5");

    MachineInfo starving = Healthy();
    starving.memory_available_bytes = 50 << 20;
    starving.storage_available_bytes = kGi;  // 5 %
    starving.processes = starving.pid_max - 10;
    json::object pressed = NodeStatus(Config(), starving, {true, ""}, {}, system_clock::now());
    CHECK(ConditionStatus(pressed, "MemoryPressure") == "True");
    CHECK(ConditionStatus(pressed, "DiskPressure") == "True");
    CHECK(ConditionStatus(pressed, "PIDPressure") == "True");
    CHECK(ConditionStatus(pressed, "Ready") == "True");
  }

  TEST_CASE("transition times move only when a condition's status changes") {
    auto t0 = system_clock::now() - std::chrono::hours(1);
    json::object first = NodeStatus(Config(), Healthy(), {false, "starting"}, {}, t0);
    json::array previous = first.at("conditions").as_array();
    json::object later = NodeStatus(Config(), Healthy(), {true, ""}, previous, system_clock::now());
    CHECK_FALSE(StatusChanged(first, first));
    CHECK(StatusChanged(first, later));
    for (const json::value& condition : later.at("conditions").as_array()) {
      bool moved = condition.at("lastTransitionTime") != previous[0].at("lastTransitionTime");
      CHECK(moved == (condition.at("type").as_string() == "Ready"));
    }
    // Heartbeats alone are not a change.
    json::object again = NodeStatus(Config(), Healthy(), {false, "starting"}, previous,
                                    system_clock::now());
    CHECK_FALSE(StatusChanged(first, again));
  }

  TEST_CASE("the machine this runs on can be read") {
    auto machine = ReadMachineInfo(".");
    REQUIRE(machine.ok());
    CHECK(machine->cpus >= 1);
    CHECK(machine->memory_bytes > machine->memory_available_bytes);
    CHECK(machine->storage_bytes > 0);
    CHECK(!machine->kernel_version.empty());
  }
}

TEST_SUITE("kubelet/node_agent") {
  TEST_CASE("registration creates the node with its status and lease, and heartbeats renew it") {
    client::testing::ApiFixture api;
    client::Client client(api.NewTransport());
    NodeAgentOptions options{Config(), ".", std::chrono::milliseconds(50), std::chrono::minutes(1)};
    NodeAgent agent(client, options, [] { return RuntimeState{false, "no pod runtime yet"}; });
    REQUIRE(agent.Register().ok());
    auto node = client.Get(client::resources::kNodes, "", "mini");
    REQUIRE(node.ok());
    CHECK(node->at("metadata").at("labels").at("kubernetes.io/hostname").as_string() == "mini");
    CHECK(node->at("spec").at("podCIDR").as_string() == "10.244.0.0/24");
    CHECK(ConditionStatus(node->at("status").as_object(), "Ready") == "False");
    CHECK(node->at("spec").at("taints").at(0).at("key").as_string() == "node.kubernetes.io/not-ready");
    auto lease = client.Get(client::resources::kLeases, "kube-node-lease", "mini");
    REQUIRE(lease.ok());
    CHECK(lease->at("spec").at("holderIdentity").as_string() == "mini");
    std::string first_renewal(lease->at("spec").at("renewTime").as_string());

    agent.Start();
    std::string renewal = first_renewal;
    for (int i = 0; i < 100 && renewal == first_renewal; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      renewal = std::string(client.Get(client::resources::kLeases, "kube-node-lease", "mini")
                                ->at("spec").at("renewTime").as_string());
    }
    agent.Stop();
    CHECK(renewal != first_renewal);

    // A second registration (an agent restart) takes over the existing node.
    NodeAgent again(client, options, [] { return RuntimeState{true, ""}; });
    REQUIRE(again.Register().ok());
    node = client.Get(client::resources::kNodes, "", "mini");
    CHECK(ConditionStatus(node->at("status").as_object(), "Ready") == "True");
    CHECK_FALSE(node->at("spec").as_object().contains("taints"));
  }
}

}  // namespace
}  // namespace mini::cluster::kubelet
