#include "cluster/apiserver/router.h"

#include <doctest/doctest.h>

#include <stdexcept>

namespace mini::cluster::apiserver {
namespace {

Request Make(std::string method, std::string path, bool authenticated = true) {
  Request request;
  request.method = std::move(method);
  request.path = std::move(path);
  request.user = AnonymousUser();
  if (authenticated) {
    request.user = UserInfo{"alice", {"system:authenticated"}, true};
  }
  return request;
}

Response Send(const Router& router, Request request) { return router.Dispatch(request); }

Request WithToken(Request request, std::string token) {
  request.headers.Add("Authorization", "Bearer " + token);
  return request;
}

// Knows one token; the handler echoes who it was dispatched for.
class FakeTokens final : public TokenAuthenticator {
 public:
  Result<UserInfo> Authenticate(std::string_view token) const override {
    if (token != "good") return Status(Code::kPermissionDenied, "unknown token");
    return UserInfo{"system:serviceaccount:ns:sa", {"system:authenticated"}, true, "uid", {}};
  }
};

Handler WhoAmI() {
  return [](const Request& request) { return TextResponse(200, request.user.name); };
}

Handler Answer(std::string text) {
  return [text](const Request&) { return TextResponse(200, text); };
}

TEST_SUITE("apiserver/router") {
  TEST_CASE("exact routes beat prefixes and the longest prefix wins") {
    Router router;
    router.HandlePrefix("GET", "/api/", Answer("api"));
    router.HandlePrefix("GET", "/api/v1/", Answer("v1"));
    router.Handle("GET", "/api/v1/pods", Answer("exact"));
    CHECK(Send(router, Make("GET", "/api/v1/pods")).body == "exact");
    CHECK(Send(router, Make("GET", "/api/v1/services")).body == "v1");
    CHECK(Send(router, Make("GET", "/api/v2")).body == "api");
  }

  TEST_CASE("a known path with another method is 405 and an unknown one 404") {
    Router router;
    router.Handle("GET", "/apis", Answer("apis"));
    CHECK(Send(router, Make("DELETE", "/apis")).status == 405);
    CHECK(Send(router, Make("GET", "/nope")).status == 404);
  }

  TEST_CASE("anonymous users reach only public routes") {
    Router router;
    router.Handle("GET", "/version", Answer("v"), Access::kPublic);
    router.Handle("GET", "/api", Answer("api"));
    CHECK(Send(router, Make("GET", "/version", false)).status == 200);
    CHECK(Send(router, Make("GET", "/api", false)).status == 401);
    CHECK(Send(router, Make("GET", "/unknown", false)).status == 401);
  }

  TEST_CASE("a bearer token speaks for requests without a certificate user") {
    Router router;
    router.SetTokenAuthenticator(std::make_shared<FakeTokens>());
    router.Handle("GET", "/api", WhoAmI());
    router.Handle("GET", "/healthz", WhoAmI(), Access::kPublic);
    Response good = Send(router, WithToken(Make("GET", "/api", false), "good"));
    CHECK(good.status == 200);
    CHECK(good.body == "system:serviceaccount:ns:sa");
    // A token that identifies nobody is refused even where anonymous users are welcome.
    CHECK(Send(router, WithToken(Make("GET", "/api", false), "bad")).status == 401);
    CHECK(Send(router, WithToken(Make("GET", "/healthz", false), "bad")).status == 401);
    CHECK(Send(router, Make("GET", "/healthz", false)).body == "system:anonymous");
    // A certificate user keeps its identity; the token is not consulted.
    CHECK(Send(router, WithToken(Make("GET", "/api"), "bad")).body == "alice");
    // Other schemes are not bearer tokens.
    Request basic = Make("GET", "/api", false);
    basic.headers.Add("Authorization", "Basic Zm9vOmJhcg==");
    CHECK(Send(router, basic).status == 401);
  }

  TEST_CASE("without an authenticator every token is refused") {
    Router router;
    router.Handle("GET", "/healthz", WhoAmI(), Access::kPublic);
    CHECK(Send(router, WithToken(Make("GET", "/healthz", false), "good")).status == 401);
  }

  TEST_CASE("a throwing handler yields 500") {
    Router router;
    router.Handle("*", "/boom",
                  [](const Request&) -> Response { throw std::runtime_error("boom"); });
    Response response = Send(router, Make("POST", "/boom"));
    CHECK(response.status == 500);
    CHECK(response.body.find("InternalError") != std::string::npos);
  }
}

TEST_SUITE("apiserver/http") {
  TEST_CASE("ParseTarget decodes the path and repeated query keys") {
    std::string path;
    Fields query = Fields::Query();
    REQUIRE(ParseTarget("/api/v1/na%6Despaces?command=sh&command=-c&labelSelector=a%3Db+c&watch",
                        &path, &query)
                .ok());
    CHECK(path == "/api/v1/namespaces");
    CHECK(query.GetAll("command") == std::vector<std::string>{"sh", "-c"});
    CHECK(query.Get("labelSelector") == "a=b c");
    CHECK(query.Has("watch"));
    CHECK_FALSE(query.Has("Watch"));
  }

  TEST_CASE("ParseTarget rejects a broken escape") {
    std::string path;
    Fields query = Fields::Query();
    CHECK(ParseTarget("/a%zz", &path, &query).code() == Code::kInvalidArgument);
  }

  TEST_CASE("header lookups ignore case") {
    Fields headers = Fields::Headers();
    headers.Add("Content-Type", "application/json");
    CHECK(headers.Get("content-type") == "application/json");
  }

  TEST_CASE("ErrorResponse maps codes to Kubernetes reasons") {
    Response response = ErrorResponse(Error(Code::kAlreadyExists, "pods \"a\" already exists"));
    CHECK(response.status == 409);
    CHECK(response.content_type == "application/json");
    CHECK(response.body ==
          R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
          R"("message":"pods \"a\" already exists","reason":"AlreadyExists","code":409})");
    CHECK(ErrorResponse(Error(Code::kNotFound, "x")).status == 404);
    CHECK(ErrorResponse(Error(Code::kConflict, "x")).status == 409);
  }
}

}  // namespace
}  // namespace mini::cluster::apiserver
