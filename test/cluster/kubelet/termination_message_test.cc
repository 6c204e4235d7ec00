#include "cluster/kubelet/pods/termination_message.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "common/files.h"
#include "test/temp_dir.h"

namespace mini::cluster::kubelet::pods {
namespace {

TEST_SUITE("kubelet/termination_message") {
  TEST_CASE("the file wins; the log's tail stands in only on failure with the fallback policy") {
    testing::TempDir dir;
    REQUIRE(AtomicWriteFile(dir / "log",
                            "2024-01-01T00:00:00.000000000Z stdout F one\n"
                            "2024-01-01T00:00:00.000000000Z stderr P tw\n"
                            "2024-01-01T00:00:00.000000000Z stderr F o\n")
                .ok());
    REQUIRE(AtomicWriteFile(dir / "message", "").ok());
    CHECK(TerminationMessage(dir / "message", dir / "log", true, true) == "one\ntwo\n");
    CHECK(TerminationMessage(dir / "message", dir / "log", true, false) == "");
    CHECK(TerminationMessage(dir / "message", dir / "log", false, true) == "");
    REQUIRE(AtomicWriteFile(dir / "message", "bye").ok());
    CHECK(TerminationMessage(dir / "message", dir / "log", true, true) == "bye");
    CHECK(TerminationMessage(dir / "absent", dir / "absent-log", true, true) == "");
  }

  TEST_CASE("limits: 4 KiB of the file, the last 80 lines and 2 KiB of the log") {
    testing::TempDir dir;
    REQUIRE(AtomicWriteFile(dir / "message", std::string(5000, 'x')).ok());
    CHECK(TerminationMessage(dir / "message", dir / "log", false, true).size() == 4096);
    std::string log;
    for (int i = 0; i < 100; ++i) log += fmt::format("2024-01-01T00:00:00Z stdout F line {}\n", i);
    REQUIRE(AtomicWriteFile(dir / "log", log).ok());
    std::string tail = LogTail(dir / "log", 80, 2048);
    CHECK(tail.starts_with("line 20\n"));
    CHECK(tail.ends_with("line 99\n"));
    CHECK(LogTail(dir / "log", 80, 10) == "8\nline 99\n");
  }
}

}  // namespace
}  // namespace mini::cluster::kubelet::pods
