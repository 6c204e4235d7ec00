// CronJob schedules and time zones, checked the way the API server's cron library parses them,
// so a schedule is refused with the same words a real cluster uses.
#pragma once

#include <string>
#include <string_view>

namespace mini::cluster::registry::batch {

/// Why `schedule` does not parse as a standard 5-field cron line or a descriptor (@hourly,
/// @every 1h30m ...), worded as upstream's parser words it; empty when it parses.
std::string CronScheduleError(std::string_view schedule);

/// Why `zone` is no IANA time zone the server knows ("unknown time zone Mars/Base"); empty when
/// it is one. Zones are looked up in the system's zoneinfo database; without one every
/// well-formed name is accepted.
std::string TimeZoneError(std::string_view zone);

}  // namespace mini::cluster::registry::batch
