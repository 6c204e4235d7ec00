#include "drivers/qemu/qmp.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>

namespace mini::drivers::qemu {

TEST_CASE("a QMP reply is found after asynchronous events, a partial line waits") {
  std::string buf =
      "{\"event\": \"POWERDOWN\", \"timestamp\": {\"seconds\": 1, \"microseconds\": 2}}\n"
      "{\"return\": {\"status\": \"running\", \"running\": true}}\n{\"ret";
  QmpReply r = ParseQmpReply(buf);
  REQUIRE(r.complete);
  REQUIRE(r.value.ok());
  CHECK(r.value->at("status").as_string() == "running");
  CHECK(buf == "{\"ret");
  CHECK_FALSE(ParseQmpReply(buf).complete);
}

TEST_CASE("QEMU's refusals carry its description") {
  std::string buf = "{\"error\": {\"class\": \"GenericError\", \"desc\": \"no such device\"}}\n";
  QmpReply r = ParseQmpReply(buf);
  REQUIRE(r.complete);
  REQUIRE_FALSE(r.value.ok());
  CHECK(r.value.status().message().find("no such device") != std::string::npos);
}

TEST_CASE("the greeting counts as a reply") {
  std::string buf = "{\"QMP\": {\"version\": {}, \"capabilities\": []}}\n";
  QmpReply r = ParseQmpReply(buf);
  REQUIRE(r.complete);
  CHECK(r.value.ok());
}

}  // namespace mini::drivers::qemu
