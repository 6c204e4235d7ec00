#include "cluster/kubelet/pods/log_source.h"

#include <doctest/doctest.h>

namespace mini::cluster::kubelet::pods {
namespace {

TEST_SUITE("kubelet/logs") {
  TEST_CASE("CRI records turn back into the program's lines, partial ones joined") {
    std::string log =
        "2024-01-01T00:00:00.1Z stdout F hello\n"
        "2024-01-01T00:00:00.2Z stderr P part one, \n"
        "2024-01-01T00:00:00.3Z stderr F part two\n"
        "2024-01-01T00:00:00.4Z stdout F \n"
        "garbage\n";
    std::vector<LogLine> lines = ParseCriLog(log);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].text == "hello\n");
    CHECK(lines[0].time == "2024-01-01T00:00:00.1Z");
    CHECK(lines[1].text == "part one, part two\n");
    CHECK(lines[1].time == "2024-01-01T00:00:00.3Z");
    CHECK(lines[2].text == "\n");
    CHECK(ParseCriLog("").empty());
  }
}

}  // namespace
}  // namespace mini::cluster::kubelet::pods
