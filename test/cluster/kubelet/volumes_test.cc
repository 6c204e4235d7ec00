#include <doctest/doctest.h>

#include <fstream>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>

#include "cluster/kubelet/volumes/claim.h"
#include "cluster/kubelet/volumes/downward_api.h"
#include "cluster/kubelet/volumes/host_path.h"
#include "cluster/kubelet/volumes/sub_path.h"
#include "cluster/kubelet/volumes/volume_manager.h"
#include "common/files.h"
#include "test/cluster/kubelet/fake_config_source.h"
#include "test/temp_dir.h"

namespace mini::cluster::kubelet::volumes {
namespace {
namespace fs = std::filesystem;
namespace json = boost::json;

using fakes::FakeConfigSource;

// Claims, volumes and tokens held in memory.
class FakeVolumeApi : public VolumeApi {
 public:
  std::map<std::string, json::object> claims, volumes;
  std::vector<TokenRequest> requests;

  Result<json::object> Claim(const std::string& name_space, const std::string& name) override {
    auto it = claims.find(name_space + "/" + name);
    if (it == claims.end()) return Status(Code::kNotFound, "persistentvolumeclaim not found");
    return it->second;
  }
  Result<json::object> PersistentVolume(const std::string& name) override {
    auto it = volumes.find(name);
    if (it == volumes.end()) return Status(Code::kNotFound, "persistentvolume not found");
    return it->second;
  }
  Result<Token> RequestToken(const TokenRequest& request) override {
    requests.push_back(request);
    return Token{"token-" + std::to_string(requests.size()),
                 std::chrono::system_clock::now() + std::chrono::hours(1)};
  }
};

json::object Pod(const std::string& volumes) {
  return json::parse(
             R"({"metadata":{"name":"web","namespace":"dev","uid":"u-1",)"
             R"("labels":{"app":"web","tier":"front"},"annotations":{"note":"say \"hi\"\n"}},)"
             R"("spec":{"nodeName":"mini","serviceAccountName":"robot","volumes":)" +
             volumes + "}}")
      .as_object();
}

std::string Read(const fs::path& path) {
  auto text = ReadFile(path);
  return text.ok() ? *text : "<" + text.status().message() + ">";
}

const pods::Sandbox kSandbox{.ip = "10.244.0.7", .host_ip = "10.0.0.2"};

