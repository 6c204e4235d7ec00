// GET (and list) of NodeMetrics and PodMetrics. Objects with nothing measured yet are left out of
// lists and not found alone, as metrics-server answers before its first scrape of them.
#include <fmt/format.h>

#include <boost/json.hpp>

#include "cluster/apiserver/rest/metrics.h"
#include "cluster/apiserver/rest/request_info.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::apiserver::rest {
namespace json = boost::json;
using registry::StringAt;

namespace {

Response NotFound(std::string_view resource, std::string_view name) {
  return StatusResponse(404, "NotFound",
                        fmt::format("{}.{} \"{}\" not found", resource, kMetricsGroup, name));
}

Response NoSuchPath() {
  return StatusResponse(404, "NotFound", "the server could not find the requested resource");
}

Result<registry::ListOptions> ListOptionsOf(const Request& request) {
  registry::ListOptions options;
  if (auto labels = request.query.Get("labelSelector"); labels && !labels->empty()) {
    MINI_ASSIGN_OR_RETURN(options.labels, mini::api::meta::LabelSelector::Parse(*labels));
  }
  if (auto fields = request.query.Get("fieldSelector"); fields && !fields->empty()) {
    MINI_ASSIGN_OR_RETURN(options.fields, mini::api::meta::FieldSelector::Parse(*fields));
    MINI_RETURN_IF_ERROR(options.fields.Validate({"metadata.name", "metadata.namespace"}));
  }
  return options;
}

class MetricsHandler {
 public:
  MetricsHandler(registry::Registry& registry, std::shared_ptr<const NodeStats> stats)
      : registry_(registry), stats_(std::move(stats)) {}

  Response Handle(const Request& request) const {
    auto info = ParseResourcePath(request.path);
    if (!info || info->version != kMetricsVersion || !info->subresource.empty()) {
      return NoSuchPath();
    }
    bool nodes = info->resource == "nodes";
    if ((!nodes && info->resource != "pods") || (nodes && !info->name_space.empty())) {
      return NoSuchPath();
    }
    if (request.method != "GET") {
      return StatusResponse(405, "MethodNotAllowed",
                            "the server does not allow this method on the requested resource");
    }
    auto options = ListOptionsOf(request);
    if (!options.ok()) return StatusResponse(400, "BadRequest", options.status().message());
    return nodes ? Nodes(*info, *options) : Pods(*info, *options);
  }

 private:
  std::shared_ptr<NodeStatsSource> SourceOf(const json::object& object,
                                            std::string_view node_field) const {
    std::string node = StringAt(object, node_field);
    return node.empty() || stats_ == nullptr ? nullptr : stats_->Find(node);
  }

  std::optional<json::object> NodeMetrics(const json::object& node) const {
    auto source = SourceOf(node, "metadata.name");
    auto usage = source ? source->Node() : std::nullopt;
    if (!usage) return std::nullopt;
    return NodeMetricsJson(node, *usage);
  }

  std::optional<json::object> PodMetrics(const json::object& pod) const {
    auto source = SourceOf(pod, "spec.nodeName");
    auto usage = source ? source->Pod(StringAt(pod, "metadata.uid")) : std::nullopt;
    if (!usage) return std::nullopt;
    return PodMetricsJson(pod, *usage);
  }

  Response Nodes(const RequestInfo& info, const registry::ListOptions& options) const {
    registry::Storage* storage = registry_.Find("", "v1", "nodes");
    if (storage == nullptr) return NoSuchPath();
    if (!info.name.empty()) {
      auto node = storage->Get("", info.name);
      if (!node.ok() && node.status().code() != Code::kNotFound)
        return ErrorResponse(node.status());
      auto metrics = node.ok() ? NodeMetrics(*node) : std::nullopt;
      if (!metrics) return NotFound("nodemetrics", info.name);
      return Single(std::move(*metrics), "NodeMetrics");
    }
    auto list = storage->List("", options);
    if (!list.ok()) return ErrorResponse(list.status());
    json::array items;
    for (const json::object& node : list->items) {
      if (auto metrics = NodeMetrics(node)) items.push_back(std::move(*metrics));
    }
    return ListOf(std::move(items), "NodeMetricsList");
  }

  Response Pods(const RequestInfo& info, const registry::ListOptions& options) const {
    registry::Storage* storage = registry_.Find("", "v1", "pods");
    if (storage == nullptr) return NoSuchPath();
    if (!info.name.empty()) {
      auto pod = storage->Get(info.name_space, info.name);
      if (!pod.ok() && pod.status().code() != Code::kNotFound) return ErrorResponse(pod.status());
      auto metrics = pod.ok() ? PodMetrics(*pod) : std::nullopt;
      if (!metrics) return NotFound("podmetrics", info.name_space + "/" + info.name);
      return Single(std::move(*metrics), "PodMetrics");
    }
    auto list = storage->List(info.name_space, options);
    if (!list.ok()) return ErrorResponse(list.status());
    json::array items;
    for (const json::object& pod : list->items) {
      if (auto metrics = PodMetrics(pod)) items.push_back(std::move(*metrics));
    }
    return ListOf(std::move(items), "PodMetricsList");
  }

  static Response Single(json::object metrics, std::string_view kind) {
    json::object object{{"kind", kind}, {"apiVersion", ApiVersion()}};
    for (auto& [key, value] : metrics) object[key] = std::move(value);
    return JsonResponse(200, object);
  }

  static Response ListOf(json::array items, std::string_view kind) {
    return JsonResponse(200, json::object{{"kind", kind},
                                          {"apiVersion", ApiVersion()},
                                          {"metadata", json::object()},
                                          {"items", std::move(items)}});
  }

  static std::string ApiVersion() { return fmt::format("{}/{}", kMetricsGroup, kMetricsVersion); }

  registry::Registry& registry_;
  std::shared_ptr<const NodeStats> stats_;
};

}  // namespace

void InstallMetrics(Router& router, registry::Registry& registry,
                    std::shared_ptr<const NodeStats> stats) {
  auto handler = std::make_shared<const MetricsHandler>(registry, std::move(stats));
  router.HandlePrefix("*", fmt::format("/apis/{}/", kMetricsGroup),
                      [handler](const Request& request) { return handler->Handle(request); });
}

}  // namespace mini::cluster::apiserver::rest
