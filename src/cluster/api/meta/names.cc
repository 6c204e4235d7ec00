#include "cluster/api/meta/names.h"

#include <fmt/format.h>

#include <array>
#include <initializer_list>

#include "cluster/api/meta/ids.h"

namespace mini::api::meta {
namespace {

// The patterns are quoted in the messages because upstream quotes them; the matching itself is
// done by hand below (std::regex is slow and these languages are trivial).
constexpr std::string_view kDns1123LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
constexpr std::string_view kDns1123LabelMsg =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character";
constexpr std::string_view kDns1123SubdomainFmt =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
constexpr std::string_view kDns1123SubdomainMsg =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character";
constexpr std::string_view kDns1035LabelFmt = "[a-z]([-a-z0-9]*[a-z0-9])?";
constexpr std::string_view kDns1035LabelMsg =
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character";
constexpr std::string_view kQualifiedNameFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
constexpr std::string_view kQualifiedNameMsg =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character";
constexpr std::string_view kLabelValueFmt = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
constexpr std::string_view kLabelValueMsg =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character";

// Kubernetes' generateName alphabet (k8s.io/apimachinery/pkg/util/rand).
constexpr std::string_view kSuffixAlphabet = "bcdfghjklmnpqrstvwxz2456789";

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsAlnum(char c) { return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z'); }

// Non-empty, every character allowed by `inner`, first and last alphanumeric by `edge`.
template <typename Edge, typename Inner>
bool MatchesWord(std::string_view s, Edge edge, Inner inner) {
  if (s.empty() || !edge(s.front()) || !edge(s.back())) return false;
  for (char c : s) {
    if (!inner(c)) return false;
  }
  return true;
}

bool MatchesDns1123Label(std::string_view s) {
  return MatchesWord(s, IsLowerAlnum, [](char c) { return IsLowerAlnum(c) || c == '-'; });
}

bool MatchesDns1123Subdomain(std::string_view s) {
  while (true) {
    size_t dot = s.find('.');
    if (!MatchesDns1123Label(s.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    s.remove_prefix(dot + 1);
  }
}

bool MatchesQualifiedNamePart(std::string_view s) {
  return MatchesWord(s, IsAlnum,
                     [](char c) { return IsAlnum(c) || c == '-' || c == '_' || c == '.'; });
}

std::string MaxLenError(size_t length) {
  return fmt::format("must be no more than {} characters", length);
}

// "<msg> (e.g. 'a' or 'b', regex used for validation is '<fmt>')", upstream's wording.
std::string RegexError(std::string_view msg, std::string_view pattern,
                       std::initializer_list<std::string_view> examples) {
  std::string out(msg);
  out += " (e.g. ";
  bool first = true;
  for (std::string_view example : examples) {
    if (!first) out += " or ";
    first = false;
    out += fmt::format("'{}', ", example);
  }
  out += fmt::format("regex used for validation is '{}')", pattern);
  return out;
}

}  // namespace

std::vector<std::string> IsDns1123Subdomain(std::string_view value) {
  std::vector<std::string> errors;
  if (value.size() > kDns1123SubdomainMaxLength) {
    errors.push_back(MaxLenError(kDns1123SubdomainMaxLength));
  }
  if (!MatchesDns1123Subdomain(value)) {
    errors.push_back(RegexError(kDns1123SubdomainMsg, kDns1123SubdomainFmt, {"example.com"}));
  }
  return errors;
}

std::vector<std::string> IsDns1123Label(std::string_view value) {
  std::vector<std::string> errors;
  if (value.size() > kDns1123LabelMaxLength) errors.push_back(MaxLenError(kDns1123LabelMaxLength));
  if (!MatchesDns1123Label(value)) {
    // A valid subdomain that is not a label can only be wrong because of its dots: say so
    // instead of quoting a regex.
    if (MatchesDns1123Subdomain(value)) {
      errors.push_back("must not contain dots");
    } else {
      errors.push_back(RegexError(kDns1123LabelMsg, kDns1123LabelFmt, {"my-name", "123-abc"}));
    }
  }
  return errors;
}

std::vector<std::string> IsDns1035Label(std::string_view value) {
  std::vector<std::string> errors;
  if (value.size() > kDns1035LabelMaxLength) errors.push_back(MaxLenError(kDns1035LabelMaxLength));
  // A DNS-1123 label whose first character is a letter.
  bool matches =
      !value.empty() && value.front() >= 'a' && value.front() <= 'z' && MatchesDns1123Label(value);
  if (!matches) {
    errors.push_back(RegexError(kDns1035LabelMsg, kDns1035LabelFmt, {"my-name", "abc-123"}));
  }
  return errors;
}

std::vector<std::string> IsValidPathSegmentName(std::string_view value) {
  // The name becomes one segment of the object's URL: "." and ".." would be resolved away.
  for (std::string_view bad : {".", ".."}) {
    if (value == bad) return {fmt::format("may not be '{}'", bad)};
  }
  std::vector<std::string> errors;
  for (std::string_view bad : {"/", "%"}) {
    if (value.find(bad) != std::string_view::npos) {
      errors.push_back(fmt::format("may not contain '{}'", bad));
    }
  }
  return errors;
}

std::vector<std::string> IsQualifiedName(std::string_view value) {
  std::vector<std::string> errors;
  std::string_view name = value;
  size_t slash = value.find('/');
  if (slash != std::string_view::npos) {
    if (value.find('/', slash + 1) != std::string_view::npos) {
      return {"a qualified name " +
              RegexError(kQualifiedNameMsg, kQualifiedNameFmt, {"MyName", "my.name", "123-abc"}) +
              " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"};
    }
    std::string_view prefix = value.substr(0, slash);
    name = value.substr(slash + 1);
    if (prefix.empty()) {
      errors.push_back("prefix part must be non-empty");
    } else {
      for (std::string& error : IsDns1123Subdomain(prefix))
        errors.push_back("prefix part " + error);
    }
  }
  if (name.empty()) {
    errors.push_back("name part must be non-empty");
  } else if (name.size() > kQualifiedNameMaxLength) {
    errors.push_back("name part " + MaxLenError(kQualifiedNameMaxLength));
  }
  if (!MatchesQualifiedNamePart(name)) {
    errors.push_back("name part " + RegexError(kQualifiedNameMsg, kQualifiedNameFmt,
                                               {"MyName", "my.name", "123-abc"}));
  }
  return errors;
}

std::vector<std::string> IsValidLabelValue(std::string_view value) {
  std::vector<std::string> errors;
  if (value.size() > kLabelValueMaxLength) errors.push_back(MaxLenError(kLabelValueMaxLength));
  if (!value.empty() && !MatchesQualifiedNamePart(value)) {
    errors.push_back(RegexError(kLabelValueMsg, kLabelValueFmt, {"MyValue", "my_value", "12345"}));
  }
  return errors;
}

std::string MaskTrailingDash(std::string_view value) {
  std::string out(value);
  // A lone "-" stays invalid: a prefix must still start with an alphanumeric.
  if (out.size() > 1 && out.back() == '-') out.back() = 'a';
  return out;
}

std::string GenerateName(std::string_view base) {
  std::string out(base.substr(0, kMaxGenerateNameBaseLength));
  // Rejection sampling keeps every character equally likely: 243 = 9 * 27 is the largest
  // multiple of the alphabet's size that fits in a byte.
  constexpr unsigned kLimit = 256 - 256 % kSuffixAlphabet.size();
  size_t added = 0;
  while (added < kGeneratedSuffixLength) {
    std::array<unsigned char, 16> bytes;
    FillRandom(bytes);
    for (unsigned char b : bytes) {
      if (b >= kLimit || added == kGeneratedSuffixLength) continue;
      out += kSuffixAlphabet[b % kSuffixAlphabet.size()];
      ++added;
    }
  }
  return out;
}

}  // namespace mini::api::meta
