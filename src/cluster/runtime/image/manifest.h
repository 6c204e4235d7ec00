// The OCI and Docker (schema 2) JSON documents that describe an image: indexes (one manifest
// per platform), manifests (a config and layers) and the config (how to run it, the layers'
// diffIDs). Both vocabularies read into the same structs.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/runtime/image/digest.h"
#include "common/status.h"

namespace mini::cluster::runtime::image {

namespace media_type {
inline constexpr char kOciIndex[] = "application/vnd.oci.image.index.v1+json";
inline constexpr char kOciManifest[] = "application/vnd.oci.image.manifest.v1+json";
inline constexpr char kOciConfig[] = "application/vnd.oci.image.config.v1+json";
inline constexpr char kOciLayer[] = "application/vnd.oci.image.layer.v1.tar";
inline constexpr char kOciLayerGzip[] = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr char kOciLayerZstd[] = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr char kDockerList[] = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr char kDockerManifest[] = "application/vnd.docker.distribution.manifest.v2+json";
}  // namespace media_type

/// Manifests and configs are small; anything larger is refused rather than read whole.
inline constexpr size_t kMaxDocumentBytes = 4 << 20;

struct Descriptor {
  std::string media_type;
  Digest digest;
  int64_t size = 0;
  std::map<std::string, std::string> annotations;
  std::string os;            // platform, in index entries
  std::string architecture;  // platform, in index entries
  std::string variant;
};

struct Manifest {
  std::string media_type;
  Descriptor config;
  std::vector<Descriptor> layers;  // base first
};

struct ImageIndex {
  std::vector<Descriptor> manifests;
};

/// What the kubelet needs to run the image, and the diffIDs the layers must unpack to.
struct ImageConfig {
  std::string created;  // RFC 3339, may be empty
  std::string os;
  std::string architecture;
  std::string user;
  std::string working_dir;
  std::string stop_signal;
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::vector<std::string> env;            // "NAME=value"
  std::vector<std::string> exposed_ports;  // "8080/tcp"
  std::map<std::string, std::string> labels;
  std::vector<Digest> diff_ids;  // base first
};

/// True for an index or Docker manifest list, by media type or, lacking one, by shape.
bool IsIndex(std::string_view media_type);

/// kInvalidArgument naming the offending field; `what` names the document in errors.
Result<ImageIndex> ParseIndex(std::string_view json, std::string_view what);
Result<Manifest> ParseManifest(std::string_view json, std::string_view what);
Result<ImageConfig> ParseConfig(std::string_view json, std::string_view what);
/// The media type a JSON document declares, or what its shape says it is.
Result<std::string> DocumentMediaType(std::string_view json, std::string_view what);

/// An OCI manifest for images that arrived without one (docker-archive).
std::string ManifestJson(const Manifest& manifest);

/// The layer media type matching the first bytes of a blob (gzip, zstd or plain tar).
std::string LayerMediaType(std::string_view head);

/// From an index, the manifest to run here: the one for linux and this machine's
/// architecture, or the only one. kNotFound when none fits.
Result<Descriptor> SelectPlatform(const ImageIndex& index, std::string_view what);

/// This machine's architecture in OCI's words ("amd64", "arm64"...).
std::string HostArchitecture();

}  // namespace mini::cluster::runtime::image
