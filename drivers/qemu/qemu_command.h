// The qemu-system-x86_64 command line of a mini machine, built from plain data so it can be
// tested without QEMU. The shape (microvm, PVH kernel, tuned kernel command line, virtio-mmio)
// is what docs/vm-boot.md measured fastest under TCG.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mini::drivers::qemu {

struct PortForward {
  uint16_t host = 0;   // on 127.0.0.1
  uint16_t guest = 0;
};

struct Share {
  std::filesystem::path host;
  std::string tag;  // what the guest mounts
};

struct FwCfgFile {
  std::string name;  // under opt/mini/
  std::filesystem::path file;
};

struct QemuConfig {
  std::string binary = "qemu-system-x86_64";
  bool kvm = false;      // else TCG
  int64_t tsc_khz = 0;   // the host's; a microvm guest under TCG cannot calibrate its own
  int cpus = 2;
  int64_t memory_mb = 2048;
  std::filesystem::path kernel, initrd, disk;
  std::filesystem::path qmp_socket, serial_socket, console_log;
  std::vector<PortForward> forwards;  // QEMU's user network
  std::string tap;                    // else this tap device (--network=bridge)
  std::vector<FwCfgFile> fw_cfg;
  std::vector<Share> shares;
};

/// The kernel command line: console on the serial port, and everything that is slow under
/// TCG and useless in a throwaway guest turned off.
std::string KernelCommandLine(const QemuConfig& config);

std::vector<std::string> QemuArgs(const QemuConfig& config);

}  // namespace mini::drivers::qemu
