// The network of a kvm2 machine: by default a private one, mini-<profile>, created in libvirt
// when the machine starts and removed with it; or an existing one named by --kvm-network
// (libvirt's `default`), started when inactive and never removed, where only the machine's
// DHCP reservation is added and taken away again. Planned once (a MAC and the address, kept in
// <machine_dir>/network.json so the machine's address never changes).
#pragma once

#include <chrono>

#include "drivers/kvm2/domain_xml.h"
#include "drivers/kvm2/libvirt.h"
#include "vm/driver.h"

namespace mini::drivers::kvm2 {

/// The kept plan, or a new one: on a subnet no libvirt network and no host address uses, or on
/// the existing network --kvm-network names (kNotFound when there is none; started if inactive).
Result<NetworkPlan> EnsurePlan(const Libvirt& virt, const vm::MachineSpec& spec);
/// The kept plan; kNotFound before the first start.
Result<NetworkPlan> ReadPlan(const vm::MachineSpec& spec);

/// Defines the network if needed (own) and starts it if inactive; on an existing network,
/// reserves the machine's address for its MAC.
Status EnsureNetwork(const Libvirt& virt, const NetworkPlan& plan, const std::string& host_name);
/// Stops and undefines the machine's own network, or takes its reservation off an existing
/// one; OK when either is gone already.
Status ReleaseNetwork(const Libvirt& virt, const NetworkPlan& plan, const std::string& host_name);

/// The address dnsmasq leased to the domain's MAC, waiting for it up to `timeout`.
/// kDeadlineExceeded when the guest asked for none in time.
Result<std::string> WaitForLease(const Libvirt& virt, virDomainPtr domain, const std::string& mac,
                                 std::chrono::milliseconds timeout);

}  // namespace mini::drivers::kvm2
