// Image references read the way Docker and containerd read them, so a name a user types and
// the name a manifest carries compare equal once normalized:
//
//   busybox                     docker.io/library/busybox:latest
//   mini-test/echo:1            docker.io/mini-test/echo:1
//   host:5000/a/b@sha256:...    host:5000/a/b@sha256:...   (a digest alone implies no tag)
//   localhost/app:v1            localhost/app:v1
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace mini::cluster::runtime::image {

inline constexpr char kDefaultDomain[] = "docker.io";
inline constexpr char kDefaultTag[] = "latest";

struct Reference {
  std::string domain;  // registry host, with its port when given: "docker.io", "host:5000"
  std::string path;    // repository path below the domain: "library/busybox"
  std::string tag;     // empty only when a digest pins the image
  std::string digest;  // "sha256:<hex>", or empty

  /// domain/path: the repository.
  std::string Name() const { return domain + "/" + path; }
  /// The normalized reference: Name[:tag][@digest].
  std::string String() const;
  /// The repository as Docker prints it: "busybox", "mini-test/echo", "host:5000/a/b".
  std::string FamiliarName() const;

  bool operator==(const Reference&) const = default;
};

/// Parses and normalizes `text`. kInvalidArgument, saying what is wrong, for an empty string,
/// upper case in the repository, a bad tag or digest, a name over 255 characters, or 64 hex
/// digits alone (an image ID, not a name).
Result<Reference> ParseReference(std::string_view text);

}  // namespace mini::cluster::runtime::image
