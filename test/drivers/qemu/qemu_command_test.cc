#include "drivers/qemu/qemu_command.h"

#include <doctest/doctest.h>

#include <algorithm>

namespace mini::drivers::qemu {
namespace {

QemuConfig Sample() {
  QemuConfig c;
  c.tsc_khz = 2445412;
  c.kernel = "/c/vmlinux";
  c.initrd = "/c/initrd.cpio";
  c.disk = "/m/disk.raw";
  c.qmp_socket = "/m/qmp.sock";
  c.serial_socket = "/m/serial.sock";
  c.console_log = "/l/console.log";
  c.forwards = {{40001, 8443}, {40002, 22}};
  c.fw_cfg = {{"args", "/m/config/args"}};
  return c;
}

std::string After(const std::vector<std::string>& args, const std::string& flag) {
  auto it = std::find(args.begin(), args.end(), flag);
  return it == args.end() || it + 1 == args.end() ? "" : *(it + 1);
}

}  // namespace

TEST_CASE("the machine boots the PVH kernel on microvm under TCG with the host's TSC") {
  auto args = QemuArgs(Sample());
  CHECK(args.front() == "qemu-system-x86_64");
  CHECK(After(args, "-machine").starts_with("microvm,"));
  CHECK(After(args, "-accel") == "tcg");
  CHECK(After(args, "-kernel") == "/c/vmlinux");
  std::string cmdline = After(args, "-append");
  CHECK(cmdline.find("tsc_early_khz=2445412") != std::string::npos);
  CHECK(cmdline.find("mitigations=off") != std::string::npos);
  CHECK(cmdline.find("pci=off") != std::string::npos);
  CHECK(std::find(args.begin(), args.end(), "-no-reboot") != args.end());
}

TEST_CASE("with KVM the guest calibrates its own clock") {
  QemuConfig c = Sample();
  c.kvm = true;
  auto args = QemuArgs(c);
  CHECK(After(args, "-accel") == "kvm");
  CHECK(After(args, "-append").find("tsc_early_khz") == std::string::npos);
}

TEST_CASE("ports are forwarded from loopback only, configuration goes through fw_cfg") {
  auto args = QemuArgs(Sample());
  std::string netdev = After(args, "-netdev");
  CHECK(netdev.find("hostfwd=tcp:127.0.0.1:40001-:8443") != std::string::npos);
  CHECK(netdev.find("hostfwd=tcp:127.0.0.1:40002-:22") != std::string::npos);
  CHECK(After(args, "-fw_cfg") == "name=opt/mini/args,file=/m/config/args");
  CHECK(After(args, "-chardev").find("logfile=/l/console.log") != std::string::npos);
  // Nothing secret on the command line the guest can read.
  CHECK(After(args, "-append").find("key") == std::string::npos);
}

TEST_CASE("a shared directory is a 9p device the guest mounts by its tag") {
  QemuConfig c = Sample();
  c.shares = {{"/home/me/src", "mini0"}};
  auto args = QemuArgs(c);
  CHECK(After(args, "-fsdev") == "local,id=fs0,path=/home/me/src,security_model=none");
  CHECK(std::find(args.begin(), args.end(), "virtio-9p-device,fsdev=fs0,mount_tag=mini0") !=
        args.end());
}

TEST_CASE("a bridged machine's NIC is the prepared tap, with no forwards and no scripts") {
  QemuConfig c = Sample();
  c.forwards.clear();
  c.tap = "mini-t0123abcd";
  auto args = QemuArgs(c);
  CHECK(After(args, "-netdev") == "tap,id=n0,ifname=mini-t0123abcd,script=no,downscript=no");
  for (const std::string& a : args) CHECK(a.find("hostfwd") == std::string::npos);
}

}  // namespace mini::drivers::qemu
