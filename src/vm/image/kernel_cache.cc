#include "vm/image/kernel_cache.h"

#include <unistd.h>

#include <map>
#include <sstream>

#include "common/command.h"
#include "common/files.h"
#include "vm/image/archive.h"
#include "vm/image/kernel.h"

namespace mini::vm::image {
namespace fs = std::filesystem;

namespace {

constexpr char kKernelMeta[] = "linux-image-amd64";

Result<fs::path> KernelDeb(const fs::path& debs, const std::function<void(const std::string&)>& say) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(debs, ec)) {
    std::string name = e.path().filename().string();
    if (name.starts_with("linux-image-") && name.ends_with(".deb")) return e.path();
  }
  say("Downloading the guest kernel (Debian's " + std::string(kKernelMeta) + ") ...");
  auto deps = RunCommand({"apt-cache", "depends", kKernelMeta});
  std::string package;
  if (deps.ok()) {
    size_t at = deps->output.find("Depends: linux-image-");
    if (at != std::string::npos) {
      at += 9;
      package = deps->output.substr(at, deps->output.find_first_of(" \n", at) - at);
    }
  }
  if (package.empty()) {
    return Error(Code::kFailedPrecondition, "apt knows no {} package", kKernelMeta)
        .WithAdvice("run \"sudo apt-get update\" on a Debian host with a Debian mirror configured")
        .WithReason("GUEST_IMAGE_KERNEL");
  }
  MINI_RETURN_IF_ERROR(MakeDirs(debs, 0755));
  // As root, apt downloads as its own unprivileged user, who cannot write into MINI_HOME.
  std::string sandbox = ::geteuid() == 0 ? "-oAPT::Sandbox::User=root" : "-oDebug::NoLocking=0";
  auto got = RunCommand({"sh", "-c", "cd \"$0\" && apt-get \"$2\" download \"$1\"", debs.string(),
                         package, sandbox},
                        std::chrono::minutes(10));
  if (!got.ok() || got->exit_code != 0) {
    return Error(Code::kUnavailable, "apt-get download {} failed: {}", package,
                 got.ok() ? got->output : got.status().message())
        .WithAdvice("check that apt can reach its Debian mirror (sudo apt-get update)")
        .WithReason("GUEST_IMAGE_KERNEL");
  }
  return KernelDeb(debs, say);
}

// The module directories extracted; a kernel extracted with another list is extracted again.
constexpr const char* kModuleDirs[] = {
    "kernel/fs/", "kernel/net/", "kernel/crypto/", "kernel/lib/", "kernel/arch/", "kernel/block/",
    "kernel/drivers/virtio/", "kernel/drivers/block/", "kernel/drivers/net/",
    "kernel/drivers/char/", "kernel/drivers/firmware/", "kernel/drivers/input/",
    "kernel/drivers/acpi/",
    // VirtualBox's disks and CD drives: SATA (AHCI) or IDE (PIIX) under the SCSI disk and CD
    // drivers.
    "kernel/drivers/ata/", "kernel/drivers/scsi/", "kernel/drivers/cdrom/"};

std::string ModuleDirList() {
  std::string list;
  for (const char* dir : kModuleDirs) list += std::string(dir) + "\n";
  return list;
}

bool WantedModuleDir(const std::string& rel) {
  for (const char* dir : kModuleDirs) {
    if (rel.starts_with(dir)) return true;
  }
  return false;
}

