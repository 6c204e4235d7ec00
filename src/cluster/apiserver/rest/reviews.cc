// The review kinds, answered for the requesting user and never stored: SelfSubjectReview
// (`kubectl auth whoami`), SelfSubjectAccessReview and SelfSubjectRulesReview (`kubectl auth
// can-i`). Authorization is not enforced yet, so the answers describe what the server does:
// cluster administrators (system:masters) may do everything, and nobody else is admitted
// today, because the only credentials are the profile's admin certificates.
#include <algorithm>
#include <boost/json.hpp>

#include "cluster/apiserver/rest/call.h"
#include "cluster/apiserver/rest/codec.h"
#include "cluster/apiserver/rest/handler.h"
#include "cluster/apiserver/rest/request_info.h"

namespace mini::cluster::apiserver::rest {
namespace json = boost::json;

namespace {

bool IsAdmin(const UserInfo& user) {
  return std::find(user.groups.begin(), user.groups.end(), "system:masters") != user.groups.end();
}

json::object UserInfoJson(const UserInfo& user) {
  json::array groups;
  for (const std::string& group : user.groups) groups.push_back(json::string(group));
  return json::object{{"username", user.name}, {"groups", std::move(groups)}};
}

}  // namespace

Response RestHandler::Review(Call& call) {
  auto body = DecodeBody(call.request.headers.Get("Content-Type").value_or(""), call.request.body,
                         registry_.schema());
  if (!body.ok()) return ErrorResponse(body.status());
  const UserInfo& user = call.request.user;
  json::object review = std::move(*body);
  review["apiVersion"] = call.resource->ApiVersion();
  review["kind"] = call.resource->kind;
  if (!review.contains("metadata")) review["metadata"] = json::object();
  review["metadata"].as_object()["creationTimestamp"] = nullptr;
  const std::string& plural = call.resource->plural;
  if (plural == "selfsubjectreviews") {
    review["status"] = json::object{{"userInfo", UserInfoJson(user)}};
  } else if (plural == "selfsubjectaccessreviews") {
    json::object status{{"allowed", IsAdmin(user)}};
    if (!IsAdmin(user)) status["reason"] = "only cluster administrators are authorized";
    review["status"] = std::move(status);
  } else if (plural == "selfsubjectrulesreviews") {
    json::array resource_rules, non_resource_rules;
    if (IsAdmin(user)) {
      resource_rules.push_back(json::object{{"verbs", json::array{"*"}},
                                            {"apiGroups", json::array{"*"}},
                                            {"resources", json::array{"*"}}});
      non_resource_rules.push_back(
          json::object{{"verbs", json::array{"*"}}, {"nonResourceURLs", json::array{"*"}}});
    }
    review["status"] = json::object{{"resourceRules", std::move(resource_rules)},
                                    {"nonResourceRules", std::move(non_resource_rules)},
                                    {"incomplete", false}};
  } else {
    return ErrorResponse(registry::MethodNotAllowedError(
        "the server does not allow this method on the requested resource"));
  }
  return JsonResponse(201, review);
}

}  // namespace mini::cluster::apiserver::rest
