#include "drivers/qemu/guest_config.h"

#include "common/files.h"
#include "drivers/qemu/machine_files.h"

namespace mini::drivers::qemu {
namespace fs = std::filesystem;

Result<GuestConfig> WriteGuestConfig(const vm::MachineSpec& spec, const GuestConfigOptions& o) {
  GuestConfig config;
  std::string mounts;
  for (const vm::SharedDir& m : spec.mounts) {
    std::string tag = "mini" + std::to_string(config.shares.size());
    config.shares.push_back({m.host, tag});
    mounts += tag + " " + m.guest + "\n";
  }
  // Never on the kernel command line, which any process in the guest can read.
  fs::path dir = spec.machine_dir / "config";
  std::string args = "--secure-port=" + std::to_string(o.api_port) + "\n";
  for (const std::string& flag : spec.control_plane_flags) args += flag + "\n";
  MINI_ASSIGN_OR_RETURN(std::string key, ReadFile(SshKey(spec).string() + ".pub"));
  std::vector<std::pair<std::string, std::string>> generated = {
      {"args", args}, {"hostname", spec.name + "\n"}, {"authorized_keys", key}, {"mounts", mounts}};
  if (!o.network.empty()) generated.emplace_back("network", o.network + "\n");
  for (const auto& [name, content] : generated) {
    MINI_RETURN_IF_ERROR(AtomicWriteFile(dir / name, content, 0600));
    config.files.push_back({name, dir / name});
  }
  config.files.push_back({"ssh_host_key", HostKey(spec)});
  config.files.push_back({"ca.crt", spec.ca_cert});
  config.files.push_back({"apiserver.crt", spec.serving_cert});
  config.files.push_back({"apiserver.key", spec.serving_key});
  return config;
}

}  // namespace mini::drivers::qemu
