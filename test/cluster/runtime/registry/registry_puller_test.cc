// Pulls from a real registry (Debian's docker-registry) that each case starts on loopback:
// TLS with a CA made here and htpasswd users, or plain HTTP for the insecure and mirror cases.
#include "cluster/runtime/registry/registry_puller.h"

#include <doctest/doctest.h>

#include <fstream>

#include "test/cluster/runtime/image/fixtures.h"
#include "test/cluster/runtime/registry/registry_server.h"
#include "test/cluster/runtime/registry/token_front.h"
#include "test/temp_dir.h"

namespace mini::cluster::runtime::registry {
namespace {

namespace fs = std::filesystem;
using image::EnsureImage;
using image::PullPolicy;
using testing::RegistryServer;

constexpr char kUser[] = "alice";
constexpr char kPassword[] = "s3cret";

// A TLS registry with a user, holding mini-test/busybox:1 from the test images.
struct SecureRegistry {
  mini::testing::TempDir dir;
  RegistryServer server{{.tls = true, .user = kUser, .password = kPassword}};
  fs::path images;
  image::ImageStorePtr store = image::OpenImageStore(dir / "store").value();
  image::PullCredentials credentials;
  image::PullerPtr puller;

  SecureRegistry() {
    auto built = testing::TestImages();
    REQUIRE_MESSAGE(built.ok(), built.status().ToString());
    images = *built;
    Status started = server.Start();
    REQUIRE_MESSAGE(started.ok(), started.ToString());
    Status pushed =
        server.Push("oci-archive:" + (images / "busybox.oci.tar").string(), "mini-test/busybox:1");
    REQUIRE_MESSAGE(pushed.ok(), pushed.ToString(), server.LogTail());
    credentials = {{server.host(), kUser, kPassword}};
    puller = NewRegistryPuller({.extra_ca = server.ca()});
  }

  Result<image::ImageRecord> Pull(const std::string& name) {
    return puller->Pull(image::ParseReference(name).value(), *store, credentials);
  }
  std::string Name(const std::string& rest) const { return server.host() + "/" + rest; }
};

// Every layer blob of the registry's storage (not manifests), found by size.
std::vector<fs::path> LargeRegistryBlobs(const fs::path& storage) {
  std::vector<fs::path> blobs;
  for (const auto& entry : fs::recursive_directory_iterator(storage)) {
    if (entry.is_regular_file() && entry.path().filename() == "data" && entry.file_size() > 8192) {
      blobs.push_back(entry.path());
    }
  }
  return blobs;
}

}  // namespace

TEST_SUITE("runtime/registry/pull") {
  TEST_CASE("pulls by tag over TLS with basic credentials, like a loaded image") {
    SecureRegistry r;
    auto pulled = r.Pull(r.Name("mini-test/busybox:1"));
    REQUIRE_MESSAGE(pulled.ok(), pulled.status().ToString());
    CHECK(pulled->names == std::vector<std::string>{r.Name("mini-test/busybox:1")});
    CHECK(r.store->Get(r.Name("mini-test/busybox:1")).ok());

    auto lower = r.store->LowerDirs(*pulled);
    REQUIRE_MESSAGE(lower.ok(), lower.status().ToString());
    bool has_busybox = false;
    for (const fs::path& dir : *lower) {
      has_busybox = has_busybox || fs::exists(dir / "bin" / "busybox");
    }
    CHECK(has_busybox);

    mini::testing::TempDir other;
    auto loaded_store = image::OpenImageStore(other / "store").value();
    auto loaded = loaded_store->Load(r.images / "busybox.oci.tar");
    REQUIRE(loaded.ok());
    CHECK(loaded->front().id == pulled->id);
    CHECK(loaded->front().manifest == pulled->manifest);
    auto pulled_config = r.store->Config(*pulled);
    auto loaded_config = loaded_store->Config(loaded->front());
    REQUIRE(pulled_config.ok());
    REQUIRE(loaded_config.ok());
    CHECK(pulled_config->cmd == loaded_config->cmd);
    CHECK(pulled_config->env == loaded_config->env);
    CHECK(pulled_config->diff_ids == loaded_config->diff_ids);
  }

  TEST_CASE("pulls by digest") {
    SecureRegistry r;
    auto by_tag = r.Pull(r.Name("mini-test/busybox:1"));
    REQUIRE_MESSAGE(by_tag.ok(), by_tag.status().ToString());
    mini::testing::TempDir other;
    r.store = image::OpenImageStore(other / "store").value();
    std::string pinned = r.Name("mini-test/busybox@" + by_tag->manifest.String());
    auto by_digest = r.Pull(pinned);
    REQUIRE_MESSAGE(by_digest.ok(), by_digest.status().ToString());
    CHECK(by_digest->id == by_tag->id);
    CHECK(r.store->Get(pinned).ok());
  }

  TEST_CASE("blobs already in the store are not fetched again") {
    SecureRegistry r;
    REQUIRE(r.Pull(r.Name("mini-test/busybox:1")).ok());
    // With the layers gone from the registry only a pull that skips them can succeed.
    std::vector<fs::path> layers = LargeRegistryBlobs(r.server.storage());
    REQUIRE_FALSE(layers.empty());
    for (const fs::path& layer : layers) {
      fs::remove(layer);
    }
    auto again = r.Pull(r.Name("mini-test/busybox:1"));
    CHECK_MESSAGE(again.ok(), again.status().ToString());
  }

  TEST_CASE("an unknown tag is ErrImagePull with the registry's manifest unknown") {
    SecureRegistry r;
    auto result = EnsureImage(*r.store, r.puller.get(), r.Name("mini-test/busybox:nope"),
                              PullPolicy::kIfNotPresent, r.credentials);
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().code() == Code::kUnavailable);
    CHECK(result.status().reason() == "ErrImagePull");
    const std::string& message = result.status().message();
    CAPTURE(message);
    CHECK(message.starts_with("failed to pull image \"" + r.Name("mini-test/busybox:nope")));
    CHECK(message.find("manifest unknown") != std::string::npos);
  }

