#include "cluster/runtime/containers/user_lookup.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>
#include <sstream>
#include <vector>

#include "cluster/runtime/image/beneath.h"

namespace mini::cluster::runtime::containers {
namespace {

// The fields of the first line whose first field is `name` (passwd and group share the shape).
std::optional<std::vector<std::string>> Entry(const std::string& text, const std::string& name) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> fields;
    std::istringstream parts(line);
    std::string field;
    while (std::getline(parts, field, ':')) fields.push_back(field);
    if (fields.size() >= 4 && fields[0] == name) return fields;
  }
  return std::nullopt;
}

// The file's text, "" when it (or /etc) is missing or is a symlink.
std::string ReadEtcFile(int root, const char* name) {
  auto etc = image::OpenBeneath(root, {"etc"}, 1, false);
  if (!etc.ok()) return "";
  Fd file(openat(etc->get(), name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!file.valid()) return "";
  std::string text;
  char buffer[4096];
  ssize_t n;
  while ((n = read(file.get(), buffer, sizeof buffer)) > 0) {
    text.append(buffer, static_cast<size_t>(n));
    if (text.size() > (16 << 20)) break;  // no real passwd file is this large
  }
  return text;
}

}  // namespace

std::optional<uint32_t> NumericId(const std::string& text) {
  if (text.empty() || text.size() > 10 ||
      !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::nullopt;
  }
  uint64_t value = std::stoull(text);
  if (value > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(value);
}

Status ResolveUserNamesFrom(const std::string& passwd, const std::string& group,
                            oci::ContainerConfig& config) {
  if (!config.user_name.empty()) {
    auto entry = Entry(passwd, config.user_name);
    auto uid = entry ? NumericId((*entry)[2]) : std::nullopt;
    auto gid = entry ? NumericId((*entry)[3]) : std::nullopt;
    if (!uid || !gid) {
      return Status(Code::kNotFound,
                    fmt::format("unable to find user {}: no matching entries in passwd file",
                                config.user_name));
    }
    config.uid = *uid;
    if (!config.gid_given && config.group_name.empty()) config.gid = *gid;
  }
  if (!config.group_name.empty()) {
    auto entry = Entry(group, config.group_name);
    auto gid = entry ? NumericId((*entry)[2]) : std::nullopt;
    if (!gid) {
      return Status(Code::kNotFound,
                    fmt::format("unable to find group {}: no matching entries in group file",
                                config.group_name));
    }
    config.gid = *gid;
  }
  return Status::Ok();
}

Status ResolveUserNames(const std::filesystem::path& rootfs, oci::ContainerConfig& config) {
  if (config.user_name.empty() && config.group_name.empty()) return Status::Ok();
  Fd root(open(rootfs.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root.valid()) {
    return Status(Code::kInternal, fmt::format("cannot open the root {}", rootfs.string()));
  }
  return ResolveUserNamesFrom(ReadEtcFile(root.get(), "passwd"), ReadEtcFile(root.get(), "group"),
                              config);
}

}  // namespace mini::cluster::runtime::containers
