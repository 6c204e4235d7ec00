#include <doctest/doctest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <thread>

#include "cluster/kubelet/network/ipam.h"
#include "cluster/kubelet/network/pod_network.h"
#include "common/command.h"
#include "common/files.h"
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

  TEST_CASE("a released address is handed out again only after the rest of the range") {
    mini::testing::TempDir dir;
    Ipam ipam(dir.path(), Cidr::Parse("10.9.0.0/29").value());
    CHECK(ipam.Allocate("a").value() == "10.9.0.2");
    CHECK(ipam.Allocate("b").value() == "10.9.0.3");
    REQUIRE(ipam.Release("a").ok());
    CHECK_FALSE(ipam.Find("a").has_value());
    CHECK_FALSE(std::filesystem::exists(dir / "10.9.0.2"));
    CHECK(ipam.Allocate("c").value() == "10.9.0.4");
    CHECK(ipam.Allocate("d").value() == "10.9.0.5");
    CHECK(ipam.Allocate("e").value() == "10.9.0.6");
    CHECK(ipam.Allocate("f").value() == "10.9.0.2");  // round the range
    CHECK(ReadFile(dir / "10.9.0.2").value() == "f");
  }
}

TEST_SUITE("kubelet/network/hostports") {
  boost::json::object Pod(const std::string& spec) {
    return boost::json::parse(R"({"metadata":{"name":"p"},"spec":)" + spec + "}").as_object();
  }

  TEST_CASE("a pod's hostPorts become forwards; hostNetwork pods and bare ports have none") {
    auto pod = Pod(R"({"containers":[{"ports":[{"containerPort":80,"hostPort":18080},
      {"containerPort":53,"hostPort":5353,"protocol":"UDP"},{"containerPort":9090}]},
      {"ports":[{"containerPort":7,"hostPort":7007,"protocol":"SCTP"}]}]})");
    CHECK(PortMappingsOf(pod) == std::vector<PortMapping>{
                                     {"tcp", 18080, 80}, {"udp", 5353, 53}, {"sctp", 7007, 7}});
    CHECK(PortMappingsOf(Pod(R"({"hostNetwork":true,"containers":[{"ports":[
      {"containerPort":80,"hostPort":80}]}]})")).empty());
    CHECK(PortMappingsOf(Pod(R"({"containers":[{"ports":[{"containerPort":80,
      "hostPort":"x"}]}]})")).empty());
    CHECK(PortMappingsOf(Pod("{}")).empty());
  }

  TEST_CASE("the nft text adds and removes map elements in one batch") {
    std::vector<PortMapping> ports = {{"tcp", 18080, 80}, {"udp", 5353, 53}};
    const std::string declare =
        "add table ip t\n"
        "add map ip t hostports { type inet_proto . inet_service : ipv4_addr . inet_service; }\n";
    CHECK(AddHostPortRules("t", "10.244.0.5", ports) ==
          declare +
              "add element ip t hostports { tcp . 18080 : 10.244.0.5 . 80, "
              "udp . 5353 : 10.244.0.5 . 53 }\n");
    // Adding the same forwards first makes the delete succeed whether or not they are there.
    CHECK(DeleteHostPortRules("t", "10.244.0.5", ports) ==
          AddHostPortRules("t", "10.244.0.5", ports) +
              "delete element ip t hostports { tcp . 18080, udp . 5353 }\n");
    CHECK(DeleteHostPortRules("t", "10.244.0.5", {}) == declare);
    CHECK(AddHostPortRules("t", "10.244.0.5", {}) == declare);
    std::string base = HostPortBaseRules("t");
    CHECK(base.starts_with(declare));
    CHECK(base.find("add chain ip t hostports-prerouting { type nat hook prerouting priority "
                    "dstnat; policy accept; }") != std::string::npos);
    CHECK(base.find("add rule ip t hostports-output fib daddr type local dnat ip to meta "
                    "l4proto . th dport map @hostports\n") != std::string::npos);
    CHECK(base.find("flush chain ip t hostports-prerouting") <
          base.find("add rule ip t hostports-prerouting"));
  }

  TEST_CASE("the record of a pod's forwards reads back; bad records are refused") {
    HostPortRecord record{"10.244.0.5", {{"tcp", 18080, 80}, {"sctp", 7, 7}}};
    CHECK(FormatHostPortRecord(record) == "10.244.0.5\ntcp 18080 80\nsctp 7 7\n");
    CHECK(ParseHostPortRecord(FormatHostPortRecord(record)).value() == record);
    CHECK(ParseHostPortRecord("10.244.0.5\n").value().ports.empty());
    CHECK_FALSE(ParseHostPortRecord("").ok());
    CHECK_FALSE(ParseHostPortRecord("tcp 1 2\n").ok());
    for (const char* bad : {"tcp 18080", "icmp 1 2", "tcp 0 80", "tcp 70000 80", "tcp 1 2 3"}) {
      auto parsed = ParseHostPortRecord(std::string("10.0.0.1\n") + bad);
      CAPTURE(bad);
      CHECK_FALSE(parsed.ok());
      CHECK(parsed.status().message().find("bad hostPort record") != std::string::npos);
    }
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

    const std::vector<PortMapping> ports = {{"tcp", 17071, 7070}};
    auto a = network->Setup("test-sandbox-a", ports);
    REQUIRE_MESSAGE(a.ok(), a.status().ToString());
    auto b = network->Setup("test-sandbox-b", {});
    REQUIRE_MESSAGE(b.ok(), b.status().ToString());
    CHECK(a->ip == "10.250.0.2");
    CHECK(b->ip == "10.250.0.3");
    CHECK(std::filesystem::exists(a->netns));
    CHECK(a->netns.parent_path() == dir / "netns");  // in the state directory, as asked
    CHECK(network->Setup("test-sandbox-a", ports).value().ip == a->ip);  // idempotent
    auto forwards = [] {
      auto listed = RunCommand({"nft", "list", "map", "ip", "minitest-nat", "hostports"});
      return listed.ok() ? listed->output : "";
    };
    CHECK(forwards().find("tcp . 17071 : 10.250.0.2 . 7070") != std::string::npos);
    // A restarted agent makes the map again from its records: a lost forward comes back.
    REQUIRE(RunCommand({"nft", "flush", "map", "ip", "minitest-nat", "hostports"}).ok());
    REQUIRE(NewBridgeNetwork(options)->Setup("test-sandbox-a", ports).ok());
    CHECK(forwards().find("tcp . 17071 : 10.250.0.2 . 7070") != std::string::npos);

    // A listener in one namespace, a client in the other.
    std::thread server([&] {
      (void)RunCommand({"nsenter", "--net=" + a->netns.string(), "python3", "-c",
                        "import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, "
                        "socket.SO_REUSEADDR, 1); s.bind(('0.0.0.0', 7070)); s.listen(); "
                        "s.settimeout(10); c,_=s.accept(); c.sendall(b'hello from a'); c.close()"},
                       std::chrono::seconds(15));
    });
    std::string received;
    for (int attempt = 0; attempt < 50 && received.empty(); ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      auto reply = RunCommand({"nsenter", "--net=" + b->netns.string(), "python3", "-c",
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
    CHECK(forwards().find("17071") == std::string::npos);
    CHECK(forwards().find("hostports") != std::string::npos);  // the map itself stays
    (void)RunCommand({"ip", "link", "delete", "minitest0"});
    (void)RunCommand({"nft", "delete", "table", "ip", "minitest-nat"});
  }
}

}  // namespace
}  // namespace mini::cluster::kubelet::network
