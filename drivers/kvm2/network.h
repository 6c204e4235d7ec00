// The private network of a kvm2 machine, mini-<profile>: planned once (a free /24 and a MAC,
// kept in <machine_dir>/network.json so the machine's address never changes), created in
// libvirt when the machine starts, removed with the machine.
#pragma once

#include <chrono>

#include "drivers/kvm2/domain_xml.h"
#include "drivers/kvm2/libvirt.h"
#include "vm/driver.h"

namespace mini::drivers::kvm2 {

/// The kept plan, or a new one on a subnet no libvirt network and no host address uses.
Result<NetworkPlan> EnsurePlan(const Libvirt& virt, const vm::MachineSpec& spec);
/// The kept plan; kNotFound before the first start.
Result<NetworkPlan> ReadPlan(const vm::MachineSpec& spec);

/// Defines the network if needed and starts it if inactive.
Status EnsureNetwork(const Libvirt& virt, const NetworkPlan& plan, const std::string& host_name);
/// Stops and undefines it; OK when it does not exist.
Status RemoveNetwork(const Libvirt& virt, const std::string& name);

/// The address dnsmasq leased to the domain's MAC, waiting for it up to `timeout`.
/// kDeadlineExceeded when the guest asked for none in time.
Result<std::string> WaitForLease(const Libvirt& virt, virDomainPtr domain, const std::string& mac,
                                 std::chrono::milliseconds timeout);

}  // namespace mini::drivers::kvm2
