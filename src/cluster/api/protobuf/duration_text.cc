// Go's time.Duration text, which metav1.Duration uses in JSON.
#include <array>
#include <limits>

#include "cluster/api/protobuf/well_known.h"

namespace mini::cluster::api::protobuf {
namespace {

constexpr uint64_t kMicro = 1'000;
constexpr uint64_t kMilli = 1'000'000;
constexpr uint64_t kSecond = 1'000'000'000;

// "<value / 10^digits>" with the fraction's trailing zeros (and a bare '.') dropped.
std::string Decimal(uint64_t value, int digits) {
  uint64_t scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  std::string text = std::to_string(value / scale);
  uint64_t fraction = value % scale;
  if (fraction == 0) return text;
  std::string tail = fmt::format("{:0{}}", fraction, digits);
  while (tail.back() == '0') tail.pop_back();
  return text + "." + tail;
}

struct Unit {
  std::string_view name;
  uint64_t nanoseconds;
};

constexpr std::array<Unit, 8> kUnits = {{
    {"ns", 1},
    {"us", kMicro},
    {"\u00b5s", kMicro},  // micro sign
    {"\u03bcs", kMicro},  // Greek small letter mu
    {"ms", kMilli},
    {"s", kSecond},
    {"m", 60 * kSecond},
    {"h", 3600 * kSecond},
}};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string FormatDuration(int64_t nanoseconds) {
  if (nanoseconds == 0) return "0s";
  // Negating in unsigned arithmetic keeps the most negative duration representable.
  const bool negative = nanoseconds < 0;
  const uint64_t u =
      negative ? 0 - static_cast<uint64_t>(nanoseconds) : static_cast<uint64_t>(nanoseconds);
  std::string text = negative ? "-" : "";
  if (u < kMicro) return text + std::to_string(u) + "ns";
  if (u < kMilli) return text + Decimal(u, 3) + "\u00b5s";
  if (u < kSecond) return text + Decimal(u, 6) + "ms";
  const uint64_t seconds = u / kSecond;
  const uint64_t hours = seconds / 3600;
  const uint64_t minutes = seconds / 60 % 60;
  if (hours > 0) text += std::to_string(hours) + "h";
  if (seconds >= 60) text += std::to_string(minutes) + "m";
  return text + Decimal(seconds % 60 * kSecond + u % kSecond, 9) + "s";
}

Result<int64_t> ParseDuration(std::string_view text) {
  const auto invalid = [&] {
    return Error(Code::kInvalidArgument, "\"{}\" is not a duration such as \"1h2m3s\"", text);
  };
  std::string_view rest = text;
  bool negative = false;
  if (!rest.empty() && (rest.front() == '-' || rest.front() == '+')) {
    negative = rest.front() == '-';
    rest.remove_prefix(1);
  }
  if (rest == "0") return int64_t{0};
  if (rest.empty()) return invalid();
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  uint64_t total = 0;
  while (!rest.empty()) {
    uint64_t whole = 0;
    size_t digits = 0;
    for (; digits < rest.size() && IsDigit(rest[digits]); ++digits) {
      const auto d = static_cast<uint64_t>(rest[digits] - '0');
      if (whole > (limit - d) / 10) return invalid();
      whole = whole * 10 + d;
    }
    rest.remove_prefix(digits);
    // The fraction as an integer over a power of ten, scaled by the unit in floating point
    // as Go does, so "16.854775807s" lands on the exact nanosecond.
    uint64_t fraction = 0;
    double scale = 1;
    size_t fraction_digits = 0;
    if (!rest.empty() && rest.front() == '.') {
      rest.remove_prefix(1);
      for (; fraction_digits < rest.size() && IsDigit(rest[fraction_digits]); ++fraction_digits) {
        if (fraction > (uint64_t{1} << 63) / 10) continue;  // digits past precision
        fraction = fraction * 10 + static_cast<uint64_t>(rest[fraction_digits] - '0');
        scale *= 10;
      }
      rest.remove_prefix(fraction_digits);
    }
    if (digits == 0 && fraction_digits == 0) return invalid();
    size_t unit_length = 0;
    while (unit_length < rest.size() && rest[unit_length] != '.' && !IsDigit(rest[unit_length])) {
      ++unit_length;
    }
    const std::string_view unit_name = rest.substr(0, unit_length);
    rest.remove_prefix(unit_length);
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits) {
      if (u.name == unit_name) unit = &u;
    }
    if (unit == nullptr || whole > limit / unit->nanoseconds) return invalid();
    const uint64_t part = whole * unit->nanoseconds +
                          static_cast<uint64_t>(static_cast<double>(fraction) *
                                                (static_cast<double>(unit->nanoseconds) / scale));
    if (part > limit || total > limit - part) return invalid();
    total += part;
  }
  return negative ? static_cast<int64_t>(0 - total) : static_cast<int64_t>(total);
}

}  // namespace mini::cluster::api::protobuf
