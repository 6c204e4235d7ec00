#include "cluster/registry/batch/cron_schedule.h"

#include <doctest/doctest.h>

namespace mini::cluster::registry::batch {
namespace {

TEST_CASE("cron schedules the controller accepts") {
  for (const char* schedule :
       {"*/5 * * * *", "0 0 * * 0", "0 9-17 * * mon-fri", "15,45 */2 1 JAN,jul ?", "@hourly",
        "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually", "@every 1h30m",
        "@every 10s", "0  3  *  *  *", "5 4 * * sun"}) {
    CAPTURE(schedule);
    CHECK(CronScheduleError(schedule).empty());
  }
}

TEST_CASE("cron schedules are refused with the cron library's words") {
  CHECK(CronScheduleError("") == "empty spec string");
  CHECK(CronScheduleError("* * * *") == "expected exactly 5 fields, found 4: [* * * *]");
  CHECK(CronScheduleError("0 0 * * * *") == "expected exactly 5 fields, found 6: [0 0 * * * *]");
  CHECK(CronScheduleError("60 * * * *") == "end of range (60) above maximum (59): 60");
  CHECK(CronScheduleError("* * 0 * *") == "beginning of range (0) below minimum (1): 0");
  CHECK(CronScheduleError("5-1 * * * *") == "beginning of range (5) beyond end of range (1): 5-1");
  CHECK(CronScheduleError("*/0 * * * *") == "step of range should be a positive number: */0");
  CHECK(CronScheduleError("x * * * *") ==
        R"(failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax)");
  CHECK(CronScheduleError("1-2-3 * * * *") == "too many hyphens: 1-2-3");
  CHECK(CronScheduleError("1/2/3 * * * *") == "too many slashes: 1/2/3");
  CHECK(CronScheduleError("@often") == "unrecognized descriptor: @often");
  CHECK(CronScheduleError("@every 5") ==
        R"(failed to parse duration @every 5: time: missing unit in duration "5")");
  CHECK(CronScheduleError("@every 5x") ==
        R"(failed to parse duration @every 5x: time: unknown unit "x" in duration "5x")");
  CHECK(CronScheduleError("TZ=UTC") ==
        "invalid schedule format: runtime error: slice bounds out of range [:-1]");
}

TEST_CASE("time zones come from the zone database") {
  CHECK(TimeZoneError("UTC").empty());
  CHECK(TimeZoneError("Europe/Berlin").empty());
  CHECK(TimeZoneError("Mars/Olympus_Mons") == "unknown time zone Mars/Olympus_Mons");
  CHECK(TimeZoneError("../etc/passwd") == "unknown time zone ../etc/passwd");
}

}  // namespace
}  // namespace mini::cluster::registry::batch
