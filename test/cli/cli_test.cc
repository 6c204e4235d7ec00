#include <doctest/doctest.h>

#include "cli/app.h"
#include "cli/commands/commands.h"
#include "cli/table.h"

namespace mini::cli {

TEST_SUITE("cli") {
  TEST_CASE("exit codes follow minikube's bands: reason prefix plus failure kind") {
    CHECK(ExitCodeFor(Status::Ok()) == 0);
    CHECK(ExitCodeFor(Status(Code::kInvalidArgument, "x").WithReason("MK_USAGE")) == 14);
    CHECK(ExitCodeFor(Status(Code::kNotFound, "x").WithReason("GUEST_PROFILE_NOT_FOUND")) == 85);
    CHECK(ExitCodeFor(Status(Code::kFailedPrecondition, "x").WithReason("DRV_NOT_HEALTHY")) == 51);
    CHECK(ExitCodeFor(Status(Code::kNotFound, "x").WithReason("DRV_UNSUPPORTED")) == 55);
    CHECK(ExitCodeFor(Status(Code::kPermissionDenied, "x").WithReason("HOST_KUBECONFIG_WRITE")) ==
          37);
    CHECK(ExitCodeFor(Status(Code::kInternal, "x")) == 10);
    CHECK(ExitCodeFor(Status(Code::kCancelled, "x").WithReason("HOST_X")) == 2);
  }

  TEST_CASE("tables size every column to its widest cell") {
    std::string t = RenderTable({"Profile", "IP"}, {{"mini", "10.0.0.1"}, {"a-long-name", ""}});
    CHECK(t ==
          "|-------------|----------|\n"
          "| Profile     | IP       |\n"
          "|-------------|----------|\n"
          "| mini        | 10.0.0.1 |\n"
          "| a-long-name |          |\n"
          "|-------------|----------|\n");
  }
}

}  // namespace mini::cli

namespace mini::cli {

TEST_SUITE("cli") {
  TEST_CASE("kubectl's arguments are split off before mini parses its own") {
    struct Case {
      std::vector<std::string> in, mini, kubectl;
    };
    for (const auto& c : std::vector<Case>{
             {{"mini", "kubectl", "--", "get", "-o", "wide"},
              {"mini", "kubectl"},
              {"get", "-o", "wide"}},
             {{"mini", "-p", "t1", "kubectl", "-v", "--", "config", "view"},
              {"mini", "-p", "t1", "kubectl", "-v"},
              {"config", "view"}},
             {{"mini", "kubectl", "version", "--client"},
              {"mini", "kubectl"},
              {"version", "--client"}},
             {{"mini", "status", "kubectl"}, {"mini", "status", "kubectl"}, {}},
             {{"mini", "-p", "kubectl", "status"}, {"mini", "-p", "kubectl", "status"}, {}},
         }) {
      std::vector<std::string> args = c.in;
      CHECK(SplitPassthrough(args) == c.kubectl);
      CHECK(args == c.mini);
    }
  }
}

}  // namespace mini::cli
