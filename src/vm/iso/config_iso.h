// The guest's configuration as a small ISO 9660 volume, for hypervisors without QEMU's fw_cfg
// (VirtualBox): the guest's /init finds it by its volume label and reads the same file names
// it would read under fw_cfg's opt/mini/. Rock Ridge keeps the names as they are.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/status.h"

namespace mini::vm::iso {

/// What images/guest/init.sh looks for. A volume identifier may hold only ISO 9660's
/// d-characters (A-Z, 0-9, _): libarchive would write "MINI-CONFIG" as this anyway.
inline constexpr char kConfigVolumeLabel[] = "MINI_CONFIG";

struct ConfigFile {
  std::string name;  // a plain file name, no directories
  std::filesystem::path source;
};

/// Writes the files into an ISO at `out` (mode 0600: it holds the API server's key), through a
/// temporary file renamed over `out`, so a reader sees the old volume or the new one.
/// kInvalidArgument for an empty, nested or repeated name; kNotFound for a missing source.
Status WriteConfigIso(const std::filesystem::path& out, const std::vector<ConfigFile>& files);

}  // namespace mini::vm::iso
