#include "cluster/registry/printing.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>

#include "cluster/api/meta/ids.h"

namespace mini::cluster::registry {
namespace json = boost::json;

// Kubernetes' rule: more precision for young objects, two units at most, and the coarse unit
// alone once the finer one stops mattering.
std::string HumanDuration(std::chrono::system_clock::duration age) {
  int64_t seconds = std::chrono::duration_cast<std::chrono::seconds>(age).count();
  if (seconds < 0) return "0s";
  if (seconds < 60 * 2) return fmt::format("{}s", seconds);
  int64_t minutes = seconds / 60;
  if (minutes < 10) {
    int64_t s = seconds % 60;
    return s == 0 ? fmt::format("{}m", minutes) : fmt::format("{}m{}s", minutes, s);
  }
  if (minutes < 60 * 3) return fmt::format("{}m", minutes);
  int64_t hours = minutes / 60;
  if (hours < 8) {
    int64_t m = minutes % 60;
    return m == 0 ? fmt::format("{}h", hours) : fmt::format("{}h{}m", hours, m);
  }
  if (hours < 48) return fmt::format("{}h", hours);
  if (hours < 24 * 8) {
    int64_t h = hours % 24;
    return h == 0 ? fmt::format("{}d", hours / 24) : fmt::format("{}d{}h", hours / 24, h);
  }
  if (hours < 24 * 365 * 2) return fmt::format("{}d", hours / 24);
  if (hours < 24 * 365 * 8) {
    int64_t days = (hours / 24) % 365;
    return days == 0 ? fmt::format("{}y", hours / 24 / 365)
                     : fmt::format("{}y{}d", hours / 24 / 365, days);
  }
  return fmt::format("{}y", hours / 24 / 365);
}

std::string Age(const json::object& object, std::chrono::system_clock::time_point now) {
  std::string created = StringAt(object, "metadata.creationTimestamp");
  if (created.empty()) return "<unknown>";
  auto time = mini::api::meta::ParseRfc3339(created);
  if (!time.ok()) return "<unknown>";
  return HumanDuration(now - *time);
}

std::string JoinOrNone(const std::vector<std::string>& values) {
  if (values.empty()) return "<none>";
  std::string out;
  for (const std::string& value : values) out += (out.empty() ? "" : ",") + value;
  return out;
}

std::string FormatLabels(const json::object* labels) {
  if (labels == nullptr || labels->empty()) return "<none>";
  std::vector<std::string> pairs;
  for (const auto& [key, value] : *labels) {
    pairs.push_back(std::string(key) + "=" +
                    (value.is_string() ? std::string(value.get_string()) : ""));
  }
  std::sort(pairs.begin(), pairs.end());
  return JoinOrNone(pairs);
}

const json::object* ObjectAt(const json::object& object, std::string_view path) {
  const json::object* current = &object;
  while (!path.empty()) {
    size_t dot = path.find('.');
    std::string_view step = path.substr(0, dot);
    const json::value* next = current->if_contains(step);
    if (next == nullptr || !next->is_object()) return nullptr;
    current = &next->get_object();
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  return current;
}

namespace {
const json::value* ValueAt(const json::object& object, std::string_view path) {
  size_t dot = path.rfind('.');
  const json::object* parent =
      dot == std::string_view::npos ? &object : ObjectAt(object, path.substr(0, dot));
  if (parent == nullptr) return nullptr;
  return parent->if_contains(dot == std::string_view::npos ? path : path.substr(dot + 1));
}
}  // namespace

std::string StringAt(const json::object& object, std::string_view path, std::string_view fallback) {
  const json::value* value = ValueAt(object, path);
  if (value == nullptr || !value->is_string()) return std::string(fallback);
  return std::string(value->get_string());
}

int64_t IntAt(const json::object& object, std::string_view path, int64_t fallback) {
  const json::value* value = ValueAt(object, path);
  if (value == nullptr) return fallback;
  if (value->is_int64()) return value->get_int64();
  if (value->is_uint64()) return static_cast<int64_t>(value->get_uint64());
  return fallback;
}

}  // namespace mini::cluster::registry