// cache/kernel/<deb>/vmlinux and modules/<name>.ko (flat), plus "version" and "module-dirs".
Status ExtractKernel(const fs::path& deb, const fs::path& dir, const std::function<void(const std::string&)>& say) {
  say("Extracting the guest kernel from " + deb.filename().string() + " ...");
  fs::path tmp = dir.string() + ".tmp";
  MINI_RETURN_IF_ERROR(RemoveAll(tmp));
  MINI_RETURN_IF_ERROR(MakeDirs(tmp / "modules", 0755));
  std::string version;
  bool have_kernel = false;
  MINI_RETURN_IF_ERROR(ForEachDebFile(deb.string(), [&](const DebEntry& e, const auto& read) -> Status {
    if (e.is_dir || e.is_symlink) return Status::Ok();
    if (e.path.starts_with("boot/vmlinuz-")) {
      MINI_ASSIGN_OR_RETURN(std::string bz, read());
      MINI_ASSIGN_OR_RETURN(std::string elf, ExtractVmlinux(bz));
      have_kernel = true;
      version = e.path.substr(13);
      return AtomicWriteFile(tmp / "vmlinux", elf, 0644, Durability::kVolatile);
    }
    static const std::string kMods = "lib/modules/";
    if (!e.path.starts_with(kMods) || !e.path.ends_with(".ko")) return Status::Ok();
    std::string rel = e.path.substr(e.path.find('/', kMods.size()) + 1);
    if (!WantedModuleDir(rel)) return Status::Ok();
    MINI_ASSIGN_OR_RETURN(std::string ko, read());
    return AtomicWriteFile(tmp / "modules" / (ModuleName(rel) + ".ko"), StripModuleSignature(ko),
                           0644, Durability::kVolatile);
  }));
  if (!have_kernel) {
    return Error(Code::kInvalidArgument, "{} holds no /boot/vmlinuz", deb.string());
  }
  MINI_RETURN_IF_ERROR(
      AtomicWriteFile(tmp / "module-dirs", ModuleDirList(), 0644, Durability::kVolatile));
  MINI_RETURN_IF_ERROR(AtomicWriteFile(tmp / "version", version, 0644, Durability::kVolatile));
  MINI_RETURN_IF_ERROR(RemoveAll(dir));
  std::error_code ec;
  fs::rename(tmp, dir, ec);
  return ec ? ErrnoError(Code::kInternal, ec.value(), "renaming " + tmp.string()) : Status::Ok();
}

}  // namespace

Result<Kernel> EnsureKernel(const fs::path& cache_dir,
                             const std::function<void(const std::string&)>& say) {
  MINI_ASSIGN_OR_RETURN(fs::path deb, KernelDeb(cache_dir / "debs", say));
  fs::path dir = cache_dir / "kernel" / deb.stem();
  auto dirs = ReadFile(dir / "module-dirs");
  if (!fs::exists(dir / "version") || !dirs.ok() || *dirs != ModuleDirList()) {
    MINI_RETURN_IF_ERROR(ExtractKernel(deb, dir, say));
  }
  MINI_ASSIGN_OR_RETURN(std::string version, ReadFile(dir / "version"));
  return Kernel{dir, version};
}

Result<std::vector<std::string>> ModuleOrder(const fs::path& modules,
                                             const std::vector<std::string>& wanted) {
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> info;
  auto load = [&](const std::string& name) -> const std::vector<std::pair<std::string, std::string>>* {
    auto it = info.find(name);
    if (it != info.end()) return &it->second;
    auto ko = ReadFile(modules / (name + ".ko"));
    if (!ko.ok()) return nullptr;
    auto mi = ReadModInfo(*ko);
    if (!mi.ok()) return nullptr;
    return &info.emplace(name, *mi).first->second;
  };
  auto split = [](const std::string& s, char sep) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string w; std::getline(in, w, sep);) {
      if (!w.empty()) out.push_back(w);
    }
    return out;
  };
  auto lookup = [&](const std::string& name) -> std::optional<ModuleDeps> {
    const auto* mi = load(name);
    if (mi == nullptr) return std::nullopt;
    ModuleDeps d;
    for (const auto& [k, v] : *mi) {
      if (k == "depends") d.depends = split(v, ',');
      if (k == "softdep") {
        bool pre = false;
        for (const std::string& w : split(v, ' ')) {
          if (w.ends_with(':')) pre = w == "pre:";
          else if (pre) d.pre.push_back(w);
        }
      }
    }
    return d;
  };
  // Softdeps name algorithms (crc32c): the generic C implementation always exists.
  auto alias = [&](const std::string& name) -> std::optional<std::string> {
    if (fs::exists(modules / (ModuleName(name) + "_generic.ko"))) return name + "_generic";
    return std::nullopt;
  };
  return OrderModules(wanted, lookup, alias);
}

}  // namespace mini::vm::image
