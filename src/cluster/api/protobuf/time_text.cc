// RFC 3339 times for metav1.Time and metav1.MicroTime.
#include <chrono>

#include "cluster/api/protobuf/well_known.h"

namespace mini::cluster::api::protobuf {
namespace {

namespace chrono = std::chrono;

// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the four-digit years RFC 3339 can write.
constexpr int64_t kMinSeconds = -62167219200;
constexpr int64_t kMaxSeconds = 253402300799;

// Reads exactly `digits` decimal digits.
bool ReadNumber(std::string_view& text, int digits, int& value) {
  if (text.size() < static_cast<size_t>(digits)) return false;
  value = 0;
  for (int i = 0; i < digits; ++i) {
    const char c = text[static_cast<size_t>(i)];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  text.remove_prefix(static_cast<size_t>(digits));
  return true;
}

bool Expect(std::string_view& text, char c) {
  if (text.empty() || text.front() != c) return false;
  text.remove_prefix(1);
  return true;
}

// The fraction after the seconds, as nanoseconds; digits past the ninth are dropped.
bool ReadFraction(std::string_view& text, int32_t& nanos) {
  nanos = 0;
  if (!Expect(text, '.')) return true;
  int digits = 0;
  while (!text.empty() && text.front() >= '0' && text.front() <= '9') {
    if (digits < 9) nanos = nanos * 10 + (text.front() - '0');
    ++digits;
    text.remove_prefix(1);
  }
  for (int i = digits; i < 9; ++i) nanos *= 10;
  return digits > 0;
}

// The zone offset in seconds east of UTC.
bool ReadOffset(std::string_view& text, int64_t& offset) {
  if (Expect(text, 'Z')) {
    offset = 0;
    return true;
  }
  if (text.empty() || (text.front() != '+' && text.front() != '-')) return false;
  const int sign = text.front() == '-' ? -1 : 1;
  text.remove_prefix(1);
  int hours = 0;
  int minutes = 0;
  if (!ReadNumber(text, 2, hours) || !Expect(text, ':') || !ReadNumber(text, 2, minutes) ||
      hours > 23 || minutes > 59) {
    return false;
  }
  offset = sign * (hours * 3600 + minutes * 60);
  return true;
}

}  // namespace

Result<std::string> FormatTime(Timestamp time, bool micro) {
  if (time.seconds < kMinSeconds || time.seconds > kMaxSeconds) {
    return Error(Code::kInvalidArgument, "time {}s is outside the years 0000 to 9999",
                 time.seconds);
  }
  if (time.nanos < 0 || time.nanos > 999'999'999) {
    return Error(Code::kInvalidArgument, "time nanos {} is outside 0..999999999", time.nanos);
  }
  const chrono::sys_seconds point{chrono::seconds{time.seconds}};
  const auto day = chrono::floor<chrono::days>(point);
  const chrono::year_month_day date{day};
  const chrono::hh_mm_ss clock{point - day};
  std::string text =
      fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  clock.hours().count(), clock.minutes().count(), clock.seconds().count());
  if (micro) text += fmt::format(".{:06}", time.nanos / 1000);
  text += 'Z';
  return text;
}

Result<Timestamp> ParseTime(std::string_view text) {
  const std::string_view original = text;
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  Timestamp result;
  int64_t offset = 0;
  const bool shaped = ReadNumber(text, 4, year) && Expect(text, '-') &&
                      ReadNumber(text, 2, month) && Expect(text, '-') && ReadNumber(text, 2, day) &&
                      Expect(text, 'T') && ReadNumber(text, 2, hour) && Expect(text, ':') &&
                      ReadNumber(text, 2, minute) && Expect(text, ':') &&
                      ReadNumber(text, 2, second) && ReadFraction(text, result.nanos) &&
                      ReadOffset(text, offset) && text.empty();
  const chrono::year_month_day date{chrono::year{year}, chrono::month{static_cast<unsigned>(month)},
                                    chrono::day{static_cast<unsigned>(day)}};
  if (!shaped || !date.ok() || hour > 23 || minute > 59 || second > 59) {
    return Error(Code::kInvalidArgument, "\"{}\" is not an RFC 3339 time", original);
  }
  const chrono::sys_days days{date};
  result.seconds = chrono::duration_cast<chrono::seconds>(days.time_since_epoch()).count() +
                   hour * 3600 + minute * 60 + second - offset;
  return result;
}

}  // namespace mini::cluster::api::protobuf
