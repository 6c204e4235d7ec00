#include "cluster/runtime/image/unpack.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <filesystem>

#include "common/files.h"
#include "test/cluster/runtime/image/fixtures.h"
#include "test/temp_dir.h"

namespace mini::cluster::runtime::image {
namespace fs = std::filesystem;
using testing::Compression;
using testing::TarBuilder;

namespace {

// A layer blob written to disk and a fresh directory to unpack it into.
struct Layer {
  mini::testing::TempDir dir;
  fs::path blob = dir / "blob";
  fs::path root = dir / "root";

  explicit Layer(const std::string& content) {
    testing::WriteFile(blob, content);
    fs::create_directory(root);
  }
  Result<UnpackResult> Unpack(WhiteoutMode mode = WhiteoutMode::kFiles) {
    return UnpackLayer(blob, root, {mode, ::geteuid() == 0});
  }
};

mode_t ModeOf(const fs::path& p) {
  struct stat st {};
  REQUIRE(::lstat(p.c_str(), &st) == 0);
  return st.st_mode;
}

bool IsEmptyDir(const fs::path& p) { return fs::is_empty(p); }

}  // namespace

TEST_SUITE("runtime/image/unpack") {
  TEST_CASE("a layer unpacks with its modes and links, and its diffID is its tar's digest") {
    std::string tar = TarBuilder()
                          .Dir("./", 0755)
                          .Dir("./etc", 0750)
                          .File("./etc/hosts", "127.0.0.1 localhost\n", 0640)
                          .File("bin/sh", "#!shell", 0755)
                          .Symlink("bin/ash", "sh")
                          .Hardlink("bin/dash", "bin/sh")
                          .Symlink("lib64", "/lib")
                          .Build();
    Compression compression = Compression::kNone;
    SUBCASE("plain") { compression = Compression::kNone; }
    SUBCASE("gzip") { compression = Compression::kGzip; }
    SUBCASE("zstd") { compression = Compression::kZstd; }
    Layer layer(testing::Compress(tar, compression));
    auto result = layer.Unpack();
    REQUIRE(result.ok());
    CHECK(result->diff_id.hex() == testing::Sha256Hex(tar));
    CHECK(result->entries == 7);
    CHECK(ReadFile(layer.root / "etc/hosts").value() == "127.0.0.1 localhost\n");
    CHECK((ModeOf(layer.root / "etc/hosts") & 07777) == 0640);
    CHECK((ModeOf(layer.root / "etc") & 07777) == 0750);
    CHECK((ModeOf(layer.root / "bin/sh") & 07777) == 0755);
    CHECK(fs::read_symlink(layer.root / "bin/ash") == "sh");
    CHECK(fs::read_symlink(layer.root / "lib64") == "/lib");
    CHECK(fs::hard_link_count(layer.root / "bin/sh") == 2);
    CHECK(fs::last_write_time(layer.root / "etc").time_since_epoch().count() != 0);
  }

  TEST_CASE("without privileges whiteouts stay the empty files the tar holds") {
    Layer layer(TarBuilder()
                    .File(".wh.gone", "")
                    .Dir("dir")
                    .File("dir/.wh..wh..opq", "")
                    .File("dir/kept", "k")
                    .Build());
    REQUIRE(layer.Unpack(WhiteoutMode::kFiles).ok());
    CHECK(fs::is_regular_file(layer.root / ".wh.gone"));
    CHECK(fs::is_regular_file(layer.root / "dir/.wh..wh..opq"));
    CHECK(fs::exists(layer.root / "dir/kept"));
  }

  TEST_CASE("as root whiteouts become overlayfs's device 0/0 and opaque xattr") {
    if (::geteuid() != 0) {
      MESSAGE("skipped: trusted.* xattrs need root");
      return;
    }
    Layer layer(TarBuilder()
                    .File(".wh.gone", "")
                    .Dir("dir")
                    .File("dir/.wh..wh..opq", "")
                    .File("dir/.wh..wh.plnk", "")
                    .File("dir/kept", "k")
                    .Build());
    REQUIRE(layer.Unpack(WhiteoutMode::kOverlay).ok());
    struct stat st {};
    REQUIRE(::lstat((layer.root / "gone").c_str(), &st) == 0);
    CHECK(S_ISCHR(st.st_mode));
    CHECK(st.st_rdev == ::makedev(0, 0));
    CHECK_FALSE(fs::exists(layer.root / ".wh.gone"));
    char value[4] = {};
    CHECK(::getxattr((layer.root / "dir").c_str(), "trusted.overlay.opaque", value, 4) == 1);
    CHECK(value[0] == 'y');
    CHECK_FALSE(fs::exists(layer.root / "dir/.wh..wh..opq"));
    CHECK_FALSE(fs::exists(layer.root / "dir/.wh..wh.plnk"));
    CHECK(fs::exists(layer.root / "dir/kept"));
  }

  TEST_CASE("entries that would land outside the layer are refused") {
    mini::testing::TempDir outside;
    std::string out = outside.path().string();
    struct Case {
      const char* name;
      TarBuilder tar;
      const char* why;
    };
    Case cases[] = {
        {"dot-dot", TarBuilder().File("../evil", "x"), ".."},
        {"dot-dot inside", TarBuilder().Dir("a").File("a/../../evil", "x"), ".."},
        {"absolute", TarBuilder().File(out + "/evil", "x"), "absolute"},
        {"through an absolute symlink", TarBuilder().Symlink("s", out).File("s/evil", "x"),
         "symlink"},
        {"through a relative symlink", TarBuilder().Symlink("s", "..").File("s/evil", "x"),
         "symlink"},
        {"directory through a symlink", TarBuilder().Symlink("s", out).Dir("s/d"), "symlink"},
        {"hard link out", TarBuilder().Hardlink("h", "../evil"), ".."},
        {"hard link through a symlink", TarBuilder().Symlink("s", out).Hardlink("h", "s/f"),
         "symlink"},
        {"whiteout through a symlink", TarBuilder().Symlink("s", out).File("s/.wh.f", ""),
         "symlink"},
    };
    testing::WriteFile(outside / "f", "secret");
    for (auto& c : cases) {
      CAPTURE(c.name);
      Layer layer(c.tar.Build());
      auto result = layer.Unpack(::geteuid() == 0 ? WhiteoutMode::kOverlay : WhiteoutMode::kFiles);
      REQUIRE_FALSE(result.ok());
      CHECK(result.status().code() == Code::kInvalidArgument);
      CHECK(result.status().message().find(c.why) != std::string::npos);
      CHECK_FALSE(fs::exists(outside / "evil"));
      CHECK_FALSE(fs::exists(outside / "d"));
      CHECK(ReadFile(outside / "f").value() == "secret");
      CHECK(fs::exists(outside / "f"));
    }
  }

  TEST_CASE("a later entry replaces an earlier one and never writes through a symlink") {
    mini::testing::TempDir outside;
    testing::WriteFile(outside / "target", "host file");
    Layer layer(TarBuilder()
                    .Symlink("f", (outside / "target").string())
                    .File("f", "layer file")
                    .File("d", "a file first")
                    .Dir("d")
                    .File("d/x", "x")
                    .Dir("e")
                    .File("e/y", "y")
                    .Symlink("e", "/nowhere")
                    .Build());
    auto unpacked = layer.Unpack();
    REQUIRE_MESSAGE(unpacked.ok(), unpacked.status().ToString());
    CHECK(ReadFile(outside / "target").value() == "host file");
    CHECK(ReadFile(layer.root / "f").value() == "layer file");
    CHECK(fs::is_directory(layer.root / "d"));
    CHECK(fs::is_symlink(layer.root / "e"));
    CHECK_FALSE(IsEmptyDir(layer.root));
  }

  TEST_CASE("damaged layers are refused") {
    std::string tar = TarBuilder().File("a", std::string(100000, 'a')).Build();
    std::string gz = testing::Compress(tar, Compression::kGzip);
    Layer truncated(gz.substr(0, gz.size() / 2));
    CHECK_FALSE(truncated.Unpack().ok());
    Layer garbage(std::string(5000, '\x7f'));
    CHECK(garbage.Unpack().status().code() == Code::kInvalidArgument);
  }
}

}  // namespace mini::cluster::runtime::image
