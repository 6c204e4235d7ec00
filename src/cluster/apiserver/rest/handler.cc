#include "cluster/apiserver/rest/handler.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <charconv>

#include "cluster/api/meta/ids.h"
#include "cluster/api/patch/errors.h"
#include "cluster/api/patch/json_patch.h"
#include "cluster/api/patch/managed_fields.h"
#include "cluster/api/patch/merge_patch.h"
#include "cluster/api/patch/server_side_apply.h"
#include "cluster/api/patch/strategic_merge_patch.h"
#include "cluster/apiserver/rest/call.h"
#include "cluster/apiserver/rest/codec.h"
#include "cluster/apiserver/rest/request_info.h"
#include "cluster/apiserver/rest/pod_logs.h"
#include "cluster/apiserver/rest/service_account_tokens.h"
#include "cluster/apiserver/rest/table.h"
#include "cluster/apiserver/rest/watch_stream.h"
#include "cluster/registry/printing.h"
#include "common/log.h"

namespace mini::cluster::apiserver::rest {
namespace json = boost::json;
namespace schema = api::schema;
using registry::StringAt;

namespace {

// Kubernetes ends a watch after a random 30-60 minutes unless the client set timeoutSeconds.
constexpr int64_t kDefaultWatchSeconds = 1800;

bool Truthy(std::optional<std::string_view> value) {
  return value && (*value == "true" || *value == "1" || value->empty());
}

Status BadRequest(std::string message) {
  return Status(Code::kInvalidArgument, std::move(message)).WithReason("BadRequest");
}

// "v1" / "apps/v1" of a resource.
std::string ApiVersionOf(const schema::Resource& resource) { return resource.ApiVersion(); }

}  // namespace

RestHandler::RestHandler(registry::Registry& registry,
                         std::shared_ptr<const ServiceAccountTokens> tokens,
                         std::shared_ptr<NodeLogs> node_logs)
    : registry_(registry),
      tokens_(std::move(tokens)),
      node_logs_(std::move(node_logs)),
      ticker_(std::make_unique<WatchTicker>()) {}

RestHandler::~RestHandler() = default;

Response RestHandler::Handle(const Request& request) {
  auto info = ParseResourcePath(request.path);
  if (!info) {
    return StatusResponse(404, "NotFound", "the server could not find the requested resource");
  }
  Call call{request, *info};
  call.resource = registry_.schema().FindResource(info->group, info->version, info->resource);
  if (call.resource == nullptr) {
    return StatusResponse(404, "NotFound", "the server could not find the requested resource");
  }
  call.storage = registry_.Find(info->group, info->version, info->resource);
  call.dry_run = call.Query("dryRun").value_or("") == "All";
  if (!call.info.subresource.empty() && !call.resource->FindSubresource(call.info.subresource)) {
    return StatusResponse(404, "NotFound", "the server could not find the requested resource");
  }
  if (call.resource->namespaced == false && !call.info.name_space.empty()) {
    return StatusResponse(404, "NotFound", "the server could not find the requested resource");
  }
  return Dispatch(call);
}

Response RestHandler::Dispatch(Call& call) {
  const std::string& method = call.request.method;
  const std::string& sub = call.info.subresource;
  if (call.storage == nullptr) {
    if (method == "POST" && call.info.name.empty()) return Review(call);
    return ErrorResponse(registry::MethodNotAllowedError(
        fmt::format("the server does not allow this method on the requested resource")));
  }
  if (sub == "scale") return Scale(call);
  if (sub == "binding" || sub == "eviction") return PodSubresource(call);
  if (sub == "token") return TokenRequest(call);
  if (sub == "finalize") return Finalize(call);
  if (sub == "log") return PodLog(call);
  if (call.info.name.empty()) {
    if (method == "GET") return Truthy(call.Query("watch")) ? Watch(call) : List(call);
    if (method == "POST") {
      if (call.resource->plural == "bindings") return PodSubresource(call);
      return Create(call);
    }
    if (method == "DELETE") return DeleteCollection(call);
  } else {
    if (method == "GET") return Read(call);
    if (method == "PUT") return Replace(call);
    if (method == "PATCH") return Patch(call);
    if (method == "DELETE") return Delete(call);
  }
  return ErrorResponse(registry::MethodNotAllowedError(
      "the server does not allow this method on the requested resource"));
}

namespace {

// Reads the list options shared by list, watch and deletecollection.
Result<registry::ListOptions> ListOptionsOf(const Request& request) {
  registry::ListOptions options;
  if (auto labels = request.query.Get("labelSelector"); labels && !labels->empty()) {
    auto parsed = mini::api::meta::LabelSelector::Parse(*labels);
    if (!parsed.ok()) return BadRequest(parsed.status().message());
    options.labels = std::move(*parsed);
  }
  if (auto fields = request.query.Get("fieldSelector"); fields && !fields->empty()) {
    auto parsed = mini::api::meta::FieldSelector::Parse(*fields);
    if (!parsed.ok()) return BadRequest(parsed.status().message());
    options.fields = std::move(*parsed);
  }
  if (auto limit = request.query.Get("limit"); limit && !limit->empty()) {
    try {
      options.limit = std::stoll(std::string(*limit));
    } catch (const std::exception&) {
      return BadRequest(fmt::format("invalid limit: {}", *limit));
    }
    if (options.limit < 0) options.limit = 0;
  }
  options.continue_token = std::string(request.query.Get("continue").value_or(""));
  options.resource_version = std::string(request.query.Get("resourceVersion").value_or(""));
  options.resource_version_match =
      std::string(request.query.Get("resourceVersionMatch").value_or(""));
  return options;
}

// Field selectors may only name fields the kind makes selectable (400 otherwise, as upstream).
Status CheckFieldSelector(const registry::ListOptions& options, const registry::Storage& storage) {
  if (options.fields.Empty()) return Status::Ok();
  std::vector<std::string> supported = {"metadata.name"};
  if (storage.resource().namespaced) supported.push_back("metadata.namespace");
  for (const auto& [path, value] : storage.strategy().SelectableFields(json::object())) {
    supported.push_back(path);
  }
  Status valid = options.fields.Validate(supported);
  return valid.ok() ? valid : BadRequest(valid.message());
}

json::object ListMetadata(const registry::ListResult& result) {
  json::object metadata{{"resourceVersion", std::to_string(result.revision)}};
  if (!result.continue_token.empty()) metadata["continue"] = result.continue_token;
  if (result.remaining && *result.remaining > 0) metadata["remainingItemCount"] = *result.remaining;
  return metadata;
}

}  // namespace

Response RestHandler::Read(Call& call) {
  auto object = call.storage->Get(call.info.name_space, call.info.name);
  if (!object.ok()) return ErrorResponse(object.status());
  if (WantsTable(call.request.headers.Get("Accept").value_or(""))) {
    return JsonResponse(
        200,
        BuildTable(call.storage->strategy(), {*object},
                   json::object{{"resourceVersion", StringAt(*object, "metadata.resourceVersion")}},
                   ParseIncludeObject(call.Query("includeObject").value_or(""))));
  }
  return JsonResponse(200, *object);
}

Response RestHandler::List(Call& call) {
  auto options = ListOptionsOf(call.request);
  if (!options.ok()) return ErrorResponse(options.status());
  if (Status valid = CheckFieldSelector(*options, *call.storage); !valid.ok()) {
    return ErrorResponse(valid);
  }
  auto result = call.storage->List(call.info.name_space, *options);
  if (!result.ok()) return ErrorResponse(result.status());
  if (WantsTable(call.request.headers.Get("Accept").value_or(""))) {
    return JsonResponse(200,
                        BuildTable(call.storage->strategy(), result->items, ListMetadata(*result),
                                   ParseIncludeObject(call.Query("includeObject").value_or(""))));
  }
  json::array items;
  for (json::object& item : result->items) items.push_back(std::move(item));
  json::object list{{"kind", call.resource->kind + "List"},
                    {"apiVersion", ApiVersionOf(*call.resource)},
                    {"metadata", ListMetadata(*result)},
                    {"items", std::move(items)}};
  return JsonResponse(200, list);
}

Response RestHandler::Watch(Call& call) {
  auto options = ListOptionsOf(call.request);
  if (!options.ok()) return ErrorResponse(options.status());
  if (Status valid = CheckFieldSelector(*options, *call.storage); !valid.ok()) {
    return ErrorResponse(valid);
  }
  WatchStream::Options stream_options;
  if (WantsTable(call.request.headers.Get("Accept").value_or(""))) {
    stream_options.table_strategy = &call.storage->strategy();
    stream_options.include = ParseIncludeObject(call.Query("includeObject").value_or(""));
  }
  stream_options.bookmarks = Truthy(call.Query("allowWatchBookmarks"));
  int64_t timeout = kDefaultWatchSeconds;
  if (auto text = call.Query("timeoutSeconds"); text && !text->empty()) {
    try {
      timeout = std::stoll(std::string(*text));
    } catch (const std::exception&) {
      return ErrorResponse(BadRequest(fmt::format("invalid timeoutSeconds: {}", *text)));
    }
  }
  stream_options.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout);
  stream_options.kind = call.resource->kind;
  stream_options.api_version = ApiVersionOf(*call.resource);
  auto stream = std::make_shared<WatchStream>(stream_options);
  // A watch on one object (fieldSelector metadata.name=x, or a name in the path) is a list
  // watch narrowed by name.
  auto watch = call.storage->Watch(call.info.name_space, *options, stream);
  if (!watch.ok()) return ErrorResponse(watch.status());
  stream->set_watch(std::move(*watch));
  ticker_->Add(stream);
  Response response;
  response.content_type = "application/json";
  response.stream = stream;
  return response;
}

