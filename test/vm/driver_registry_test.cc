#include "vm/driver_registry.h"

#include <doctest/doctest.h>

namespace mini::vm {
namespace {
DriverDef Def(std::string name, std::vector<std::string> aliases, int priority, bool healthy) {
  return {std::move(name), std::move(aliases), priority,
          [healthy](const HostContext&) {
            return HostCheck{healthy, "no hypervisor", "install one"};
          },
          [] { return DriverPtr(); }};
}
}  // namespace

TEST_SUITE("vm/driver_registry") {
  TEST_CASE("drivers are found by name and alias, and names are unique") {
    DriverRegistry r;
    REQUIRE(r.Register(Def("kvm2", {"kvm"}, 100, true)).ok());
    CHECK(r.Find("kvm")->name == "kvm2");
    CHECK(r.Find("kvm2")->name == "kvm2");
    CHECK(r.Find("vbox") == nullptr);
    CHECK(r.Register(Def("kvm", {}, 1, true)).code() == Code::kAlreadyExists);
  }

  TEST_CASE("automatic choice takes the healthy driver of highest priority") {
    DriverRegistry r;
    REQUIRE(r.Register(Def("native", {"none"}, 10, true)).ok());
    REQUIRE(r.Register(Def("kvm2", {}, 100, false)).ok());
    REQUIRE(r.Register(Def("qemu", {}, 50, true)).ok());
    CHECK(r.Choose("").value()->name == "qemu");
    CHECK(r.All().front()->name == "kvm2");
  }

  TEST_CASE("a host check can lower a driver's priority on this host, not its use on request") {
    DriverRegistry r;
    DriverDef kvm2 = Def("kvm2", {"kvm"}, 80, true);
    kvm2.check_host = [](const HostContext&) {
      HostCheck c{true, "", ""};
      c.priority = 40;  // KVM does not work here: emulation through libvirt is slower
      return c;
    };
    REQUIRE(r.Register(kvm2).ok());
    REQUIRE(r.Register(Def("qemu", {}, 50, true)).ok());
    REQUIRE(r.Register(Def("virtualbox", {}, 30, true)).ok());
    CHECK(r.Choose("").value()->name == "qemu");
    CHECK(r.Choose("kvm").value()->name == "kvm2");
  }

  TEST_CASE("the host check sees the settings the user gave the driver") {
    DriverRegistry r;
    DriverDef kvm2 = Def("kvm2", {}, 80, true);
    kvm2.check_host = [](const HostContext& host) {
      return HostCheck{host.kvm_qemu_uri == "qemu+ssh://lab/system", "cannot connect", "start it"};
    };
    REQUIRE(r.Register(kvm2).ok());
    CHECK_FALSE(r.Choose("kvm2").ok());
    CHECK(r.Choose("kvm2", {.kvm_qemu_uri = "qemu+ssh://lab/system"}).ok());
  }

  TEST_CASE("an unknown driver lists the known ones, an unhealthy one gives reason and fix") {
    DriverRegistry r;
    REQUIRE(r.Register(Def("native", {"none"}, 10, true)).ok());
    REQUIRE(r.Register(Def("kvm2", {}, 100, false)).ok());
    auto unknown = r.Choose("hyperv");
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.status().reason() == "DRV_UNSUPPORTED");
    CHECK(unknown.status().advice() == "choose one of: kvm2, native");
    auto sick = r.Choose("kvm2");
    REQUIRE_FALSE(sick.ok());
    CHECK(sick.status().code() == Code::kFailedPrecondition);
    CHECK(sick.status().message().find("no hypervisor") != std::string::npos);
    CHECK(sick.status().advice() == "install one");
  }

  TEST_CASE("no healthy driver at all is a clear failure") {
    DriverRegistry r;
    REQUIRE(r.Register(Def("kvm2", {}, 100, false)).ok());
    auto none = r.Choose("");
    REQUIRE_FALSE(none.ok());
    CHECK(none.status().reason() == "DRV_NOT_DETECTED");
    CHECK(none.status().message().find("kvm2: no hypervisor") != std::string::npos);
  }
}

}  // namespace mini::vm
