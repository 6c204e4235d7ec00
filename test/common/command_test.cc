#include "common/command.h"

#include <doctest/doctest.h>

namespace mini {
namespace {

TEST_SUITE("common/command") {
  TEST_CASE("output of both streams and the exit code come back") {
    auto result = RunCommand({"sh", "-c", "echo out; echo err >&2; exit 3"});
    REQUIRE(result.ok());
    CHECK(result->exit_code == 3);
    CHECK(result->output.find("out\n") != std::string::npos);
    CHECK(result->output.find("err\n") != std::string::npos);
  }

  TEST_CASE("RunChecked wants success and says what failed") {
    CHECK(RunChecked({"true"}).ok());
    auto failed = RunChecked({"sh", "-c", "echo nope; exit 1"});
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.status().message() == "sh -c echo nope; exit 1 exited with 1: nope");
  }

  TEST_CASE("a missing program and a hanging one are errors, not hangs") {
    CHECK(RunCommand({"no-such-program-here"}).status().code() == Code::kNotFound);
    auto hung = RunCommand({"sleep", "30"}, std::chrono::milliseconds(200));
    CHECK(hung.status().code() == Code::kDeadlineExceeded);
    auto killed = RunCommand({"sh", "-c", "kill -9 $$"});
    REQUIRE(killed.ok());
    CHECK(killed->exit_code == 137);
  }
}

}  // namespace
}  // namespace mini
