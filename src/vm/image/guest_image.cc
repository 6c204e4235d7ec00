#include "vm/image/guest_image.h"

#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <spdlog/spdlog.h>

#include "common/command.h"
#include "common/files.h"
#include "vm/image/archive.h"
#include "vm/image/guest_init.h"
#include "vm/image/kernel.h"
#include "vm/image/kernel_cache.h"
#include "vm/image/packages.h"

namespace mini::vm::image {
namespace fs = std::filesystem;

namespace {

// Bumped whenever the layout below changes in a way the inputs do not show.
constexpr char kRecipeVersion[] = "guest-1";

// Host programs copied in, with their libraries: {path in the guest, candidates on the host}.
struct Program {
  const char* guest;
  std::vector<const char*> host;
  const char* package;
};
const std::vector<Program>& Programs() {
  static const std::vector<Program> programs = {
      {"usr/bin/busybox", {"/bin/busybox", "/usr/bin/busybox"}, "busybox-static"},
      {"usr/bin/crun", {"/usr/bin/crun"}, "crun"},
      {"usr/sbin/nft", {"/usr/sbin/nft"}, "nftables"},
      {"usr/sbin/ip", {"/usr/sbin/ip", "/sbin/ip", "/bin/ip"}, "iproute2"},
      {"usr/sbin/mke2fs", {"/usr/sbin/mke2fs", "/sbin/mke2fs"}, "e2fsprogs"},
      {"usr/sbin/dropbear", {"/usr/sbin/dropbear"}, "dropbear-bin"},
  };
  return programs;
}
constexpr char kCaBundle[] = "/etc/ssl/certs/ca-certificates.crt";

Status Missing(const char* what, const char* package) {
  return Error(Code::kFailedPrecondition, "the guest image needs {}, which is not installed", what)
      .WithAdvice(fmt::format("install it: sudo apt-get install {} (or run scripts/setup)", package))
      .WithReason("GUEST_IMAGE_INPUT");
}

std::string Hex(const unsigned char* p, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += digits[p[i] >> 4];
    s += digits[p[i] & 15];
  }
  return s;
}

std::string Sha256Hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return Hex(md, len);
}

// What identifies a host file for the cache key: a rebuilt or upgraded file changes size or
// modification time (hashing the 300+ MB mini binary on every start would cost a second).
std::string Identity(const fs::path& p) {
  struct stat st{};
  if (::stat(p.c_str(), &st) != 0) return p.string() + ":missing\n";
  return fmt::format("{}:{}:{}.{}\n", p.string(), st.st_size, st.st_mtim.tv_sec,
                     st.st_mtim.tv_nsec);
}

// The shared libraries (and the ELF interpreter) a program loads, as ldd resolves them.
Result<std::vector<std::string>> Libraries(const fs::path& program) {
  auto out = RunCommand({"ldd", program.string()});
  if (!out.ok()) return out.status();
  std::vector<std::string> libs;
  std::istringstream lines(out->output);
  for (std::string line; std::getline(lines, line);) {
    size_t arrow = line.find("=> /");
    size_t start = arrow != std::string::npos ? arrow + 3 : line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] != '/') continue;
    libs.push_back(line.substr(start, line.find(' ', start) - start));
  }
  return libs;
}

// Guest paths are merged-/usr: /lib and /lib64 are symlinks into /usr.
std::string GuestPath(const std::string& host_path) {
  std::string p = host_path.substr(1);
  for (const char* top : {"lib/", "lib64/", "bin/", "sbin/"}) {
    if (p.starts_with(top)) return "usr/" + p;
  }
  return p;
}

// --- the initramfs ---

class Initramfs {
 public:
  explicit Initramfs(CpioWriter& w) : w_(w) {}

