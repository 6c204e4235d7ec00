#include "drivers/kvm2/domain_xml.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <regex>
#include <set>

namespace mini::drivers::kvm2 {

namespace {

using Attributes = std::map<std::string, std::string>;

// The attributes of every <tag> element, in document order. Enough for the XML libvirt writes
// itself: one element per tag, attributes quoted, no entities in addresses.
std::vector<Attributes> Elements(const std::string& xml, const std::string& tag) {
  static const std::regex kAttribute(R"re((\w+)=(['"])(.*?)\2)re");
  std::vector<Attributes> out;
  const std::string open = "<" + tag;
  for (size_t at = xml.find(open); at != std::string::npos; at = xml.find(open, at + 1)) {
    size_t body = at + open.size();
    if (body >= xml.size() || (xml[body] != ' ' && xml[body] != '/' && xml[body] != '>')) continue;
    std::string attrs = xml.substr(body, xml.find('>', body) - body);
    Attributes a;
    for (std::sregex_iterator m(attrs.begin(), attrs.end(), kAttribute), end; m != end; ++m) {
      a[m->str(1)] = m->str(3);
    }
    out.push_back(std::move(a));
  }
  return out;
}

std::optional<uint32_t> Ipv4(const std::string& text) {
  in_addr a{};
  if (::inet_pton(AF_INET, text.c_str(), &a) != 1) return std::nullopt;
  return ntohl(a.s_addr);
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

std::string XmlEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '\'': out += "&apos;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string KernelCommandLine() {
  // The qemu driver's tuned line without what only microvm needs (pci=off, a TSC frequency):
  // the pc machine has PCI and calibrates its clock itself.
  return "console=ttyS0 quiet cryptomgr.notests mitigations=off tsc=reliable no_timer_check "
         "8250.nr_uarts=1 panic=-1";
}

std::string DomainXml(const DomainConfig& c) {
  auto e = [](const std::filesystem::path& p) { return XmlEscape(p.string()); };
  std::string x = fmt::format("<domain type='{}'>\n", c.kvm ? "kvm" : "qemu");
  x += fmt::format("  <name>{}</name>\n", XmlEscape(c.name));
  if (!c.uuid.empty()) x += fmt::format("  <uuid>{}</uuid>\n", XmlEscape(c.uuid));
  x += fmt::format("  <memory unit='MiB'>{}</memory>\n  <vcpu>{}</vcpu>\n", c.memory_mb, c.cpus);
  x += "  <os>\n    <type arch='x86_64' machine='pc'>hvm</type>\n";
  x += fmt::format("    <kernel>{}</kernel>\n    <initrd>{}</initrd>\n", e(c.kernel), e(c.initrd));
  x += fmt::format("    <cmdline>{}</cmdline>\n  </os>\n", KernelCommandLine());
  // fw_cfg rather than the kernel command line, which any process in the guest can read.
  x += "  <sysinfo type='fwcfg'>\n";
  for (const FwCfgEntry& f : c.fw_cfg) {
    x += fmt::format("    <entry name='opt/mini/{}' file='{}'/>\n", XmlEscape(f.name), e(f.file));
  }
  x += "  </sysinfo>\n  <features><acpi/></features>\n";
  // qemu64 is the fastest model under TCG (docs/vm-boot.md); with KVM, the host's own CPU.
  x += c.kvm ? "  <cpu mode='host-passthrough'/>\n"
             : "  <cpu mode='custom' match='exact'><model fallback='allow'>qemu64</model></cpu>\n";
  x += "  <clock offset='utc'/>\n";
  // A guest that powers off or reboots (the control plane exited) stays down, as under qemu.
  x += "  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>destroy</on_reboot>\n"
       "  <on_crash>destroy</on_crash>\n  <devices>\n";
  x += fmt::format(
      "    <disk type='file' device='disk'><driver name='qemu' type='raw' cache='writeback' "
      "discard='unmap'/><source file='{}'/><target dev='vda' bus='virtio'/></disk>\n",
      e(c.disk));
  x += fmt::format(
      "    <interface type='network'><mac address='{}'/><source network='{}'/>"
      "<model type='virtio'/></interface>\n",
      c.mac, XmlEscape(c.network));
  x += fmt::format(
      "    <serial type='file'><source path='{}' append='off'/><target port='0'/></serial>\n",
      e(c.console_log));
  for (const Share& s : c.shares) {
    // 9p: faster than virtiofs under emulation, and no daemon beside QEMU.
    x += fmt::format(
        "    <filesystem type='mount' accessmode='passthrough'><source dir='{}'/>"
        "<target dir='{}'/></filesystem>\n",
        e(s.host), XmlEscape(s.tag));
  }
  x += "    <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>\n"
       "    <controller type='usb' model='none'/>\n    <memballoon model='none'/>\n"
       "  </devices>\n";
  x += fmt::format(
      "  <seclabel type='static' model='dac' relabel='no'><label>+{}:+{}</label></seclabel>\n",
      c.uid, c.gid);
  return x + "</domain>\n";
}