namespace {

// Checks the body's apiVersion and kind against the URL, filling them in when absent, and
// drops unknown fields per fieldValidation (Strict refuses them, Warn reports them).
Status PrepareBody(const Request& request, const schema::Resource& resource,
                   const schema::Type& type, const std::string& kind,
                   const std::string& api_version, json::object& body,
                   std::vector<std::string>* warnings) {
  std::string body_kind = StringAt(body, "kind");
  std::string body_version = StringAt(body, "apiVersion");
  if (!body_kind.empty() && body_kind != kind) {
    return BadRequest(fmt::format("the kind in the data ({}) does not match the expected kind ({})",
                                  body_kind, kind));
  }
  if (!body_version.empty() && body_version != api_version) {
    return BadRequest(
        fmt::format("the API version in the data ({}) does not match the expected API version ({})",
                    body_version, api_version));
  }
  body["apiVersion"] = api_version;
  body["kind"] = kind;
  std::vector<std::string> unknown = PruneUnknownFields(body, type);
  std::string_view validation = request.query.Get("fieldValidation").value_or("");
  if (!unknown.empty()) {
    if (validation == "Strict") {
      std::string list;
      for (const std::string& path : unknown) {
        list += (list.empty() ? "" : ", ") + fmt::format("unknown field \"{}\"", path.substr(1));
      }
      return BadRequest("strict decoding error: " + list);
    }
    if (validation == "Warn" && warnings) {
      for (const std::string& path : unknown) {
        warnings->push_back(fmt::format("unknown field \"{}\"", path.substr(1)));
      }
    }
  }
  (void)resource;
  return Status::Ok();
}

// Who is writing, for managedFields: the fieldManager parameter or the client's name.
api::patch::FieldManagerContext ManagerOf(const Request& request, const schema::Resource& resource,
                                          const std::string& subresource) {
  api::patch::FieldManagerContext context;
  std::string_view manager = request.query.Get("fieldManager").value_or("");
  context.manager =
      manager.empty()
          ? api::patch::ManagerFromUserAgent(request.headers.Get("User-Agent").value_or(""))
          : std::string(manager);
  context.api_version = resource.ApiVersion();
  context.subresource = subresource;
  context.time = mini::api::meta::Rfc3339Now();
  context.type = resource.type;
  return context;
}

// The patch library's reasons become the statuses Kubernetes answers with.
Status PatchError(const Status& status) {
  if (status.reason() == api::patch::kReasonPatchNotApplicable) {
    return Status(Code::kInvalidArgument, status.message()).WithReason("Invalid");
  }
  return BadRequest(status.message());
}

Status RecordManager(const json::object* live, json::object& object,
                     const api::patch::FieldManagerContext& context) {
  json::value value = std::move(object);
  json::value before = live ? json::value(*live) : json::value();
  Status recorded = api::patch::RecordUpdate(live ? &before : nullptr, value, context);
  object = std::move(value.as_object());
  return recorded.ok() ? recorded : PatchError(recorded);
}

Response WithWarnings(Response response, const std::vector<std::string>& warnings) {
  for (const std::string& warning : warnings) {
    json::string quoted(warning);
    response.headers.emplace_back("Warning", "299 - " + json::serialize(quoted));
  }
  return response;
}

// Sends a write's result: the object with `code`, or the error.
registry::Storage::ObjectDone SendObject(std::shared_ptr<Responder> responder, int code,
                                         std::vector<std::string> warnings = {}) {
  return [responder = std::move(responder), code,
          warnings = std::move(warnings)](Result<json::object> written) {
    responder->Send(written.ok() ? WithWarnings(JsonResponse(code, *written), warnings)
                                 : ErrorResponse(written.status()));
  };
}

}  // namespace

