#include "cluster/kubelet/volumes/atomic_writer.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <vector>

#include "common/files.h"
#include "test/temp_dir.h"

namespace mini::cluster::kubelet::volumes {
namespace {
namespace fs = std::filesystem;

mode_t ModeOf(const fs::path& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0 ? info.st_mode & 07777 : 0;
}

std::string Read(const fs::path& path) {
  auto text = ReadFile(path);
  return text.ok() ? *text : "<" + text.status().message() + ">";
}

// The timestamped version directories in `dir`.
std::vector<std::string> Versions(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (name.starts_with("..") && name != "..data" && !entry.is_symlink()) out.push_back(name);
  }
  return out;
}

TEST_SUITE("kubelet/atomic_writer") {
  TEST_CASE("files are published through ..data with symlinked entries and their modes") {
    testing::TempDir tmp;
    const fs::path dir = tmp / "vol";
    auto written = WriteAtomically(dir, {{"a", {"one", 0644}}, {"conf/b", {"two", 0400}}});
    REQUIRE(written.ok());
    CHECK(*written);
    CHECK(fs::is_symlink(dir / "..data"));
    CHECK(fs::read_symlink(dir / "a") == fs::path("..data/a"));
    CHECK(fs::read_symlink(dir / "conf") == fs::path("..data/conf"));
    CHECK(Read(dir / "a") == "one");
    CHECK(Read(dir / "conf/b") == "two");
    CHECK(ModeOf(dir / "a") == 0644);
    CHECK(ModeOf(dir / "conf/b") == 0400);
    REQUIRE(Versions(dir).size() == 1);
    CHECK(fs::read_symlink(dir / "..data") == fs::path(Versions(dir)[0]));
  }

  TEST_CASE("an update swaps ..data, removes the old version and the keys that went away") {
    testing::TempDir tmp;
    const fs::path dir = tmp / "vol";
    REQUIRE(WriteAtomically(dir, {{"a", {"one", 0644}}, {"gone", {"x", 0644}}}).ok());
    const std::string first = Versions(dir).at(0);
    auto again = WriteAtomically(dir, {{"a", {"one", 0644}}, {"gone", {"x", 0644}}});
    REQUIRE(again.ok());
    CHECK_FALSE(*again);  // unchanged: nothing rewritten
    CHECK(Versions(dir) == std::vector<std::string>{first});

    auto updated = WriteAtomically(dir, {{"a", {"two", 0600}}});
    REQUIRE(updated.ok());
    CHECK(*updated);
    REQUIRE(Versions(dir).size() == 1);
    CHECK(Versions(dir)[0] != first);
    CHECK(fs::read_symlink(dir / "..data") == fs::path(Versions(dir)[0]));
    CHECK(Read(dir / "a") == "two");
    CHECK(ModeOf(dir / "a") == 0600);
    CHECK_FALSE(fs::exists(fs::symlink_status(dir / "gone")));
  }

  TEST_CASE("a mode change alone publishes a new version") {
    testing::TempDir tmp;
    REQUIRE(WriteAtomically(tmp / "vol", {{"a", {"one", 0644}}}).ok());
    auto changed = WriteAtomically(tmp / "vol", {{"a", {"one", 0440}}});
    REQUIRE(changed.ok());
    CHECK(*changed);
    CHECK(ModeOf(tmp / "vol" / "a") == 0440);
  }

  TEST_CASE("paths that would leave the volume or clash with its layout are refused") {
    testing::TempDir tmp;
    for (const char* bad : {"../escape", "/abs", "", "a/../../b", "..data", "..x/y"}) {
      auto written = WriteAtomically(tmp / "vol", {{bad, {"x", 0644}}});
      CHECK_MESSAGE(written.status().code() == Code::kInvalidArgument, bad);
    }
    CHECK_FALSE(fs::exists(tmp / "escape"));
  }
}

}  // namespace
}  // namespace mini::cluster::kubelet::volumes
