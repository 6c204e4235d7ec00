#include "vm/settings.h"

#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <thread>

#include "common/files.h"
#include "common/json.h"
#include "vm/profile.h"

namespace mini::vm {
namespace json = boost::json;

namespace {
std::string Lower(std::string s) {
  for (char& ch : s) {
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return s;
}

Result<int64_t> ParseWhole(const std::string& digits) {
  if (digits.empty() || digits.size() > 12 ||
      digits.find_first_not_of("0123456789") != std::string::npos) {
    return Status(Code::kInvalidArgument, "not a whole number");
  }
  return std::stoll(digits);
}

Status Validate(const std::string& key, const std::string& value) {
  if (key == "driver") {
    return value.empty() ? Error(Code::kInvalidArgument, "driver must not be empty") : Status();
  }
  if (key == "cpus") {
    return ParseCpus(value).status();
  }
  if (key == "memory" || key == "disk-size") {
    return ParseMegabytes(value, key).status();
  }
  if (key == "apiserver-port") {
    return ParsePort(value, key).status();
  }
  if (key == "profile") {
    return ValidateProfileName(value);
  }
  std::string known;
  for (const auto& k : SettingKeys()) {
    known += (known.empty() ? "" : ", ") + k.name;
  }
  return Error(Code::kInvalidArgument, "unknown config key \"{}\"", key)
      .WithAdvice("known keys: " + known)
      .WithReason("MK_USAGE");
}
}  // namespace

Result<int64_t> ParseMegabytes(const std::string& text, const std::string& what) {
  std::string s = Lower(text);
  if (s == "max" && what == "memory") {
    // All of the host's memory but 1 GiB for the host itself (as much as a VM can sensibly get).
    long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
    int64_t total_mb = static_cast<int64_t>(pages) * page / (1 << 20);
    return std::max<int64_t>(total_mb - 1024, total_mb / 2);
  }
  size_t unit_at = s.find_first_not_of("0123456789");
  std::string unit = unit_at == std::string::npos ? "" : s.substr(unit_at);
  auto number = ParseWhole(s.substr(0, unit_at));
  int64_t mib = 0;
  if (number.ok()) {
    if (unit.empty() || unit == "m" || unit == "mb" || unit == "mib") {
      mib = *number;
    } else if (unit == "g" || unit == "gb" || unit == "gib") {
      mib = *number * 1024;
    } else if (unit == "t" || unit == "tb" || unit == "tib") {
      mib = *number * 1024 * 1024;
    } else if (unit == "k" || unit == "kb" || unit == "kib") {
      mib = *number / 1024;
    }
  }
  if (mib <= 0) {
    return Error(Code::kInvalidArgument, "invalid {} \"{}\"", what, text)
        .WithAdvice("give a size such as 4096, 4096mb or 4g")
        .WithReason("MK_USAGE");
  }
  return mib;
}

Result<int> ParseCpus(const std::string& text) {
  if (Lower(text) == "max") {
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }
  auto n = ParseWhole(text);
  if (!n.ok() || *n < 1 || *n > 1024) {
    return Error(Code::kInvalidArgument, "invalid cpus \"{}\"", text)
        .WithAdvice("give a whole number of CPUs of at least 1, or \"max\"")
        .WithReason("MK_USAGE");
  }
  return static_cast<int>(*n);
}

Result<uint16_t> ParsePort(const std::string& text, const std::string& what) {
  auto n = ParseWhole(text);
  if (!n.ok() || *n < 1 || *n > 65535) {
    return Error(Code::kInvalidArgument, "invalid {} \"{}\"", what, text)
        .WithAdvice("give a TCP port from 1 to 65535")
        .WithReason("MK_USAGE");
  }
  return static_cast<uint16_t>(*n);
}

const std::vector<SettingKey>& SettingKeys() {
  static const std::vector<SettingKey> keys = {
      {"profile", "the profile commands use when -p is not given"},
      {"driver", "the driver `mini start` uses when --driver is not given"},
      {"cpus", "CPUs of a new machine"},
      {"memory", "memory of a new machine (e.g. 4g)"},
      {"disk-size", "data disk size of a new machine (e.g. 20g)"},
      {"apiserver-port", "port the API server listens on"},
  };
  return keys;
}

Result<Settings> Settings::Load(const Home& home) {
  Settings settings;
  auto text = ReadFile(home.GlobalConfig());
  if (!text.ok() && text.status().code() == Code::kNotFound) {
    return settings;
  }
  MINI_RETURN_IF_ERROR(text.status());
  auto damaged = [&](const Status& s) {
    return s.WithAdvice("fix or remove " + home.GlobalConfig().string())
        .WithReason("MK_CONFIG_CORRUPT");
  };
  auto parsed = ParseJson(*text, home.GlobalConfig().string());
  if (!parsed.ok()) {
    return damaged(parsed.status());
  }
  if (!parsed->is_object()) {
    return damaged(
        Error(Code::kInvalidArgument, "{} is not a JSON object", home.GlobalConfig().string()));
  }
  for (const auto& [key, value] : parsed->get_object()) {
    if (value.is_string()) {
      settings.values_[std::string(key)] = std::string(value.get_string());
    } else {
      settings.values_[std::string(key)] = json::serialize(value);
    }
  }
  return settings;
}

std::optional<std::string> Settings::Get(const std::string& key) const {
  auto it = values_.find(key);
  return it == values_.end() ? std::nullopt : std::optional(it->second);
}

Status Settings::Set(const std::string& key, const std::string& value) {
  MINI_RETURN_IF_ERROR(Validate(key, value));
  values_[key] = value;
  return Status::Ok();
}

Status Settings::Unset(const std::string& key) {
  if (values_.erase(key) == 0) {
    return Error(Code::kNotFound, "config key \"{}\" is not set", key).WithReason("MK_USAGE");
  }
  return Status::Ok();
}

Status Settings::Save(const Home& home) const {
  json::object o;
  for (const auto& [key, value] : values_) {
    o[key] = value;
  }
  return AtomicWriteFile(home.GlobalConfig(), PrettyJson(o), 0600).WithReason("HOST_HOME_WRITE");
}

}  // namespace mini::vm
