#include "cluster/runtime/image/pull_policy.h"

#include <doctest/doctest.h>

#include "test/cluster/runtime/image/fixtures.h"
#include "test/temp_dir.h"

namespace mini::cluster::runtime::image {
namespace {

// Records the pulls asked of it; the "registry" holds one archive.
class FakePuller : public Puller {
 public:
  explicit FakePuller(std::filesystem::path archive) : archive_(std::move(archive)) {}
  Result<ImageRecord> Pull(const Reference& ref, ImageStore& store,
                           const PullCredentials&) override {
    pulls.push_back(ref.String());
    if (fail) {
      return Error(Code::kUnavailable, "registry unreachable");
    }
    MINI_ASSIGN_OR_RETURN(auto loaded, store.Load(archive_));
    return loaded.front();
  }
  std::vector<std::string> pulls;
  bool fail = false;

 private:
  std::filesystem::path archive_;
};

struct Fixture {
  mini::testing::TempDir dir;
  ImageStorePtr store = OpenImageStore(dir / "store").value();
  FakePuller puller{dir / "app.tar"};
  Fixture() {
    testing::WriteDockerArchive(
        dir / "app.tar",
        {{{"app:v1"}, {testing::TarBuilder().File("app", "x").Build()}, {"/app"}}});
  }
};

}  // namespace

TEST_SUITE("runtime/image/pull_policy") {
  TEST_CASE("the default policy is Always for latest, IfNotPresent otherwise") {
    const std::string digest =
        "@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    CHECK(DefaultPullPolicy("busybox") == PullPolicy::kAlways);
    CHECK(DefaultPullPolicy("busybox:latest") == PullPolicy::kAlways);
    CHECK(DefaultPullPolicy("busybox:latest" + digest) == PullPolicy::kAlways);
    CHECK(DefaultPullPolicy("busybox:1") == PullPolicy::kIfNotPresent);
    CHECK(DefaultPullPolicy("busybox" + digest) == PullPolicy::kIfNotPresent);
    CHECK(ParsePullPolicy("Never").value() == PullPolicy::kNever);
    CHECK(ParsePullPolicy("never").status().code() == Code::kInvalidArgument);
  }

  TEST_CASE("Never and IfNotPresent use the stored image without pulling") {
    Fixture f;
    REQUIRE(f.store->Load(f.dir / "app.tar").ok());
    CHECK(EnsureImage(*f.store, &f.puller, "app:v1", PullPolicy::kNever).ok());
    CHECK(EnsureImage(*f.store, &f.puller, "docker.io/library/app:v1", PullPolicy::kIfNotPresent)
              .ok());
    CHECK(f.puller.pulls.empty());
  }

  TEST_CASE("Always pulls, and IfNotPresent pulls what is missing") {
    Fixture f;
    CHECK(EnsureImage(*f.store, &f.puller, "app:v1", PullPolicy::kIfNotPresent).ok());
    CHECK(EnsureImage(*f.store, &f.puller, "app:v1", PullPolicy::kAlways).ok());
    CHECK(f.puller.pulls ==
          std::vector<std::string>{"docker.io/library/app:v1", "docker.io/library/app:v1"});
  }

  TEST_CASE("failures carry the kubelet's reasons") {
    Fixture f;
    auto never = EnsureImage(*f.store, &f.puller, "app:v1", PullPolicy::kNever);
    CHECK(never.status().reason() == "ErrImageNeverPull");
    CHECK(never.status().code() == Code::kNotFound);
    auto no_registry = EnsureImage(*f.store, nullptr, "app:v1", PullPolicy::kIfNotPresent);
    CHECK(no_registry.status().reason() == "ErrImagePull");
    CHECK(no_registry.status().advice().find("mini image load") != std::string::npos);
    f.puller.fail = true;
    auto failed = EnsureImage(*f.store, &f.puller, "app:v1", PullPolicy::kAlways);
    CHECK(failed.status().reason() == "ErrImagePull");
    CHECK(failed.status().message().find("registry unreachable") != std::string::npos);
    CHECK(EnsureImage(*f.store, &f.puller, "Bad", PullPolicy::kNever).status().reason() ==
          "InvalidImageName");
  }
}

}  // namespace mini::cluster::runtime::image
