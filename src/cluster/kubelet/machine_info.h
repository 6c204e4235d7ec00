// What the node agent reports about the machine it runs on: sizes for capacity, free amounts
// for the pressure conditions, and identity for nodeInfo. Read from /proc, /etc and the data
// directory's filesystem; plain data, so node status logic is tested without a machine.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "common/status.h"

namespace mini::cluster::kubelet {

struct MachineInfo {
  int64_t cpus = 0;
  int64_t memory_bytes = 0;
  int64_t memory_available_bytes = 0;
  int64_t storage_bytes = 0;  // the filesystem holding the data directory
  int64_t storage_available_bytes = 0;
  int64_t pid_max = 0;
  int64_t processes = 0;  // running now, against pid_max for PID pressure
  std::string hostname;
  std::string kernel_version;  // uname -r
  std::string os_image;        // PRETTY_NAME of /etc/os-release
  std::string machine_id;
  std::string boot_id;
  std::string system_uuid;
};

/// Reads the machine now. Missing identity files leave their fields empty; sizes that cannot
/// be read are errors.
Result<MachineInfo> ReadMachineInfo(const std::filesystem::path& data_dir);

}  // namespace mini::cluster::kubelet
