// What the host hands the guest's /init (images/guest/init.sh) as named files: the qemu and
// kvm2 drivers through fw_cfg (opt/mini/<name>), the virtualbox driver on a configuration ISO.
// One list, so every driver's guest sees the same names and contents.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/status.h"
#include "vm/driver.h"

namespace mini::drivers::qemu {

struct GuestFile {
  std::string name;  // as the guest reads it: opt/mini/<name>, or <name> on the ISO
  std::filesystem::path file;
};

struct GuestShare {
  std::filesystem::path host;
  std::string tag;  // the 9p tag the guest mounts, named in the "mounts" file
};

struct GuestConfig {
  std::vector<GuestFile> files;
  std::vector<GuestShare> shares;
};

struct GuestConfigOptions {
  uint16_t api_port = 8443;  // --secure-port in the guest
  std::string network;       // the "network" file's line; empty: none (QEMU's user network)
};

/// Writes the generated files (args, hostname, authorized_keys, mounts, and network when given)
/// into the machine's config directory and lists them with the ssh host key and the profile's
/// certificates and API server key, which stay where they are.
Result<GuestConfig> WriteGuestConfig(const vm::MachineSpec& spec,
                                     const GuestConfigOptions& options);

}  // namespace mini::drivers::qemu
