// The subresources that are not plain views of their object: scale (an autoscaling/v1 Scale
// over spec.replicas), pods/binding (the scheduler's write of spec.nodeName), pods/eviction (a
// delete that disruption budgets may refuse), the bindings collection and serviceaccounts/token.
#include <fmt/format.h>

#include <boost/json.hpp>

#include "cluster/api/meta/ids.h"
#include "cluster/api/meta/labels.h"
#include "cluster/api/patch/json_patch.h"
#include "cluster/api/patch/merge_patch.h"
#include "cluster/apiserver/rest/call.h"
#include "cluster/apiserver/rest/codec.h"
#include "cluster/apiserver/rest/handler.h"
#include "cluster/apiserver/rest/request_info.h"
#include "cluster/apiserver/rest/service_account_tokens.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::apiserver::rest {
namespace json = boost::json;
using registry::IntAt;
using registry::ObjectAt;
using registry::StringAt;

namespace {

// A bound pod is scheduled: PodScheduled becomes True (without the reason and message of an
// earlier failure), its transition time kept when it was True already.
void SetPodScheduled(json::object& pod) {
  json::object condition{{"type", "PodScheduled"},
                         {"status", "True"},
                         {"lastProbeTime", nullptr},
                         {"lastTransitionTime", mini::api::meta::Rfc3339Now()}};
  json::value& status = pod["status"];
  if (!status.is_object()) status = json::object{};
  json::value& conditions = status.as_object()["conditions"];
  if (!conditions.is_array()) conditions = json::array{};
  for (json::value& existing : conditions.as_array()) {
    if (!existing.is_object() || StringAt(existing.as_object(), "type") != "PodScheduled") {
      continue;
    }
    if (StringAt(existing.as_object(), "status") == "True") {
      condition["lastTransitionTime"] = existing.as_object()["lastTransitionTime"];
    }
    existing = std::move(condition);
    return;
  }
  conditions.as_array().push_back(std::move(condition));
}

Status BadRequest(std::string message) {
  return Status(Code::kInvalidArgument, std::move(message)).WithReason("BadRequest");
}

// The selector of a workload in the text form a Scale's status carries.
std::string SelectorText(const json::object& object) {
  const json::object* selector = ObjectAt(object, "spec.selector");
  if (selector == nullptr) return "";
  if (selector->contains("matchLabels") || selector->contains("matchExpressions")) {
    auto parsed = mini::api::meta::LabelSelector::FromJson(*selector, "spec.selector");
    return parsed.ok() ? parsed->String() : "";
  }
  // ReplicationControllers select with a plain label map.
  std::vector<std::string> pairs;
  for (const auto& [key, value] : *selector) {
    if (value.is_string())
      pairs.push_back(std::string(key) + "=" + std::string(value.get_string()));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string text;
  for (const std::string& pair : pairs) text += (text.empty() ? "" : ",") + pair;
  return text;
}

json::object ScaleOf(const json::object& object) {
  json::object metadata;
  for (const char* key : {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
    if (const json::object* meta = ObjectAt(object, "metadata")) {
      if (const json::value* value = meta->if_contains(key)) metadata[key] = *value;
    }
  }
  return json::object{{"kind", "Scale"},
                      {"apiVersion", "autoscaling/v1"},
                      {"metadata", std::move(metadata)},
                      {"spec", json::object{{"replicas", IntAt(object, "spec.replicas", 1)}}},
                      {"status", json::object{{"replicas", IntAt(object, "status.replicas", 0)},
                                              {"selector", SelectorText(object)}}}};
}

Result<int64_t> ReplicasOf(const json::object& scale) {
  const json::object* spec = ObjectAt(scale, "spec");
  const json::value* replicas = spec ? spec->if_contains("replicas") : nullptr;
  if (replicas == nullptr) return int64_t{0};
  if (!replicas->is_int64() && !replicas->is_uint64()) {
    return BadRequest("spec.replicas must be an integer");
  }
  return replicas->to_number<int64_t>();
}

// Bindings and evictions answer with a bare Success once written.
registry::Storage::ObjectDone SendCreated(std::shared_ptr<Responder> responder) {
  return [responder](Result<json::object> written) {
    responder->Send(written.ok() ? StatusResponse(201, "", "") : ErrorResponse(written.status()));
  };
}

}  // namespace

Response RestHandler::Scale(Call& call) {
  const std::string& method = call.request.method;
  if (method == "GET") {
    auto object = call.storage->Get(call.info.name_space, call.info.name);
    if (!object.ok()) return ErrorResponse(object.status());
    return JsonResponse(200, ScaleOf(*object));
  }
  if (method != "PUT" && method != "PATCH") {
    return ErrorResponse(registry::MethodNotAllowedError(
        "the server does not allow this method on the requested resource"));
  }
  std::string content_type(call.request.headers.Get("Content-Type").value_or(""));
  // Runs once per attempt, after this function returned: everything is held by value.
  auto mutation = [this, call, method, content_type](json::object current) -> Result<json::object> {
    json::object scale = ScaleOf(current);
    json::object next_scale;
    if (method == "PUT") {
      MINI_ASSIGN_OR_RETURN(next_scale,
                            DecodeBody(content_type, call.request.body, registry_.schema()));
      std::string pinned = StringAt(next_scale, "metadata.resourceVersion");
      if (!pinned.empty() && pinned != StringAt(current, "metadata.resourceVersion")) {
        return registry::StaleResourceVersionError(
            registry::Subject::Of(*call.resource, call.info.name));
      }
    } else {
      boost::system::error_code error;
      json::value patch = json::parse(call.request.body, error);
      if (error) return BadRequest("error decoding patch: " + error.message());
      if (content_type.starts_with("application/json-patch+json")) {
        MINI_ASSIGN_OR_RETURN(auto ops, api::patch::ParseJsonPatch(patch));
        MINI_ASSIGN_OR_RETURN(json::value applied, api::patch::ApplyJsonPatch(scale, ops));
        if (!applied.is_object()) return BadRequest("the patch did not produce an object");
        next_scale = std::move(applied.as_object());
      } else {
        json::value applied = api::patch::ApplyMergePatch(scale, patch);
        if (!applied.is_object()) return BadRequest("the patch did not produce an object");
        next_scale = std::move(applied.as_object());
      }
    }
    MINI_ASSIGN_OR_RETURN(int64_t replicas, ReplicasOf(next_scale));
    if (replicas < 0) {
      return registry::InvalidError(
          registry::Subject{"autoscaling", "scale", "Scale", call.info.name},
          {registry::Invalid("spec.replicas", replicas, "must be greater than or equal to 0")});
    }
    json::object& spec = current["spec"].as_object();
    spec["replicas"] = replicas;
    current["metadata"].as_object().erase("resourceVersion");
    return current;
  };
  return Deferred([call, mutation = std::move(mutation)](std::shared_ptr<Responder> responder) {
    call.storage->UpdateAsync(
        call.info.name_space, call.info.name, std::move(mutation), false,
        registry::WriteOptions{call.dry_run}, PostTo(responder),
        [responder](Result<json::object> updated) {
          responder->Send(updated.ok() ? JsonResponse(200, ScaleOf(*updated))
                                       : ErrorResponse(updated.status()));
        });
  });
}

Response RestHandler::PodSubresource(Call& call) {
  const std::string& sub = call.info.subresource;
  if (call.request.method != "POST") {
    return ErrorResponse(registry::MethodNotAllowedError(
        "the server does not allow this method on the requested resource"));
  }
  auto body = DecodeBody(call.request.headers.Get("Content-Type").value_or(""), call.request.body,
                         registry_.schema());
  if (!body.ok()) return ErrorResponse(body.status());
  registry::Storage* pods = registry_.Find("", "v1", "pods");
  if (sub == "binding" || call.resource->plural == "bindings") {
    std::string pod = sub == "binding" ? call.info.name : StringAt(*body, "metadata.name");
    std::string node = StringAt(*body, "target.name");
    if (node.empty()) {
      return ErrorResponse(registry::InvalidError(registry::Subject{"", "bindings", "Binding", pod},
                                                  {registry::Required("target.name")}));
    }
    registry::Storage::Mutation bind = [pod, node](json::object current) -> Result<json::object> {
          if (!StringAt(current, "spec.nodeName").empty()) {
            return registry::ConflictError(registry::Subject{"", "pods", "Pod", pod},
                                           fmt::format("pod {} is already assigned to node \"{}\"",
                                                       pod, StringAt(current, "spec.nodeName")));
          }
          current["spec"].as_object()["nodeName"] = node;
          current["metadata"].as_object().erase("resourceVersion");
          SetPodScheduled(current);
          return current;
    };
    return Deferred([pods, call, pod, bind = std::move(bind)](std::shared_ptr<Responder> responder) {
      pods->UpdateAsync(call.info.name_space, pod, std::move(bind), false,
                        registry::WriteOptions{.dry_run = call.dry_run, .server_write = true},
                        PostTo(responder), SendCreated(responder));
    });
  }
  if (sub == "eviction") {
    // An eviction is a delete with the Eviction's options; disruption budgets come with the
    // controllers that keep their status.
    json::object delete_options;
    if (const json::object* given = registry::ObjectAt(*body, "deleteOptions")) {
      delete_options = *given;
    }
    auto options = DeleteOptionsFromJson(delete_options, call.dry_run);
    if (!options.ok()) return ErrorResponse(options.status());
    return Deferred([pods, call, options = *options](std::shared_ptr<Responder> responder) {
      pods->DeleteAsync(call.info.name_space, call.info.name, options, PostTo(responder),
                        SendCreated(responder));
    });
  }
  return ErrorResponse(
      registry::MethodNotAllowedError(fmt::format("the {} subresource is not served yet", sub)));
}

// Namespace finalize: the namespace controller clears spec.finalizers once the namespace is
// empty; the update that clears the last one deletes the namespace.
Response RestHandler::Finalize(Call& call) {
  if (call.request.method != "PUT") {
    return ErrorResponse(registry::MethodNotAllowedError(
        "the server does not allow this method on the requested resource"));
  }
  auto body = DecodeBody(call.request.headers.Get("Content-Type").value_or(""), call.request.body,
                         registry_.schema());
  if (!body.ok()) return ErrorResponse(body.status());
  if (StringAt(*body, "metadata.name") != call.info.name) {
    return ErrorResponse(registry::BadRequestError(
        fmt::format("the name of the object ({}) does not match the name on the URL ({})",
                    StringAt(*body, "metadata.name"), call.info.name)));
  }
  json::value finalizers = json::array();
  if (const json::object* spec = registry::ObjectAt(*body, "spec")) {
    if (const json::value* given = spec->if_contains("finalizers"); given && given->is_array()) {
      finalizers = *given;
    }
  }
  std::string pinned = StringAt(*body, "metadata.resourceVersion");
  registry::Storage::Mutation finalize = [finalizers, pinned](json::object current) {
    json::value& spec = current["spec"];
    if (!spec.is_object()) spec = json::object();
    spec.as_object()["finalizers"] = finalizers;
    json::object& metadata = current["metadata"].as_object();
    if (pinned.empty()) {
      metadata.erase("resourceVersion");
    } else {
      metadata["resourceVersion"] = pinned;
    }
    return Result<json::object>(std::move(current));
  };
  return Deferred([call, finalize = std::move(finalize)](std::shared_ptr<Responder> responder) {
    call.storage->UpdateAsync(call.info.name_space, call.info.name, std::move(finalize), false,
                              registry::WriteOptions{.dry_run = call.dry_run, .server_write = true},
                              PostTo(responder), [responder](Result<json::object> written) {
                                responder->Send(written.ok() ? JsonResponse(200, *written)
                                                             : ErrorResponse(written.status()));
                              });
  });
}

Response RestHandler::TokenRequest(Call& call) {
  if (call.request.method != "POST") {
    return ErrorResponse(registry::MethodNotAllowedError(
        "the server does not allow this method on the requested resource"));
  }
  if (tokens_ == nullptr) {
    return ErrorResponse(registry::MethodNotAllowedError("this server issues no tokens"));
  }
  auto body = DecodeBody(call.request.headers.Get("Content-Type").value_or(""), call.request.body,
                         registry_.schema());
  if (!body.ok()) return ErrorResponse(body.status());
  auto issued = tokens_->Issue(call.info.name_space, call.info.name, std::move(*body));
  if (!issued.ok()) return ErrorResponse(issued.status());
  return JsonResponse(201, *issued);
}

}  // namespace mini::cluster::apiserver::rest
