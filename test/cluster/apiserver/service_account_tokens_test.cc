#include "cluster/apiserver/rest/service_account_tokens.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "cluster/api/schema/schema.h"
#include "cluster/apiserver/rest/handler.h"
#include "cluster/store/memory/memory_backend.h"

namespace mini::cluster::apiserver::rest {
namespace json = boost::json;
namespace {

// A registry over the memory store with the REST handler and token service of a real server.
class Cluster {
 public:
  Cluster()
      : backend_(store::memory::NewMemoryBackend()),
        registry_(api::schema::Builtin(), *backend_),
        key_(std::move(auth::SigningKey::Generate()).value()),
        issuer_(*key_),
        tokens_(std::make_shared<ServiceAccountTokens>(registry_, issuer_)),
        handler_(registry_, tokens_) {
    Status booted = registry_.Bootstrap({"10.0.0.5", 8443});
    INFO(booted.message());
    REQUIRE(booted.ok());
  }

  Response Call(std::string method, std::string path, std::string body = "") {
    Request request;
    request.method = std::move(method);
    request.path = std::move(path);
    request.body = std::move(body);
    request.headers.Add("Content-Type", "application/json");
    request.user = UserInfo{"mini-user", {"system:masters", "system:authenticated"}, true, "", {}};
    return Resolve(handler_.Handle(request));
  }

  json::object Created(std::string path, std::string body) {
    Response response = Call("POST", std::move(path), std::move(body));
    INFO(response.body);
    REQUIRE(response.status == 201);
    return json::parse(response.body).as_object();
  }

  // Issues a token the way `kubectl create token` asks for one.
  std::string Token(std::string account, std::string spec = "{}") {
    json::object answer = Created("/api/v1/namespaces/default/serviceaccounts/" + account + "/token",
                                  R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest",)"
                                  R"("spec":)" + spec + "}");
    return std::string(answer.at("status").at("token").as_string());
  }

  const ServiceAccountTokens& tokens() const { return *tokens_; }
  const auth::TokenIssuer& issuer() const { return issuer_; }

