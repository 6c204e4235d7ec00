#include "common/files.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <thread>

#include "test/temp_dir.h"

namespace mini {
namespace fs = std::filesystem;

TEST_SUITE("common/files") {
  TEST_CASE("AtomicWriteFile creates parents, writes content and applies the mode exactly") {
    testing::TempDir dir;
    fs::path file = dir / "a/b/secret.key";
    mode_t old_umask = ::umask(0077);
    REQUIRE(AtomicWriteFile(file, "hello", 0644).ok());
    ::umask(old_umask);
    CHECK(ReadFile(file).value() == "hello");
    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0644);
    REQUIRE(::stat((dir / "a").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
  }

  TEST_CASE("AtomicWriteFile replaces content and leaves no temporary file behind") {
    testing::TempDir dir;
    fs::path file = dir / "config.json";
    REQUIRE(AtomicWriteFile(file, "one").ok());
    REQUIRE(AtomicWriteFile(file, "two").ok());
    CHECK(ReadFile(file).value() == "two");
    int entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) {
      ++entries;
    }
    CHECK(entries == 1);
  }

  TEST_CASE("a failed write keeps the old file intact") {
    if (::geteuid() == 0) {
      // root ignores directory permissions; /proc refuses regular files for everyone
      CHECK_FALSE(AtomicWriteFile("/proc/mini-cannot-exist", "x").ok());
      return;
    }
    testing::TempDir dir;
    fs::path file = dir / "f";
    REQUIRE(AtomicWriteFile(file, "old").ok());
    ::chmod(dir.path().c_str(), 0500);
    Status s = AtomicWriteFile(file, "new");
    ::chmod(dir.path().c_str(), 0700);
    CHECK(s.code() == Code::kPermissionDenied);
    CHECK(ReadFile(file).value() == "old");
  }

  TEST_CASE("ReadFile reports a missing file as NotFound naming the path") {
    testing::TempDir dir;
    auto r = ReadFile(dir / "missing");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kNotFound);
    CHECK(r.status().message().find("missing") != std::string::npos);
  }

  TEST_CASE("FileLock excludes a second holder until the first is released") {
    testing::TempDir dir;
    fs::path lock_path = dir / ".lock";
    auto first = FileLock::Acquire(lock_path, std::chrono::milliseconds(100));
    REQUIRE(first.ok());
    // flock locks belong to open file descriptions, so a second open in this process contends.
    auto second = FileLock::Acquire(lock_path, std::chrono::milliseconds(50));
    REQUIRE_FALSE(second.ok());
    CHECK(second.status().code() == Code::kDeadlineExceeded);
    { FileLock released = std::move(first.value()); }
    CHECK(FileLock::Acquire(lock_path, std::chrono::milliseconds(50)).ok());
  }

  TEST_CASE("RemoveAll removes trees and ignores missing paths") {
    testing::TempDir dir;
    REQUIRE(AtomicWriteFile(dir / "t/x/y", "1").ok());
    CHECK(RemoveAll(dir / "t").ok());
    CHECK_FALSE(fs::exists(dir / "t"));
    CHECK(RemoveAll(dir / "t").ok());
  }
}

}  // namespace mini
