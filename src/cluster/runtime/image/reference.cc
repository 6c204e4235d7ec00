#include "cluster/runtime/image/reference.h"

#include "cluster/runtime/image/digest.h"

namespace mini::cluster::runtime::image {
namespace {

constexpr size_t kMaxNameLength = 255;
constexpr size_t kMaxTagLength = 128;

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsAlnum(char c) { return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool HasUpper(std::string_view s) {
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') {
      return true;
    }
  }
  return false;
}

// Runs of lower-case letters and digits joined by ".", "_", "__" or any number of "-".
bool ValidPathComponent(std::string_view c) {
  size_t i = 0;
  for (;;) {
    if (i >= c.size() || !IsLowerAlnum(c[i])) {
      return false;
    }
    while (i < c.size() && IsLowerAlnum(c[i])) {
      ++i;
    }
    if (i == c.size()) {
      return true;
    }
    if (c[i] == '.') {
      ++i;
    } else if (c[i] == '_') {
      i += (i + 1 < c.size() && c[i + 1] == '_') ? 2 : 1;
    } else if (c[i] == '-') {
      while (i < c.size() && c[i] == '-') {
        ++i;
      }
    } else {
      return false;
    }
  }
}

bool ValidPath(std::string_view path) {
  for (;;) {
    size_t slash = path.find('/');
    if (!ValidPathComponent(path.substr(0, slash))) {
      return false;
    }
    if (slash == std::string_view::npos) {
      return true;
    }
    path.remove_prefix(slash + 1);
  }
}

bool ValidHostLabel(std::string_view label) {
  if (label.empty() || !IsAlnum(label.front()) || !IsAlnum(label.back())) {
    return false;
  }
  for (char c : label) {
    if (!IsAlnum(c) && c != '-') {
      return false;
    }
  }
  return true;
}

bool ValidPort(std::string_view port) {
  if (port.empty() || port.size() > 5) {
    return false;
  }
  for (char c : port) {
    if (!IsDigit(c)) {
      return false;
    }
  }
  return true;
}

// host[:port], where host is dotted labels or a bracketed IPv6 address.
bool ValidDomain(std::string_view domain) {
  std::string_view host = domain;
  if (!domain.empty() && domain.front() == '[') {
    size_t close = domain.find(']');
    if (close == std::string_view::npos || close == 1) {
      return false;
    }
    for (char c : domain.substr(1, close - 1)) {
      if (!IsDigit(c) && !(c >= 'a' && c <= 'f') && !(c >= 'A' && c <= 'F') && c != ':') {
        return false;
      }
    }
    std::string_view after = domain.substr(close + 1);
    return after.empty() || (after.front() == ':' && ValidPort(after.substr(1)));
  }
  if (size_t colon = domain.rfind(':'); colon != std::string_view::npos) {
    if (!ValidPort(domain.substr(colon + 1))) {
      return false;
    }
    host = domain.substr(0, colon);
  }
  for (;;) {
    size_t dot = host.find('.');
    if (!ValidHostLabel(host.substr(0, dot))) {
      return false;
    }
    if (dot == std::string_view::npos) {
      return true;
    }
    host.remove_prefix(dot + 1);
  }
}

bool ValidTag(std::string_view tag) {
  if (tag.empty() || tag.size() > kMaxTagLength || !(IsAlnum(tag[0]) || tag[0] == '_')) {
    return false;
  }
  for (char c : tag) {
    if (!IsAlnum(c) && c != '_' && c != '.' && c != '-') {
      return false;
    }
  }
  return true;
}

// Docker's rule: the first component names a registry only if it could not be a repository
// (a dot, a port, upper case) or is "localhost"; "team/app" stays on Docker Hub.
bool LooksLikeDomain(std::string_view first) {
  return first.find_first_of(".:") != std::string_view::npos || first == "localhost" ||
         HasUpper(first);
}

Status Invalid(std::string_view text, std::string_view why) {
  return Error(Code::kInvalidArgument, "invalid image reference \"{}\": {}", text, why);
}

}  // namespace

std::string Reference::String() const {
  std::string out = Name();
  if (!tag.empty()) {
    out += ":" + tag;
  }
  if (!digest.empty()) {
    out += "@" + digest;
  }
  return out;
}

std::string Reference::FamiliarName() const {
  if (domain != kDefaultDomain) {
    return Name();
  }
  constexpr std::string_view kLibrary = "library/";
  if (path.starts_with(kLibrary) && path.find('/', kLibrary.size()) == std::string::npos) {
    return path.substr(kLibrary.size());
  }
  return path;
}

Result<Reference> ParseReference(std::string_view text) {
  if (text.empty()) {
    return Invalid(text, "it is empty");
  }
  if (IsSha256Hex(text)) {
    return Invalid(text, "64 hex digits name an image ID, not a repository");
  }
  Reference ref;
  std::string_view rest = text;
  if (size_t at = rest.find('@'); at != std::string_view::npos) {
    auto digest = Digest::Parse(rest.substr(at + 1));
    if (!digest.ok()) {
      return Invalid(text, digest.status().message());
    }
    ref.digest = digest->String();
    rest = rest.substr(0, at);
  }
  size_t slash = rest.rfind('/');
  size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    ref.tag = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
    if (!ValidTag(ref.tag)) {
      return Invalid(text,
                     "a tag is 1 to 128 letters, digits, '_', '.' or '-', not starting "
                     "with '.' or '-'");
    }
  }
  if (rest.empty()) {
    return Invalid(text, "the repository name is missing");
  }
  if (rest.size() > kMaxNameLength) {
    return Invalid(text, "the repository name is longer than 255 characters");
  }
  size_t first = rest.find('/');
  if (first != std::string_view::npos && LooksLikeDomain(rest.substr(0, first))) {
    ref.domain = std::string(rest.substr(0, first));
    ref.path = std::string(rest.substr(first + 1));
    if (!ValidDomain(ref.domain)) {
      return Invalid(text, "\"" + ref.domain + "\" is not a registry host[:port]");
    }
  } else {
    ref.domain = kDefaultDomain;
    ref.path = std::string(rest);
  }
  if (HasUpper(ref.path)) {
    return Invalid(text, "the repository name must be lowercase");
  }
  if (!ValidPath(ref.path)) {
    return Invalid(text,
                   "repository path components are lower-case letters and digits "
                   "joined by '.', '_', '__' or '-'");
  }
  if (ref.domain == "index.docker.io") {
    ref.domain = kDefaultDomain;
  }
  if (ref.domain == kDefaultDomain && ref.path.find('/') == std::string::npos) {
    ref.path = "library/" + ref.path;
  }
  if (ref.tag.empty() && ref.digest.empty()) {
    ref.tag = kDefaultTag;
  }
  return ref;
}

}  // namespace mini::cluster::runtime::image
