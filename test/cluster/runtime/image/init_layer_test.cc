#include "cluster/runtime/image/init_layer.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>

#include "common/files.h"
#include "test/temp_dir.h"

namespace mini::cluster::runtime::image {
namespace fs = std::filesystem;
namespace {

mode_t ModeOf(const fs::path& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_mode;
}

void Touch(const fs::path& path) { std::ofstream(path) << "x"; }

Digest ImageId(char c) { return Digest::FromHex(std::string(64, c)).value(); }

}  // namespace

TEST_SUITE("runtime/image/init_layer") {
  TEST_CASE("the mount points an image lacks are made where its symlinks lead") {
    mini::testing::TempDir dir;
    const fs::path view = dir / "view", layer = dir / "layer";
    fs::create_directories(view / "etc");
    fs::permissions(view / "etc", fs::perms(0750));
    Touch(view / "etc" / "hostname");
    fs::create_directories(view / "run");
    fs::permissions(view / "run", fs::perms(0711));
    fs::create_directories(view / "var");
    fs::create_symlink("/run", view / "var" / "run");
    fs::create_symlink("../../..", view / "up");
    fs::create_symlink("b", view / "a");
    fs::create_symlink("a", view / "b");
    Touch(view / "opt");

    REQUIRE(AddMountPoints(view, layer,
                           {{"/etc/hosts", false},
                            {"/etc/hostname", false},
                            {"/var/run/secrets/kubernetes.io/serviceaccount", true},
                            {"/proc", true},
                            {"/up/etc/resolv.conf", false},
                            {"/new/dir/file", false},
                            {"/opt/file", false},
                            {"/a/file", false}})
                .ok());
    CHECK((ModeOf(layer) & 07777) == (ModeOf(view) & 07777));
    CHECK((ModeOf(layer / "etc") & 07777) == 0750);  // mirrored: the merged /etc shows it
    CHECK(S_ISREG(ModeOf(layer / "etc" / "hosts")));
    CHECK((ModeOf(layer / "etc" / "hosts") & 07777) == 0644);
    CHECK(fs::file_size(layer / "etc" / "hosts") == 0);
    CHECK_FALSE(fs::exists(layer / "etc" / "hostname"));  // the image has it
    CHECK(fs::is_directory(layer / "run" / "secrets" / "kubernetes.io" / "serviceaccount"));
    CHECK((ModeOf(layer / "run") & 07777) == 0711);
    CHECK_FALSE(fs::exists(layer / "var"));  // the image's symlink stays in charge
    CHECK(fs::is_directory(layer / "proc"));
    CHECK(fs::is_regular_file(layer / "etc" / "resolv.conf"));  // ".." stops at the root
    CHECK((ModeOf(layer / "new" / "dir") & 07777) == 0755);
    CHECK(fs::is_regular_file(layer / "new" / "dir" / "file"));
    CHECK_FALSE(fs::exists(layer / "opt"));  // a file on the way: the runtime's to refuse
    CHECK_FALSE(fs::exists(layer / "a"));    // a symlink loop: likewise
    CHECK_FALSE(fs::exists(layer / "b"));
  }

  TEST_CASE("an init layer is built once per image and swept with its image") {
    mini::testing::TempDir dir;
    const fs::path base = dir / "base", root = dir / "init";
    fs::create_directories(base / "etc");
    auto mounter = NewSystemMounter();
    InitLayers layers(root, {{"/etc/hosts", false}}, *mounter);

    auto first = layers.Ensure(ImageId('a'), {base});
    REQUIRE(first.ok());
    CHECK(first->parent_path() == root);
    CHECK(fs::is_regular_file(*first / "etc" / "hosts"));
    Touch(*first / "marker");
    CHECK(layers.Ensure(ImageId('a'), {base}).value() == *first);
    CHECK(fs::exists(*first / "marker"));  // found, not rebuilt
    auto second = layers.Ensure(ImageId('b'), {base});
    REQUIRE(second.ok());
    CHECK(*second != *first);
    CHECK(layers.Ensure(ImageId('c'), {}).status().code() == Code::kInvalidArgument);

    // Other points make other layers, so a changed list never reuses a stale one.
    InitLayers more(root, {{"/etc/hosts", false}, {"/proc", true}}, *mounter);
    auto third = more.Ensure(ImageId('a'), {base});
    REQUIRE(third.ok());
    CHECK(*third != *first);
    CHECK(fs::is_directory(*third / "proc"));

    fs::create_directories(root / ".build-1-1" / "layer");
    REQUIRE(SweepInitLayers(root, {ImageId('a')}).ok());
    CHECK(fs::exists(*first));
    CHECK(fs::exists(*third));
    CHECK_FALSE(fs::exists(*second));
    CHECK(fs::exists(root / ".build-1-1"));  // a build in progress is not the sweep's
    REQUIRE(layers.ClearBuilds().ok());
    CHECK_FALSE(fs::exists(root / ".build-1-1"));
    CHECK(fs::exists(*first));
  }

  TEST_CASE("an image of several layers is read through a read-only overlay") {
    mini::testing::TempDir dir;
    const fs::path top = dir / "top", base = dir / "base", root = dir / "init";
    fs::create_directories(base / "etc");
    Touch(base / "etc" / "hosts");
    fs::create_directories(base / "run");
    fs::create_directories(top / "var");
    fs::create_symlink("/run", top / "var" / "run");
    auto mounter = NewSystemMounter();
    InitLayers layers(root, {{"/etc/hosts", false}, {"/var/run/secrets", true}}, *mounter);

    auto layer = layers.Ensure(ImageId('d'), {top, base});
    REQUIRE_MESSAGE(layer.ok(), layer.status().message());
    CHECK_FALSE(fs::exists(*layer / "etc" / "hosts"));  // the base layer has it
    CHECK(fs::is_directory(*layer / "run" / "secrets"));
    CHECK_FALSE(fs::exists(*layer / "var"));
    auto mounts = ReadFile("/proc/self/mounts");
    REQUIRE(mounts.ok());
    CHECK(mounts->find(root.string()) == std::string::npos);  // the view is gone
    CHECK(std::distance(fs::directory_iterator(root), fs::directory_iterator()) == 1);
  }
}

}  // namespace mini::cluster::runtime::image