  TEST_CASE("wrong or missing credentials are unauthorized in the registry's words") {
    SecureRegistry r;
    for (const image::PullCredentials& credentials :
         {image::PullCredentials{{r.server.host(), kUser, "wrong"}}, image::PullCredentials{}}) {
      auto result = EnsureImage(*r.store, r.puller.get(), r.Name("mini-test/busybox:1"),
                                PullPolicy::kAlways, credentials);
      REQUIRE_FALSE(result.ok());
      CHECK(result.status().reason() == "ErrImagePull");
      CAPTURE(result.status().message());
      CHECK(result.status().message().find("unauthorized: authentication required") !=
            std::string::npos);
    }
  }

  TEST_CASE("a certificate the node does not trust is refused, saying so") {
    SecureRegistry r;
    r.puller = NewRegistryPuller({});
    auto result = r.Pull(r.Name("mini-test/busybox:1"));
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().message().find("certificate does not verify") != std::string::npos);
  }

  TEST_CASE("a blob whose content does not match its digest is an error") {
    SecureRegistry r;
    for (const fs::path& layer : LargeRegistryBlobs(r.server.storage())) {
      std::fstream f(layer, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(4000);
      f.put('X');  // the size stays, the content changes
    }
    auto result = r.Pull(r.Name("mini-test/busybox:1"));
    REQUIRE_FALSE(result.ok());
    CAPTURE(result.status().message());
    CHECK(result.status().message().find("does not match its digest") != std::string::npos);
    CHECK(result.status().message().find("is corrupt") != std::string::npos);
    CHECK_FALSE(r.store->Get(r.Name("mini-test/busybox:1")).ok());
  }

  TEST_CASE("an insecure plain-HTTP registry, directly and as a docker.io mirror, zstd layers") {
    mini::testing::TempDir dir;
    RegistryServer server;
    Status started = server.Start();
    REQUIRE_MESSAGE(started.ok(), started.ToString());
    image::testing::TestImage test{
        {"mini-test/zstd:1"},
        {image::testing::TarBuilder().Dir("etc").File("etc/greeting", "hello zstd\n").Build()}};
    image::testing::WriteOciArchive(dir / "zstd.tar", {test}, image::testing::Compression::kZstd);
    Status pushed = server.Push("oci-archive:" + (dir / "zstd.tar").string(), "mini-test/zstd:1");
    REQUIRE_MESSAGE(pushed.ok(), pushed.ToString());

    SUBCASE("insecure registry") {
      auto store = image::OpenImageStore(dir / "store").value();
      auto puller = NewRegistryPuller({.insecure = {server.host()}});
      auto pulled = puller->Pull(image::ParseReference(server.host() + "/mini-test/zstd:1").value(),
                                 *store, {});
      REQUIRE_MESSAGE(pulled.ok(), pulled.status().ToString());
      auto lower = store->LowerDirs(*pulled);
      REQUIRE(lower.ok());
      CHECK(fs::exists(lower->front() / "etc" / "greeting"));
      std::ifstream manifest(dir / "store" / "blobs" / "sha256" / pulled->manifest.hex());
      std::string text((std::istreambuf_iterator<char>(manifest)), {});
      CHECK(text.find(image::media_type::kOciLayerZstd) != std::string::npos);
      // Without the option the plain-HTTP registry cannot be reached over HTTPS.
      auto refused = NewRegistryPuller({})->Pull(
          image::ParseReference(server.host() + "/mini-test/zstd:1").value(), *store, {});
      CHECK_FALSE(refused.ok());
    }
    SUBCASE("docker.io mirror") {
      auto store = image::OpenImageStore(dir / "store").value();
      auto puller = NewRegistryPuller({.mirrors = {{"docker.io", {"http://" + server.host()}}}});
      auto pulled = puller->Pull(image::ParseReference("mini-test/zstd:1").value(), *store, {});
      REQUIRE_MESSAGE(pulled.ok(), pulled.status().ToString());
      CHECK(pulled->names == std::vector<std::string>{"docker.io/mini-test/zstd:1"});
    }
  }

  TEST_CASE("a bearer challenge is answered with a token fetched with basic credentials") {
    mini::testing::TempDir dir;
    RegistryServer server;
    Status started = server.Start();
    REQUIRE_MESSAGE(started.ok(), started.ToString());
    auto images = testing::TestImages();
    REQUIRE_MESSAGE(images.ok(), images.status().ToString());
    Status pushed =
        server.Push("oci-archive:" + (*images / "busybox.oci.tar").string(), "mini-test/busybox:1");
    REQUIRE_MESSAGE(pushed.ok(), pushed.ToString());
    testing::TokenFront front(server.host(), kUser, kPassword);
    auto store = image::OpenImageStore(dir / "store").value();
    auto puller = NewRegistryPuller({.insecure = {front.host()}});
    std::string name = front.host() + "/mini-test/busybox:1";

    auto refused = EnsureImage(*store, puller.get(), name, PullPolicy::kAlways,
                               {{front.host(), kUser, "wrong"}});
    REQUIRE_FALSE(refused.ok());
    CAPTURE(refused.status().message());
    CHECK(refused.status().message().find("incorrect username or password") != std::string::npos);

    auto pulled = EnsureImage(*store, puller.get(), name, PullPolicy::kAlways,
                              {{front.host(), kUser, kPassword}});
    REQUIRE_MESSAGE(pulled.ok(), pulled.status().ToString());
    CHECK(store->LowerDirs(*pulled).ok());
    std::vector<std::string> queries = front.token_queries();
    REQUIRE_FALSE(queries.empty());
    CHECK(queries.back().find("scope=repository%3Amini-test%2Fbusybox%3Apull") !=
          std::string::npos);
    CHECK(queries.back().find("service=mini-test") != std::string::npos);
  }
}

}  // namespace mini::cluster::runtime::registry
