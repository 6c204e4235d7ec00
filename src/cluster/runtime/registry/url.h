// The URLs a pull deals in: registry and mirror bases, token realms, blob redirects (which
// may be relative). Parsed with Boost.URL, kept as plain fields for the HTTP client.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mini::cluster::runtime::registry {

struct Url {
  std::string scheme;  // "https" or "http"
  std::string host;    // without brackets for IPv6
  uint16_t port = 0;   // the scheme's default when the URL names none
  std::string target;  // path and query, "/" at least

  /// "host:port" as the Host header and messages spell it (the port only when not default).
  std::string Authority() const;
  std::string String() const;
};

/// An absolute http or https URL. kInvalidArgument naming `text` otherwise.
Result<Url> ParseUrl(std::string_view text);

/// `reference` (absolute, or relative as a Location header may be) resolved against `base`.
Result<Url> ResolveUrl(const Url& base, std::string_view reference);

/// `value` percent-encoded for a query parameter.
std::string QueryEscape(std::string_view value);

}  // namespace mini::cluster::runtime::registry
