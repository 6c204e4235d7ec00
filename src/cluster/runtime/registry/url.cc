#include "cluster/runtime/registry/url.h"

#include <fmt/format.h>

#include <boost/url.hpp>
// Boost.URL is compiled into this one file rather than linked as a separate library.
#include <boost/url/src.hpp>

namespace mini::cluster::runtime::registry {
namespace urls = boost::urls;

namespace {

uint16_t DefaultPort(std::string_view scheme) { return scheme == "https" ? 443 : 80; }

Result<Url> FromView(const urls::url_view& u, std::string_view text) {
  Url out;
  out.scheme = u.scheme();
  if (out.scheme != "https" && out.scheme != "http") {
    return Error(Code::kInvalidArgument, "URL \"{}\" is not http or https", text);
  }
  if (u.host_type() == urls::host_type::ipv6) {
    out.host = u.host_address();
  } else {
    out.host = u.host();
  }
  if (out.host.empty()) {
    return Error(Code::kInvalidArgument, "URL \"{}\" names no host", text);
  }
  out.port = u.has_port() ? u.port_number() : DefaultPort(out.scheme);
  if (u.has_port() && out.port == 0) {
    return Error(Code::kInvalidArgument, "URL \"{}\" has an invalid port", text);
  }
  out.target = u.encoded_path().empty() ? "/" : std::string(u.encoded_path());
  if (u.has_query()) {
    out.target += "?" + std::string(u.encoded_query());
  }
  return out;
}

}  // namespace

std::string Url::Authority() const {
  std::string name = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return port == DefaultPort(scheme) ? name : fmt::format("{}:{}", name, port);
}

std::string Url::String() const { return fmt::format("{}://{}{}", scheme, Authority(), target); }

Result<Url> ParseUrl(std::string_view text) {
  auto parsed = urls::parse_absolute_uri(text);
  if (!parsed) {
    return Error(Code::kInvalidArgument, "\"{}\" is not a URL: {}", text, parsed.error().message());
  }
  return FromView(*parsed, text);
}

Result<Url> ResolveUrl(const Url& base, std::string_view reference) {
  auto ref = urls::parse_uri_reference(reference);
  if (!ref) {
    return Error(Code::kInvalidArgument, "\"{}\" is not a URL: {}", reference,
                 ref.error().message());
  }
  const std::string base_text = base.String();  // the view below points into it
  auto parsed_base = urls::parse_absolute_uri(base_text);
  if (!parsed_base) {
    return Error(Code::kInvalidArgument, "\"{}\" is not a URL", base.String());
  }
  urls::url resolved(*parsed_base);
  if (auto r = resolved.resolve(*ref); !r) {
    return Error(Code::kInvalidArgument, "cannot resolve \"{}\" against \"{}\": {}", reference,
                 base.String(), r.error().message());
  }
  return FromView(resolved, reference);
}

std::string QueryEscape(std::string_view value) {
  urls::encoding_opts opts;
  opts.space_as_plus = false;
  return urls::encode(value, urls::unreserved_chars, opts);
}

}  // namespace mini::cluster::runtime::registry
