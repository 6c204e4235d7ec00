#include "cluster/auth/jwt.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <boost/json.hpp>

#include "cluster/auth/signing_key.h"
#include "common/files.h"
#include "test/temp_dir.h"

namespace mini::cluster::auth {
namespace json = boost::json;
namespace {

const SigningKey& TestKey() {
  static std::unique_ptr<SigningKey> key = std::move(SigningKey::Generate()).value();
  return *key;
}

TEST_SUITE("auth/jwt") {
  TEST_CASE("base64url round-trips every length and rejects the standard alphabet") {
    std::string bytes;
    for (int i = 0; i < 70; ++i) {
      CHECK(Base64UrlDecode(Base64UrlEncode(bytes)).value() == bytes);
      bytes.push_back(static_cast<char>(i * 37 + 250));
    }
    CHECK(Base64UrlEncode("\xfb\xff") == "-_8");
    CHECK(Base64UrlDecode("-_8").value() == "\xfb\xff");
    CHECK(Base64UrlDecode("-_8=").value() == "\xfb\xff");
    CHECK_FALSE(Base64UrlDecode("+/8").ok());
    CHECK_FALSE(Base64UrlDecode("abcde").ok());
    CHECK_FALSE(Base64UrlDecode("ab!d").ok());
  }

  TEST_CASE("a signed token verifies and yields its claims") {
    json::object claims{{"sub", "someone"}, {"n", 42}};
    std::string token = SignJwt(TestKey(), claims).value();
    CHECK(std::count(token.begin(), token.end(), '.') == 2);
    auto header = json::parse(Base64UrlDecode(token.substr(0, token.find('.'))).value());
    CHECK(header.at("alg").as_string() == "RS256");
    CHECK(header.at("kid").as_string() == TestKey().key_id());
    CHECK(VerifyJwt(TestKey(), token).value() == claims);
  }

  TEST_CASE("tampered, foreign, unsigned and malformed tokens are rejected") {
    std::string token = SignJwt(TestKey(), json::object{{"sub", "a"}}).value();
    size_t dot = token.find('.');
    std::string forged = token.substr(0, dot + 1) + Base64UrlEncode(R"({"sub":"b"})") +
                         token.substr(token.rfind('.'));
    CHECK(VerifyJwt(TestKey(), forged).status().code() == Code::kPermissionDenied);

    auto other = SigningKey::Generate().value();
    std::string foreign = SignJwt(*other, json::object{{"sub", "a"}}).value();
    CHECK_FALSE(VerifyJwt(TestKey(), foreign).ok());

    std::string unsigned_token = Base64UrlEncode(R"({"alg":"none"})") + "." +
                                 Base64UrlEncode(R"({"sub":"a"})") + ".";
    CHECK_FALSE(VerifyJwt(TestKey(), unsigned_token).ok());
    for (std::string_view bad : {"", "a", "a.b", "a.b.c.d", "..", "!!.??.**"}) {
      CHECK_FALSE(VerifyJwt(TestKey(), bad).ok());
    }
  }

  TEST_CASE("the public key is a JWK with the key id and RSA parameters") {
    json::object jwk = TestKey().PublicJwk();
    CHECK(jwk.at("kty").as_string() == "RSA");
    CHECK(jwk.at("alg").as_string() == "RS256");
    CHECK(jwk.at("kid").as_string() == TestKey().key_id());
    CHECK(Base64UrlDecode(jwk.at("n").as_string()).value().size() == 256);
    CHECK(Base64UrlDecode(jwk.at("e").as_string()).value() == std::string("\x01\x00\x01", 3));
  }

  TEST_CASE("a key is created once, 0600, and read back with the same id") {
    mini::testing::TempDir dir;
    auto path = dir / "keys" / "sa.key";
    auto first = SigningKey::LoadOrCreate(path).value();
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    auto second = SigningKey::LoadOrCreate(path).value();
    CHECK(second->key_id() == first->key_id());
    std::string token = SignJwt(*first, json::object{{"x", 1}}).value();
    CHECK(VerifyJwt(*second, token).ok());
  }

  TEST_CASE("a key file holding something else is an error that names it") {
    mini::testing::TempDir dir;
    auto path = dir / "sa.key";
    REQUIRE(AtomicWriteFile(path, "not a key").ok());
    auto key = SigningKey::LoadOrCreate(path);
    REQUIRE_FALSE(key.ok());
    CHECK(key.status().code() == Code::kInvalidArgument);
    CHECK(key.status().message().find(path.string()) != std::string::npos);
    CHECK(ReadFile(path).value() == "not a key");  // nothing lost
  }
}

}  // namespace
}  // namespace mini::cluster::auth
