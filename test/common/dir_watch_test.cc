#include "common/dir_watch.h"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace mini {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct TempDir {
  fs::path path = fs::temp_directory_path() /
                  ("dir-watch-" + std::to_string(Clock::now().time_since_epoch().count()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

TEST_CASE("a file renamed into the directory ends the wait long before the deadline") {
  TempDir dir;
  // With a 60 s fallback sleep, only the kernel's notification can end the wait early.
  DirWatch watch(dir.path, 60s);
  std::thread writer([&] {
    std::this_thread::sleep_for(20ms);
    std::ofstream(dir.path / "start.tmp") << "42\n";
    fs::rename(dir.path / "start.tmp", dir.path / "start");
  });
  auto begin = Clock::now();
  while (!fs::exists(dir.path / "start") && Clock::now() < begin + 120s) {
    watch.Wait(begin + 120s);
  }
  writer.join();
  CHECK(fs::exists(dir.path / "start"));
  CHECK(Clock::now() - begin < 50s);
}

TEST_CASE("a file written in place ends the wait too") {
  TempDir dir;
  DirWatch watch(dir.path, 60s);
  std::thread writer([&] {
    std::this_thread::sleep_for(20ms);
    std::ofstream(dir.path / "exit.json") << "{}";
  });
  auto begin = Clock::now();
  watch.Wait(begin + 120s);
  writer.join();
  CHECK(Clock::now() - begin < 50s);
}

TEST_CASE("without a change the wait lasts until the deadline") {
  TempDir dir;
  DirWatch watch(dir.path, 60s);
  auto until = Clock::now() + 30ms;
  watch.Wait(until);
  CHECK(Clock::now() >= until);
}

TEST_CASE("a directory that does not exist falls back to polling and still honours the deadline") {
  TempDir dir;
  DirWatch watch(dir.path / "missing", 60s);
  auto until = Clock::now() + 5s;
  watch.Wait(until);  // one fallback pause, far shorter than the deadline
  CHECK(Clock::now() < until);
}

}  // namespace
}  // namespace mini
