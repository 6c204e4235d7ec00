#include "cluster/apiserver/rest/pod_logs.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "cluster/api/meta/ids.h"
#include "cluster/apiserver/rest/call.h"
#include "cluster/apiserver/rest/handler.h"
#include "cluster/registry/errors.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::apiserver::rest {
namespace json = boost::json;
using registry::StringAt;

void NodeLogs::Attach(const std::string& node, std::shared_ptr<PodLogSource> source) {
  std::lock_guard lock(mutex_);
  sources_[node] = std::move(source);
}

void NodeLogs::Detach(const std::string& node) {
  std::lock_guard lock(mutex_);
  sources_.erase(node);
}

std::shared_ptr<PodLogSource> NodeLogs::Find(const std::string& node) const {
  std::lock_guard lock(mutex_);
  auto it = sources_.find(node);
  return it == sources_.end() ? nullptr : it->second;
}

namespace {

Response Bad(std::string message) { return StatusResponse(400, "BadRequest", message); }

std::optional<int64_t> Number(const Request& request, std::string_view key, bool* bad) {
  auto text = request.query.Get(key);
  if (!text || text->empty()) return std::nullopt;
  try {
    size_t used = 0;
    int64_t value = std::stoll(std::string(*text), &used);
    if (used == text->size() && value >= 0) return value;
  } catch (const std::exception&) {
  }
  *bad = true;
  return std::nullopt;
}

bool Flag(const Request& request, std::string_view key) {
  auto text = request.query.Get(key);
  return text && (*text == "true" || *text == "1");
}

}  // namespace

Response RestHandler::PodLog(Call& call) {
  if (call.request.method != "GET") {
    return ErrorResponse(registry::MethodNotAllowedError(
        "the server does not allow this method on the requested resource"));
  }
  auto pod = call.storage->Get(call.info.name_space, call.info.name);
  if (!pod.ok()) return ErrorResponse(pod.status());
  LogOptions options;
  options.container = std::string(call.Query("container").value_or(""));
  options.follow = Flag(call.request, "follow");
  options.previous = Flag(call.request, "previous");
  options.timestamps = Flag(call.request, "timestamps");
  bool bad = false;
  options.tail_lines = Number(call.request, "tailLines", &bad);
  options.limit_bytes = Number(call.request, "limitBytes", &bad);
  auto since_seconds = Number(call.request, "sinceSeconds", &bad);
  if (bad) return Bad("tailLines, limitBytes and sinceSeconds must be non-negative integers");
  if (since_seconds) {
    options.since_time = mini::api::meta::Rfc3339(std::chrono::system_clock::now() -
                                                  std::chrono::seconds(*since_seconds));
  } else if (auto since = call.Query("sinceTime"); since && !since->empty()) {
    options.since_time = std::string(*since);
  }
  const std::string name = call.info.name;
  std::vector<std::string> names;
  for (const char* key : {"initContainers", "containers"}) {
    const json::value* list = pod->at("spec").as_object().if_contains(key);
    if (list == nullptr || !list->is_array()) continue;
    for (const json::value& c : list->get_array()) names.push_back(StringAt(c.as_object(), "name"));
  }
  if (options.container.empty()) {
    const json::value* app = pod->at("spec").as_object().if_contains("containers");
    if (app && app->is_array() && app->get_array().size() == 1) {
      options.container = StringAt(app->get_array()[0].as_object(), "name");
    } else {
      std::string list;
      for (const std::string& n : names) list += (list.empty() ? "" : " ") + n;
      return Bad(fmt::format("a container name must be specified for pod {}, choose one of: [{}]",
                             name, list));
    }
  }
  if (std::find(names.begin(), names.end(), options.container) == names.end()) {
    return Bad(fmt::format("container {} is not valid for pod {}", options.container, name));
  }
  std::string node = StringAt(*pod, "spec.nodeName");
  auto source = node.empty() || node_logs_ == nullptr ? nullptr : node_logs_->Find(node);
  if (source == nullptr) {
    return Bad(fmt::format("container \"{}\" in pod \"{}\" is waiting to start: ContainerCreating",
                           options.container, name));
  }
  return source->Logs(*pod, options);
}

}  // namespace mini::cluster::apiserver::rest