  Status Dir(const std::string& path) {
    if (path.empty() || dirs_.count(path)) return Status::Ok();
    MINI_RETURN_IF_ERROR(Dir(fs::path(path).parent_path().string()));
    dirs_.insert(path);
    return w_.AddDir(path);
  }
  Status File(const std::string& path, std::string_view data, mode_t mode) {
    if (files_.count(path)) return Status::Ok();
    MINI_RETURN_IF_ERROR(Dir(fs::path(path).parent_path().string()));
    files_.insert(path);
    return w_.AddFile(path, data, mode);
  }
  Status HostFile(const std::string& path, const fs::path& host, mode_t mode) {
    if (files_.count(path)) return Status::Ok();
    MINI_ASSIGN_OR_RETURN(std::string data, ReadFile(host));
    return File(path, data, mode);
  }
  Status Symlink(const std::string& path, const std::string& target) {
    if (files_.count(path)) return Status::Ok();
    MINI_RETURN_IF_ERROR(Dir(fs::path(path).parent_path().string()));
    files_.insert(path);
    return w_.AddSymlink(path, target);
  }
  bool Has(const std::string& path) const { return files_.count(path) > 0; }

 private:
  CpioWriter& w_;
  std::set<std::string> dirs_, files_;
};

// What the guest gets of the host's programs: host file (symlinks resolved) -> guest paths.
using Plan = std::map<fs::path, std::set<std::string>>;

Status PlanProgram(Plan& plan, const std::string& guest, const fs::path& host) {
  plan[fs::canonical(host)].insert(guest);
  MINI_ASSIGN_OR_RETURN(std::vector<std::string> libs, Libraries(host));
  for (const std::string& lib : libs) plan[fs::canonical(lib)].insert(GuestPath(lib));
  return Status::Ok();
}

// Debug information is most of the binary; the guest has no use for it.
Result<fs::path> Stripped(const fs::path& binary, const fs::path& work) {
  fs::path out = work / binary.filename();
  auto r = RunCommand({"strip", "-o", out.string(), binary.string()}, std::chrono::minutes(2));
  if (r.ok() && r->exit_code == 0) return out;
  spdlog::warn("cannot strip {} (is binutils installed?); copying it whole", binary.string());
  return binary;
}

constexpr char kEtcFiles[][2][128] = {
    {"etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n"},
    {"etc/group", "root:x:0:\nnogroup:x:65534:\n"},
    {"etc/shells", "/bin/sh\n"},
    {"etc/hosts", "127.0.0.1 localhost\n::1 localhost\n"},
    {"etc/os-release", "NAME=mini\nID=mini\nPRETTY_NAME=\"mini guest (Debian 12 based)\"\n"},
};

// What udhcpc runs with the lease (busybox ships no default script).
constexpr char kUdhcpcScript[] = R"(#!/bin/sh
[ "$1" = bound ] || [ "$1" = renew ] || exit 0
/usr/sbin/ip addr flush dev "$interface"
/usr/sbin/ip addr add "$ip/${mask:-24}" dev "$interface"
for r in $router; do /usr/sbin/ip route replace default via "$r"; break; done
: > /etc/resolv.conf
for d in $dns; do echo "nameserver $d" >> /etc/resolv.conf; done
)";

struct ModuleLists {
  std::vector<std::string> devices, pods, pc;  // each in load order, without the devices'
};

