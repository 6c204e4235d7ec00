#include "cluster/api/meta/ids.h"

#include <fmt/format.h>
#include <openssl/rand.h>

#include <array>
#include <climits>
#include <cstdio>
#include <cstdlib>

namespace mini::api::meta {
namespace {

using std::chrono::days;
using std::chrono::nanoseconds;
using std::chrono::seconds;
using std::chrono::system_clock;

// Reads the text left to right; every accessor fails (returns false) rather than reading past
// the end, so a truncated timestamp is just an invalid one.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool Digits(size_t count, int* out) {
    if (text_.size() - pos_ < count) return false;
    int value = 0;
    for (size_t i = 0; i < count; ++i) {
      char c = text_[pos_ + i];
      if (c < '0' || c > '9') return false;
      value = value * 10 + (c - '0');
    }
    pos_ += count;
    *out = value;
    return true;
  }
  // Consumes one character if it is `a` or `b`; the matched one is stored in `*got` if given.
  bool Either(char a, char b, char* got = nullptr) {
    if (pos_ >= text_.size() || (text_[pos_] != a && text_[pos_] != b)) return false;
    if (got != nullptr) *got = text_[pos_];
    ++pos_;
    return true;
  }
  bool Is(char c) { return Either(c, c); }
  bool AtEnd() const { return pos_ == text_.size(); }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

struct Civil {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  int64_t nanos = 0;
  int offset_minutes = 0;  // east of UTC
};

bool ParseDateTime(Cursor& in, Civil& c) {
  return in.Digits(4, &c.year) && in.Is('-') && in.Digits(2, &c.month) && in.Is('-') &&
         in.Digits(2, &c.day) && in.Either('T', 't') && in.Digits(2, &c.hour) && in.Is(':') &&
         in.Digits(2, &c.minute) && in.Is(':') && in.Digits(2, &c.second);
}

// ".d{1,9}", optional; more than nine digits would be below the clock's resolution.
bool ParseFraction(Cursor& in, Civil& c) {
  if (!in.Is('.')) return true;
  int digits = 0;
  int digit = 0;
  while (in.Digits(1, &digit)) {
    if (++digits > 9) return false;
    c.nanos = c.nanos * 10 + digit;
  }
  for (int i = digits; i < 9; ++i) c.nanos *= 10;
  return digits > 0;
}

bool ParseOffset(Cursor& in, Civil& c) {
  if (in.Either('Z', 'z')) return in.AtEnd();
  char sign = 0;
  int hours = 0;
  int minutes = 0;
  if (!in.Either('+', '-', &sign) || !in.Digits(2, &hours) || !in.Is(':') ||
      !in.Digits(2, &minutes) || !in.AtEnd() || hours > 23 || minutes > 59) {
    return false;
  }
  c.offset_minutes = (sign == '-' ? -1 : 1) * (hours * 60 + minutes);
  return true;
}

bool InRange(const Civil& c) {
  return c.hour <= 23 && c.minute <= 59 && c.second <= 59 &&
         std::chrono::year_month_day(std::chrono::year(c.year),
                                     std::chrono::month(static_cast<unsigned>(c.month)),
                                     std::chrono::day(static_cast<unsigned>(c.day)))
             .ok();
}

// Broken-down UTC fields of a whole-second time.
struct Fields {
  std::chrono::year_month_day date;
  std::chrono::hh_mm_ss<seconds> time;
};

Fields Split(std::chrono::sys_seconds t) {
  auto day = std::chrono::floor<days>(t);
  return {std::chrono::year_month_day(day), std::chrono::hh_mm_ss<seconds>(t - day)};
}

std::string FormatSeconds(const Fields& f) {
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}", static_cast<int>(f.date.year()),
                     static_cast<unsigned>(f.date.month()), static_cast<unsigned>(f.date.day()),
                     f.time.hours().count(), f.time.minutes().count(), f.time.seconds().count());
}

}  // namespace

void FillRandom(std::span<unsigned char> out) {
  if (out.empty()) return;
  if (out.size() > INT_MAX || RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    std::fputs("mini: OpenSSL's random generator failed; refusing to continue\n", stderr);
    std::abort();
  }
}

std::string NewUid() {
  std::array<unsigned char, 16> b;
  FillRandom(b);
  b[6] = (b[6] & 0x0f) | 0x40;  // version 4: random
  b[8] = (b[8] & 0x3f) | 0x80;  // variant 10xx: RFC 4122
  return fmt::format(
      "{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-"
      "{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
      b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
      b[15]);
}

std::string Rfc3339(system_clock::time_point time) {
  return FormatSeconds(Split(std::chrono::floor<seconds>(time))) + "Z";
}

std::string Rfc3339Now() { return Rfc3339(system_clock::now()); }

std::string Rfc3339Micro(system_clock::time_point time) {
  auto whole = std::chrono::floor<seconds>(time);
  auto micros = std::chrono::floor<std::chrono::microseconds>(time - whole);
  return fmt::format("{}.{:06d}Z", FormatSeconds(Split(whole)), micros.count());
}

Result<system_clock::time_point> ParseRfc3339(std::string_view text) {
  Cursor in(text);
  Civil c;
  if (!ParseDateTime(in, c) || !ParseFraction(in, c) || !ParseOffset(in, c) || !InRange(c)) {
    return Error(Code::kInvalidArgument, "\"{}\" is not an RFC 3339 time", text);
  }
  std::chrono::sys_days day{std::chrono::year_month_day(
      std::chrono::year(c.year), std::chrono::month(static_cast<unsigned>(c.month)),
      std::chrono::day(static_cast<unsigned>(c.day)))};
  // Whole seconds first: they cannot overflow, while nanoseconds since 1970 only reach the
  // years 1677-2262 that system_clock can hold.
  seconds secs = day.time_since_epoch() + std::chrono::hours(c.hour) +
                 std::chrono::minutes(c.minute - c.offset_minutes) + seconds(c.second);
  constexpr auto kMax = std::chrono::floor<seconds>(system_clock::duration::max()) - seconds(1);
  constexpr auto kMin = std::chrono::ceil<seconds>(system_clock::duration::min()) + seconds(1);
  if (secs > kMax || secs < kMin) {
    return Error(Code::kInvalidArgument, "\"{}\" is outside the supported time range", text);
  }
  return system_clock::time_point(
      std::chrono::duration_cast<system_clock::duration>(secs) +
      std::chrono::duration_cast<system_clock::duration>(nanoseconds(c.nanos)));
}

}  // namespace mini::api::meta
