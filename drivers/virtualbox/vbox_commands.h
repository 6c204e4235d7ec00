// The VBoxManage command lines of a mini machine, built from plain data so the sequence can be
// tested without VirtualBox (which Debian does not package). The machine boots the guest ISO
// (src/vm/iso) from a DVD; its data disk is a VDI on a SATA port; a second DVD holds the
// guest's configuration (VirtualBox has no fw_cfg); the API server and ssh are NAT
// port-forwards from 127.0.0.1.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mini::drivers::virtualbox {

using Argv = std::vector<std::string>;

struct VmConfig {
  std::string name;
  std::filesystem::path dir;  // where VirtualBox keeps the VM's files
  int cpus = 2;
  int64_t memory_mb = 2048;
  int64_t disk_mb = 20000;
  std::filesystem::path iso, disk, console_log;
  std::filesystem::path config_iso;  // the MINI_CONFIG volume, rewritten before every start
  uint16_t api_port = 0, ssh_port = 0;  // on 127.0.0.1
};

/// Registers the VM, sizes it, creates and attaches the disk and the ISO, forwards the ports.
std::vector<Argv> CreateCommands(const VmConfig& config);
/// Puts the configuration ISO in the second DVD drive; run before every start, so VirtualBox
/// reads the volume written for this boot.
Argv AttachConfigCommand(const VmConfig& config);
Argv StartCommand(const VmConfig& config);
/// The ACPI power button; Stop falls back to PowerOffCommand.
Argv PowerButtonCommand(const VmConfig& config);
Argv PowerOffCommand(const VmConfig& config);
/// Unregisters the VM and deletes its files, the disk included.
Argv DeleteCommand(const VmConfig& config);
Argv InfoCommand(const std::string& name);

/// VMState from `showvminfo --machinereadable` ("running", "poweroff", "aborted", ...);
/// empty when absent.
std::string ParseVmState(const std::string& info);

}  // namespace mini::drivers::virtualbox