Response RestHandler::Create(Call& call) {
  auto body = DecodeBody(call.request.headers.Get("Content-Type").value_or(""), call.request.body,
                         registry_.schema());
  if (!body.ok()) return ErrorResponse(body.status());
  std::vector<std::string> warnings;
  if (Status ok = PrepareBody(call.request, *call.resource, *call.resource->type,
                              call.resource->kind, ApiVersionOf(*call.resource), *body, &warnings);
      !ok.ok()) {
    return ErrorResponse(ok);
  }
  std::string name_space = call.info.name_space;
  if (call.resource->namespaced && name_space.empty()) {
    name_space = StringAt(*body, "metadata.namespace", "default");
  }
  if (Status recorded = RecordManager(nullptr, *body, ManagerOf(call.request, *call.resource, ""));
      !recorded.ok()) {
    return ErrorResponse(recorded);
  }
  return Deferred([storage = call.storage, name_space, object = std::move(*body),
                   options = registry::WriteOptions{call.dry_run},
                   warnings = std::move(warnings)](std::shared_ptr<Responder> responder) mutable {
    storage->CreateAsync(name_space, std::move(object), options, PostTo(responder),
                         SendObject(responder, 201, std::move(warnings)));
  });
}

Response RestHandler::Replace(Call& call) {
  auto body = DecodeBody(call.request.headers.Get("Content-Type").value_or(""), call.request.body,
                         registry_.schema());
  if (!body.ok()) return ErrorResponse(body.status());
  std::vector<std::string> warnings;
  if (Status ok = PrepareBody(call.request, *call.resource, *call.resource->type,
                              call.resource->kind, ApiVersionOf(*call.resource), *body, &warnings);
      !ok.ok()) {
    return ErrorResponse(ok);
  }
  auto context = ManagerOf(call.request, *call.resource, call.info.subresource);
  if (StringAt(*body, "metadata.name") != call.info.name) {
    return ErrorResponse(BadRequest(
        fmt::format("the name of the object ({}) does not match the name on the URL ({})",
                    StringAt(*body, "metadata.name"), call.info.name)));
  }
  registry::Storage::Mutation mutation =
      [body = std::move(*body), context](json::object current) -> Result<json::object> {
    json::object next = body;
    MINI_RETURN_IF_ERROR(RecordManager(&current, next, context));
    return next;
  };
  return Deferred([call, mutation = std::move(mutation),
                   warnings = std::move(warnings)](std::shared_ptr<Responder> responder) mutable {
    call.storage->UpdateAsync(call.info.name_space, call.info.name, std::move(mutation),
                              call.info.subresource == "status",
                              registry::WriteOptions{call.dry_run}, PostTo(responder),
                              SendObject(responder, 200, std::move(warnings)));
  });
}

