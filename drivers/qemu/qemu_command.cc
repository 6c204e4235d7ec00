#include "drivers/qemu/qemu_command.h"

#include <fmt/format.h>

namespace mini::drivers::qemu {

std::string KernelCommandLine(const QemuConfig& c) {
  // mitigations=off saves ~0.6 s of alternatives patching, cryptomgr.notests ~0.3 s of self
  // tests; pci=off skips probing a bus microvm does not have.
  std::string line =
      "console=ttyS0 quiet cryptomgr.notests mitigations=off tsc=reliable no_timer_check "
      "8250.nr_uarts=1 pci=off panic=-1";
  if (!c.kvm && c.tsc_khz > 0) line += fmt::format(" tsc_early_khz={}", c.tsc_khz);
  return line;
}

std::vector<std::string> QemuArgs(const QemuConfig& c) {
  std::string netdev = "user,id=n0";
  for (const PortForward& f : c.forwards) {
    netdev += fmt::format(",hostfwd=tcp:127.0.0.1:{}-:{}", f.host, f.guest);
  }
  // The tap and its bridge are mini's to make and remove, not a script's.
  if (!c.tap.empty()) netdev = fmt::format("tap,id=n0,ifname={},script=no,downscript=no", c.tap);
  std::vector<std::string> args = {
      c.binary,
      "-name", "mini",
      "-machine", "microvm,pit=on,pic=on,rtc=on,acpi=on",
      "-accel", c.kvm ? "kvm" : "tcg",
      "-cpu", c.kvm ? "host" : "qemu64",
      "-smp", std::to_string(c.cpus),
      "-m", std::to_string(c.memory_mb),
      "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
      "-kernel", c.kernel.string(),
      "-initrd", c.initrd.string(),
      "-append", KernelCommandLine(c),
      "-chardev", fmt::format("socket,id=ser0,path={},server=on,wait=off,logfile={},logappend=off",
                              c.serial_socket.string(), c.console_log.string()),
      "-serial", "chardev:ser0",
      "-qmp", fmt::format("unix:{},server=on,wait=off", c.qmp_socket.string()),
      "-drive", fmt::format("file={},format=raw,if=none,id=disk0,cache=writeback,discard=unmap",
                            c.disk.string()),
      "-device", "virtio-blk-device,drive=disk0",
      "-netdev", netdev,
      "-device", "virtio-net-device,netdev=n0",
      "-object", "rng-random,id=rng0,filename=/dev/urandom",
      "-device", "virtio-rng-device,rng=rng0",
  };
  for (size_t i = 0; i < c.shares.size(); ++i) {
    // 9p: faster than virtiofs under emulation, and no daemon to run beside QEMU.
    args.insert(args.end(),
                {"-fsdev",
                 fmt::format("local,id=fs{},path={},security_model=none", i,
                             c.shares[i].host.string()),
                 "-device", fmt::format("virtio-9p-device,fsdev=fs{},mount_tag={}", i, c.shares[i].tag)});
  }
  for (const FwCfgFile& f : c.fw_cfg) {
    args.push_back("-fw_cfg");
    args.push_back(fmt::format("name=opt/mini/{},file={}", f.name, f.file.string()));
  }
  return args;
}

}  // namespace mini::drivers::qemu
