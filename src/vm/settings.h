// Persistent defaults set with `mini config set KEY VALUE` (config/config.json) and the parsers
// that validate every user-supplied size and count, shared by flags and config keys.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "vm/home.h"

namespace mini::vm {

/// "4096", "4096mb", "4g", "4GiB", "512m" -> MiB. A bare number means MiB, as in minikube.
Result<int64_t> ParseMegabytes(const std::string& text, const std::string& what);
/// A positive whole number of CPUs, or "max" for every CPU of this host.
Result<int> ParseCpus(const std::string& text);
Result<uint16_t> ParsePort(const std::string& text, const std::string& what);

struct SettingKey {
  std::string name;
  std::string description;
};
/// The keys `mini config` accepts, in display order.
const std::vector<SettingKey>& SettingKeys();

/// Key/value pairs of config/config.json. Values are kept as the user typed them and
/// validated when set, so `config view` shows what was written.
class Settings {
 public:
  /// An absent file is an empty configuration; a damaged one is kInvalidArgument.
  static Result<Settings> Load(const Home& home);

  std::optional<std::string> Get(const std::string& key) const;
  /// kInvalidArgument for an unknown key (listing the known ones) or an invalid value.
  Status Set(const std::string& key, const std::string& value);
  /// kNotFound when the key was not set.
  Status Unset(const std::string& key);
  const std::map<std::string, std::string>& values() const { return values_; }

  /// Writes config/config.json atomically.
  Status Save(const Home& home) const;

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace mini::vm
