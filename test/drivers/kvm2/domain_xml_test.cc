#include "drivers/kvm2/domain_xml.h"

#include <doctest/doctest.h>

namespace mini::drivers::kvm2 {

TEST_SUITE("drivers/kvm2") {
  DomainConfig Sample() {
    DomainConfig c;
    c.name = "demo";
    c.kernel = "/m/vmlinux";
    c.initrd = "/m/initrd.cpio";
    c.disk = "/m/disk.raw";
    c.console_log = "/logs/it's.log";
    c.mac = "52:54:00:01:02:03";
    c.network = "mini-demo";
    c.fw_cfg = {{"args", "/m/config/args"}, {"apiserver.key", "/p/apiserver.key"}};
    c.uid = 1000;
    c.gid = 1001;
    return c;
  }

  bool Has(const std::string& xml, const std::string& part) { return xml.find(part) != std::string::npos; }

  TEST_CASE("a TCG domain boots the kernel directly with qemu64 and the tuned command line") {
    std::string xml = DomainXml(Sample());
    CHECK(Has(xml, "<domain type='qemu'>"));
    CHECK(Has(xml, "<kernel>/m/vmlinux</kernel>"));
    CHECK(Has(xml, "<initrd>/m/initrd.cpio</initrd>"));
    CHECK(Has(xml, "<model fallback='allow'>qemu64</model>"));
    CHECK(Has(xml, "mitigations=off"));
    CHECK_FALSE(Has(xml, "pci=off"));  // the pc machine has PCI
    CHECK_FALSE(Has(xml, "<uuid>"));
  }

  TEST_CASE("a KVM domain takes the host's CPU") {
    DomainConfig c = Sample();
    c.kvm = true;
    std::string xml = DomainXml(c);
    CHECK(Has(xml, "<domain type='kvm'>"));
    CHECK(Has(xml, "<cpu mode='host-passthrough'/>"));
  }

  TEST_CASE("the configuration reaches the guest through fw_cfg under opt/mini") {
    std::string xml = DomainXml(Sample());
    CHECK(Has(xml, "<sysinfo type='fwcfg'>"));
    CHECK(Has(xml, "<entry name='opt/mini/args' file='/m/config/args'/>"));
    CHECK(Has(xml, "<entry name='opt/mini/apiserver.key' file='/p/apiserver.key'/>"));
  }

  TEST_CASE("devices: the data disk as vda, the NIC on the profile's network, the console file") {
    std::string xml = DomainXml(Sample());
    CHECK(Has(xml, "<source file='/m/disk.raw'/><target dev='vda' bus='virtio'/>"));
    CHECK(Has(xml, "<mac address='52:54:00:01:02:03'/><source network='mini-demo'/>"));
    CHECK(Has(xml, "<source path='/logs/it&apos;s.log' append='off'/>"));
    CHECK(Has(xml, "<on_poweroff>destroy</on_poweroff>"));
  }

  TEST_CASE("QEMU runs as the owner of the machine's files, which libvirt leaves alone") {
    CHECK(Has(DomainXml(Sample()),
              "<seclabel type='static' model='dac' relabel='no'><label>+1000:+1001</label>"));
  }

  TEST_CASE("a domain defined again keeps its UUID") {
    DomainConfig c = Sample();
    c.uuid = "6c0e2d1c-0000-4000-8000-000000000001";
    CHECK(Has(DomainXml(c), "<uuid>6c0e2d1c-0000-4000-8000-000000000001</uuid>"));
  }

  TEST_CASE("shared directories become 9p filesystems") {
    DomainConfig c = Sample();
    c.shares = {{"/home/me/src", "mini0"}};
    CHECK(Has(DomainXml(c), "<source dir='/home/me/src'/><target dir='mini0'/>"));
  }

  TEST_CASE("the network reserves .2 for the machine's MAC and NATs out") {
    NetworkPlan p{"mini-demo", 42, "52:54:00:01:02:03"};
    std::string xml = NetworkXml(p, "demo");
    CHECK(Has(xml, "<name>mini-demo</name>"));
    CHECK(Has(xml, "<forward mode='nat'/>"));
    CHECK(Has(xml, "<bridge stp='off' delay='0'/>"));  // its port forwards at once
    CHECK(Has(xml, "<ip address='192.168.42.1' netmask='255.255.255.0'>"));
    CHECK(Has(xml, "<host mac='52:54:00:01:02:03' name='demo' ip='192.168.42.2'/>"));
    CHECK(p.GuestIP() == "192.168.42.2");
  }

  TEST_CASE("a free subnet skips those in use, and there may be none") {
    CHECK(FreeSubnet({}) == 39);
    CHECK(FreeSubnet({"<ip address='192.168.39.1'/>", "192.168.40.7/"}) == 41);
    CHECK(FreeSubnet({"192.168.139.1/"}) == 39);  // not a prefix of 192.168.39.
    std::vector<std::string> all;
    for (int i = 39; i < 255; ++i) all.push_back("192.168." + std::to_string(i) + ".1/");
    CHECK_FALSE(FreeSubnet(all).has_value());
  }

  TEST_CASE("MACs are QEMU's, stable per profile and differ between profiles") {
    CHECK(MacFor("a").starts_with("52:54:00:"));
    CHECK(MacFor("a").size() == 17);
    CHECK(MacFor("a") == MacFor("a"));
    CHECK(MacFor("a") != MacFor("b"));
  }

  // What libvirt 9.0 prints for its `default` network, with one reservation and a dns host.
  const char kDefaultNetwork[] = R"(<network>
  <name>default</name>
  <forward mode='nat'/>
  <bridge name='virbr0' stp='on' delay='0'/>
  <dns><host ip='192.168.122.250'><hostname>printer</hostname></host></dns>
  <ip address='192.168.122.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.122.2' end='192.168.122.254'/>
      <host mac='52:54:00:aa:bb:cc' name='other' ip='192.168.122.254'/>
    </dhcp>
  </ip>
  <ip family='ipv6' address='fd00::1' prefix='64'>
    <dhcp><range start='fd00::10' end='fd00::ff'/></dhcp>
  </ip>
</network>
)";

