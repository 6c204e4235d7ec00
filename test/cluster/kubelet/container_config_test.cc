#include "cluster/kubelet/pods/container_config.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "cluster/runtime/containers/user_lookup.h"
#include "test/cluster/kubelet/fake_config_source.h"
#include "test/temp_dir.h"

namespace mini::cluster::kubelet::pods {
namespace {
namespace json = boost::json;

using fakes::FakeConfigSource;

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

TEST_SUITE("kubelet/security") {
  json::object SecurePod(const std::string& pod_context, const std::string& container_context) {
    return json::parse(R"({"metadata":{"name":"web","namespace":"dev","uid":"u-1"},)"
                       R"("spec":{"securityContext":)" + pod_context +
                       R"(,"containers":[{"name":"app","securityContext":)" +
                       container_context + "}]}}")
        .as_object();
  }

  Status Verify(const json::object& pod, const std::string& image_user) {
    runtime::image::ImageConfig image;
    image.user = image_user;
    return VerifyRunAsNonRoot(pod, pod.at("spec").at("containers").at(0).as_object(), image);
  }

  TEST_CASE("runAsNonRoot refuses root, as the kubelet words it") {
    const std::string where = R"x((pod: "web_dev(u-1)", container: app))x";
    Status root = Verify(SecurePod(R"({"runAsNonRoot":true})", R"({"runAsUser":0})"), "1000");
    CHECK(root.code() == Code::kFailedPrecondition);
    CHECK(root.message() == "container's runAsUser breaks non-root policy " + where);
    for (const char* user : {"", "0", "root", "0:0"}) {
      Status image_root = Verify(SecurePod("{}", R"({"runAsNonRoot":true})"), user);
      CAPTURE(user);
      if (std::string(user) == "root") {
        CHECK(image_root.message() ==
              "container has runAsNonRoot and image has non-numeric user (root), cannot verify "
              "user is non-root " + where);
      } else {
        CHECK(image_root.message() ==
              "container has runAsNonRoot and image will run as root " + where);
      }
    }
    CHECK(Verify(SecurePod("{}", R"({"runAsNonRoot":true})"), "app:staff").message() ==
          "container has runAsNonRoot and image has non-numeric user (app), cannot verify user "
          "is non-root " + where);
  }

  TEST_CASE("runAsNonRoot passes a non-root user; the container's context wins over the pod's") {
    CHECK(Verify(SecurePod(R"({"runAsNonRoot":true})", R"({"runAsUser":1000})"), "").ok());
    CHECK(Verify(SecurePod(R"({"runAsNonRoot":true,"runAsUser":1000})", "{}"), "").ok());
    CHECK(Verify(SecurePod("{}", R"({"runAsNonRoot":true})"), "1000:1000").ok());
    CHECK(Verify(SecurePod(R"({"runAsNonRoot":true})", R"({"runAsNonRoot":false})"), "").ok());
    CHECK_FALSE(
        Verify(SecurePod(R"({"runAsNonRoot":false})", R"({"runAsNonRoot":true})"), "").ok());
    CHECK_FALSE(
        Verify(SecurePod(R"({"runAsNonRoot":true,"runAsUser":1000})", R"({"runAsUser":0})"), "")
            .ok());
    CHECK(Verify(SecurePod("{}", "{}"), "").ok());
  }

  TEST_CASE("the refusal is a config error and stops the container's config") {
    mini::testing::TempDir dir;
    std::filesystem::create_directories(dir.path() / "volumes");
    auto pod = SecurePod(R"({"runAsNonRoot":true})", "{}");
    auto config = ContainerConfigFor(pod, pod.at("spec").at("containers").at(0).as_object(),
                                     Sandbox{.dir = dir.path()}, runtime::image::ImageConfig{},
                                     dir.path() / "c");
    REQUIRE_FALSE(config.ok());
    CHECK(config.status().message().starts_with("container has runAsNonRoot and image will run"));
  }

  TEST_CASE("image users: numbers are taken, names are left for the runtime") {
    ImageUser both = ParseImageUser("1000:2000");
    CHECK(both.uid == 1000u);
    CHECK(both.gid == 2000u);
    CHECK(both.name.empty());
    ImageUser named = ParseImageUser("app:staff");
    CHECK_FALSE(named.uid.has_value());
    CHECK(named.name == "app");
    CHECK(named.group == "staff");
    CHECK(ParseImageUser("99999999999").name == "99999999999");  // beyond 32 bits: not a uid
    CHECK_FALSE(ParseImageUser("").uid.has_value());

    mini::testing::TempDir dir;
    std::filesystem::create_directories(dir.path() / "volumes");
    auto config_for = [&](const std::string& pod_context, const std::string& user) {
      auto pod = SecurePod(pod_context, "{}");
      runtime::image::ImageConfig image;
      image.user = user;
      return ContainerConfigFor(pod, pod.at("spec").at("containers").at(0).as_object(),
                                Sandbox{.dir = dir.path()}, image, dir.path() / "c")
          .value();
    };
    auto numeric = config_for("{}", "1000:1000");
    CHECK(numeric.uid == 1000u);
    CHECK(numeric.gid == 1000u);
    CHECK(numeric.gid_given);
    auto name = config_for("{}", "nobody");
    CHECK(name.user_name == "nobody");
    CHECK_FALSE(name.gid_given);
    auto overridden = config_for(R"({"runAsUser":5,"runAsGroup":6})", "nobody:staff");
    CHECK(overridden.uid == 5u);
    CHECK(overridden.gid == 6u);
    CHECK(overridden.user_name.empty());
    CHECK(overridden.group_name.empty());
  }

  TEST_CASE("names resolve from the image's passwd and group files, as runc does") {
    const std::string passwd = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n"
                               "app:x:1000:1001::/home/app:/bin/sh\n";
    const std::string group = "root:x:0:\nstaff:x:50:app\n";
    runtime::oci::ContainerConfig config;
    config.user_name = "app";
    REQUIRE(runtime::containers::ResolveUserNamesFrom(passwd, group, config).ok());
    CHECK(config.uid == 1000u);
    CHECK(config.gid == 1001u);
    config.group_name = "staff";
    REQUIRE(runtime::containers::ResolveUserNamesFrom(passwd, group, config).ok());
    CHECK(config.gid == 50u);
    runtime::oci::ContainerConfig given;
    given.user_name = "nobody";
    given.gid = 7;
    given.gid_given = true;
    REQUIRE(runtime::containers::ResolveUserNamesFrom(passwd, group, given).ok());
    CHECK(given.uid == 65534u);
    CHECK(given.gid == 7u);
    runtime::oci::ContainerConfig missing;
    missing.user_name = "ghost";
    Status refused = runtime::containers::ResolveUserNamesFrom(passwd, group, missing);
    CHECK(refused.code() == Code::kNotFound);
    CHECK(refused.message() == "unable to find user ghost: no matching entries in passwd file");
    missing.user_name.clear();
    missing.group_name = "ghosts";
    CHECK(runtime::containers::ResolveUserNamesFrom(passwd, group, missing).message() ==
          "unable to find group ghosts: no matching entries in group file");
    runtime::oci::ContainerConfig no_files;
    no_files.user_name = "app";
    CHECK_FALSE(runtime::containers::ResolveUserNamesFrom("", "", no_files).ok());
  }

  TEST_CASE("the lookup in a root never follows a symlink out of it") {
    mini::testing::TempDir dir;
    std::filesystem::create_directories(dir.path() / "etc");
    std::filesystem::create_symlink("/etc/passwd", dir.path() / "etc" / "passwd");
    runtime::oci::ContainerConfig config;
    config.user_name = "root";
    CHECK_FALSE(runtime::containers::ResolveUserNames(dir.path(), config).ok());
    std::filesystem::remove(dir.path() / "etc" / "passwd");
    std::ofstream(dir.path() / "etc" / "passwd") << "root:x:0:0::/:/bin/sh\napp:x:10:20::/:\n";
    config.user_name = "app";
    REQUIRE(runtime::containers::ResolveUserNames(dir.path(), config).ok());
    CHECK(config.uid == 10u);
    CHECK(config.gid == 20u);
  }
}

}  // namespace
}  // namespace mini::cluster::kubelet::pods
