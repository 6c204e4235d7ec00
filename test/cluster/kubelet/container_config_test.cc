#include "cluster/kubelet/pods/container_config.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>

namespace mini::cluster::kubelet::pods {
namespace {
namespace json = boost::json;

// ConfigMaps and Secrets held in memory, keyed by "namespace/name".
class FakeConfigSource : public ConfigSource {
 public:
  std::map<std::string, std::map<std::string, std::string>> config_maps, secrets;

  Result<std::map<std::string, std::string>> Data(Kind kind, const std::string& name_space,
                                                  const std::string& name) override {
    auto& objects = kind == Kind::kSecret ? secrets : config_maps;
    auto it = objects.find(name_space + "/" + name);
    if (it == objects.end()) {
      return Status(Code::kNotFound, (kind == Kind::kSecret ? "secret \"" : "configmap \"") +
                                         name + "\" not found");
    }
    return it->second;
  }
};

json::object Pod(const std::string& containers) {
  return json::parse(R"({"metadata":{"name":"web","namespace":"dev","labels":{"app":"web"}},)"
                     R"("spec":{"containers":)" + containers + "}}")
      .as_object();
}

Result<std::vector<std::string>> EnvOf(const json::object& pod, const EnvSources& sources) {
  const json::object& container = pod.at("spec").at("containers").at(0).as_object();
  return Environment(pod, container, Sandbox{.ip = "10.244.0.7", .host_ip = "10.0.0.2"}, sources);
}

TEST_SUITE("kubelet/environment") {
  TEST_CASE("values expand earlier variables and field references read the pod") {
    auto pod = Pod(R"([{"name":"c","env":[{"name":"A","value":"x"},)"
                   R"j({"name":"B","value":"$(A)-$(NONE)-$$(A)"},)j"
                   R"({"name":"IP","valueFrom":{"fieldRef":{"fieldPath":"status.podIP"}}},)"
                   R"({"name":"APP","valueFrom":{"fieldRef":{"fieldPath":"metadata.labels['app']"}}}]}])");
    auto env = EnvOf(pod, {});
    REQUIRE(env.ok());
    CHECK(*env == std::vector<std::string>{"A=x", "B=x-$(NONE)-$(A)", "IP=10.244.0.7", "APP=web"});
  }

  TEST_CASE("envFrom comes first with its prefix, and env overrides it in place") {
    FakeConfigSource source;
    source.config_maps["dev/settings"] = {{"MODE", "debug"}, {"PORT", "80"}};
    source.secrets["dev/creds"] = {{"TOKEN", "s3cret"}};
    auto pod = Pod(R"([{"name":"c","envFrom":[{"configMapRef":{"name":"settings"}},)"
                   R"({"prefix":"DB_","secretRef":{"name":"creds"}}],)"
                   R"j("env":[{"name":"PORT","value":"8080"},{"name":"URL","value":"x:$(PORT)"}]}])j");
    auto env = EnvOf(pod, {.config = &source});
    REQUIRE(env.ok());
    CHECK(*env == std::vector<std::string>{"MODE=debug", "PORT=8080", "DB_TOKEN=s3cret",
                                           "URL=x:8080"});
  }

  TEST_CASE("keys of ConfigMaps and Secrets, and what a missing one says") {
    FakeConfigSource source;
    source.config_maps["dev/settings"] = {{"mode", "debug"}};
    source.secrets["dev/creds"] = {{"password", "pw"}};
    auto env_with = [&](const std::string& var) {
      return EnvOf(Pod(R"([{"name":"c","env":[)" + var + "]}]"), {.config = &source});
    };
    auto found = env_with(
        R"({"name":"M","valueFrom":{"configMapKeyRef":{"name":"settings","key":"mode"}}},)"
        R"({"name":"P","valueFrom":{"secretKeyRef":{"name":"creds","key":"password"}}})");
    REQUIRE(found.ok());
    CHECK(*found == std::vector<std::string>{"M=debug", "P=pw"});

    auto no_map = env_with(R"({"name":"M","valueFrom":{"configMapKeyRef":{"name":"gone","key":"k"}}})");
    CHECK(no_map.status().code() == Code::kNotFound);
    CHECK(no_map.status().message() == "configmap \"gone\" not found");
    auto no_key = env_with(R"({"name":"P","valueFrom":{"secretKeyRef":{"name":"creds","key":"user"}}})");
    CHECK(no_key.status().message() == "couldn't find key user in Secret dev/creds");
    auto optional = env_with(
        R"({"name":"M","valueFrom":{"configMapKeyRef":{"name":"gone","key":"k","optional":true}}},)"
        R"({"name":"N","value":"kept"})");
    REQUIRE(optional.ok());
    CHECK(*optional == std::vector<std::string>{"N=kept"});
    CHECK(EnvOf(Pod(R"([{"name":"c","envFrom":[{"secretRef":{"name":"gone"}}]}])"), {.config = &source})
              .status()
              .message() == "secret \"gone\" not found");
    CHECK(EnvOf(Pod(R"([{"name":"c","envFrom":[{"secretRef":{"name":"gone","optional":true}}]}])"),
                {.config = &source})
              .ok());
  }

  TEST_CASE("resourceFieldRef rounds up in the divisor's units, unset limits are the node's") {
    auto pod = Pod(R"([{"name":"c","resources":{"limits":{"memory":"64Mi"},"requests":{"cpu":"250m"}},)"
                   R"("env":[{"name":"MEM","valueFrom":{"resourceFieldRef":{"resource":"limits.memory","divisor":"1Mi"}}},)"
                   R"({"name":"CPU_REQ","valueFrom":{"resourceFieldRef":{"resource":"requests.cpu","divisor":"1m"}}},)"
                   R"({"name":"CPU_REQ_CORES","valueFrom":{"resourceFieldRef":{"resource":"requests.cpu"}}},)"
                   R"({"name":"CPU_LIM","valueFrom":{"resourceFieldRef":{"resource":"limits.cpu"}}},)"
                   R"({"name":"SIDE","valueFrom":{"resourceFieldRef":{"containerName":"side","resource":"limits.cpu","divisor":"1m"}}}]},)"
                   R"({"name":"side","resources":{"limits":{"cpu":"1500m"}}}])");
    auto env = EnvOf(pod, {.node_cpus = 4, .node_memory_bytes = 8LL << 30});
    REQUIRE_MESSAGE(env.ok(), env.status().ToString());
    CHECK(*env == std::vector<std::string>{"MEM=64", "CPU_REQ=250", "CPU_REQ_CORES=1", "CPU_LIM=4",
                                           "SIDE=1500"});
    auto bad = EnvOf(Pod(R"([{"name":"c","env":[{"name":"X","valueFrom":{"resourceFieldRef":{"resource":"limits.gpu"}}}]}])"), {});
    CHECK(bad.status().code() == Code::kInvalidArgument);
  }
}

TEST_SUITE("kubelet/config_source") {
  TEST_CASE("Secret data decodes from base64, padding included, and garbage is refused") {
    CHECK(DecodeBase64("aGVsbG8=").value() == "hello");
    CHECK(DecodeBase64("aGk=").value() == "hi");
    CHECK(DecodeBase64("YWJj").value() == "abc");
    CHECK(DecodeBase64("").value().empty());
    CHECK(DecodeBase64("a$==").status().code() == Code::kInvalidArgument);
    CHECK(DecodeBase64("abc").status().code() == Code::kInvalidArgument);
  }
}

}  // namespace
}  // namespace mini::cluster::kubelet::pods