Status WriteInitramfs(const fs::path& out, const Kernel& kernel, const ModuleLists& modules,
                      const GuestImageOptions& o,
                      const fs::path& work) {
  MINI_ASSIGN_OR_RETURN(auto writer, CpioWriter::Create(out.string()));
  Initramfs img(*writer);
  for (const char* top : {"bin", "sbin", "lib", "lib64"}) {
    MINI_RETURN_IF_ERROR(img.Symlink(top, std::string("usr/") + top));
  }
  for (const char* d : {"proc", "sys", "dev", "run", "tmp", "root", "var/lib/mini", "etc/mini",
                        "usr/lib64", "mnt"}) {
    MINI_RETURN_IF_ERROR(img.Dir(d));
  }
  MINI_RETURN_IF_ERROR(img.File("init", GuestInitScript(), 0755));
  Plan plan;
  MINI_ASSIGN_OR_RETURN(fs::path mini, Stripped(o.mini_binary, work));
  MINI_RETURN_IF_ERROR(PlanProgram(plan, "usr/bin/mini", mini));
  fs::path shim = o.mini_binary.parent_path() / "mini-shim";
  if (fs::exists(shim)) {
    MINI_ASSIGN_OR_RETURN(fs::path stripped, Stripped(shim, work));
    MINI_RETURN_IF_ERROR(PlanProgram(plan, "usr/bin/mini-shim", stripped));
  }
  for (const Program& p : Programs()) {
    for (const char* host : p.host) {
      if (fs::exists(host)) {
        MINI_RETURN_IF_ERROR(PlanProgram(plan, p.guest, host));
        break;
      }
    }
  }
  // Each file comes from the package that installed it (mini itself from the build).
  std::vector<fs::path> hosts;
  for (const auto& [host, guests] : plan) hosts.push_back(host);
  MINI_ASSIGN_OR_RETURN(PackageFiles packages,
                        PackageFiles::Fetch(hosts, o.cache_dir / "debs", o.say));
  Status read = packages.Read([&](const fs::path& host, std::string data) -> Status {
    for (const std::string& guest : plan[host]) MINI_RETURN_IF_ERROR(img.File(guest, data, 0755));
    return Status::Ok();
  });
  MINI_RETURN_IF_ERROR(read);
  spdlog::info("guest userland from {}", fmt::join(packages.Packages(), " "));
  // Every busybox applet the real programs above do not replace.
  auto applets = RunCommand({"/bin/busybox", "--list-full"});
  if (applets.ok()) {
    std::istringstream lines(applets->output);
    for (std::string a; std::getline(lines, a);) {
      if (a.empty() || a.ends_with("/busybox")) continue;
      std::string guest = a.starts_with("usr/") ? a : "usr/" + a;
      if (img.Has(guest)) continue;
      MINI_RETURN_IF_ERROR(img.Symlink(guest, "/usr/bin/busybox"));
    }
  }
  // Made by update-ca-certificates from the ca-certificates package; no package ships it.
  MINI_RETURN_IF_ERROR(img.HostFile(std::string(kCaBundle).substr(1), kCaBundle, 0644));
  for (const auto& [path, text] : kEtcFiles) MINI_RETURN_IF_ERROR(img.File(path, text, 0644));
  MINI_RETURN_IF_ERROR(img.File("etc/mini/udhcpc.sh", kUdhcpcScript, 0755));
  fs::path mods = "usr/lib/modules/" + kernel.version;
  for (auto [list, name] : {std::pair{&modules.devices, "devices"},
                            std::pair{&modules.pods, "pods"}, std::pair{&modules.pc, "pc"}}) {
    std::string order;
    for (const std::string& m : *list) {
      MINI_RETURN_IF_ERROR(img.HostFile((mods / (m + ".ko")).string(),
                                        kernel.dir / "modules" / (m + ".ko"), 0644));
      order += m + "\n";
    }
    MINI_RETURN_IF_ERROR(img.File(std::string("etc/mini/modules.") + name, order, 0644));
  }
  return writer->Close();
}

}  // namespace

const GuestModuleSets& GuestModules() {
  static const GuestModuleSets sets = {
      // The disk, the network card, fw_cfg (the configuration) and the power button, on
      // virtio-mmio (microvm) or PCI (the pc and q35 machines libvirt and VirtualBox use);
      // 9p over virtio (--mount-string) and over TCP (mini mount).
      {"virtio_mmio", "virtio_pci", "virtio_blk", "virtio_net", "virtio_rng", "qemu_fw_cfg", "ext4", "button",
       "evdev", "9pnet_virtio", "9pnet_fd", "9p"},
      // Overlay roots, veth pairs on a bridge, nftables NAT for Services and hostPorts.
      {"overlay", "veth", "bridge", "br_netfilter", "nf_tables", "nft_chain_nat", "nft_nat",
       "nft_masq", "nft_ct", "nft_fib_inet", "nft_reject_inet", "nft_compat", "xt_conntrack",
       "xt_MASQUERADE", "xt_addrtype", "xt_comment", "xt_mark", "nf_conntrack_netlink", "tun"},
      // SATA and IDE controllers, their disks and CD drives, the configuration ISO's file
      // system, the Intel NIC: all modules in Debian's kernel (CONFIG_ATA, SCSI, CDROM=m).
      {"ahci", "ata_piix", "sd_mod", "sr_mod", "isofs", "e1000"}};
  return sets;
}

