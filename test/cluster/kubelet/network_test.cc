#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "cluster/kubelet/network/ipam.h"
#include "cluster/kubelet/network/pod_network.h"
#include "common/command.h"
#include "test/temp_dir.h"

namespace mini::cluster::kubelet::network {
namespace {

TEST_SUITE("kubelet/network/ipam") {
  TEST_CASE("CIDRs parse and name their addresses") {
    Cidr cidr = Cidr::Parse("10.244.0.7/24").value();
    CHECK(cidr.Address(0) == "10.244.0.0");
    CHECK(cidr.Gateway() == "10.244.0.1");
    CHECK(cidr.Size() == 256);
    for (std::string_view bad : {"10.244.0.0", "10.244.0.0/33", "10.244.0.0/31", "x/24", "1.2.3/24"}) {
      CHECK_FALSE(Cidr::Parse(bad).ok());
    }
  }

  TEST_CASE("addresses are claimed once per owner, survive a restart and are reused after release") {
    mini::testing::TempDir dir;
    Cidr cidr = Cidr::Parse("10.9.0.0/29").value();  // 8 addresses: 5 for pods
    Ipam ipam(dir.path(), cidr);
    CHECK(ipam.Allocate("a").value() == "10.9.0.2");
    CHECK(ipam.Allocate("a").value() == "10.9.0.2");
    CHECK(ipam.Allocate("b").value() == "10.9.0.3");
    Ipam restarted(dir.path(), cidr);
    CHECK(restarted.Find("b") == "10.9.0.3");
    for (const char* owner : {"c", "d", "e"}) REQUIRE(restarted.Allocate(owner).ok());
    CHECK(restarted.Allocate("f").status().code() == Code::kResourceExhausted);
    CHECK(restarted.Release("b").ok());
    CHECK(restarted.Release("b").ok());
    CHECK(restarted.Allocate("f").value() == "10.9.0.3");
  }
}

// Needs root (network namespaces, a bridge, nftables), as the node agent does.
TEST_SUITE("kubelet/network/bridge") {
  TEST_CASE("two pod sandboxes get addresses on one bridge and reach each other") {
    REQUIRE_MESSAGE(::getuid() == 0, "the pod network test needs root");
    mini::testing::TempDir dir;
    BridgeOptions options;
    options.bridge = "minitest0";
    options.nat_table = "minitest-nat";
    options.cidr = Cidr::Parse("10.250.0.0/24").value();
    options.state_dir = dir.path();
    auto network = NewBridgeNetwork(options);

    auto a = network->Setup("test-sandbox-a");
    REQUIRE_MESSAGE(a.ok(), a.status().ToString());
    auto b = network->Setup("test-sandbox-b");
    REQUIRE_MESSAGE(b.ok(), b.status().ToString());
    CHECK(a->ip == "10.250.0.2");
    CHECK(b->ip == "10.250.0.3");
    CHECK(std::filesystem::exists(a->netns));
    CHECK(network->Setup("test-sandbox-a").value().ip == a->ip);  // idempotent

    // A listener in one namespace, a client in the other.
    std::thread server([&] {
      (void)RunCommand({"ip", "netns", "exec", "mini-test-sandbox-a", "python3", "-c",
                        "import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, "
                        "socket.SO_REUSEADDR, 1); s.bind(('0.0.0.0', 7070)); s.listen(); "
                        "s.settimeout(10); c,_=s.accept(); c.sendall(b'hello from a'); c.close()"},
                       std::chrono::seconds(15));
    });
    std::string received;
    for (int attempt = 0; attempt < 50 && received.empty(); ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      auto reply = RunCommand({"ip", "netns", "exec", "mini-test-sandbox-b", "python3", "-c",
                               "import socket; s=socket.create_connection(('" + a->ip +
                                   "', 7070), timeout=2); print(s.recv(100).decode())"});
      if (reply.ok() && reply->exit_code == 0) received = reply->output;
    }
    server.join();
    CHECK(received == "hello from a\n");

    for (const char* id : {"test-sandbox-a", "test-sandbox-a", "test-sandbox-b"}) {
      Status down = network->Teardown(id);
      CHECK_MESSAGE(down.ok(), down.ToString());
    }
    CHECK_FALSE(std::filesystem::exists(a->netns));
    (void)RunCommand({"ip", "link", "delete", "minitest0"});
    (void)RunCommand({"nft", "delete", "table", "ip", "minitest-nat"});
  }
}

}  // namespace
}  // namespace mini::cluster::kubelet::network
