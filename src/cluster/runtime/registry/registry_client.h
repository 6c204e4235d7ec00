// One repository on one registry endpoint, spoken to through the Registry HTTP API v2: the
// bearer token dance (or Basic credentials) on a 401, redirects followed for blobs, and the
// registry's own error words ("manifest unknown", "authentication required") kept in failures.
#pragma once

#include <string>
#include <string_view>

#include "cluster/runtime/image/pull_policy.h"
#include "cluster/runtime/registry/endpoints.h"
#include "cluster/runtime/registry/http_client.h"
#include "common/status.h"

namespace mini::cluster::runtime::registry {

struct FetchedManifest {
  std::string media_type;  // as the registry labels it, or as the document says
  std::string body;
  image::Digest digest;  // of the body as received
};

/// Not thread-safe: one client per pull.
class RegistryClient {
 public:
  /// `credential` (may be null) answers the registry's challenges.
  RegistryClient(Endpoint endpoint, std::string repository,
                 const image::RegistryCredential* credential, HttpOptions http);

  /// The manifest or index `tag_or_digest` names. kNotFound, kPermissionDenied or kUnavailable
  /// with the registry's words.
  Result<FetchedManifest> Manifest(std::string_view tag_or_digest);
  /// Streams the blob to `sink`, following redirects. As Manifest for failures.
  Status Blob(const image::Digest& digest, const BodySink& sink);

  const Endpoint& endpoint() const { return endpoint_; }

 private:
  // GET with the current authorization, answering one 401 challenge and following redirects.
  Result<HttpResponse> Get(const Url& url, std::vector<HttpHeader> headers, const BodySink& sink);
  Result<HttpResponse> Follow(Url url, const std::vector<HttpHeader>& headers,
                              const BodySink& sink);
  Status Authorize(const HttpResponse& unauthorized);
  Status FetchToken(const std::map<std::string, std::string>& params);

  Endpoint endpoint_;
  std::string repository_;
  const image::RegistryCredential* credential_;
  HttpOptions http_;
  std::string authorization_;  // the Authorization header value once known
};

/// A failed answer as a Status: the HTTP status decides the code, the registry's error JSON
/// ({"errors":[{"code","message"}]}) or the body the message, prefixed with `what`.
Status AnswerError(const HttpResponse& response, std::string_view what);

}  // namespace mini::cluster::runtime::registry
