#include "cluster/registry/batch/cron_schedule.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <map>
#include <optional>
#include <vector>

namespace mini::cluster::registry::batch {
namespace {

struct Bounds {
  unsigned min;
  unsigned max;
  const std::map<std::string, unsigned, std::less<>>* names;
};

const std::map<std::string, unsigned, std::less<>> kMonths = {
    {"jan", 1}, {"feb", 2}, {"mar", 3}, {"apr", 4},  {"may", 5},  {"jun", 6},
    {"jul", 7}, {"aug", 8}, {"sep", 9}, {"oct", 10}, {"nov", 11}, {"dec", 12}};
const std::map<std::string, unsigned, std::less<>> kWeekdays = {
    {"sun", 0}, {"mon", 1}, {"tue", 2}, {"wed", 3}, {"thu", 4}, {"fri", 5}, {"sat", 6}};

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

std::vector<std::string_view> Fields(std::string_view text) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) fields.push_back(text.substr(start, i - start));
  }
  return fields;
}

std::string GoQuoted(std::string_view text) { return fmt::format("\"{}\"", text); }

// Go's strconv.Atoi and the library's wrapping of its error.
std::optional<unsigned> ParseInt(std::string_view expr, std::string& error) {
  std::string_view digits = expr;
  bool negative = false;
  if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  bool syntax = !digits.empty() && std::all_of(digits.begin(), digits.end(),
                                               [](char c) { return c >= '0' && c <= '9'; });
  if (!syntax) {
    error = fmt::format("failed to parse int from {}: strconv.Atoi: parsing {}: invalid syntax",
                        expr, GoQuoted(expr));
    return std::nullopt;
  }
  int64_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size()) {
    error = fmt::format("failed to parse int from {}: strconv.Atoi: parsing {}: value out of range",
                        expr, GoQuoted(expr));
    return std::nullopt;
  }
  if (negative && value != 0) {
    error = fmt::format("negative number (-{}) not allowed: {}", value, expr);
    return std::nullopt;
  }
  return value > 1'000'000'000 ? 1'000'000'000u : static_cast<unsigned>(value);
}

std::optional<unsigned> ParseIntOrName(std::string_view expr, const Bounds& bounds,
                                       std::string& error) {
  if (bounds.names != nullptr) {
    std::string lower(expr);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    auto it = bounds.names->find(lower);
    if (it != bounds.names->end()) return it->second;
  }
  return ParseInt(expr, error);
}

// One comma-separated term: "*", "5", "1-5", "*/15", "10-50/5", names where the field has them.
std::string CheckRange(std::string_view expr, const Bounds& bounds) {
  std::vector<std::string_view> range_and_step = Split(expr, '/');
  std::vector<std::string_view> low_and_high = Split(range_and_step[0], '-');
  std::string error;
  unsigned start = 0;
  unsigned end = 0;
  if (low_and_high[0] == "*" || low_and_high[0] == "?") {
    start = bounds.min;
    end = bounds.max;
  } else {
    auto low = ParseIntOrName(low_and_high[0], bounds, error);
    if (!low) return error;
    start = end = *low;
    if (low_and_high.size() == 2) {
      auto high = ParseIntOrName(low_and_high[1], bounds, error);
      if (!high) return error;
      end = *high;
    } else if (low_and_high.size() > 2) {
      return fmt::format("too many hyphens: {}", expr);
    }
  }
  unsigned step = 1;
  if (range_and_step.size() == 2) {
    auto parsed = ParseInt(range_and_step[1], error);
    if (!parsed) return error;
    step = *parsed;
    // "N/step" means "N-max/step".
    if (low_and_high.size() == 1) end = bounds.max;
  } else if (range_and_step.size() > 2) {
    return fmt::format("too many slashes: {}", expr);
  }
  if (start < bounds.min) {
    return fmt::format("beginning of range ({}) below minimum ({}): {}", start, bounds.min, expr);
  }
  if (end > bounds.max) {
    return fmt::format("end of range ({}) above maximum ({}): {}", end, bounds.max, expr);
  }
  if (start > end) {
    return fmt::format("beginning of range ({}) beyond end of range ({}): {}", start, end, expr);
  }
  if (step == 0) return fmt::format("step of range should be a positive number: {}", expr);
  return "";
}

std::string CheckField(std::string_view field, const Bounds& bounds) {
  for (std::string_view term : Split(field, ',')) {
    if (term.empty()) continue;  // the library skips empty terms
    std::string error = CheckRange(term, bounds);
    if (!error.empty()) return error;
  }
  return "";
}