std::string NetworkXml(const NetworkPlan& p, const std::string& host_name) {
  // NAT, so pods pull images; the host reaches the machine on the bridge. No spanning tree:
  // one machine on a bridge of its own makes no loop, and with it on the kernel holds a new
  // port out of forwarding for twice its minimum 2 s delay, longer than the guest takes to
  // send its first DHCP request (which was then lost, and /init waited for the retry).
  return fmt::format(
      "<network>\n  <name>{0}</name>\n  <forward mode='nat'/>\n  <bridge stp='off' delay='0'/>\n"
      "  <ip address='{1}' netmask='255.255.255.0'>\n    <dhcp>\n"
      "      <range start='192.168.{2}.2' end='192.168.{2}.254'/>\n"
      "      <host mac='{3}' name='{4}' ip='{5}'/>\n    </dhcp>\n  </ip>\n</network>\n",
      XmlEscape(p.name), p.HostIP(), p.third, p.mac, XmlEscape(host_name), p.GuestIP());
}

std::string DhcpHostXml(const std::string& mac, const std::string& host_name,
                        const std::string& ip) {
  return fmt::format("<host mac='{}' name='{}' ip='{}'/>", mac, XmlEscape(host_name), ip);
}

std::optional<std::string> PickReservation(const std::string& network_xml, const std::string& mac,
                                           const std::vector<std::string>& leased) {
  std::set<std::string> taken(leased.begin(), leased.end());
  for (Attributes& host : Elements(network_xml, "host")) {
    if (Lower(host["mac"]) == Lower(mac) && Ipv4(host["ip"])) return host["ip"];
    taken.insert(host["ip"]);
  }
  for (Attributes& ip : Elements(network_xml, "ip")) taken.insert(ip["address"]);
  for (Attributes& range : Elements(network_xml, "range")) {
    auto start = Ipv4(range["start"]), end = Ipv4(range["end"]);
    if (!start || !end) continue;  // IPv6
    // From the top: dnsmasq hands out dynamic addresses from anywhere in the range, but people
    // who reserve by hand tend to start at the bottom.
    for (uint32_t a = *end; a >= *start && a != 0; --a) {
      std::string text =
          fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
      if (!taken.count(text)) return text;
    }
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::string> NetworkHostAddress(const std::string& network_xml) {
  for (Attributes& ip : Elements(network_xml, "ip")) {
    if (Ipv4(ip["address"])) return ip["address"];
  }
  return std::nullopt;
}

std::optional<int> FreeSubnet(const std::vector<std::string>& taken) {
  for (int third = 39; third < 255; ++third) {
    std::string prefix = fmt::format("192.168.{}.", third);
    bool used = false;
    for (const std::string& t : taken) used = used || t.find(prefix) != std::string::npos;
    if (!used) return third;
  }
  return std::nullopt;
}

std::string MacFor(const std::string& seed) {
  size_t h = std::hash<std::string>{}(seed);
  return fmt::format("52:54:00:{:02x}:{:02x}:{:02x}", (h >> 16) & 0xff, (h >> 8) & 0xff, h & 0xff);
}

}  // namespace mini::drivers::kvm2
