#include "cluster/auth/service_account_token.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "cluster/auth/jwt.h"

namespace mini::cluster::auth {
namespace json = boost::json;
using std::chrono::system_clock;
namespace {

const SigningKey& TestKey() {
  static std::unique_ptr<SigningKey> key = std::move(SigningKey::Generate()).value();
  return *key;
}

ServiceAccountClaims Sample(system_clock::time_point now) {
  ServiceAccountClaims claims;
  claims.name_space = "team";
  claims.name = "builder";
  claims.uid = "uid-1";
  claims.audiences = {std::string(kDefaultIssuer)};
  claims.issued_at = std::chrono::time_point_cast<std::chrono::seconds>(now);
  claims.expires_at = claims.issued_at + std::chrono::hours(1);
  claims.token_id = "jti-1";
  return claims;
}

const std::vector<std::string> kApiAudiences{std::string(kDefaultIssuer)};

TEST_SUITE("auth/service_account_token") {
  TEST_CASE("an issued token carries Kubernetes' claims and validates to the same claims") {
    TokenIssuer issuer(TestKey());
    auto now = system_clock::now();
    ServiceAccountClaims claims = Sample(now);
    claims.bound = ObjectReference{"Pod", "web-0", "pod-uid"};
    std::string token = issuer.Issue(claims).value();

    json::object payload = VerifyJwt(TestKey(), token).value();
    CHECK(payload.at("iss").as_string() == kDefaultIssuer);
    CHECK(payload.at("sub").as_string() == "system:serviceaccount:team:builder");
    CHECK(payload.at("kubernetes.io").at("namespace").as_string() == "team");
    CHECK(payload.at("kubernetes.io").at("serviceaccount").at("uid").as_string() == "uid-1");
    CHECK(payload.at("kubernetes.io").at("pod").at("name").as_string() == "web-0");
    CHECK(payload.at("exp").to_number<int64_t>() - payload.at("iat").to_number<int64_t>() == 3600);

    ServiceAccountClaims back = issuer.Validate(token, kApiAudiences, now).value();
    CHECK(back.name_space == "team");
    CHECK(back.name == "builder");
    CHECK(back.uid == "uid-1");
    CHECK(back.token_id == "jti-1");
    CHECK(back.expires_at == claims.expires_at);
    REQUIRE(back.bound.has_value());
    CHECK(back.bound->kind == "Pod");
    CHECK(back.bound->uid == "pod-uid");
  }

  TEST_CASE("expiry, audience and issuer are enforced") {
    auto now = system_clock::now();
    TokenIssuer issuer(TestKey());
    std::string token = issuer.Issue(Sample(now)).value();
    CHECK(issuer.Validate(token, kApiAudiences, now + std::chrono::minutes(59)).ok());
    // A minute of skew is tolerated on either side, no more.
    CHECK(issuer.Validate(token, kApiAudiences, now + std::chrono::minutes(60) +
                                                    std::chrono::seconds(30)).ok());
    CHECK_FALSE(issuer.Validate(token, kApiAudiences, now + std::chrono::minutes(62)).ok());
    CHECK_FALSE(issuer.Validate(token, kApiAudiences, now - std::chrono::minutes(2)).ok());
    CHECK_FALSE(issuer.Validate(token, {"vault"}, now).ok());

    ServiceAccountClaims for_vault = Sample(now);
    for_vault.audiences = {"vault", "other"};
    std::string vault_token = issuer.Issue(for_vault).value();
    CHECK(issuer.Validate(vault_token, {"vault"}, now).ok());
    CHECK_FALSE(issuer.Validate(vault_token, kApiAudiences, now).ok());

    TokenIssuer elsewhere(TestKey(), "https://elsewhere");
    CHECK_FALSE(elsewhere.Validate(token, kApiAudiences, now).ok());
  }

  TEST_CASE("a signed JWT that is not a service-account token is rejected") {
    auto now = system_clock::now();
    int64_t seconds = std::chrono::duration_cast<std::chrono::seconds>(
                          now.time_since_epoch()).count();
    json::object payload{{"iss", kDefaultIssuer}, {"aud", kDefaultIssuer},
                         {"exp", seconds + 600}, {"sub", "system:serviceaccount:a:b"}};
    std::string token = SignJwt(TestKey(), payload).value();
    auto result = TokenIssuer(TestKey()).Validate(token, kApiAudiences, now);
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().message().find("not a service-account token") != std::string::npos);

    payload["kubernetes.io"] = json::object{
        {"namespace", "a"}, {"serviceaccount", json::object{{"name", "c"}, {"uid", "u"}}}};
    token = SignJwt(TestKey(), payload).value();  // sub names another account
    CHECK_FALSE(TokenIssuer(TestKey()).Validate(token, kApiAudiences, now).ok());
  }

  TEST_CASE("user name and groups follow Kubernetes") {
    CHECK(ServiceAccountUserName("ns", "sa") == "system:serviceaccount:ns:sa");
    CHECK(ServiceAccountGroups("ns") ==
          std::vector<std::string>{"system:serviceaccounts", "system:serviceaccounts:ns",
                                   "system:authenticated"});
  }
}

}  // namespace
}  // namespace mini::cluster::auth
