#include "cluster/apiserver/version_handler.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "common/version.h"

namespace mini::cluster::apiserver {
namespace {

// Clients expect a 40-hex-digit commit; mini's own commit when the build knows it.
std::string CommitOrZeros() {
  std::string_view commit = GitCommit();
  bool is_hash = commit.size() == 40 && std::all_of(commit.begin(), commit.end(), [](char c) {
                   return std::isxdigit(static_cast<unsigned char>(c)) != 0;
                 });
  return is_hash ? std::string(commit) : std::string(40, '0');
}

}  // namespace

boost::json::object KubernetesVersionInfo() {
  boost::json::object info;
  info["major"] = "1";
  info["minor"] = "32";
  info["gitVersion"] = "v1.32.4";
  info["gitCommit"] = CommitOrZeros();
  info["gitTreeState"] = "clean";
  info["buildDate"] = "2025-04-22T00:00:00Z";  // the v1.32.4 release, not this build
  info["goVersion"] = "go1.23.6";
  info["compiler"] = "gc";
  info["platform"] = "linux/amd64";
  return info;
}

void InstallVersionHandler(Router& router) {
  router.Handle(
      "GET", "/version", [](const Request&) { return JsonResponse(200, KubernetesVersionInfo()); },
      Access::kPublic);
}

}  // namespace mini::cluster::apiserver
