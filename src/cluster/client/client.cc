#include "cluster/client/client.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <map>

namespace mini::cluster::client {
namespace json = boost::json;

std::string Resource::Path(std::string_view name_space, std::string_view name,
                           std::string_view subresource) const {
  std::string path = group.empty() ? fmt::format("/api/{}", version)
                                   : fmt::format("/apis/{}/{}", group, version);
  if (!name_space.empty()) path += fmt::format("/namespaces/{}", name_space);
  path += "/" + plural;
  if (!name.empty()) path += fmt::format("/{}", name);
  if (!subresource.empty()) path += fmt::format("/{}", subresource);
  return path;
}

Status StatusFromReply(const HttpReply& reply) {
  static const std::map<int, Code> kCodes = {
      {400, Code::kInvalidArgument}, {401, Code::kPermissionDenied},
      {403, Code::kPermissionDenied}, {404, Code::kNotFound},
      {405, Code::kUnimplemented},    {409, Code::kConflict},
      {410, Code::kOutOfRange},       {413, Code::kResourceExhausted},
      {415, Code::kInvalidArgument},  {422, Code::kInvalidArgument},
      {429, Code::kUnavailable},      {503, Code::kUnavailable},
      {504, Code::kDeadlineExceeded}};
  auto known = kCodes.find(reply.status);
  Code code = known != kCodes.end() ? known->second : Code::kInternal;
  std::string reason;
  std::string message = fmt::format("the server answered {}", reply.status);
  boost::system::error_code error;
  json::value body = json::parse(reply.body, error);
  if (!error && body.is_object()) {
    const json::object& status = body.get_object();
    if (auto* text = status.if_contains("message"); text && text->is_string()) {
      message = std::string(text->get_string());
    }
    if (auto* why = status.if_contains("reason"); why && why->is_string()) {
      reason = std::string(why->get_string());
    }
  }
  if (reason == "AlreadyExists") code = Code::kAlreadyExists;
  Status status(code, message);
  return reason.empty() ? status : status.WithReason(reason);
}

Result<json::object> Client::Call(HttpRequest request) {
  MINI_ASSIGN_OR_RETURN(HttpReply reply, transport_->Send(request));
  if (reply.status < 200 || reply.status >= 300) return StatusFromReply(reply);
  boost::system::error_code error;
  json::value body = json::parse(reply.body, error);
  if (error || !body.is_object()) {
    return Status(Code::kInternal,
                  fmt::format("{} {}: the reply is not a JSON object", request.method, request.path));
  }
  return std::move(body.as_object());
}

namespace {

std::vector<std::pair<std::string, std::string>> QueryOf(const ListOptions& options) {
  std::vector<std::pair<std::string, std::string>> query;
  if (!options.label_selector.empty()) query.emplace_back("labelSelector", options.label_selector);
  if (!options.field_selector.empty()) query.emplace_back("fieldSelector", options.field_selector);
  if (!options.resource_version.empty()) {
    query.emplace_back("resourceVersion", options.resource_version);
  }
  if (options.limit > 0) query.emplace_back("limit", std::to_string(options.limit));
  if (!options.continue_token.empty()) query.emplace_back("continue", options.continue_token);
  return query;
}

std::string NamespaceOf(const json::object& object) {
  const json::value* metadata = object.if_contains("metadata");
  const json::value* name_space =
      metadata && metadata->is_object() ? metadata->get_object().if_contains("namespace") : nullptr;
  return name_space && name_space->is_string() ? std::string(name_space->get_string()) : "";
}

std::string NameOf(const json::object& object) {
  const json::value* metadata = object.if_contains("metadata");
  const json::value* name =
      metadata && metadata->is_object() ? metadata->get_object().if_contains("name") : nullptr;
  return name && name->is_string() ? std::string(name->get_string()) : "";
}

}  // namespace

Result<json::object> Client::Get(const Resource& resource, std::string_view name_space,
                                 std::string_view name) {
  return Call({"GET", resource.Path(name_space, name), {}, "", ""});
}

Result<json::object> Client::List(const Resource& resource, std::string_view name_space,
                                  const ListOptions& options) {
  return Call({"GET", resource.Path(name_space), QueryOf(options), "", ""});
}

Result<json::object> Client::Create(const Resource& resource, std::string_view name_space,
                                    const json::object& object) {
  return Call({"POST", resource.Path(name_space), {}, "application/json", json::serialize(object)});
}

Result<json::object> Client::Update(const Resource& resource, std::string_view name_space,
                                    const json::object& object, std::string_view subresource) {
  std::string ns = name_space.empty() ? NamespaceOf(object) : std::string(name_space);
  return Call({"PUT", resource.Path(ns, NameOf(object), subresource), {}, "application/json",
               json::serialize(object)});
}

Result<json::object> Client::Patch(const Resource& resource, std::string_view name_space,
                                   std::string_view name, const json::value& patch,
                                   std::string_view subresource, std::string_view content_type) {
  return Call({"PATCH", resource.Path(name_space, name, subresource), {},
               std::string(content_type), json::serialize(patch)});
}

Status Client::Delete(const Resource& resource, std::string_view name_space,
                      std::string_view name, const DeleteOptions& options) {
  json::object body{{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
  if (options.grace_period_seconds) body["gracePeriodSeconds"] = *options.grace_period_seconds;
  if (!options.precondition_uid.empty()) {
    body["preconditions"] = json::object{{"uid", options.precondition_uid}};
  }
  return Call({"DELETE", resource.Path(name_space, name), {}, "application/json",
               json::serialize(body)})
      .status();
}

Status Client::DeleteCollection(const Resource& resource, std::string_view name_space,
                                const ListOptions& options) {
  return Call({"DELETE", resource.Path(name_space), QueryOf(options), "", ""}).status();
}

Result<json::object> Client::GetPath(std::string_view path) {
  return Call({"GET", std::string(path), {}, "", ""});
}

Result<json::object> Client::Post(const Resource& resource, std::string_view name_space,
                                  std::string_view name, std::string_view subresource,
                                  const json::object& body) {
  return Call({"POST", resource.Path(name_space, name, subresource), {}, "application/json",
               json::serialize(body)});
}

Result<std::unique_ptr<StreamHandle>> Client::Watch(const Resource& resource,
                                                     std::string_view name_space,
                                                     const ListOptions& options,
                                                     WatchHandler on_event,
                                                     Transport::EndHandler on_end) {
  HttpRequest request{"GET", resource.Path(name_space), QueryOf(options), "", ""};
  request.query.emplace_back("watch", "true");
  request.query.emplace_back("allowWatchBookmarks", "true");
  // A watch ends in an ERROR event when history is gone (410); the end handler hears of it
  // as kOutOfRange, once, after the lines before it.
  auto failure = std::make_shared<Status>();
  auto on_line = [on_event = std::move(on_event), failure](std::string line) {
    boost::system::error_code error;
    json::value event = json::parse(line, error);
    if (error || !event.is_object()) return;
    json::object& fields = event.as_object();
    const json::value* type = fields.if_contains("type");
    json::value* object = fields.if_contains("object");
    if (type == nullptr || !type->is_string() || object == nullptr || !object->is_object()) return;
    static const std::map<std::string_view, WatchEvent::Type> kTypes = {
        {"ADDED", WatchEvent::Type::kAdded},
        {"MODIFIED", WatchEvent::Type::kModified},
        {"DELETED", WatchEvent::Type::kDeleted},
        {"BOOKMARK", WatchEvent::Type::kBookmark}};
    auto known = kTypes.find(std::string_view(type->get_string()));
    if (known == kTypes.end()) {
      const json::object& status = object->get_object();
      int code = status.contains("code") && status.at("code").is_int64()
                     ? static_cast<int>(status.at("code").get_int64())
                     : 500;
      *failure = StatusFromReply({code, json::serialize(status)});
      return;
    }
    on_event(WatchEvent{known->second, std::move(object->as_object())});
  };
  auto end = [on_end = std::move(on_end), failure](Status status) {
    on_end(status.ok() && !failure->ok() ? *failure : status);
  };
  HttpReply refused;
  MINI_ASSIGN_OR_RETURN(auto stream,
                        transport_->Stream(request, std::move(on_line), std::move(end), &refused));
  if (stream == nullptr) return StatusFromReply(refused);
  return stream;
}

}  // namespace mini::cluster::client
