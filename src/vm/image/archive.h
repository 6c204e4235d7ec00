// The two archive formats the guest image is made of: Debian packages read (an ar archive whose
// data.tar.* member holds the files) and the initramfs written (cpio "newc", uncompressed,
// because decompressing in the guest is emulated and costs more than it saves).
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>

#include "common/status.h"

struct archive;  // libarchive's, kept out of this header

namespace mini::vm::image {

struct DebEntry {
  std::string path;  // relative, without the leading "./"
  bool is_dir = false;
  bool is_symlink = false;
  mode_t mode = 0;
  std::string link_target;
};

/// Calls `visit` for each file of the package's data archive. `read_data` reads the current
/// entry's contents (only while `visit` runs). A visitor returning an error stops the walk.
Status ForEachDebFile(
    const std::string& deb_path,
    const std::function<Status(const DebEntry&, const std::function<Result<std::string>()>& read_data)>&
        visit);

/// Writes a cpio newc archive. Directories of added paths must be added first.
class CpioWriter {
 public:
  static Result<std::unique_ptr<CpioWriter>> Create(const std::string& path);
  ~CpioWriter();

  Status AddDir(const std::string& path, mode_t mode = 0755);
  Status AddFile(const std::string& path, std::string_view data, mode_t mode);
  Status AddSymlink(const std::string& path, const std::string& target);
  /// Flushes and closes the file; the archive is incomplete until this returns OK.
  Status Close();

 private:
  explicit CpioWriter(::archive* a) : a_(a) {}
  Status Add(const std::string& path, mode_t type, mode_t mode, std::string_view data,
             const std::string& link);
  ::archive* a_;
  unsigned ino_ = 1;
};

}  // namespace mini::vm::image
