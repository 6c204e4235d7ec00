#include "cluster/api/meta/labels.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdint>

#include "cluster/api/meta/labels_internal.h"
#include "cluster/api/meta/names.h"

namespace mini::api::meta {
namespace labels_internal {

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out += c;
    }
  }
  return out + '"';
}

std::string Invalid(std::string_view path, std::string_view shown_value, std::string_view detail) {
  return fmt::format("{}: Invalid value: {}: {}", path, shown_value, detail);
}

Status Aggregate(const std::vector<std::string>& errors) {
  std::vector<std::string> unique;
  for (const std::string& e : errors) {
    if (std::find(unique.begin(), unique.end(), e) == unique.end()) unique.push_back(e);
  }
  if (unique.size() == 1) return Status(Code::kInvalidArgument, unique.front());
  return Error(Code::kInvalidArgument, "[{}]", fmt::join(unique, ", "));
}

void SortUnique(std::vector<std::string>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

}  // namespace labels_internal

namespace {

namespace json = boost::json;
using labels_internal::Aggregate;
using labels_internal::Invalid;
using labels_internal::Quote;
using labels_internal::SortUnique;

// Go's %#v of a []string, which upstream prints for a wrong number of values.
std::string QuoteList(const std::vector<std::string>& values) {
  std::vector<std::string> quoted;
  for (const std::string& v : values) quoted.push_back(Quote(v));
  return fmt::format("[]string{{{}}}", fmt::join(quoted, ", "));
}

// Go's strconv.ParseInt(s, 10, 64), which also accepts a leading '+'.
std::optional<int64_t> ParseInt64(std::string_view s) {
  bool plus = !s.empty() && s.front() == '+';
  if (plus) s.remove_prefix(1);
  if (s.empty() || (plus && s.front() == '-')) return std::nullopt;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

// The check on the number of values each operator takes, with upstream's wording.
std::optional<std::string> ValueCountError(LabelOperator op, const std::vector<std::string>& v) {
  switch (op) {
    case LabelOperator::kIn:
    case LabelOperator::kNotIn:
      if (v.empty()) return "for 'in', 'notin' operators, values set can't be empty";
      break;
    case LabelOperator::kEquals:
    case LabelOperator::kDoubleEquals:
    case LabelOperator::kNotEquals:
      if (v.size() != 1) return "exact-match compatibility requires one single value";
      break;
    case LabelOperator::kExists:
    case LabelOperator::kDoesNotExist:
      if (!v.empty()) return "values set must be empty for exists and does not exist";
      break;
    case LabelOperator::kGreaterThan:
    case LabelOperator::kLessThan:
      if (v.size() != 1) return "for 'Gt', 'Lt' operators, exactly one value is required";
      break;
  }
  return std::nullopt;
}

}  // namespace

Status ValidateLabelKey(std::string_view key, std::string_view path) {
  std::vector<std::string> problems = IsQualifiedName(key);
  if (problems.empty()) return Status::Ok();
  return Status(Code::kInvalidArgument,
                Invalid(path, Quote(key), fmt::format("{}", fmt::join(problems, "; "))));
}

Result<LabelRequirement> MakeLabelRequirement(std::string key, LabelOperator op,
                                              std::vector<std::string> values) {
  SortUnique(values);
  std::vector<std::string> errors;
  if (Status s = ValidateLabelKey(key, "key"); !s.ok()) errors.push_back(s.message());
  if (auto problem = ValueCountError(op, values)) {
    errors.push_back(Invalid("values", QuoteList(values), *problem));
  }
  bool numeric = op == LabelOperator::kGreaterThan || op == LabelOperator::kLessThan;
  for (size_t i = 0; i < values.size(); ++i) {
    if (numeric && !ParseInt64(values[i])) {
      errors.push_back(Invalid(fmt::format("values[{}]", i), Quote(values[i]),
                               "for 'Gt', 'Lt' operators, the value must be an integer"));
    }
  }
  for (size_t i = 0; i < values.size(); ++i) {
    std::vector<std::string> problems = IsValidLabelValue(values[i]);
    if (problems.empty()) continue;
    errors.push_back(Invalid(fmt::format("values[{}][{}]", i, key), Quote(values[i]),
                             fmt::format("{}", fmt::join(problems, "; "))));
  }
  if (!errors.empty()) return Aggregate(errors);
  return LabelRequirement{std::move(key), op, std::move(values)};
}

bool LabelRequirement::MatchesValue(std::optional<std::string_view> value) const {
  auto listed = [&] { return std::find(values.begin(), values.end(), *value) != values.end(); };
  switch (op) {
    case LabelOperator::kEquals:
    case LabelOperator::kDoubleEquals:
    case LabelOperator::kIn:
      return value && listed();
    case LabelOperator::kNotEquals:
    case LabelOperator::kNotIn:
      return !value || !listed();
    case LabelOperator::kExists:
      return value.has_value();
    case LabelOperator::kDoesNotExist:
      return !value.has_value();
    case LabelOperator::kGreaterThan:
    case LabelOperator::kLessThan: {
      // A label that is not an integer fails the comparison instead of failing the request.
      if (!value || values.size() != 1) return false;
      std::optional<int64_t> have = ParseInt64(*value);
      std::optional<int64_t> bound = ParseInt64(values.front());
      if (!have || !bound) return false;
      return op == LabelOperator::kGreaterThan ? *have > *bound : *have < *bound;
    }
  }
  return false;
}

std::string LabelRequirement::String() const {
  std::string first = values.empty() ? "" : values.front();
  switch (op) {
    case LabelOperator::kEquals:
      return key + "=" + first;
    case LabelOperator::kDoubleEquals:
      return key + "==" + first;
    case LabelOperator::kNotEquals:
      return key + "!=" + first;
    case LabelOperator::kExists:
      return key;
    case LabelOperator::kDoesNotExist:
      return "!" + key;
    case LabelOperator::kGreaterThan:
      return key + ">" + first;
    case LabelOperator::kLessThan:
      return key + "<" + first;
    case LabelOperator::kIn:
    case LabelOperator::kNotIn:
      break;
  }
  std::vector<std::string> sorted = values;
  SortUnique(sorted);
  return fmt::format("{} {} ({})", key, op == LabelOperator::kIn ? "in" : "notin",
                     fmt::join(sorted, ","));
}

LabelSelector::LabelSelector(std::vector<LabelRequirement> requirements)
    : requirements_(std::move(requirements)) {
  std::stable_sort(requirements_.begin(), requirements_.end(),
                   [](const auto& a, const auto& b) { return a.key < b.key; });
}

LabelSelector LabelSelector::FromLabels(const Labels& labels) {
  std::vector<LabelRequirement> requirements;
  for (const auto& [key, value] : labels) {
    requirements.push_back({key, LabelOperator::kEquals, {value}});
  }
  return LabelSelector(std::move(requirements));
}

bool LabelSelector::Matches(const Labels& labels) const {
  return std::all_of(requirements_.begin(), requirements_.end(), [&](const auto& r) {
    auto it = labels.find(r.key);
    return r.MatchesValue(it == labels.end() ? std::nullopt
                                             : std::optional<std::string_view>(it->second));
  });
}

bool LabelSelector::Matches(const boost::json::object& labels) const {
  return std::all_of(requirements_.begin(), requirements_.end(), [&](const auto& r) {
    const json::value* v = labels.if_contains(r.key);
    const json::string* s = v ? v->if_string() : nullptr;
    return r.MatchesValue(s ? std::optional<std::string_view>(*s) : std::nullopt);
  });
}

std::string LabelSelector::String() const {
  std::vector<std::string> parts;
  for (const LabelRequirement& r : requirements_) parts.push_back(r.String());
  return fmt::format("{}", fmt::join(parts, ","));
}

}  // namespace mini::api::meta
