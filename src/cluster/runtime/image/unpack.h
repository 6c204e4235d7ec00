// Unpacks one layer (a tar, compressed or not) into a directory of its own, in the form
// overlayfs reads as a lower layer, and returns the digest of the uncompressed tar (the
// layer's diffID) computed in the same single pass. Nothing is held in memory whole.
//
// Whiteouts (OCI image spec, "Representing Changes"): ".wh.<name>" deletes <name> from the
// layers below; ".wh..wh..opq" hides everything below in its directory. overlayfs wants the
// former as a character device 0/0 and the latter as the xattr trusted.overlay.opaque=y.
// Setting trusted.* xattrs needs CAP_SYS_ADMIN, so an unprivileged process cannot write that
// form: it keeps the markers as the empty files the tar holds, which fuse-overlayfs reads
// natively and which a kernel overlay mount cannot use (see WhiteoutMode::kFiles).
//
// Entries that would land outside the directory are refused: absolute names, "..", and any
// path that goes through a symlink (a symlink itself may point anywhere: it is only ever
// resolved inside the container's root).
#pragma once

#include <cstdint>
#include <filesystem>

#include "cluster/runtime/image/digest.h"
#include "common/status.h"

namespace mini::cluster::runtime::image {

enum class WhiteoutMode {
  kOverlay,  // device 0/0 and trusted.overlay.opaque: what a kernel overlay mount needs
  kFiles,    // ".wh.*" kept as empty files: the unprivileged fallback (fuse-overlayfs)
};

struct UnpackOptions {
  WhiteoutMode whiteouts = WhiteoutMode::kOverlay;
  /// Give files the owners the tar names, and create device nodes. Needs root.
  bool privileged = true;
};

/// The overlay form and owners as root; the file fallback without them otherwise.
UnpackOptions DefaultUnpackOptions();

struct UnpackResult {
  Digest diff_id;  // sha256 of the uncompressed tar stream
  int64_t entries = 0;
};

/// Unpacks the layer in `blob` into `dir`, an existing empty directory. kInvalidArgument for
/// an unreadable archive or an entry that would escape `dir`; errno-derived codes when the
/// disk refuses. On failure `dir` holds a partial tree that the caller removes.
Result<UnpackResult> UnpackLayer(const std::filesystem::path& blob,
                                 const std::filesystem::path& dir, const UnpackOptions& options);

}  // namespace mini::cluster::runtime::image