TEST_SUITE("kubelet/volumes") {
  TEST_CASE("the downward API writes labels and annotations as sorted key=\"value\" lines") {
    json::object pod = Pod("[]");
    CHECK(FormatMap(&pod["metadata"].as_object()["labels"].as_object()) ==
          "app=\"web\"\ntier=\"front\"");
    CHECK(FormatMap(&pod["metadata"].as_object()["annotations"].as_object()) ==
          "note=\"say \\\"hi\\\"\\n\"");
    CHECK(FormatMap(nullptr).empty());
  }

  TEST_CASE("downward API items read the pod's fields and resources") {
    json::object pod = Pod("[]");
    json::object source = json::parse(R"({"items":[
      {"path":"name","fieldRef":{"fieldPath":"metadata.name"}},
      {"path":"ns","fieldRef":{"fieldPath":"metadata.namespace"},"mode":256},
      {"path":"ip","fieldRef":{"fieldPath":"status.podIP"}},
      {"path":"node","fieldRef":{"fieldPath":"spec.nodeName"}},
      {"path":"sa","fieldRef":{"fieldPath":"spec.serviceAccountName"}},
      {"path":"app","fieldRef":{"fieldPath":"metadata.labels['app']"}},
      {"path":"mem","resourceFieldRef":{"containerName":"c","resource":"limits.memory","divisor":"1Mi"}}]})")
                              .as_object();
    pod["spec"].as_object()["containers"] =
        json::parse(R"([{"name":"c","resources":{"limits":{"memory":"64Mi"}}}])");
    Projection files;
    REQUIRE(ProjectDownward(pod, source, kSandbox, {}, 0644, files).ok());
    CHECK(files["name"].content == "web");
    CHECK(files["ns"] == FileProjection{"dev", 0400});
    CHECK(files["ip"].content == "10.244.0.7");
    CHECK(files["node"].content == "mini");
    CHECK(files["sa"].content == "robot");
    CHECK(files["app"].content == "web");
    CHECK(files["mem"].content == "64");
    json::object bad =
        json::parse(R"({"items":[{"path":"x","fieldRef":{"fieldPath":"spec.secret"}}]})")
            .as_object();
    CHECK(ProjectDownward(pod, bad, kSandbox, {}, 0644, files).code() == Code::kInvalidArgument);
  }

  TEST_CASE("configMap and secret volumes: items, modes, optional, and the FailedMount words") {
    testing::TempDir tmp;
    FakeConfigSource config;
    config.config_maps["dev/settings"] = {{"mode", "debug"}, {"port", "80"}};
    config.secrets["dev/creds"] = {{"user", "admin"}, {"pass", "pw"}};
    json::object pod = Pod(R"([
      {"name":"cfg","configMap":{"name":"settings"}},
      {"name":"sec","secret":{"secretName":"creds","defaultMode":256,
                              "items":[{"key":"pass","path":"db/password","mode":384}]}},
      {"name":"maybe","configMap":{"name":"absent","optional":true}}])");
    VolumeManager manager({{.config = &config}, nullptr}, tmp.path(), std::chrono::milliseconds(0));
    REQUIRE(manager.Sync(pod, kSandbox).ok());
    CHECK(Read(tmp / "volumes/cfg/mode") == "debug");
    CHECK(Read(tmp / "volumes/sec/db/password") == "pw");
    CHECK_FALSE(fs::exists(tmp / "volumes/sec/user"));
    CHECK((fs::status(tmp / "volumes/sec/db/password").permissions() & fs::perms::all) ==
          fs::perms(0600));
    CHECK(fs::is_empty(tmp / "volumes/maybe/..data"));

    // A change to the ConfigMap reaches the volume at the next refresh.
    config.config_maps["dev/settings"]["mode"] = "release";
    REQUIRE(manager.Sync(pod, kSandbox).ok());
    CHECK(Read(tmp / "volumes/cfg/mode") == "release");

    VolumeManager missing({{.config = &config}, nullptr}, tmp / "other");
    auto held = missing.Sync(Pod(R"([{"name":"cfg","configMap":{"name":"later"}}])"), kSandbox);
    CHECK(held.message() ==
          "MountVolume.SetUp failed for volume \"cfg\" : configmap \"later\" not found");
    auto no_key = missing.Sync(
        Pod(R"([{"name":"k","configMap":{"name":"settings","items":[{"key":"nope","path":"x"}]}}])"),
        kSandbox);
    CHECK(no_key.message() ==
          "MountVolume.SetUp failed for volume \"k\" : configmap references non-existent config "
          "key: nope");
  }

  TEST_CASE("an emptyDir volume lives on disk, linked from the pod's directory in memory") {
    testing::TempDir tmp;
    json::object pod = Pod(R"([{"name":"scratch","emptyDir":{}}])");
    fs::create_directories(tmp / "run/volumes");  // as the pod's sandbox makes it
    VolumeManager manager({}, tmp / "run", std::chrono::milliseconds(0), tmp / "disk");
    REQUIRE(manager.Sync(pod, kSandbox).ok());
    CHECK(fs::is_symlink(tmp / "run/volumes/scratch"));
    CHECK(fs::is_directory(tmp / "disk/volumes/scratch"));
    // What a container writes through the pod's directory lands on disk.
    std::ofstream(tmp / "run/volumes/scratch/kept") << "data";
    CHECK(Read(tmp / "disk/volumes/scratch/kept") == "data");
    // Set up again after a restart of the node: the same directory, its content kept.
    VolumeManager again({}, tmp / "run", std::chrono::milliseconds(0), tmp / "disk");
    REQUIRE(again.Sync(pod, kSandbox).ok());
    CHECK(Read(tmp / "run/volumes/scratch/kept") == "data");
  }

  TEST_CASE("labels changed on the pod reach a downwardAPI volume") {
    testing::TempDir tmp;
    json::object pod = Pod(R"([{"name":"info","downwardAPI":{"items":[
      {"path":"labels","fieldRef":{"fieldPath":"metadata.labels"}}]}}])");
    VolumeManager manager({}, tmp.path(), std::chrono::milliseconds(0));
    REQUIRE(manager.Sync(pod, kSandbox).ok());
    CHECK(Read(tmp / "volumes/info/labels") == "app=\"web\"\ntier=\"front\"");
    pod["metadata"].as_object()["labels"].as_object()["tier"] = "back";
    REQUIRE(manager.Sync(pod, kSandbox).ok());
    CHECK(Read(tmp / "volumes/info/labels") == "app=\"web\"\ntier=\"back\"");
  }

  TEST_CASE("projected volumes combine sources and request a token bound to the pod") {
    testing::TempDir tmp;
    FakeConfigSource config;
    config.config_maps["dev/kube-root-ca.crt"] = {{"ca.crt", "CERT"}};
    FakeVolumeApi api;
    json::object pod = Pod(R"([{"name":"access","projected":{"defaultMode":420,"sources":[
      {"serviceAccountToken":{"path":"token","audience":"vault","expirationSeconds":600}},
      {"configMap":{"name":"kube-root-ca.crt","items":[{"key":"ca.crt","path":"ca.crt"}]}},
      {"downwardAPI":{"items":[{"path":"namespace","fieldRef":{"fieldPath":"metadata.namespace"}}]}}]}}])");
    VolumeManager manager({{.config = &config}, &api}, tmp.path(), std::chrono::milliseconds(0));
    REQUIRE(manager.Sync(pod, kSandbox).ok());
    CHECK(Read(tmp / "volumes/access/token") == "token-1");
    CHECK(Read(tmp / "volumes/access/ca.crt") == "CERT");
    CHECK(Read(tmp / "volumes/access/namespace") == "dev");
    REQUIRE(api.requests.size() == 1);
    CHECK(api.requests[0].service_account == "robot");
    CHECK(api.requests[0].audiences == std::vector<std::string>{"vault"});
    CHECK(api.requests[0].expiration_seconds == 600);
    CHECK(api.requests[0].pod_uid == "u-1");
    // A fresh token is kept until most of its lifetime has passed.
    REQUIRE(manager.Sync(pod, kSandbox).ok());
    CHECK(api.requests.size() == 1);
  }

  TEST_CASE("a claim resolves to its bound volume's path, or says why not") {
    FakeVolumeApi api;
    api.claims["dev/data"] = json::parse(R"({"spec":{"volumeName":"pv1"}})").as_object();
    api.claims["dev/wait"] = json::parse(R"({"spec":{}})").as_object();
    api.volumes["pv1"] = json::parse(R"({"spec":{"hostPath":{"path":"/srv/data"}}})").as_object();
    auto path = ClaimPath(&api, "dev", "data");
    REQUIRE(path.ok());
    CHECK(*path == fs::path("/srv/data"));
    auto unbound = ClaimPath(&api, "dev", "wait");
    CHECK(unbound.status().code() == Code::kFailedPrecondition);
    CHECK(unbound.status().message().find("persistentvolumeclaim \"wait\" is not bound") == 0);
    CHECK(ClaimPath(&api, "dev", "none").status().code() == Code::kNotFound);
  }

  TEST_CASE("subPath stays inside its volume") {
    testing::TempDir tmp;
    const fs::path volume = tmp / "vol";
    fs::create_directories(volume);
    fs::create_directories(tmp / "outside");
    fs::create_symlink(tmp / "outside", volume / "leak");
    fs::create_symlink("inner", volume / "ok-link");
    fs::create_directories(volume / "inner");

    auto created = ResolveSubPath(volume, "logs/app");
    REQUIRE(created.ok());
    CHECK(*created == fs::canonical(volume) / "logs/app");
    CHECK(fs::is_directory(volume / "logs/app"));
    CHECK(ResolveSubPath(volume, "ok-link").ok());
    CHECK(ResolveSubPath(volume, "../outside").status().code() == Code::kInvalidArgument);
    CHECK(ResolveSubPath(volume, "/etc").status().code() == Code::kInvalidArgument);
    CHECK(ResolveSubPath(volume, "leak").status().code() == Code::kPermissionDenied);
    CHECK(ResolveSubPath(volume, "leak/deeper").status().code() == Code::kPermissionDenied);
    CHECK_FALSE(fs::exists(tmp / "outside/deeper"));
  }

  TEST_CASE("hostPath types are checked with the kubelet's words") {
    testing::TempDir tmp;
    fs::create_directories(tmp / "dir");
    REQUIRE(AtomicWriteFile(tmp / "file", "x").ok());
    CHECK(CheckHostPath(tmp / "dir", "Directory").ok());
    CHECK(CheckHostPath(tmp / "file", "File").ok());
    CHECK(CheckHostPath(tmp / "anything", "").ok());
    CHECK(CheckHostPath(tmp / "file", "Directory").message() ==
          "hostPath type check failed: " + (tmp / "file").string() + " is not a directory");
    CHECK(CheckHostPath(tmp / "dir", "File").message() ==
          "hostPath type check failed: " + (tmp / "dir").string() + " is not a file");
    CHECK(CheckHostPath(tmp / "none", "Directory").message() ==
          "hostPath type check failed: " + (tmp / "none").string() + " does not exist");
    CHECK(CheckHostPath(tmp / "file", "Socket").message().ends_with("is not a socket file"));
    CHECK(
        CheckHostPath(tmp / "file", "CharDevice").message().ends_with("is not a character device"));
    CHECK(CheckHostPath("/dev/null", "CharDevice").ok());
    CHECK(CheckHostPath(tmp / "file", "BlockDevice").message().ends_with("is not a block device"));
    CHECK(CheckHostPath(tmp / "file", "Weird").code() == Code::kInvalidArgument);

    CHECK(CheckHostPath(tmp / "made/sub", "DirectoryOrCreate").ok());
    CHECK(fs::is_directory(tmp / "made/sub"));
    CHECK(CheckHostPath(tmp / "new-file", "FileOrCreate").ok());
    CHECK(fs::is_regular_file(tmp / "new-file"));
    CHECK(CheckHostPath(tmp / "dir", "FileOrCreate").message().ends_with("is not a file"));

    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const std::string socket_path = (tmp / "sock").string();
    std::snprintf(address.sun_path, sizeof(address.sun_path), "%s", socket_path.c_str());
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
    CHECK(CheckHostPath(socket_path, "Socket").ok());
    close(fd);
  }

  TEST_CASE("volume mounts: subPath and subPathExpr inside the volume, projections read-only") {
    testing::TempDir tmp;
    FakeConfigSource config;
    config.config_maps["dev/settings"] = {{"mode", "debug"}};
    json::object pod = Pod(R"([{"name":"data","emptyDir":{}},
                               {"name":"cfg","configMap":{"name":"settings"}}])");
    VolumeManager manager({{.config = &config}, nullptr}, tmp.path());
    pods::Sandbox sandbox = kSandbox;
    sandbox.dir = tmp.path();
    REQUIRE(manager.Sync(pod, sandbox).ok());
    json::object container = json::parse(R"J({"name":"c","image":"x",
          "env":[{"name":"POD","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}],
          "volumeMounts":[{"name":"data","mountPath":"/logs","subPathExpr":"logs/$(POD)"},
                          {"name":"cfg","mountPath":"/etc/cfg"}]})J")
                                 .as_object();
    auto built =
        pods::ContainerConfigFor(pod, container, sandbox, {}, tmp / "c", {.config = &config});
    REQUIRE(built.ok());
    const auto& mounts = built->mounts;
    auto find = [&](const std::string& destination) {
      for (const auto& mount : mounts) {
        if (mount.destination == destination) return mount;
      }
      return runtime::oci::Mount{};
    };
    CHECK(find("/logs").source == (fs::canonical(tmp / "volumes/data") / "logs/web").string());
    CHECK(fs::is_directory(tmp / "volumes/data/logs/web"));
    auto options = find("/etc/cfg").options;
    CHECK(std::find(options.begin(), options.end(), "ro") != options.end());
    options = find("/logs").options;
    CHECK(std::find(options.begin(), options.end(), "ro") == options.end());

    fs::create_symlink("/etc", tmp / "volumes/data/escape");
    container["volumeMounts"] =
        json::parse(R"([{"name":"data","mountPath":"/x","subPath":"escape"}])");
    auto refused =
        pods::ContainerConfigFor(pod, container, sandbox, {}, tmp / "c", {.config = &config});
    CHECK(refused.status().code() == Code::kPermissionDenied);
    CHECK(refused.status().message().find("failed to prepare subPath for volumeMount \"data\"") ==
          0);
  }

  TEST_CASE("an unsupported volume type holds the pod with a clear message") {
    testing::TempDir tmp;
    VolumeManager manager({}, tmp.path());
    auto held = manager.Sync(Pod(R"([{"name":"n","nfs":{"server":"x","path":"/"}}])"), kSandbox);
    CHECK(held.code() == Code::kUnimplemented);
    CHECK(held.message().find(
              "MountVolume.SetUp failed for volume \"n\" : unsupported volume type") == 0);
  }
}

}  // namespace
}  // namespace mini::cluster::kubelet::volumes
