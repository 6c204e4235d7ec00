#include "drivers/virtualbox/vbox_commands.h"

#include <fmt/format.h>

#include <sstream>

namespace mini::drivers::virtualbox {

namespace {
constexpr char kVBoxManage[] = "VBoxManage";
}  // namespace

std::vector<Argv> CreateCommands(const VmConfig& c) {
  return {
      {kVBoxManage, "createvm", "--name", c.name, "--ostype", "Linux26_64", "--basefolder",
       c.dir.string(), "--register"},
      // Like the other drivers: no USB, no audio, the serial console to the profile's log.
      {kVBoxManage, "modifyvm", c.name, "--memory", std::to_string(c.memory_mb), "--cpus",
       std::to_string(c.cpus), "--ioapic", "on", "--boot1", "dvd", "--boot2", "disk", "--boot3",
       "none", "--boot4", "none", "--audio", "none", "--usb", "off", "--nic1", "nat",
       "--nictype1", "virtio", "--uart1", "0x3F8", "4", "--uartmode1", "file",
       c.console_log.string()},
      {kVBoxManage, "modifyvm", c.name, "--natpf1",
       fmt::format("apiserver,tcp,127.0.0.1,{},,8443", c.api_port)},
      {kVBoxManage, "modifyvm", c.name, "--natpf1", fmt::format("ssh,tcp,127.0.0.1,{},,22", c.ssh_port)},
      {kVBoxManage, "storagectl", c.name, "--name", "SATA", "--add", "sata", "--controller",
       "IntelAhci", "--portcount", "3", "--hostiocache", "on"},
      {kVBoxManage, "storageattach", c.name, "--storagectl", "SATA", "--port", "0", "--device",
       "0", "--type", "dvddrive", "--medium", c.iso.string()},
      {kVBoxManage, "createmedium", "disk", "--filename", c.disk.string(), "--size",
       std::to_string(c.disk_mb), "--format", "VDI"},
      {kVBoxManage, "storageattach", c.name, "--storagectl", "SATA", "--port", "1", "--device",
       "0", "--type", "hdd", "--medium", c.disk.string()},
  };
}

Argv AttachConfigCommand(const VmConfig& c) {
  return {kVBoxManage, "storageattach", c.name, "--storagectl", "SATA", "--port", "2", "--device",
          "0", "--type", "dvddrive", "--medium", c.config_iso.string()};
}

Argv StartCommand(const VmConfig& c) { return {kVBoxManage, "startvm", c.name, "--type", "headless"}; }
Argv PowerButtonCommand(const VmConfig& c) { return {kVBoxManage, "controlvm", c.name, "acpipowerbutton"}; }
Argv PowerOffCommand(const VmConfig& c) { return {kVBoxManage, "controlvm", c.name, "poweroff"}; }
Argv DeleteCommand(const VmConfig& c) { return {kVBoxManage, "unregistervm", c.name, "--delete"}; }
Argv InfoCommand(const std::string& name) {
  return {kVBoxManage, "showvminfo", name, "--machinereadable"};
}

std::string ParseVmState(const std::string& info) {
  std::istringstream lines(info);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("VMState=\"")) {
      size_t end = line.find('"', 9);
      return end == std::string::npos ? "" : line.substr(9, end - 9);
    }
  }
  return "";
}

}  // namespace mini::drivers::virtualbox
