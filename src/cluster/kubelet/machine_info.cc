#include "cluster/kubelet/machine_info.h"

#include <sys/statvfs.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "common/files.h"

namespace mini::cluster::kubelet {
namespace {

std::string FirstLine(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// "MemAvailable:  123456 kB" -> bytes; -1 when the key is absent.
int64_t MeminfoBytes(const std::string& meminfo, std::string_view key) {
  size_t at = meminfo.find(std::string(key) + ":");
  if (at == std::string::npos) return -1;
  std::istringstream in(meminfo.substr(at + key.size() + 1));
  int64_t kib = -1;
  in >> kib;
  return kib < 0 ? -1 : kib * 1024;
}

std::string OsImage() {
  std::ifstream in("/etc/os-release");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("PRETTY_NAME=")) {
      std::string value = line.substr(12);
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      return value;
    }
  }
  return "Linux";
}

}  // namespace

Result<MachineInfo> ReadMachineInfo(const std::filesystem::path& data_dir) {
  MachineInfo info;
  info.cpus = sysconf(_SC_NPROCESSORS_ONLN);
  MINI_ASSIGN_OR_RETURN(std::string meminfo, ReadFile("/proc/meminfo"));
  info.memory_bytes = MeminfoBytes(meminfo, "MemTotal");
  info.memory_available_bytes = MeminfoBytes(meminfo, "MemAvailable");
  if (info.memory_bytes <= 0 || info.memory_available_bytes < 0) {
    return Status(Code::kInternal, "cannot read the memory size from /proc/meminfo");
  }
  struct statvfs fs {};
  if (statvfs(data_dir.c_str(), &fs) != 0) {
    return Status(Code::kInternal, "cannot read the size of the filesystem of " + data_dir.string());
  }
  info.storage_bytes = static_cast<int64_t>(fs.f_blocks) * static_cast<int64_t>(fs.f_frsize);
  info.storage_available_bytes = static_cast<int64_t>(fs.f_bavail) * static_cast<int64_t>(fs.f_frsize);
  info.pid_max = std::atoll(FirstLine("/proc/sys/kernel/pid_max").c_str());
  struct sysinfo system {};
  if (sysinfo(&system) == 0) info.processes = system.procs;
  struct utsname name {};
  if (uname(&name) == 0) {
    info.kernel_version = name.release;
    info.hostname = name.nodename;
  }
  info.os_image = OsImage();
  info.machine_id = FirstLine("/etc/machine-id");
  info.boot_id = FirstLine("/proc/sys/kernel/random/boot_id");
  info.system_uuid = FirstLine("/sys/class/dmi/id/product_uuid");
  return info;
}

}  // namespace mini::cluster::kubelet
