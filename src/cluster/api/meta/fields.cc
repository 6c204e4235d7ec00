#include "cluster/api/meta/fields.h"

#include <fmt/format.h>

#include <algorithm>

namespace mini::api::meta {
namespace {

namespace json = boost::json;

// Splits on the commas that are not escaped, keeping the escapes for UnescapeValue.
std::vector<std::string_view> SplitTerms(std::string_view text) {
  std::vector<std::string_view> terms;
  if (text.empty()) return terms;
  size_t start = 0;
  bool escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (escaped) {
      escaped = false;
    } else if (text[i] == '\\') {
      escaped = true;
    } else if (text[i] == ',') {
      terms.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  terms.push_back(text.substr(start));
  return terms;
}

struct SplitTerm {
  std::string_view lhs;
  FieldOperator op;
  std::string_view rhs;
};

// The first operator in the term splits it: the path cannot escape anything. At each position
// "!=" and "==" are tried before "=", so "a==b" does not leave "=b" as the value.
std::optional<SplitTerm> SplitOnOperator(std::string_view term) {
  for (size_t i = 0; i < term.size(); ++i) {
    std::string_view rest = term.substr(i);
    if (rest.starts_with("!="))
      return SplitTerm{term.substr(0, i), FieldOperator::kNotEquals, rest.substr(2)};
    if (rest.starts_with("=="))
      return SplitTerm{term.substr(0, i), FieldOperator::kEquals, rest.substr(2)};
    if (rest.starts_with("="))
      return SplitTerm{term.substr(0, i), FieldOperator::kEquals, rest.substr(1)};
  }
  return std::nullopt;
}

// Bytes in the UTF-8 character that starts with `lead`, so an error can quote it whole.
size_t Utf8Length(unsigned char lead) {
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc0) return 2;
  return 1;
}

Result<std::string> UnescapeValue(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == ',' || c == '=') {
      // Upstream prints the character's code point here (Go's %v of a rune): "...: 61".
      return Error(Code::kInvalidArgument,
                   "invalid field selector: unescaped character in value: {}", int{c});
    }
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i == s.size()) {
      return Status(Code::kInvalidArgument, "invalid field selector: invalid escape sequence: \\");
    }
    if (s[i] != '\\' && s[i] != ',' && s[i] != '=') {
      std::string_view seq = s.substr(i, Utf8Length(static_cast<unsigned char>(s[i])));
      return Error(Code::kInvalidArgument, "invalid field selector: invalid escape sequence: \\{}",
                   seq);
    }
    out += s[i];
  }
  return out;
}

}  // namespace

bool FieldRequirement::Matches(std::string_view field_value) const {
  return (field_value == value) == (op == FieldOperator::kEquals);
}

std::string FieldRequirement::String() const {
  return fmt::format("{}{}{}", path,
                     op == FieldOperator::kEquals ? "=" : "!=", EscapeFieldValue(value));
}

Result<FieldSelector> FieldSelector::Parse(std::string_view text) {
  std::vector<std::string_view> terms = SplitTerms(text);
  // Sorting the raw terms first is what makes String() canonical, as upstream does it.
  std::sort(terms.begin(), terms.end());
  FieldSelector selector;
  for (std::string_view term : terms) {
    if (term.empty()) continue;  // "a=b,,c=d" and a trailing ',' are tolerated
    std::optional<SplitTerm> split = SplitOnOperator(term);
    if (!split) {
      return Error(Code::kInvalidArgument, "invalid selector: '{}'; can't understand '{}'", text,
                   term);
    }
    MINI_ASSIGN_OR_RETURN(std::string value, UnescapeValue(split->rhs));
    selector.requirements_.push_back({std::string(split->lhs), split->op, std::move(value)});
  }
  return selector;
}

Status FieldSelector::Validate(const std::vector<std::string>& supported_paths) const {
  for (const FieldRequirement& r : requirements_) {
    if (std::find(supported_paths.begin(), supported_paths.end(), r.path) ==
        supported_paths.end()) {
      return Error(Code::kInvalidArgument, "field label not supported: {}", r.path);
    }
  }
  return Status::Ok();
}

bool FieldSelector::Matches(const boost::json::object& object) const {
  return std::all_of(requirements_.begin(), requirements_.end(),
                     [&](const auto& r) { return r.Matches(FieldValue(object, r.path)); });
}

bool FieldSelector::Matches(const Fields& fields) const {
  return std::all_of(requirements_.begin(), requirements_.end(), [&](const auto& r) {
    auto it = fields.find(r.path);
    return r.Matches(it == fields.end() ? std::string_view() : std::string_view(it->second));
  });
}

std::optional<std::string> FieldSelector::RequiresExactMatch(std::string_view path) const {
  for (const FieldRequirement& r : requirements_) {
    if (r.path == path && r.op == FieldOperator::kEquals) return r.value;
  }
  return std::nullopt;
}

std::string FieldSelector::String() const {
  std::vector<std::string> parts;
  for (const FieldRequirement& r : requirements_) parts.push_back(r.String());
  return fmt::format("{}", fmt::join(parts, ","));
}

std::string FieldValue(const boost::json::object& object, std::string_view path) {
  const json::object* current = &object;
  while (true) {
    size_t dot = path.find('.');
    const json::value* v = current->if_contains(path.substr(0, dot));
    if (v == nullptr) return "";
    if (dot != std::string_view::npos) {
      current = v->if_object();
      if (current == nullptr) return "";
      path.remove_prefix(dot + 1);
      continue;
    }
    if (const json::string* s = v->if_string()) return std::string(*s);
    if (v->is_bool()) return v->get_bool() ? "true" : "false";
    if (v->is_int64()) return std::to_string(v->get_int64());
    if (v->is_uint64()) return std::to_string(v->get_uint64());
    return "";
  }
}

std::string EscapeFieldValue(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == ',' || c == '=') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace mini::api::meta
