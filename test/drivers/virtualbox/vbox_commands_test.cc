#include "drivers/virtualbox/vbox_commands.h"

#include <doctest/doctest.h>

namespace mini::drivers::virtualbox {

TEST_SUITE("drivers/virtualbox") {
  VmConfig Sample() {
    VmConfig c;
    c.name = "demo";
    c.dir = "/m";
    c.cpus = 3;
    c.memory_mb = 3072;
    c.disk_mb = 5000;
    c.iso = "/cache/mini.iso";
    c.disk = "/m/demo/disk.vdi";
    c.console_log = "/logs/console.log";
    c.config_iso = "/m/config.iso";
    c.api_port = 40001;
    c.ssh_port = 40002;
    return c;
  }

  TEST_CASE("the VM is registered, sized, given its disks and its forwards, in that order") {
    std::vector<Argv> cmds = CreateCommands(Sample());
    REQUIRE(cmds.size() == 8);
    CHECK(cmds[0] == Argv{"VBoxManage", "createvm", "--name", "demo", "--ostype", "Linux26_64",
                          "--basefolder", "/m", "--register"});
    const Argv& modify = cmds[1];
    auto after = [&](const std::string& flag) {
      for (size_t i = 0; i + 1 < modify.size(); ++i) {
        if (modify[i] == flag) return modify[i + 1];
      }
      return std::string();
    };
    CHECK(after("--memory") == "3072");
    CHECK(after("--cpus") == "3");
    CHECK(after("--nic1") == "nat");
    CHECK(after("--boot1") == "dvd");
    CHECK(after("--uartmode1") == "file");
    CHECK(modify.back() == "/logs/console.log");
    CHECK(cmds[2].back() == "apiserver,tcp,127.0.0.1,40001,,8443");
    CHECK(cmds[3].back() == "ssh,tcp,127.0.0.1,40002,,22");
    CHECK(cmds[4] == Argv{"VBoxManage", "storagectl", "demo", "--name", "SATA", "--add", "sata",
                          "--controller", "IntelAhci", "--portcount", "3", "--hostiocache", "on"});
    CHECK(cmds[5].back() == "/cache/mini.iso");
    CHECK(cmds[6] == Argv{"VBoxManage", "createmedium", "disk", "--filename", "/m/demo/disk.vdi",
                          "--size", "5000", "--format", "VDI"});
    CHECK(cmds[7].back() == "/m/demo/disk.vdi");
  }

  TEST_CASE("the configuration ISO goes into a second DVD drive on the same controller") {
    CHECK(AttachConfigCommand(Sample()) ==
          Argv{"VBoxManage", "storageattach", "demo", "--storagectl", "SATA", "--port", "2",
               "--device", "0", "--type", "dvddrive", "--medium", "/m/config.iso"});
    for (const Argv& create : CreateCommands(Sample())) {
      for (size_t i = 0; i + 1 < create.size(); ++i) {
        if (create[i] == "--port") CHECK(create[i + 1] != "2");
      }
    }
  }

  TEST_CASE("start, stop and delete") {
    CHECK(StartCommand(Sample()) == Argv{"VBoxManage", "startvm", "demo", "--type", "headless"});
    CHECK(PowerButtonCommand(Sample()) == Argv{"VBoxManage", "controlvm", "demo", "acpipowerbutton"});
    CHECK(PowerOffCommand(Sample()) == Argv{"VBoxManage", "controlvm", "demo", "poweroff"});
    CHECK(DeleteCommand(Sample()) == Argv{"VBoxManage", "unregistervm", "demo", "--delete"});
  }

  TEST_CASE("the state is read from showvminfo's machine-readable output") {
    CHECK(ParseVmState("name=\"demo\"\nVMState=\"running\"\nVMStateChangeTime=\"x\"\n") == "running");
    CHECK(ParseVmState("VMState=\"poweroff\"") == "poweroff");
    CHECK(ParseVmState("name=\"demo\"\n").empty());
  }
}

}  // namespace mini::drivers::virtualbox
