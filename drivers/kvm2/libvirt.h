// libvirt's C API, loaded at run time with dlopen: mini must run (and its guest image must not
// grow by libvirt's forty libraries) on hosts without libvirt, where the kvm2 driver's host
// check then says what to install. Handles close themselves; errors carry libvirt's message.
#pragma once

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace mini::drivers::kvm2 {

/// The functions the driver calls, resolved from libvirt.so.0.
struct LibvirtApi {
#define MINI_VIRT_FN(name) decltype(&::name) name = nullptr
  MINI_VIRT_FN(virConnectOpen);
  MINI_VIRT_FN(virConnectClose);
  MINI_VIRT_FN(virConnectListAllNetworks);
  MINI_VIRT_FN(virGetLastErrorMessage);
  MINI_VIRT_FN(virSetErrorFunc);
  MINI_VIRT_FN(virDomainLookupByName);
  MINI_VIRT_FN(virDomainDefineXML);
  MINI_VIRT_FN(virDomainCreate);
  MINI_VIRT_FN(virDomainShutdown);
  MINI_VIRT_FN(virDomainDestroy);
  MINI_VIRT_FN(virDomainUndefine);
  MINI_VIRT_FN(virDomainGetState);
  MINI_VIRT_FN(virDomainSuspend);
  MINI_VIRT_FN(virDomainResume);
  MINI_VIRT_FN(virDomainFree);
  MINI_VIRT_FN(virDomainGetUUIDString);
  MINI_VIRT_FN(virDomainInterfaceAddresses);
  MINI_VIRT_FN(virDomainInterfaceFree);
  MINI_VIRT_FN(virNetworkLookupByName);
  MINI_VIRT_FN(virNetworkDefineXML);
  MINI_VIRT_FN(virNetworkCreate);
  MINI_VIRT_FN(virNetworkDestroy);
  MINI_VIRT_FN(virNetworkUndefine);
  MINI_VIRT_FN(virNetworkIsActive);
  MINI_VIRT_FN(virNetworkGetXMLDesc);
  MINI_VIRT_FN(virNetworkUpdate);
  MINI_VIRT_FN(virNetworkGetDHCPLeases);
  MINI_VIRT_FN(virNetworkDHCPLeaseFree);
  MINI_VIRT_FN(virNetworkFree);
#undef MINI_VIRT_FN
};

/// The library, loaded once. kFailedPrecondition with what to install when it is missing.
Result<const LibvirtApi*> LoadLibvirt();

inline constexpr char kInstallAdvice[] =
    "install libvirt: sudo apt-get install libvirt-daemon-system libvirt-daemon-driver-qemu "
    "dnsmasq-base, then start libvirtd";

class Libvirt;
using DomainPtr = std::unique_ptr<virDomain, int (*)(virDomainPtr)>;
using NetworkPtr = std::unique_ptr<virNetwork, int (*)(virNetworkPtr)>;

/// One connection to a libvirt daemon.
class Libvirt {
 public:
  /// kUnavailable with advice when the daemon cannot be reached at `uri`.
  static Result<std::unique_ptr<Libvirt>> Connect(const std::string& uri);
  ~Libvirt();
  Libvirt(const Libvirt&) = delete;
  Libvirt& operator=(const Libvirt&) = delete;

  const LibvirtApi& api() const { return *api_; }
  virConnectPtr conn() const { return conn_; }

  /// nullptr (not an error) when there is no such domain or network.
  DomainPtr FindDomain(const std::string& name) const;
  NetworkPtr FindNetwork(const std::string& name) const;
  /// The XML of every network libvirt knows, to find a free subnet.
  std::vector<std::string> NetworkXmls() const;
  /// A Status of `code` for a failed call, with libvirt's last message.
  Status Failed(Code code, const std::string& what) const;

 private:
  Libvirt(const LibvirtApi* api, virConnectPtr conn) : api_(api), conn_(conn) {}
  const LibvirtApi* api_;
  virConnectPtr conn_;
};

}  // namespace mini::drivers::kvm2
