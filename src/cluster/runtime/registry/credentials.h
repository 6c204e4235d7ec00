// Registry credentials as Kubernetes hands them over: the ".dockerconfigjson" key of a
// kubernetes.io/dockerconfigjson Secret named in a pod's imagePullSecrets, e.g.
//   {"auths": {"registry.example:5000": {"auth": "<base64 user:password>"}}}
#pragma once

#include <string>
#include <string_view>

#include "cluster/runtime/image/pull_policy.h"
#include "common/status.h"

namespace mini::cluster::runtime::registry {

/// The secret key that holds the document.
inline constexpr char kDockerConfigJsonKey[] = ".dockerconfigjson";

/// One credential per entry of "auths", from "auth" (base64 of user:password) or from
/// "username" and "password". Entries with neither are skipped (a token-only helper entry).
/// kInvalidArgument, naming the entry, for JSON that is not such a document or bad base64.
Result<image::PullCredentials> ParseDockerConfigJson(std::string_view json);

/// The registry host an "auths" key or a reference's domain names: the scheme and path of
/// "https://index.docker.io/v1/" dropped, Docker Hub's aliases folded into "docker.io".
std::string RegistryHost(std::string_view key);

/// The first credential for `registry` (a reference's domain); nullptr when none.
const image::RegistryCredential* FindCredential(const image::PullCredentials& credentials,
                                                std::string_view registry);

/// RFC 4648 base64 of `data`, for Basic authorization.
std::string EncodeBase64(std::string_view data);

}  // namespace mini::cluster::runtime::registry
