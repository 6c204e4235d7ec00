// The review kinds, answered and never stored: SelfSubjectReview (`kubectl auth whoami`),
// SelfSubjectAccessReview and SelfSubjectRulesReview (`kubectl auth can-i`) for the requesting
// user, and TokenReview for a token someone presents. Authorization is not enforced yet (RBAC
// objects are stored, not evaluated), so the answers describe what the server does: every
// authenticated user may do everything, as with Kubernetes' AlwaysAllow mode.
#include <boost/json.hpp>

#include "cluster/apiserver/rest/call.h"
#include "cluster/apiserver/rest/codec.h"
#include "cluster/apiserver/rest/handler.h"
#include "cluster/apiserver/rest/request_info.h"
#include "cluster/apiserver/rest/service_account_tokens.h"

namespace mini::cluster::apiserver::rest {
namespace json = boost::json;

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
    review["status"] = json::object{{"allowed", user.authenticated}};
  } else if (plural == "selfsubjectrulesreviews") {
    json::array resource_rules, non_resource_rules;
    if (user.authenticated) {
      resource_rules.push_back(json::object{{"verbs", json::array{"*"}},
                                            {"apiGroups", json::array{"*"}},
                                            {"resources", json::array{"*"}}});
      non_resource_rules.push_back(
          json::object{{"verbs", json::array{"*"}}, {"nonResourceURLs", json::array{"*"}}});
    }
    review["status"] = json::object{{"resourceRules", std::move(resource_rules)},
                                    {"nonResourceRules", std::move(non_resource_rules)},
                                    {"incomplete", false}};
  } else if (plural == "tokenreviews" && tokens_ != nullptr) {
    review = tokens_->Review(std::move(review));
  } else {
    return ErrorResponse(registry::MethodNotAllowedError(
        "the server does not allow this method on the requested resource"));
  }
  return JsonResponse(201, review);
}

}  // namespace mini::cluster::apiserver::rest