namespace {

enum class PatchType { kJson, kMerge, kStrategic, kApply, kUnknown };

PatchType PatchTypeOf(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  if (type == "application/json-patch+json") return PatchType::kJson;
  if (type == "application/merge-patch+json") return PatchType::kMerge;
  if (type == "application/strategic-merge-patch+json") return PatchType::kStrategic;
  if (type == "application/apply-patch+yaml") return PatchType::kApply;
  return PatchType::kUnknown;
}

Result<json::value> ParsePatchBody(PatchType type, std::string_view body) {
  if (type == PatchType::kApply) {
    auto parsed = api::patch::ParseApplyPatch(body);
    return parsed.ok() ? parsed : Result<json::value>(PatchError(parsed.status()));
  }
  boost::system::error_code error;
  json::value value = json::parse(body, error);
  if (error) return BadRequest(fmt::format("error decoding patch: {}", error.message()));
  return value;
}

Result<json::object> ApplyPatch(PatchType type, const json::value& patch, json::object current,
                                const schema::Type* object_type) {
  json::value result;
  switch (type) {
    case PatchType::kJson: {
      auto parsed = api::patch::ParseJsonPatch(patch);
      if (!parsed.ok()) return PatchError(parsed.status());
      auto applied = api::patch::ApplyJsonPatch(std::move(current), *parsed);
      if (!applied.ok()) return PatchError(applied.status());
      result = std::move(*applied);
      break;
    }
    case PatchType::kMerge:
      result = api::patch::ApplyMergePatch(std::move(current), patch);
      break;
    case PatchType::kStrategic:
    case PatchType::kApply: {
      auto applied = api::patch::ApplyStrategicMergePatch(std::move(current), patch, object_type);
      if (!applied.ok()) return PatchError(applied.status());
      result = std::move(*applied);
      break;
    }
    case PatchType::kUnknown:
      break;
  }
  if (!result.is_object()) return BadRequest("the patch did not produce an object");
  return std::move(result.as_object());
}

// One patch request across its attempts: the mutation may run again after a conflict.
struct PatchRequest {
  RestHandler::Call call;
  PatchType type = PatchType::kUnknown;
  json::value patch;
  api::patch::FieldManagerContext context;
  bool pinned = false;  // the patch names a resourceVersion: a compare-and-swap
  std::vector<std::string> warnings;