 private:
  store::BackendPtr backend_;
  registry::Registry registry_;
  std::unique_ptr<auth::SigningKey> key_;
  auth::TokenIssuer issuer_;
  std::shared_ptr<ServiceAccountTokens> tokens_;
  RestHandler handler_;
};

constexpr const char* kAccount = R"({"metadata":{"name":"builder"}})";
constexpr const char* kPod =
    R"({"metadata":{"name":"web"},"spec":{"containers":[{"name":"c","image":"busybox"}]}})";

TEST_SUITE("apiserver/service_account_tokens") {
  TEST_CASE("a token is issued with defaults and authenticates as the service account") {
    Cluster cluster;
    json::object account = cluster.Created("/api/v1/namespaces/default/serviceaccounts", kAccount);
    json::object answer = cluster.Created(
        "/api/v1/namespaces/default/serviceaccounts/builder/token", R"({"spec":{}})");
    CHECK(answer.at("kind").as_string() == "TokenRequest");
    CHECK(answer.at("spec").at("expirationSeconds").as_int64() == 3600);
    CHECK(answer.at("spec").at("audiences").as_array() ==
          json::array{"https://kubernetes.default.svc.cluster.local"});
    CHECK(!answer.at("status").at("expirationTimestamp").as_string().empty());

    auto user = cluster.tokens().Authenticate(answer.at("status").at("token").as_string());
    REQUIRE(user.ok());
    CHECK(user->name == "system:serviceaccount:default:builder");
    CHECK(user->uid == account.at("metadata").at("uid").as_string());
    CHECK(user->groups == std::vector<std::string>{"system:serviceaccounts",
                                                   "system:serviceaccounts:default",
                                                   "system:authenticated"});
    CHECK(user->extra.count("authentication.kubernetes.io/credential-id") == 1);
  }

  TEST_CASE("requests for missing accounts and bad lifetimes are refused with Kubernetes' errors") {
    Cluster cluster;
    Response missing = cluster.Call(
        "POST", "/api/v1/namespaces/default/serviceaccounts/ghost/token", R"({"spec":{}})");
    CHECK(missing.status == 404);
    CHECK(missing.body.find(R"(serviceaccounts \"ghost\" not found)") != std::string::npos);

    cluster.Created("/api/v1/namespaces/default/serviceaccounts", kAccount);
    Response short_lived =
        cluster.Call("POST", "/api/v1/namespaces/default/serviceaccounts/builder/token",
                     R"({"spec":{"expirationSeconds":60}})");
    CHECK(short_lived.status == 422);
    CHECK(short_lived.body.find("spec.expirationSeconds") != std::string::npos);
    CHECK(short_lived.body.find("less than 10 minutes") != std::string::npos);

    Response bad_kind =
        cluster.Call("POST", "/api/v1/namespaces/default/serviceaccounts/builder/token",
                     R"({"spec":{"boundObjectRef":{"kind":"ConfigMap","name":"x"}}})");
    CHECK(bad_kind.status == 422);
    CHECK(bad_kind.body.find("spec.boundObjectRef.kind") != std::string::npos);

    Response gone_pod =
        cluster.Call("POST", "/api/v1/namespaces/default/serviceaccounts/builder/token",
                     R"({"spec":{"boundObjectRef":{"kind":"Pod","name":"nope"}}})");
    CHECK(gone_pod.status == 404);

    Response get = cluster.Call("GET", "/api/v1/namespaces/default/serviceaccounts/builder/token");
    CHECK(get.status == 405);
  }

  TEST_CASE("deleting or recreating the account revokes its tokens") {
    Cluster cluster;
    cluster.Created("/api/v1/namespaces/default/serviceaccounts", kAccount);
    std::string token = cluster.Token("builder");
    REQUIRE(cluster.tokens().Authenticate(token).ok());
    REQUIRE(cluster.Call("DELETE", "/api/v1/namespaces/default/serviceaccounts/builder").status ==
            200);
    CHECK_FALSE(cluster.tokens().Authenticate(token).ok());
    cluster.Created("/api/v1/namespaces/default/serviceaccounts", kAccount);  // new uid
    CHECK_FALSE(cluster.tokens().Authenticate(token).ok());
    CHECK(cluster.tokens().Authenticate(cluster.Token("builder")).ok());
  }

  TEST_CASE("a pod-bound token names the pod and dies with it") {
    Cluster cluster;
    cluster.Created("/api/v1/namespaces/default/serviceaccounts", kAccount);
    json::object pod = cluster.Created("/api/v1/namespaces/default/pods", kPod);
    std::string pod_uid(pod.at("metadata").at("uid").as_string());

    Response mismatch =
        cluster.Call("POST", "/api/v1/namespaces/default/serviceaccounts/builder/token",
                     R"({"spec":{"boundObjectRef":{"kind":"Pod","name":"web","uid":"other"}}})");
    CHECK(mismatch.status == 409);

    std::string token = cluster.Token("builder", R"({"boundObjectRef":{"kind":"Pod","name":"web"}})");
    auto user = cluster.tokens().Authenticate(token);
    REQUIRE(user.ok());
    CHECK(user->extra.at("authentication.kubernetes.io/pod-name") ==
          std::vector<std::string>{"web"});
    CHECK(user->extra.at("authentication.kubernetes.io/pod-uid") ==
          std::vector<std::string>{pod_uid});
    REQUIRE(cluster.Call("DELETE", "/api/v1/namespaces/default/pods/web").status == 200);
    CHECK_FALSE(cluster.tokens().Authenticate(token).ok());
  }

  TEST_CASE("TokenReview reports the user or why not, for the audiences asked") {
    Cluster cluster;
    cluster.Created("/api/v1/namespaces/default/serviceaccounts", kAccount);
    std::string token = cluster.Token("builder", R"({"audiences":["vault"]})");
    // Meant for vault, not for the API server.
    CHECK_FALSE(cluster.tokens().Authenticate(token).ok());

    auto review = [&](std::string spec) {
      return cluster.Created("/apis/authentication.k8s.io/v1/tokenreviews",
                             R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview",)"
                             R"("spec":)" + spec + "}");
    };
    json::object good = review(R"({"token":")" + token + R"(","audiences":["vault"]})");
    CHECK(good.at("status").at("authenticated").as_bool());
    CHECK(good.at("status").at("user").at("username").as_string() ==
          "system:serviceaccount:default:builder");
    CHECK(good.at("status").at("audiences").as_array() == json::array{"vault"});

    json::object wrong_audience = review(R"({"token":")" + token + R"("})");
    CHECK_FALSE(wrong_audience.at("status").as_object().contains("authenticated"));
    CHECK(!wrong_audience.at("status").at("error").as_string().empty());
  }

  TEST_CASE("the discovery documents publish the verifying key") {
    Cluster cluster;
    Router router;
    InstallIssuerDiscovery(router, cluster.issuer(), "https://10.0.0.5:8443");
    Request request;
    request.method = "GET";
    request.user = UserInfo{"someone", {"system:authenticated"}, true, "", {}};
    request.path = "/.well-known/openid-configuration";
    json::value configuration = json::parse(router.Dispatch(request).body);
    CHECK(configuration.at("issuer").as_string() == "https://kubernetes.default.svc.cluster.local");
    CHECK(configuration.at("jwks_uri").as_string() == "https://10.0.0.5:8443/openid/v1/jwks");
    request.path = "/openid/v1/jwks";
    Response keys = router.Dispatch(request);
    CHECK(keys.content_type == "application/jwk-set+json");
    CHECK(json::parse(keys.body).at("keys").at(0).at("kid").as_string() ==
          cluster.issuer().key().key_id());
  }
}

}  // namespace
}  // namespace mini::cluster::apiserver::rest