  TEST_CASE("an existing network's reservation is the top free address of its IPv4 range") {
    CHECK(PickReservation(kDefaultNetwork, "52:54:00:01:02:03", {}) == "192.168.122.253");
    CHECK(PickReservation(kDefaultNetwork, "52:54:00:01:02:03", {"192.168.122.253"}) ==
          "192.168.122.252");
    // Found again for the machine's MAC, whatever the case of its letters.
    CHECK(PickReservation(kDefaultNetwork, "52:54:00:AA:BB:CC", {}) == "192.168.122.254");
  }

  TEST_CASE("a full range or one without IPv4 gives no reservation") {
    std::string tiny =
        "<ip address='10.0.0.1' prefix='24'><dhcp><range start='10.0.0.2' "
        "end='10.0.0.3'/></dhcp></ip>";
    CHECK(PickReservation(tiny, "52:54:00:01:02:03", {"10.0.0.3"}) == "10.0.0.2");
    CHECK_FALSE(PickReservation(tiny, "52:54:00:01:02:03", {"10.0.0.2", "10.0.0.3"}).has_value());
    CHECK_FALSE(PickReservation("<network><name>isolated</name></network>", "m", {}).has_value());
  }

  TEST_CASE("the reservation added to an existing network, and its plan's address") {
    CHECK(DhcpHostXml("52:54:00:01:02:03", "a&b", "192.168.122.253") ==
          "<host mac='52:54:00:01:02:03' name='a&amp;b' ip='192.168.122.253'/>");
    NetworkPlan p{"default", 0, "52:54:00:01:02:03", false, "192.168.122.253", "192.168.122.1"};
    CHECK(p.GuestIP() == "192.168.122.253");
    CHECK(p.HostIP() == "192.168.122.1");  // where `mini mount` listens for the machine
    NetworkPlan own{"mini-x", 40, "52:54:00:01:02:03"};
    CHECK(own.HostIP() == "192.168.40.1");
  }

  TEST_CASE("the host's address on an existing network is its first IPv4 address") {
    CHECK(NetworkHostAddress(kDefaultNetwork) == "192.168.122.1");
    CHECK(NetworkHostAddress("<network><ip family='ipv6' address='fd00::1' prefix='64'/></network>") ==
          std::nullopt);
  }

  TEST_CASE("a domain on an existing network names it as its source") {
    DomainConfig c = Sample();
    c.network = "default";
    CHECK(Has(DomainXml(c), "<source network='default'/>"));
  }
}

}  // namespace mini::drivers::kvm2
