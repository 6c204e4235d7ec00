// Where mini keeps its state: MINI_HOME (default ~/.mini) and the layout below it.
//
//   ca.crt ca.key                     the CA shared by every profile
//   config/config.json                persistent defaults (`mini config`)
//   profiles/<name>/config.json       one cluster's configuration
//   profiles/<name>/{apiserver,client}.{crt,key}
//   profiles/<name>/logs/             control-plane / console output
//   profiles/<name>/mount.pid         background `mini mount` processes that start left running
//   machines/<name>/                  the driver's state (pid files, disks, data)
//   locks/<name>.lock                 serialises mini processes working on one profile
//   cache/                            images and downloads shared by profiles
#pragma once

#include <filesystem>
#include <string>

#include "common/status.h"

namespace mini::vm {

class Home {
 public:
  /// $MINI_HOME if set, else $HOME/.mini. kFailedPrecondition when neither can be found.
  static Result<Home> FromEnvironment();
  explicit Home(std::filesystem::path root) : root_(std::move(root)) {}

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path CaCert() const { return root_ / "ca.crt"; }
  std::filesystem::path CaKey() const { return root_ / "ca.key"; }
  std::filesystem::path GlobalConfig() const { return root_ / "config" / "config.json"; }
  std::filesystem::path ProfilesDir() const { return root_ / "profiles"; }
  std::filesystem::path ProfileDir(const std::string& name) const { return ProfilesDir() / name; }
  std::filesystem::path ProfileConfig(const std::string& name) const {
    return ProfileDir(name) / "config.json";
  }
  std::filesystem::path LogDir(const std::string& name) const { return ProfileDir(name) / "logs"; }
  std::filesystem::path MountPidFile(const std::string& name) const {
    return ProfileDir(name) / "mount.pid";
  }
  std::filesystem::path MachineDir(const std::string& name) const {
    return root_ / "machines" / name;
  }
  std::filesystem::path ProfileLock(const std::string& name) const {
    return root_ / "locks" / (name + ".lock");
  }
  std::filesystem::path Cache() const { return root_ / "cache"; }

 private:
  std::filesystem::path root_;
};

}  // namespace mini::vm
