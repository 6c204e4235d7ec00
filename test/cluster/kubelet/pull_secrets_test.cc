#include "cluster/kubelet/pods/pull_secrets.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>

namespace mini::cluster::kubelet::pods {
namespace {
namespace json = boost::json;

// Secrets held in memory, keyed by "namespace/name".
class SecretSource : public ConfigSource {
 public:
  std::map<std::string, std::map<std::string, std::string>> secrets;

  Result<std::map<std::string, std::string>> Data(Kind kind, const std::string& name_space,
                                                  const std::string& name) override {
    auto it = secrets.find(name_space + "/" + name);
    if (kind != Kind::kSecret || it == secrets.end()) {
      return Status(Code::kNotFound, "secret \"" + name + "\" not found");
    }
    return it->second;
  }
};

json::object Pod(const std::string& pull_secrets) {
  return json::parse(R"({"metadata":{"name":"web","namespace":"dev"},"spec":{"containers":[],)"
                     R"("imagePullSecrets":)" +
                     pull_secrets + "}}")
      .as_object();
}

}  // namespace

TEST_SUITE("kubelet/pull_secrets") {
  TEST_CASE("credentials come from the named secrets in order; bad ones are skipped") {
    SecretSource source;
    source.secrets["dev/first"] = {
        {".dockerconfigjson", R"({"auths":{"reg.example:5000":{"username":"a","password":"1"}}})"}};
    source.secrets["dev/second"] = {
        {".dockerconfigjson", R"({"auths":{"https://index.docker.io/v1/":{"auth":"Yjoy"}}})"}};
    source.secrets["dev/opaque"] = {{"token", "x"}};
    source.secrets["dev/broken"] = {{".dockerconfigjson", "{"}};
    source.secrets["other/first"] = {
        {".dockerconfigjson", R"({"auths":{"elsewhere":{"username":"z","password":"z"}}})"}};
    auto credentials = PullCredentialsFor(
        Pod(R"([{"name":"missing"},{"name":"first"},{"name":"opaque"},{"name":"broken"},)"
            R"({"name":"second"},{},"junk"])"),
        &source);
    REQUIRE(credentials.size() == 2);
    CHECK(credentials[0].registry == "reg.example:5000");
    CHECK(credentials[0].username == "a");
    CHECK(credentials[1].registry == "docker.io");
    CHECK(credentials[1].username == "b");
    CHECK(credentials[1].password == "2");
  }

  TEST_CASE("no secrets, no source or a malformed field give no credentials") {
    SecretSource source;
    CHECK(PullCredentialsFor(Pod("[]"), &source).empty());
    CHECK(PullCredentialsFor(Pod(R"("not a list")"), &source).empty());
    CHECK(PullCredentialsFor(Pod(R"([{"name":"first"}])"), nullptr).empty());
  }
}

}  // namespace mini::cluster::kubelet::pods
