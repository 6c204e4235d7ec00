// The guest image as a bootable ISO (GRUB for BIOS, built with grub-mkrescue and xorriso), for
// hypervisors that cannot boot a kernel directly (VirtualBox) and for anyone who wants one. It
// holds the same initramfs as the direct-boot drivers use, but GRUB boots the kernel's
// compressed bzImage: decompressing it costs ~5.5 s more per boot under software emulation.
// The guest reads its configuration from fw_cfg when QEMU gives one, else from a MINI_CONFIG
// volume (config_iso.h), which the virtualbox driver puts in a second DVD drive.
#pragma once

#include <filesystem>
#include <string>

#include "common/status.h"
#include "vm/image/guest_image.h"

namespace mini::vm::iso {

/// GRUB's configuration: one entry, at once, on the serial console.
std::string GrubConfig(const std::string& kernel_command_line);

/// The ISO of the current guest image, in MINI_HOME/cache/iso (made when missing).
/// kFailedPrecondition with what to install when GRUB or xorriso is missing.
Result<std::filesystem::path> EnsureGuestIso(const image::GuestImageOptions& options);

}  // namespace mini::vm::iso
