#include "cluster/apiserver/rest/metrics.h"

#include <fmt/format.h>

#include <array>
#include <boost/json.hpp>

#include "cluster/api/meta/ids.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::apiserver::rest {
namespace json = boost::json;
using registry::StringAt;

void NodeStats::Attach(const std::string& node, std::shared_ptr<NodeStatsSource> source) {
  std::lock_guard lock(mutex_);
  sources_[node] = std::move(source);
}

void NodeStats::Detach(const std::string& node) {
  std::lock_guard lock(mutex_);
  sources_.erase(node);
}

std::shared_ptr<NodeStatsSource> NodeStats::Find(const std::string& node) const {
  std::lock_guard lock(mutex_);
  auto it = sources_.find(node);
  return it == sources_.end() ? nullptr : it->second;
}

std::vector<api::schema::Resource> MetricsResources() {
  // As metrics-server registers them: no singular name, read-only.
  api::schema::Resource nodes{.group = kMetricsGroup,
                              .version = kMetricsVersion,
                              .plural = "nodes",
                              .singular = "",
                              .kind = "NodeMetrics",
                              .namespaced = false,
                              .verbs = {"get", "list"}};
  api::schema::Resource pods = nodes;
  pods.plural = "pods";
  pods.kind = "PodMetrics";
  pods.namespaced = true;
  return {std::move(nodes), std::move(pods)};
}

namespace {

// The largest suffix that keeps the number whole, as Kubernetes canonicalizes quantities.
std::string DecimalQuantity(int64_t value, int exponent) {
  static constexpr std::array<std::pair<int, const char*>, 10> kSuffixes = {{{-9, "n"},
                                                                             {-6, "u"},
                                                                             {-3, "m"},
                                                                             {0, ""},
                                                                             {3, "k"},
                                                                             {6, "M"},
                                                                             {9, "G"},
                                                                             {12, "T"},
                                                                             {15, "P"},
                                                                             {18, "E"}}};
  if (value == 0) return "0";
  while (value % 1000 == 0 && exponent < 18) {
    value /= 1000;
    exponent += 3;
  }
  for (const auto& [at, suffix] : kSuffixes) {
    if (at == exponent) return fmt::format("{}{}", value, suffix);
  }
  return fmt::format("{}e{}", value, exponent);
}

json::object UsageJson(const Usage& usage) {
  return json::object{{"cpu", CpuQuantity(usage.cpu_nanocores)},
                      {"memory", MemoryQuantity(usage.memory_bytes)}};
}

// The metrics object's metadata: the measured object's identity and labels, created now.
json::object MetadataOf(const json::object& object) {
  json::object metadata{{"name", StringAt(object, "metadata.name")}};
  std::string name_space = StringAt(object, "metadata.namespace");
  if (!name_space.empty()) metadata["namespace"] = name_space;
  metadata["creationTimestamp"] = mini::api::meta::Rfc3339Now();
  const json::value* meta = object.if_contains("metadata");
  const json::value* labels =
      meta != nullptr && meta->is_object() ? meta->get_object().if_contains("labels") : nullptr;
  if (labels != nullptr && labels->is_object()) metadata["labels"] = *labels;
  return metadata;
}

json::object MeasuredJson(const json::object& object, const Measured& measured) {
  return json::object{{"metadata", MetadataOf(object)},
                      {"timestamp", mini::api::meta::Rfc3339(measured.timestamp)},
                      {"window", GoDuration(measured.window)}};
}

}  // namespace

std::string CpuQuantity(int64_t nanocores) { return DecimalQuantity(nanocores, -9); }

std::string MemoryQuantity(int64_t bytes) {
  static constexpr std::array<const char*, 7> kSuffixes = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  // Kubernetes writes small byte counts in decimal: 1024 would round to nothing useful.
  if (bytes > -1024 && bytes < 1024) return DecimalQuantity(bytes, 0);
  size_t power = 0;
  while (bytes % 1024 == 0 && power + 1 < kSuffixes.size()) {
    bytes /= 1024;
    ++power;
  }
  return fmt::format("{}{}", bytes, kSuffixes[power]);
}

std::string GoDuration(std::chrono::milliseconds duration) {
  int64_t ms = duration.count();
  if (ms == 0) return "0s";
  std::string sign = ms < 0 ? "-" : "";
  if (ms < 0) ms = -ms;
  if (ms < 1000) return fmt::format("{}{}ms", sign, ms);
  int64_t hours = ms / 3'600'000, minutes = ms / 60'000 % 60, seconds = ms / 1000 % 60;
  std::string out = sign;
  if (hours > 0) out += fmt::format("{}h", hours);
  if (hours > 0 || minutes > 0) out += fmt::format("{}m", minutes);
  out += std::to_string(seconds);
  if (int64_t fraction = ms % 1000; fraction != 0) {
    std::string digits = fmt::format("{:03}", fraction);
    while (digits.back() == '0') digits.pop_back();
    out += "." + digits;
  }
  return out + "s";
}

json::object NodeMetricsJson(const json::object& node, const NodeUsage& usage) {
  json::object metrics = MeasuredJson(node, usage);
  metrics["usage"] = UsageJson(usage.usage);
  return metrics;
}

json::object PodMetricsJson(const json::object& pod, const PodUsage& usage) {
  json::object metrics = MeasuredJson(pod, usage);
  json::array containers;
  const json::value* spec = pod.if_contains("spec");
  const json::value* list =
      spec != nullptr && spec->is_object() ? spec->get_object().if_contains("containers") : nullptr;
  if (list != nullptr && list->is_array()) {
    for (const json::value& container : list->get_array()) {
      if (!container.is_object()) continue;
      auto it = usage.containers.find(StringAt(container.get_object(), "name"));
      if (it == usage.containers.end()) continue;
      containers.push_back(json::object{{"name", it->first}, {"usage", UsageJson(it->second)}});
    }
  }
  metrics["containers"] = std::move(containers);
  return metrics;
}

}  // namespace mini::cluster::apiserver::rest
