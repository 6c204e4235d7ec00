#include "cluster/runtime/registry/registry_client.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <cctype>

#include "cluster/runtime/image/manifest.h"
#include "cluster/runtime/registry/challenge.h"
#include "cluster/runtime/registry/credentials.h"

namespace mini::cluster::runtime::registry {
namespace json = boost::json;

namespace {

constexpr int kMaxRedirects = 10;

// What the registry may answer for a manifest, index formats included so the platform is
// chosen here rather than by the registry.
constexpr char kManifestAccept[] =
    "application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

bool IsRedirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// "MANIFEST_UNKNOWN" -> "manifest unknown", as Docker prints the codes.
std::string CodeWords(std::string_view code) {
  std::string out(code);
  for (char& c : out) {
    c = c == '_' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string RegistryWords(const HttpResponse& response) {
  boost::system::error_code ec;
  json::value doc = json::parse(response.body, ec);
  const json::value* errors =
      !ec && doc.is_object() ? doc.get_object().if_contains("errors") : nullptr;
  std::vector<std::string> parts;
  if (errors != nullptr && errors->is_array()) {
    for (const json::value& e : errors->get_array()) {
      const json::object* o = e.if_object();
      const json::value* code = o ? o->if_contains("code") : nullptr;
      const json::value* message = o ? o->if_contains("message") : nullptr;
      std::string words = code && code->is_string() ? CodeWords(code->get_string()) : "error";
      if (message && message->is_string() && !message->get_string().empty()) {
        words += ": " + std::string(message->get_string());
      }
      parts.push_back(std::move(words));
    }
  }
  if (!parts.empty()) {
    return fmt::format("{}", fmt::join(parts, "; "));
  }
  // Token servers answer {"details": "..."}; others plain text.
  if (!ec && doc.is_object()) {
    if (const json::value* details = doc.get_object().if_contains("details");
        details && details->is_string()) {
      return std::string(details->get_string());
    }
  }
  std::string text = response.body.substr(0, 200);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.pop_back();
  }
  return text.empty() ? fmt::format("HTTP status {}", response.status) : text;
}

}  // namespace

Status AnswerError(const HttpResponse& response, std::string_view what) {
  Code code = Code::kUnavailable;
  if (response.status == 404) {
    code = Code::kNotFound;
  } else if (response.status == 401 || response.status == 403) {
    code = Code::kPermissionDenied;
  }
  return Status(code, fmt::format("{}: {}", what, RegistryWords(response)));
}

RegistryClient::RegistryClient(Endpoint endpoint, std::string repository,
                               const image::RegistryCredential* credential, HttpOptions http)
    : endpoint_(std::move(endpoint)),
      repository_(std::move(repository)),
      credential_(credential),
      http_(std::move(http)) {
  http_.verify_tls = endpoint_.verify_tls;
}

Result<FetchedManifest> RegistryClient::Manifest(std::string_view tag_or_digest) {
  Url url = ManifestUrl(endpoint_, repository_, tag_or_digest);
  std::string what = fmt::format("manifest {} from {}", tag_or_digest, endpoint_.base.Authority());
  http_.max_buffered_body = image::kMaxDocumentBytes;
  MINI_ASSIGN_OR_RETURN(HttpResponse response, Get(url, {{"Accept", kManifestAccept}}, {}));
  if (response.status != 200) {
    return AnswerError(response, "reading " + what);
  }
  FetchedManifest manifest;
  manifest.media_type = response.Header("content-type");
  manifest.media_type = manifest.media_type.substr(0, manifest.media_type.find(';'));
  if (manifest.media_type.empty() || manifest.media_type == "application/json") {
    MINI_ASSIGN_OR_RETURN(manifest.media_type, image::DocumentMediaType(response.body, what));
  }
  manifest.digest = image::Sha256Of(response.body);
  manifest.body = std::move(response.body);
  return manifest;
}

Status RegistryClient::Blob(const image::Digest& digest, const BodySink& sink) {
  Url url = BlobUrl(endpoint_, repository_, digest.String());
  MINI_ASSIGN_OR_RETURN(HttpResponse response, Get(url, {}, sink));
  if (response.status / 100 != 2) {
    return AnswerError(response, fmt::format("reading blob {} from {}", digest.String(),
                                             endpoint_.base.Authority()));
  }
  return Status::Ok();
}

Result<HttpResponse> RegistryClient::Get(const Url& url, std::vector<HttpHeader> headers,
                                         const BodySink& sink) {
  MINI_ASSIGN_OR_RETURN(HttpResponse response, Follow(url, headers, sink));
  if (response.status != 401) {
    return response;
  }
  MINI_RETURN_IF_ERROR(Authorize(response));
  return Follow(url, headers, sink);
}

Result<HttpResponse> RegistryClient::Follow(Url url, const std::vector<HttpHeader>& headers,
                                            const BodySink& sink) {
  for (int hop = 0; hop <= kMaxRedirects; ++hop) {
    std::vector<HttpHeader> sent = headers;
    // Credentials go to the registry only, never to the storage a blob redirects to.
    if (!authorization_.empty() && url.Authority() == endpoint_.base.Authority()) {
      sent.push_back({"Authorization", authorization_});
    }
    MINI_ASSIGN_OR_RETURN(HttpResponse response, HttpGet(url, sent, http_, sink));
    if (!IsRedirect(response.status)) {
      return response;
    }
    std::string location = response.Header("location");
    if (location.empty()) {
      return Error(Code::kUnavailable, "{} redirected without a Location", url.Authority());
    }
    MINI_ASSIGN_OR_RETURN(url, ResolveUrl(url, location));
  }
  return Error(Code::kUnavailable, "{} redirected more than {} times", endpoint_.base.Authority(),
               kMaxRedirects);
}

Status RegistryClient::Authorize(const HttpResponse& unauthorized) {
  std::string what = fmt::format("authorizing with {}", endpoint_.base.Authority());
  std::vector<Challenge> challenges;
  for (const std::string& header : unauthorized.Headers("www-authenticate")) {
    MINI_ASSIGN_OR_RETURN(std::vector<Challenge> parsed, ParseChallenges(header));
    challenges.insert(challenges.end(), parsed.begin(), parsed.end());
  }
  for (const Challenge& challenge : challenges) {
    if (challenge.scheme == "bearer") {
      return FetchToken(challenge.params).WithContext("{}", what);
    }
  }
  for (const Challenge& challenge : challenges) {
    if (challenge.scheme == "basic" && credential_ != nullptr) {
      authorization_ = "Basic " + EncodeBase64(credential_->username + ":" + credential_->password);
      return Status::Ok();
    }
  }
  // Nothing to answer with: the registry's refusal is the clearest message.
  return AnswerError(unauthorized, what);
}

Status RegistryClient::FetchToken(const std::map<std::string, std::string>& params) {
  auto realm = params.find("realm");
  if (realm == params.end()) {
    return Error(Code::kUnavailable, "the bearer challenge names no realm");
  }
  MINI_ASSIGN_OR_RETURN(Url url, ParseUrl(realm->second));
  std::string query;
  auto scope = params.find("scope");
  std::string scope_value =
      scope != params.end() ? scope->second : fmt::format("repository:{}:pull", repository_);
  query += "scope=" + QueryEscape(scope_value);
  if (auto service = params.find("service"); service != params.end()) {
    query += "&service=" + QueryEscape(service->second);
  }
  url.target += (url.target.find('?') == std::string::npos ? "?" : "&") + query;
  std::vector<HttpHeader> headers;
  if (credential_ != nullptr) {
    headers.push_back({"Authorization", "Basic " + EncodeBase64(credential_->username + ":" +
                                                                credential_->password)});
  }
  HttpOptions options = http_;
  options.max_buffered_body = 1 << 20;
  MINI_ASSIGN_OR_RETURN(HttpResponse response, HttpGet(url, headers, options));
  if (response.status != 200) {
    return AnswerError(response, "the token server " + url.Authority());
  }
  boost::system::error_code ec;
  json::value doc = json::parse(response.body, ec);
  const json::object* object = ec ? nullptr : doc.if_object();
  for (const char* key : {"token", "access_token"}) {
    const json::value* token = object ? object->if_contains(key) : nullptr;
    if (token && token->is_string() && !token->get_string().empty()) {
      authorization_ = "Bearer " + std::string(token->get_string());
      return Status::Ok();
    }
  }
  return Error(Code::kUnavailable, "the token server {} answered without a token", url.Authority());
}

}  // namespace mini::cluster::runtime::registry