  const schema::Resource& resource() const { return *call.resource; }
  bool status_only() const { return call.info.subresource == "status"; }

  Result<json::object> Mutate(json::object current) {
    json::object next;
    if (type == PatchType::kApply) {
      json::value live = current;
      auto applied = api::patch::ServerSideApply(&live, patch, context);
      if (!applied.ok()) return PatchError(applied.status());
      if (!applied->object.is_object()) return BadRequest("apply did not produce an object");
      next = std::move(applied->object.as_object());
    } else {
      MINI_ASSIGN_OR_RETURN(next, ApplyPatch(type, patch, current, resource().type));
      MINI_RETURN_IF_ERROR(RecordManager(&current, next, context));
    }
    // A patch is a compare-and-swap only when it names a resourceVersion itself; otherwise a
    // concurrent write just means patching the newer object.
    if (!pinned && next.contains("metadata") && next["metadata"].is_object()) {
      next["metadata"].as_object().erase("resourceVersion");
    }
    warnings.clear();
    MINI_RETURN_IF_ERROR(PrepareBody(call.request, resource(), *resource().type, resource().kind,
                                     ApiVersionOf(resource()), next, &warnings));
    return next;
  }

  // Server-side apply creates what does not exist yet.
  Result<json::object> Created() {
    if (!patch.is_object()) return BadRequest("the applied object must be a map");
    auto applied = api::patch::ServerSideApply(nullptr, patch, context);
    if (!applied.ok()) return PatchError(applied.status());
    if (!applied->object.is_object()) return BadRequest("apply did not produce an object");
    json::object object = std::move(applied->object.as_object());
    MINI_RETURN_IF_ERROR(PrepareBody(call.request, resource(), *resource().type, resource().kind,
                                     ApiVersionOf(resource()), object, &warnings));
    if (StringAt(object, "metadata.name") != call.info.name) {
      return BadRequest("the name of the object does not match the name on the URL");
    }
    return object;
  }
};

}  // namespace

Response RestHandler::Patch(Call& call) {
  PatchType type = PatchTypeOf(call.request.headers.Get("Content-Type").value_or(""));
  if (type == PatchType::kUnknown) {
    return ErrorResponse(
        Status(Code::kInvalidArgument,
               fmt::format("the body of the request was in an unknown format - accepted media "
                           "types include: application/json-patch+json, "
                           "application/merge-patch+json, application/apply-patch+yaml, "
                           "application/strategic-merge-patch+json"))
            .WithReason("UnsupportedMediaType"));
  }
  auto patch = ParsePatchBody(type, call.request.body);
  if (!patch.ok()) return ErrorResponse(patch.status());
  if (type == PatchType::kApply && !call.request.query.Has("fieldManager")) {
    return ErrorResponse(Status(Code::kInvalidArgument,
                                "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required "
                                "value: is required for apply patch")
                             .WithReason("Invalid"));
  }
  auto request = std::make_shared<PatchRequest>(PatchRequest{
      .call = call,
      .type = type,
      .patch = std::move(*patch),
      .context = ManagerOf(call.request, *call.resource, call.info.subresource),
  });
  request->pinned = request->patch.is_object() &&
                    !StringAt(request->patch.as_object(), "metadata.resourceVersion").empty();
  return Deferred([request](std::shared_ptr<Responder> responder) {
    const Call& patching = request->call;
    const registry::WriteOptions options{patching.dry_run};
    auto patched = [request, responder, options](Result<json::object> result) {
      if (result.ok()) return SendObject(responder, 200, request->warnings)(std::move(result));
      if (result.status().code() != Code::kNotFound || request->type != PatchType::kApply ||
          request->status_only()) {
        return responder->Send(ErrorResponse(result.status()));
      }
      auto object = request->Created();
      if (!object.ok()) return responder->Send(ErrorResponse(object.status()));
      request->call.storage->CreateAsync(request->call.info.name_space, std::move(*object),
                                         options, PostTo(responder),
                                         SendObject(responder, 201, request->warnings));
    };
    patching.storage->UpdateAsync(
        patching.info.name_space, patching.info.name,
        [request](json::object current) { return request->Mutate(std::move(current)); },
        request->status_only(), options, PostTo(responder), std::move(patched));
  });
}