Result<GuestImage> EnsureGuestImage(const GuestImageOptions& o) {
  for (const Program& p : Programs()) {
    bool found = false;
    for (const char* host : p.host) found = found || fs::exists(host);
    if (!found) return Missing(p.guest, p.package);
  }
  if (!fs::exists(kCaBundle)) return Missing(kCaBundle, "ca-certificates");
  // Two profiles starting at once fetch and build once, one after the other.
  MINI_RETURN_IF_ERROR(MakeDirs(o.cache_dir / "guest", 0755));
  MINI_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(o.cache_dir / "guest" / ".lock",
                                                         std::chrono::minutes(10)));
  MINI_ASSIGN_OR_RETURN(Kernel kernel, EnsureKernel(o.cache_dir, o.say));

  std::string inputs = std::string(kRecipeVersion) + "\n" + kernel.dir.filename().string() + "\n";
  inputs += GuestInitScript();
  for (const auto* set : {&GuestModules().devices, &GuestModules().pods, &GuestModules().pc}) {
    for (const std::string& m : *set) inputs += m + ",";
    inputs += ";";
  }
  inputs += Identity(o.mini_binary) + Identity(o.mini_binary.parent_path() / "mini-shim");
  for (const Program& p : Programs()) {
    for (const char* host : p.host) inputs += Identity(host);
  }
  inputs += Identity(kCaBundle);
  std::string key = Sha256Hex(inputs).substr(0, 16);

  fs::path dir = o.cache_dir / "guest";
  GuestImage image{kernel.dir / "vmlinux", dir / ("initrd-" + key + ".cpio"), key};
  if (fs::exists(image.initrd)) return image;

  o.say("Preparing the guest image (kernel " + kernel.version + ") ...");
  ModuleLists modules;
  MINI_ASSIGN_OR_RETURN(modules.devices, ModuleOrder(kernel.dir / "modules", GuestModules().devices));
  MINI_ASSIGN_OR_RETURN(std::vector<std::string> pods,
                        ModuleOrder(kernel.dir / "modules", GuestModules().pods));
  MINI_ASSIGN_OR_RETURN(std::vector<std::string> pc,
                        ModuleOrder(kernel.dir / "modules", GuestModules().pc));
  auto in_devices = [&](const std::string& m) {
    return std::find(modules.devices.begin(), modules.devices.end(), m) != modules.devices.end();
  };
  for (const std::string& m : pods) {
    if (!in_devices(m)) modules.pods.push_back(m);
  }
  for (const std::string& m : pc) {
    if (!in_devices(m)) modules.pc.push_back(m);
  }
  fs::path work = dir / ("build-" + key);
  MINI_RETURN_IF_ERROR(RemoveAll(work));
  MINI_RETURN_IF_ERROR(MakeDirs(work, 0755));
  fs::path tmp = work / "initrd.cpio";
  Status built = WriteInitramfs(tmp, kernel, modules, o, work);
  if (built.ok()) {
    std::error_code ec;
    fs::rename(tmp, image.initrd, ec);
    if (ec) built = ErrnoError(Code::kInternal, ec.value(), "renaming " + tmp.string());
  }
  (void)RemoveAll(work);
  MINI_RETURN_IF_ERROR(built.WithContext("building the guest image").WithReason("GUEST_IMAGE"));
  // Older images are of no use once a newer one exists; a running VM keeps its open copy.
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.starts_with("initrd-") && e.path() != image.initrd) (void)RemoveAll(e.path());
  }
  spdlog::info("guest image {} ({} modules)", image.initrd.string(),
               modules.devices.size() + modules.pods.size() + modules.pc.size());
  return image;
}

}  // namespace mini::vm::image
