// The guest image every VM driver boots: a Debian kernel (as an uncompressed vmlinux) and an
// initramfs with busybox, crun, nft, ip, mke2fs, dropbear, CA certificates, the kernel modules
// containers and networking need, and this very mini binary (stripped) with its libraries.
//
// The kernel comes from the Debian package apt downloads into the cache; the userland from the
// host's Debian packages (scripts/setup installs them). Built under MINI_HOME/cache/guest, named
// by a hash of every input (package, files' sizes and times, the init script, the module
// list), so it is rebuilt only when one of them changes, a new mini binary included.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"

namespace mini::vm::image {

struct GuestImage {
  std::filesystem::path kernel;  // ELF vmlinux, booted through its PVH entry
  std::filesystem::path initrd;  // uncompressed cpio
  std::string key;               // the cache key (hex)
};

struct GuestImageOptions {
  std::filesystem::path cache_dir;    // MINI_HOME/cache
  std::filesystem::path mini_binary;  // copied in; mini-shim beside it too when present
  std::function<void(const std::string&)> say = [](const std::string&) {};
};

/// Modules loaded at boot, with what they depend on: the machine's devices, which /init waits
/// for; what pods need, loaded meanwhile on the other vCPU; and a PC's disks, CD drives and
/// NIC (VirtualBox's), loaded only when the host gave no fw_cfg configuration.
struct GuestModuleSets {
  std::vector<std::string> devices, pods, pc;
};
const GuestModuleSets& GuestModules();

/// Finds the image in the cache or builds it, saying what it does when it builds.
/// kFailedPrecondition with advice when a needed package is missing.
Result<GuestImage> EnsureGuestImage(const GuestImageOptions& options);

}  // namespace mini::vm::image