namespace {

// A DeleteOptions body's settings; the query's gracePeriodSeconds, as `kubectl delete --raw`
// or curl would send it, counts when the body does not set one.
Result<registry::DeleteOptions> DeleteOptionsOf(const RestHandler::Call& call) {
  json::object body;
  if (!call.request.body.empty()) {
    boost::system::error_code error;
    json::value parsed = json::parse(call.request.body, error);
    if (error || !parsed.is_object()) {
      return BadRequest("the DeleteOptions body is not a JSON object");
    }
    body = std::move(parsed.as_object());
  }
  if (auto grace = call.Query("gracePeriodSeconds"); grace && !body.contains("gracePeriodSeconds")) {
    int64_t seconds = 0;
    auto [end, error] = std::from_chars(grace->data(), grace->data() + grace->size(), seconds);
    if (error != std::errc() || end != grace->data() + grace->size()) {
      return BadRequest(fmt::format("gracePeriodSeconds \"{}\" is not a number", *grace));
    }
    body["gracePeriodSeconds"] = seconds;
  }
  return DeleteOptionsFromJson(body, call.dry_run);
}

}  // namespace

Result<registry::DeleteOptions> DeleteOptionsFromJson(const json::object& body, bool dry_run) {
  registry::DeleteOptions options;
  options.dry_run = dry_run;
  if (const json::value* run = body.if_contains("dryRun"); run && run->is_array()) {
    for (const json::value& item : run->as_array()) {
      if (item.is_string() && item.get_string() == "All") options.dry_run = true;
    }
  }
  if (const json::value* grace = body.if_contains("gracePeriodSeconds");
      grace && !grace->is_null()) {
    if (!grace->is_int64()) return BadRequest("gracePeriodSeconds must be an integer");
    // A negative period asks for the shortest one that is still graceful.
    options.grace_period_seconds = grace->as_int64() < 0 ? 1 : grace->as_int64();
  }
  if (const json::value* pre = body.if_contains("preconditions"); pre && pre->is_object()) {
    std::string uid = StringAt(pre->as_object(), "uid");
    std::string rv = StringAt(pre->as_object(), "resourceVersion");
    if (!uid.empty()) options.precondition_uid = uid;
    if (!rv.empty()) options.precondition_resource_version = rv;
  }
  return options;
}

namespace {
}  // namespace

Response RestHandler::Delete(Call& call) {
  auto options = DeleteOptionsOf(call);
  if (!options.ok()) return ErrorResponse(options.status());
  return Deferred([call, options = *options](std::shared_ptr<Responder> responder) {
    call.storage->DeleteAsync(call.info.name_space, call.info.name, options, PostTo(responder),
                              SendObject(responder, 200));
  });
}

Response RestHandler::DeleteCollection(Call& call) {
  auto list_options = ListOptionsOf(call.request);
  if (!list_options.ok()) return ErrorResponse(list_options.status());
  auto options = DeleteOptionsOf(call);
  if (!options.ok()) return ErrorResponse(options.status());
  auto deleted = call.storage->DeleteCollection(call.info.name_space, *list_options, *options);
  if (!deleted.ok()) return ErrorResponse(deleted.status());
  json::array items;
  for (json::object& item : deleted->items) items.push_back(std::move(item));
  return JsonResponse(200, json::object{{"kind", call.resource->kind + "List"},
                                        {"apiVersion", ApiVersionOf(*call.resource)},
                                        {"metadata", ListMetadata(*deleted)},
                                        {"items", std::move(items)}});
}

void InstallRest(Router& router, std::shared_ptr<RestHandler> handler) {
  for (const char* prefix : {"/api/", "/apis/"}) {
    router.HandlePrefix("*", prefix,
                        [handler](const Request& request) { return handler->Handle(request); });
  }
}

}  // namespace mini::cluster::apiserver::rest
