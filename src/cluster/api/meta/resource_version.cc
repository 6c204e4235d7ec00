#include "cluster/api/meta/resource_version.h"

#include <fmt/format.h>

#include <array>
#include <boost/json.hpp>
#include <limits>
#include <optional>
#include <vector>

namespace mini::api::meta {
namespace {

constexpr std::string_view kContinueVersion = "meta.k8s.io/v1";
constexpr std::string_view kBase64UrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// A value as Go's %q shows it in field errors: quoted, with quotes, backslashes and
// non-printable bytes escaped, so the message stays one readable line.
std::string Quote(std::string_view value) {
  std::string out = "\"";
  for (unsigned char c : value) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// One message for a list of field errors, as upstream aggregates them.
std::string Aggregate(const std::vector<std::string>& errors) {
  if (errors.size() == 1) return errors.front();
  return fmt::format("[{}]", fmt::join(errors, ", "));
}

std::string Base64UrlEncode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  for (size_t i = 0; i < in.size(); i += 3) {
    size_t n = std::min<size_t>(3, in.size() - i);
    uint32_t chunk = 0;
    for (size_t j = 0; j < 3; ++j) {
      chunk = (chunk << 8) | (j < n ? static_cast<unsigned char>(in[i + j]) : 0u);
    }
    for (size_t j = 0; j <= n; ++j) out += kBase64UrlAlphabet[(chunk >> (18 - 6 * j)) & 0x3f];
  }
  return out;
}

// Accepts the unpadded form EncodeContinue writes and, leniently, the padded one.
std::optional<std::string> Base64UrlDecode(std::string_view in) {
  for (int i = 0; i < 2 && !in.empty() && in.back() == '='; ++i) in.remove_suffix(1);
  if (in.size() % 4 == 1) return std::nullopt;  // no byte count encodes to that length
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (char c : in) {
    size_t v = kBase64UrlAlphabet.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    bits = (bits << 6) | static_cast<uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xff);
    }
  }
  return out;
}

// The start key is appended to the resource's prefix: it must not be able to climb out of it,
// so it has to be a clean relative path (Go's path.Clean would leave it unchanged).
bool IsCleanKey(std::string_view key) {
  if (key.starts_with('/')) key.remove_prefix(1);
  if (key.empty()) return true;
  while (true) {
    size_t slash = key.find('/');
    std::string_view segment = key.substr(0, slash);
    if (segment.empty() || segment == "." || segment == "..") return false;
    if (slash == std::string_view::npos) return true;
    key.remove_prefix(slash + 1);
  }
}

Status InvalidContinue(std::string_view detail) {
  return Error(Code::kInvalidArgument, "continue key is not valid: {}", detail);
}

// {"v":..., "rv":..., "start":...} from the decoded bytes; keys may be arbitrary bytes, so
// invalid UTF-8 inside strings is accepted as EncodeContinue would have written it.
Result<ContinueToken> ParseContinueJson(std::string_view json) {
  boost::json::parse_options options;
  options.allow_invalid_utf8 = true;
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(json, ec, {}, options);
  if (ec) return InvalidContinue(ec.message());
  const boost::json::object* object = value.if_object();
  if (object == nullptr) return InvalidContinue("not a JSON object");
  const boost::json::value* version = object->if_contains("v");
  const boost::json::value* rv = object->if_contains("rv");
  const boost::json::value* start = object->if_contains("start");
  if (version == nullptr || !version->is_string() || version->get_string() != kContinueVersion) {
    std::string shown = version && version->is_string() ? std::string(version->get_string()) : "";
    return InvalidContinue(
        fmt::format("server does not recognize this encoded version {}", Quote(shown)));
  }
  if (rv == nullptr || !rv->is_int64() || rv->get_int64() <= 0) {
    return InvalidContinue("incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
  }
  if (start == nullptr || !start->is_string() || start->get_string().empty()) {
    return InvalidContinue("encoded start key empty (version meta.k8s.io/v1)");
  }
  std::string_view key = start->get_string();
  if (!IsCleanKey(key)) return InvalidContinue(Quote(key));
  if (key.starts_with('/')) key.remove_prefix(1);
  return ContinueToken{rv->get_int64(), std::string(key)};
}

}  // namespace

Result<ResourceVersion> ParseResourceVersion(std::string_view text) {
  if (text.empty()) return ResourceVersion{};
  // Leading zeros are accepted ("007" is 7, "00" is "0") because upstream parses the text as
  // a number; signs and spaces are not.
  int64_t value = 0;
  bool valid = true;
  for (char c : text) {
    valid = c >= '0' && c <= '9' && value <= (std::numeric_limits<int64_t>::max() - (c - '0')) / 10;
    if (!valid) break;
    value = value * 10 + (c - '0');
  }
  if (!valid) {
    return Error(Code::kInvalidArgument,
                 "resourceVersion: Invalid value: {}: must be a valid resource version",
                 Quote(text));
  }
  if (value == 0) return ResourceVersion{ResourceVersion::Kind::kAny, 0};
  return ResourceVersion{ResourceVersion::Kind::kRevision, value};
}

std::string FormatResourceVersion(int64_t revision) { return std::to_string(revision); }

Result<ResourceVersionMatch> ParseResourceVersionMatch(std::string_view match,
                                                       const ResourceVersion& resource_version,
                                                       bool has_continue, bool watch) {
  if (match.empty()) return ResourceVersionMatch::kUnset;
  constexpr std::string_view kForbidden = "resourceVersionMatch: Forbidden: ";
  if (watch) {
    // sendInitialEvents, the only thing that gives match a meaning on a watch, is not served.
    return Error(Code::kInvalidArgument,
                 "{}resourceVersionMatch is forbidden for watch unless sendInitialEvents is "
                 "provided",
                 kForbidden);
  }
  std::vector<std::string> errors;
  if (resource_version.kind == ResourceVersion::Kind::kUnset) {
    errors.push_back(fmt::format(
        "{}resourceVersionMatch is forbidden unless resourceVersion is provided", kForbidden));
  }
  if (has_continue) {
    errors.push_back(
        fmt::format("{}resourceVersionMatch is forbidden when continue is provided", kForbidden));
  }
  if (match != "Exact" && match != "NotOlderThan") {
    errors.push_back(
        fmt::format("resourceVersionMatch: Unsupported value: {}: supported values: \"Exact\", "
                    "\"NotOlderThan\", \"\"",
                    Quote(match)));
  }
  if (match == "Exact" && resource_version.kind == ResourceVersion::Kind::kAny) {
    errors.push_back(fmt::format(
        "{}resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"", kForbidden));
  }
  if (!errors.empty()) return Error(Code::kInvalidArgument, "{}", Aggregate(errors));
  return match == "Exact" ? ResourceVersionMatch::kExact : ResourceVersionMatch::kNotOlderThan;
}

std::string EncodeContinue(int64_t revision, std::string_view start_key) {
  boost::json::object token;
  token["v"] = kContinueVersion;
  token["rv"] = revision;
  token["start"] = start_key;
  return Base64UrlEncode(boost::json::serialize(token));
}

Result<ContinueToken> DecodeContinue(std::string_view token) {
  std::optional<std::string> json = Base64UrlDecode(token);
  if (!json) return InvalidContinue("not base64url");
  return ParseContinueJson(*json);
}

}  // namespace mini::api::meta
