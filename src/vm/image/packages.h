// The guest's userland read from Debian packages rather than from the host's disk: for each host
// file the image needs (a program, a library ldd named), the installed package that owns it is
// found (dpkg), fetched at the installed version with `apt-get download` into the cache, and
// the file is read from the package. Same bytes as the installed file, but a file changed on the
// host after installation does not leak into the guest.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace mini::vm::image {

/// "name:arch version" lines of `dpkg-query -W` and "owner: path" lines of `dpkg -S`, parsed.
std::map<std::string, std::string> ParseDpkgOwners(const std::string& dpkg_s_output);

/// The file name apt-get download gives a package: name_version_arch.deb, ':' as "%3a".
std::string DebFileName(const std::string& name, const std::string& version,
                        const std::string& arch);

class PackageFiles {
 public:
  /// Finds the owners of `files` (absolute host paths, symlinks resolved) and fetches their
  /// packages into `debs_dir`. Files no package owns are noted and later read from the host.
  static Result<PackageFiles> Fetch(const std::vector<std::filesystem::path>& files,
                                    const std::filesystem::path& debs_dir,
                                    const std::function<void(const std::string&)>& say);

  /// Calls `visit` with every file's host path and contents.
  Status Read(const std::function<Status(const std::filesystem::path&, std::string)>& visit) const;

  /// "name=version" of every package used, sorted.
  std::vector<std::string> Packages() const;

 private:
  struct Source {
    std::filesystem::path deb;                            // empty: read from the host
    std::map<std::string, std::filesystem::path> files;  // path in the package -> host path
  };
  std::map<std::string, Source> by_package_;  // "" for files no package owns
  std::vector<std::string> packages_;
};

}  // namespace mini::vm::image
