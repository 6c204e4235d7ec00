// resourceVersion as clients send it, and the continue tokens of paginated lists.
//
// A resourceVersion is the store's mod_revision (or, on a list, its revision) written in
// decimal. Clients treat it as opaque but send back what they got, plus two special values: ""
// (unset: the latest data) and "0" (any data, typically a cache).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mini::api::meta {

/// What a `resourceVersion` query parameter or metadata field asks for.
struct ResourceVersion {
  enum class Kind {
    kUnset,     // "": the latest data; on update, no precondition
    kAny,       // "0": any data the server has, however old
    kRevision,  // "N": the store revision N
  };
  Kind kind = Kind::kUnset;
  int64_t revision = 0;  // > 0 for kRevision, 0 otherwise

  bool operator==(const ResourceVersion&) const = default;
};

/// "" -> kUnset, "0" -> kAny, a positive decimal that fits int64 -> kRevision (leading zeros
/// allowed, as upstream parses a number). Anything else (signs, spaces, letters, overflow) is
/// kInvalidArgument:
/// `resourceVersion: Invalid value: "abc": must be a valid resource version`.
Result<ResourceVersion> ParseResourceVersion(std::string_view text);

/// The text form of a store revision.
std::string FormatResourceVersion(int64_t revision);

/// How a list's resourceVersion is compared with the store (resourceVersionMatch).
enum class ResourceVersionMatch {
  kUnset,         // "": legacy meaning (0 = any, N = not older than N)
  kNotOlderThan,  // data at least as new as the resourceVersion
  kExact,         // data exactly at the resourceVersion, else 410 Gone
};

/// Validates `resourceVersionMatch` together with the list's other parameters as upstream's
/// ListOptions validation does: it needs a resourceVersion, is not allowed with a continue
/// token or with a watch, and "Exact" is meaningless for "0". kInvalidArgument listing every
/// problem as `resourceVersionMatch: Forbidden: ...` or `... Unsupported value: ...`.
Result<ResourceVersionMatch> ParseResourceVersionMatch(std::string_view match,
                                                       const ResourceVersion& resource_version,
                                                       bool has_continue, bool watch);

/// Where the next page of a list starts.
struct ContinueToken {
  int64_t revision = 0;   // the store revision of the first page; every page reads at it
  std::string start_key;  // the first key of the next page, relative to the resource's prefix

  bool operator==(const ContinueToken&) const = default;
};

/// The opaque `metadata.continue` of a list page: base64url (no padding) of
/// {"v":"meta.k8s.io/v1","rv":<revision>,"start":"<start_key>"}, the shape upstream uses, so a
/// token looks familiar to anyone who decodes one.
std::string EncodeContinue(int64_t revision, std::string_view start_key);

/// Reads a token made by EncodeContinue. kInvalidArgument `continue key is not valid: ...`
/// when it is not base64url JSON of that shape, its revision is not positive, its start key is
/// empty, or the key would leave the resource's prefix ("..", "//", "./" segments).
Result<ContinueToken> DecodeContinue(std::string_view token);

}  // namespace mini::api::meta
