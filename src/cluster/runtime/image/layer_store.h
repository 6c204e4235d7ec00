// Unpacked layers, shared by every image and container that has them and never written once
// complete (overlayfs only reads lower layers):
//
//   <root>/layers/<diffID hex>/   complete trees, named by the digest of their tar
//   <root>/staging/               unpacks in progress
//
// A tree appears under layers/ by one rename once it is complete and verified, so a present
// directory is always whole. Safe for concurrent use by threads and processes.
#pragma once

#include <filesystem>
#include <vector>

#include "cluster/runtime/image/digest.h"
#include "cluster/runtime/image/unpack.h"
#include "common/status.h"

namespace mini::cluster::runtime::image {

class LayerStore {
 public:
  LayerStore(std::filesystem::path root, UnpackOptions options)
      : root_(std::move(root)), options_(options) {}

  std::filesystem::path Dir(const Digest& diff_id) const { return LayersDir() / diff_id.hex(); }
  bool Has(const Digest& diff_id) const;
  /// Unpacks the layer in `blob` unless it is present, checking that its tar hashes to
  /// `diff_id`. kInvalidArgument for a mismatch or a hostile entry; nothing is left behind on
  /// failure. Two concurrent unpacks of one layer both succeed and one tree is kept.
  Status Ensure(const std::filesystem::path& blob, const Digest& diff_id);
  Result<std::vector<Digest>> List() const;
  /// Removes a layer's tree; an absent one is not an error.
  Status Remove(const Digest& diff_id);
  /// Removes the trees of unpacks that died. Only while no unpack is running.
  Status ClearStaging();

 private:
  std::filesystem::path LayersDir() const { return root_ / "layers"; }
  std::filesystem::path StagingDir() const { return root_ / "staging"; }

  std::filesystem::path root_;
  UnpackOptions options_;
};

/// Removes a tree even where it holds read-only directories (an unprivileged unpack keeps the
/// modes images ask for, 0555 included).
Status RemoveTree(const std::filesystem::path& path);

}  // namespace mini::cluster::runtime::image
