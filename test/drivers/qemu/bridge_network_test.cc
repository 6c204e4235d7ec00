#include "drivers/qemu/bridge_network.h"

#include <doctest/doctest.h>

namespace mini::drivers::qemu {
namespace {

Ipv4Net Net(uint32_t a, uint32_t b, uint32_t c, uint32_t d, int prefix) {
  return {(a << 24) | (b << 16) | (c << 8) | d, prefix};
}

}  // namespace

TEST_CASE("networks overlap when they agree on the shorter prefix") {
  CHECK(Overlap(Net(192, 168, 105, 0, 24), Net(192, 168, 105, 7, 32)));
  CHECK(Overlap(Net(192, 168, 0, 0, 16), Net(192, 168, 105, 0, 24)));
  CHECK_FALSE(Overlap(Net(192, 168, 105, 0, 24), Net(192, 168, 106, 0, 24)));
  CHECK(Overlap(Net(0, 0, 0, 0, 0), Net(10, 0, 0, 0, 8)));
}

TEST_CASE("the bridge's /24 is the first from 192.168.105 that no address or route uses") {
  CHECK(FreeBridgeSubnet({}) == 105);
  // A default route overlaps everything, and so does not count.
  CHECK(FreeBridgeSubnet({Net(0, 0, 0, 0, 0), Net(192, 0, 2, 0, 24)}) == 105);
  CHECK(FreeBridgeSubnet({Net(192, 168, 105, 1, 24), Net(192, 168, 106, 0, 24)}) == 107);
  // A wider route (a VPN's) rules out every /24 inside it.
  CHECK(FreeBridgeSubnet({Net(192, 168, 96, 0, 20)}) == 112);
  CHECK_FALSE(FreeBridgeSubnet({Net(192, 168, 0, 0, 16)}).has_value());
}

TEST_CASE("the names fit an interface name and differ per machine directory") {
  BridgePlan a = NamePlan("/home/a/.mini/machines/mini", 105);
  BridgePlan b = NamePlan("/home/b/.mini/machines/mini", 105);
  CHECK(a.bridge.size() <= 15);
  CHECK(a.tap.size() <= 15);
  CHECK(a.bridge.starts_with("mini-q"));
  CHECK(a.tap != a.bridge);
  CHECK(a.bridge != b.bridge);
  CHECK(NamePlan("/home/a/.mini/machines/mini", 106).bridge == a.bridge);
  CHECK(a.GuestIP() == "192.168.105.2");
  CHECK(a.HostIP() == "192.168.105.1");
}

TEST_CASE("the NAT table is replaced in one batch and masquerades only what leaves the /24") {
  BridgePlan p{"mini-q1", "mini-t1", "mini-q1", 107};
  std::string batch = MasqueradeBatch(p);
  CHECK(batch.starts_with("table ip mini-q1 {}\ndelete table ip mini-q1\n"));
  CHECK(batch.find("type nat hook postrouting priority srcnat;") != std::string::npos);
  CHECK(batch.find("ip saddr 192.168.107.0/24 ip daddr != 192.168.107.0/24 masquerade") !=
        std::string::npos);
}

TEST_CASE("the guest gets a fixed address, the bridge as gateway and a reachable nameserver") {
  CHECK(GuestNameserver("# generated\nnameserver 127.0.0.53\nnameserver 10.1.2.3\n") == "10.1.2.3");
  CHECK(GuestNameserver("nameserver ::1\nsearch example\n").empty());
  BridgePlan p{"b", "t", "b", 105};
  CHECK(GuestNetworkLine(p, "10.1.2.3") == "192.168.105.2/24 192.168.105.1 10.1.2.3");
}

}  // namespace mini::drivers::qemu
