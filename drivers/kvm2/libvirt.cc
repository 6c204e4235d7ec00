#include "drivers/kvm2/libvirt.h"

#include <dlfcn.h>

#include <mutex>

namespace mini::drivers::kvm2 {

namespace {

// libvirt prints every error to stderr unless told otherwise; mini reports them itself.
void Quiet(void*, virErrorPtr) {}

template <typename Fn>
bool Resolve(void* lib, Fn& fn, const char* name) {
  fn = reinterpret_cast<Fn>(::dlsym(lib, name));
  return fn != nullptr;
}

Result<const LibvirtApi*> Load() {
  void* lib = ::dlopen("libvirt.so.0", RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    return Error(Code::kFailedPrecondition, "libvirt is not installed ({})", ::dlerror())
        .WithAdvice(kInstallAdvice)
        .WithReason("DRV_KVM2_NO_LIBVIRT");
  }
  static LibvirtApi api;
  bool ok = true;
#define MINI_VIRT_RESOLVE(name) ok = Resolve(lib, api.name, #name) && ok
  MINI_VIRT_RESOLVE(virConnectOpen);
  MINI_VIRT_RESOLVE(virConnectClose);
  MINI_VIRT_RESOLVE(virConnectListAllNetworks);
  MINI_VIRT_RESOLVE(virGetLastErrorMessage);
  MINI_VIRT_RESOLVE(virSetErrorFunc);
  MINI_VIRT_RESOLVE(virDomainLookupByName);
  MINI_VIRT_RESOLVE(virDomainDefineXML);
  MINI_VIRT_RESOLVE(virDomainCreate);
  MINI_VIRT_RESOLVE(virDomainShutdown);
  MINI_VIRT_RESOLVE(virDomainDestroy);
  MINI_VIRT_RESOLVE(virDomainUndefine);
  MINI_VIRT_RESOLVE(virDomainGetState);
  MINI_VIRT_RESOLVE(virDomainSuspend);
  MINI_VIRT_RESOLVE(virDomainResume);
  MINI_VIRT_RESOLVE(virDomainFree);
  MINI_VIRT_RESOLVE(virDomainGetUUIDString);
  MINI_VIRT_RESOLVE(virDomainInterfaceAddresses);
  MINI_VIRT_RESOLVE(virDomainInterfaceFree);
  MINI_VIRT_RESOLVE(virNetworkLookupByName);
  MINI_VIRT_RESOLVE(virNetworkDefineXML);
  MINI_VIRT_RESOLVE(virNetworkCreate);
  MINI_VIRT_RESOLVE(virNetworkDestroy);
  MINI_VIRT_RESOLVE(virNetworkUndefine);
  MINI_VIRT_RESOLVE(virNetworkIsActive);
  MINI_VIRT_RESOLVE(virNetworkGetXMLDesc);
  MINI_VIRT_RESOLVE(virNetworkUpdate);
  MINI_VIRT_RESOLVE(virNetworkGetDHCPLeases);
  MINI_VIRT_RESOLVE(virNetworkDHCPLeaseFree);
  MINI_VIRT_RESOLVE(virNetworkFree);
#undef MINI_VIRT_RESOLVE
  if (!ok) {
    return Error(Code::kFailedPrecondition, "the installed libvirt is too old for mini")
        .WithAdvice("upgrade libvirt to 6.0 or newer")
        .WithReason("DRV_KVM2_NO_LIBVIRT");
  }
  api.virSetErrorFunc(nullptr, Quiet);
  return &api;
}

}  // namespace

Result<const LibvirtApi*> LoadLibvirt() {
  static std::once_flag once;
  static Result<const LibvirtApi*> loaded = Status(Code::kInternal, "not loaded");
  std::call_once(once, [] { loaded = Load(); });
  return loaded;
}

Result<std::unique_ptr<Libvirt>> Libvirt::Connect(const std::string& uri) {
  MINI_ASSIGN_OR_RETURN(const LibvirtApi* api, LoadLibvirt());
  virConnectPtr conn = api->virConnectOpen(uri.c_str());
  if (conn == nullptr) {
    const char* why = api->virGetLastErrorMessage();
    return Error(Code::kUnavailable, "cannot connect to libvirt at {}: {}", uri,
                 why ? why : "unknown error")
        .WithAdvice(
            "start the libvirt daemons (sudo systemctl start libvirtd, or virtlogd -d and "
            "libvirtd -d as root), and make sure you may use them (the libvirt group); "
            "another daemon is chosen with --kvm-qemu-uri")
        .WithReason("DRV_KVM2_NO_DAEMON");
  }
  return std::unique_ptr<Libvirt>(new Libvirt(api, conn));
}

Libvirt::~Libvirt() { api_->virConnectClose(conn_); }

DomainPtr Libvirt::FindDomain(const std::string& name) const {
  return DomainPtr(api_->virDomainLookupByName(conn_, name.c_str()), api_->virDomainFree);
}

NetworkPtr Libvirt::FindNetwork(const std::string& name) const {
  return NetworkPtr(api_->virNetworkLookupByName(conn_, name.c_str()), api_->virNetworkFree);
}

std::vector<std::string> Libvirt::NetworkXmls() const {
  virNetworkPtr* nets = nullptr;
  int n = api_->virConnectListAllNetworks(conn_, &nets, 0);
  std::vector<std::string> xmls;
  for (int i = 0; i < n; ++i) {
    if (char* xml = api_->virNetworkGetXMLDesc(nets[i], 0)) {
      xmls.emplace_back(xml);
      ::free(xml);
    }
    api_->virNetworkFree(nets[i]);
  }
  ::free(nets);
  return xmls;
}

Status Libvirt::Failed(Code code, const std::string& what) const {
  const char* why = api_->virGetLastErrorMessage();
  return Error(code, "{}: {}", what, why ? why : "unknown libvirt error");
}

}  // namespace mini::drivers::kvm2
