// The image records: which names point at which image, and what each image is made of. They
// live in one small file, <root>/images.json, replaced atomically, so readers take no lock;
// writers serialize on <root>/images.lock (threads and processes alike).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/runtime/image/digest.h"
#include "common/status.h"

namespace mini::cluster::runtime::image {

struct LayerRecord {
  Digest digest;   // the blob, as stored (compressed or not)
  Digest diff_id;  // the uncompressed tar: names the unpacked tree
  int64_t size = 0;
  std::string media_type;
};

struct ImageRecord {
  Digest id;  // the config's digest: what Docker calls the image ID
  Digest manifest;
  std::vector<std::string> names;   // normalized references; empty for a dangling image
  std::vector<LayerRecord> layers;  // base first
  int64_t size = 0;                 // bytes of the manifest, config and layer blobs
  std::string created;              // from the config, RFC 3339
  std::vector<std::string> users;   // containers running on it (see ImageStore::Acquire)
};

// The records of the store's images and who uses them. The records live in one small file,
// <root>/images.json, replaced atomically and synced. Users are kept apart, one file per
// container under <users>/<image>, written without syncing (a node keeps them in memory): a
// user matters only while its container runs, no container outlives the machine, and the node
// releases the users of containers it no longer has when it starts. Syncing them had cost every
// container start and removal two fsyncs under the store's lock, one after another across a
// burst of pods.

class RecordFile {
 public:
  RecordFile(std::filesystem::path root, std::filesystem::path users,
             std::chrono::milliseconds lock_timeout)
      : root_(std::move(root)), users_(std::move(users)), lock_timeout_(lock_timeout) {}

  /// The records with their users; none when the file does not exist yet. kInvalidArgument
  /// when it is damaged.
  Result<std::vector<ImageRecord>> Read() const;
  /// Runs `change` on the current records under the lock and saves them if it returns OK
  /// (users are not saved this way: see AddUser). kDeadlineExceeded when the lock stays taken
  /// longer than the timeout.
  Status Update(const std::function<Status(std::vector<ImageRecord>&)>& change) const;
  /// Runs `use` on the current records under the lock, saving nothing.
  Status Inspect(const std::function<Status(const std::vector<ImageRecord>&)>& use) const;

  /// Records `user` (a container ID) as running on `image`; call within Inspect, so that no
  /// removal or collection decides on the image meanwhile. kInvalidArgument for a user that
  /// cannot be a file name.
  Status AddUser(const std::string& user, const Digest& image) const;
  /// Forgets `user`; unknown users are not an error.
  Status RemoveUser(const std::string& user) const;

 private:
  std::filesystem::path File() const { return root_ / "images.json"; }
  std::filesystem::path UsersDir() const { return users_; }
  Status ReadUsers(std::vector<ImageRecord>& records) const;

  std::filesystem::path root_;
  std::filesystem::path users_;
  std::chrono::milliseconds lock_timeout_;
};

struct Match {
  size_t index = 0;
  std::string name;  // the normalized name that matched; empty when matched by ID or digest
};

/// Which record `ref` names: a reference ("busybox", "docker.io/library/busybox:latest",
/// "name@sha256:<manifest>"), an image ID ("sha256:<hex>") or a unique prefix of one's hex.
/// kNotFound when none; kInvalidArgument when an ID prefix is ambiguous.
Result<Match> FindImage(const std::vector<ImageRecord>& records, std::string_view ref);

}  // namespace mini::cluster::runtime::image
