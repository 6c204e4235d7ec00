#include "vm/iso/guest_iso.h"

#include <fmt/format.h>

#include "common/command.h"
#include "common/files.h"
#include "vm/image/archive.h"
#include "vm/image/kernel_cache.h"

namespace mini::vm::iso {
namespace fs = std::filesystem;

namespace {

// The direct-boot drivers' tuned line on a pc machine (no pci=off: the disk and NIC are PCI).
constexpr char kCommandLine[] =
    "console=ttyS0 quiet cryptomgr.notests mitigations=off tsc=reliable no_timer_check "
    "8250.nr_uarts=1 panic=-1";

Status CheckTools() {
  auto runs = [](const std::vector<std::string>& argv) {
    auto r = RunCommand(argv);
    return r.ok() && r->exit_code == 0;
  };
  if (!runs({"grub-mkrescue", "--version"}) || !fs::exists("/usr/lib/grub/i386-pc") ||
      !runs({"xorriso", "-version"})) {
    return Error(Code::kFailedPrecondition, "making the ISO needs GRUB's BIOS files and xorriso")
        .WithAdvice("install them: sudo apt-get install grub-pc-bin grub-common xorriso mtools")
        .WithReason("GUEST_ISO_TOOLS");
  }
  return Status::Ok();
}

// The kernel cache keeps the uncompressed vmlinux only; GRUB wants the package's bzImage.
Status WriteBzImage(const image::Kernel& kernel, const fs::path& out) {
  fs::path deb = kernel.dir.parent_path().parent_path() / "debs" /
                 (kernel.dir.filename().string() + ".deb");
  bool found = false;
  MINI_RETURN_IF_ERROR(image::ForEachDebFile(
      deb.string(), [&](const image::DebEntry& e, const auto& read) -> Status {
        if (e.is_dir || e.is_symlink || !e.path.starts_with("boot/vmlinuz-")) return Status::Ok();
        MINI_ASSIGN_OR_RETURN(std::string bz, read());
        found = true;
        return AtomicWriteFile(out, bz, 0644, Durability::kVolatile);
      }));
  return found ? Status::Ok() : Error(Code::kNotFound, "{} holds no /boot/vmlinuz", deb.string());
}

}  // namespace

std::string GrubConfig(const std::string& kernel_command_line) {
  return fmt::format(
      "set timeout=0\nset default=0\nserial --unit=0 --speed=115200\n"
      "terminal_input serial\nterminal_output serial\n"
      "menuentry \"mini\" {{\n  linux /boot/vmlinuz {}\n  initrd /boot/initrd.cpio\n}}\n",
      kernel_command_line);
}

Result<fs::path> EnsureGuestIso(const image::GuestImageOptions& o) {
  MINI_RETURN_IF_ERROR(CheckTools());
  MINI_ASSIGN_OR_RETURN(image::GuestImage img, image::EnsureGuestImage(o));
  fs::path dir = o.cache_dir / "iso";
  fs::path iso = dir / ("mini-" + img.key + ".iso");
  if (fs::exists(iso)) return iso;
  MINI_ASSIGN_OR_RETURN(image::Kernel kernel, image::EnsureKernel(o.cache_dir, o.say));
  o.say("Making the guest ISO ...");
  fs::path root = dir / ("build-" + img.key);
  MINI_RETURN_IF_ERROR(RemoveAll(root));
  MINI_RETURN_IF_ERROR(MakeDirs(root / "boot" / "grub", 0755));
  Status made = WriteBzImage(kernel, root / "boot" / "vmlinuz");
  if (made.ok()) {
    // A hard link: the initramfs is tens of MB, and xorriso only reads it.
    std::error_code ec;
    fs::create_hard_link(img.initrd, root / "boot" / "initrd.cpio", ec);
    if (ec) fs::copy_file(img.initrd, root / "boot" / "initrd.cpio", ec);
    if (ec) made = ErrnoError(Code::kInternal, ec.value(), "copying the initramfs");
  }
  if (made.ok()) made = AtomicWriteFile(root / "boot" / "grub" / "grub.cfg", GrubConfig(kCommandLine), 0644);
  fs::path tmp = iso.string() + ".tmp";
  if (made.ok()) {
    made = RunChecked({"grub-mkrescue", "-o", tmp.string(), root.string()}, std::chrono::minutes(5))
               .status();
  }
  if (made.ok()) {
    std::error_code ec;
    fs::rename(tmp, iso, ec);
    if (ec) made = ErrnoError(Code::kInternal, ec.value(), "renaming " + tmp.string());
  }
  (void)RemoveAll(root);
  (void)RemoveAll(tmp);
  MINI_RETURN_IF_ERROR(made.WithContext("making the guest ISO").WithReason("GUEST_ISO"));
  // Older ISOs are of no use once a newer one exists.
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path() != iso && e.path().extension() == ".iso") (void)RemoveAll(e.path());
  }
  return iso;
}

}  // namespace mini::vm::iso