// Go's time.ParseDuration, for "@every <duration>".
std::string DurationError(std::string_view text) {
  std::string quoted = GoQuoted(text);
  std::string_view rest = text;
  if (!rest.empty() && (rest.front() == '+' || rest.front() == '-')) rest.remove_prefix(1);
  if (rest == "0") return "";
  if (rest.empty()) return fmt::format("time: invalid duration {}", quoted);
  static const std::vector<std::string_view> kUnits = {"ns", "us", "µs", "μs", "ms", "s", "m", "h"};
  while (!rest.empty()) {
    size_t digits = 0;
    bool any = false;
    while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) {
      ++digits;
      any = true;
    }
    if (digits < rest.size() && rest[digits] == '.') {
      ++digits;
      while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) {
        ++digits;
        any = true;
      }
    }
    if (!any) return fmt::format("time: invalid duration {}", quoted);
    rest.remove_prefix(digits);
    size_t unit = 0;
    while (unit < rest.size() && rest[unit] != '.' &&
           !std::isdigit(static_cast<unsigned char>(rest[unit]))) {
      ++unit;
    }
    if (unit == 0) return fmt::format("time: missing unit in duration {}", quoted);
    std::string_view name = rest.substr(0, unit);
    if (std::find(kUnits.begin(), kUnits.end(), name) == kUnits.end()) {
      return fmt::format("time: unknown unit {} in duration {}", GoQuoted(name), quoted);
    }
    rest.remove_prefix(unit);
  }
  return "";
}

std::string DescriptorError(std::string_view descriptor) {
  for (std::string_view known :
       {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}) {
    if (descriptor == known) return "";
  }
  constexpr std::string_view kEvery = "@every ";
  if (descriptor.substr(0, kEvery.size()) == kEvery) {
    std::string error = DurationError(descriptor.substr(kEvery.size()));
    if (error.empty()) return "";
    return fmt::format("failed to parse duration {}: {}", descriptor, error);
  }
  return fmt::format("unrecognized descriptor: {}", descriptor);
}

bool WellFormedZone(std::string_view zone) {
  if (zone.empty()) return false;
  for (std::string_view part : Split(zone, '/')) {
    if (part.empty() || part.size() > 14 || part == "." || part == ".." || part.front() == '-') {
      return false;
    }
    for (char c : part) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' ||
            c == '+')) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace

std::string CronScheduleError(std::string_view schedule) {
  if (schedule.empty()) return "empty spec string";
  std::string_view spec = schedule;
  if (spec.substr(0, 3) == "TZ=" || spec.substr(0, 8) == "CRON_TZ=") {
    size_t space = spec.find(' ');
    size_t equals = spec.find('=');
    if (space == std::string_view::npos) {
      // The library slices up to the missing space and panics; the API server reports that.
      return "invalid schedule format: runtime error: slice bounds out of range [:-1]";
    }
    std::string_view zone = spec.substr(equals + 1, space - equals - 1);
    std::string error = TimeZoneError(zone);
    if (!error.empty()) return fmt::format("provided bad location {}: {}", zone, error);
    spec = spec.substr(space);
    while (!spec.empty() && std::isspace(static_cast<unsigned char>(spec.front()))) {
      spec.remove_prefix(1);
    }
  }
  if (!spec.empty() && spec.front() == '@') return DescriptorError(spec);
  std::vector<std::string_view> fields = Fields(spec);
  if (fields.size() != 5) {
    std::string list;
    for (size_t i = 0; i < fields.size(); ++i) {
      list += (i == 0 ? "" : " ") + std::string(fields[i]);
    }
    return fmt::format("expected exactly 5 fields, found {}: [{}]", fields.size(), list);
  }
  const Bounds bounds[5] = {
      {0, 59, nullptr}, {0, 23, nullptr}, {1, 31, nullptr}, {1, 12, &kMonths}, {0, 6, &kWeekdays}};
  for (size_t i = 0; i < 5; ++i) {
    std::string error = CheckField(fields[i], bounds[i]);
    if (!error.empty()) return error;
  }
  return "";
}

std::string TimeZoneError(std::string_view zone) {
  if (zone.empty() || zone == "UTC" || zone == "Local") return "";
  std::string unknown = fmt::format("unknown time zone {}", zone);
  if (!WellFormedZone(zone)) return unknown;
  // The database is read-only system data; a guest without it accepts any well-formed name
  // rather than refusing every zone.
  std::error_code error;
  const std::filesystem::path root = "/usr/share/zoneinfo";
  if (!std::filesystem::is_directory(root, error)) return "";
  if (!std::filesystem::is_regular_file(root / std::string(zone), error)) return unknown;
  return "";
}

}  // namespace mini::cluster::registry::batch
