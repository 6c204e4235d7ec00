#include "vm/iso/config_iso.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <ctime>
#include <memory>
#include <set>

#include "common/files.h"

namespace mini::vm::iso {
namespace fs = std::filesystem;

namespace {

using ArchivePtr = std::unique_ptr<archive, decltype(&archive_write_free)>;
using EntryPtr = std::unique_ptr<archive_entry, decltype(&archive_entry_free)>;

Status ArchiveError(archive* a, const std::string& what) {
  const char* why = archive_error_string(a);
  return Error(Code::kInternal, "{}: {}", what, why ? why : "unknown libarchive error");
}

Status CheckNames(const std::vector<ConfigFile>& files) {
  std::set<std::string> seen;
  for (const ConfigFile& f : files) {
    if (f.name.empty() || f.name == "." || f.name == ".." ||
        f.name.find('/') != std::string::npos) {
      return Error(Code::kInvalidArgument, "\"{}\" is not a plain file name for the config ISO",
                   f.name);
    }
    if (!seen.insert(f.name).second) {
      return Error(Code::kInvalidArgument, "the config ISO would hold \"{}\" twice", f.name);
    }
  }
  return Status::Ok();
}

Status WriteTo(const fs::path& path, const std::vector<ConfigFile>& files) {
  ArchivePtr a(archive_write_new(), &archive_write_free);
  if (!a) return Error(Code::kInternal, "libarchive could not allocate a writer");
  // Rock Ridge (the default) keeps lower-case names and modes; Joliet adds nothing Linux reads.
  if (archive_write_set_format_iso9660(a.get()) != ARCHIVE_OK ||
      archive_write_set_option(a.get(), "iso9660", "volume-id", kConfigVolumeLabel) != ARCHIVE_OK ||
      archive_write_set_option(a.get(), "iso9660", "joliet", nullptr) != ARCHIVE_OK) {
    return ArchiveError(a.get(), "setting up the config ISO");
  }
  if (archive_write_open_filename(a.get(), path.c_str()) != ARCHIVE_OK) {
    return ArchiveError(a.get(), "creating " + path.string());
  }
  time_t now = std::time(nullptr);
  for (const ConfigFile& f : files) {
    auto data = ReadFile(f.source);
    if (!data.ok()) return data.status().WithContext("the config ISO's {}", f.name);
    EntryPtr e(archive_entry_new(), &archive_entry_free);
    archive_entry_set_pathname(e.get(), f.name.c_str());
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_perm(e.get(), 0600);
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(data->size()));
    archive_entry_set_mtime(e.get(), now, 0);
    if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK) {
      return ArchiveError(a.get(), "adding " + f.name + " to the config ISO");
    }
    if (!data->empty() && archive_write_data(a.get(), data->data(), data->size()) !=
                              static_cast<la_ssize_t>(data->size())) {
      return ArchiveError(a.get(), "writing " + f.name + " into the config ISO");
    }
  }
  // The ISO writer lays the volume out only now, on close.
  if (archive_write_close(a.get()) != ARCHIVE_OK) {
    return ArchiveError(a.get(), "finishing " + path.string());
  }
  ::chmod(path.c_str(), 0600);
  return Status::Ok();
}

}  // namespace

Status WriteConfigIso(const fs::path& out, const std::vector<ConfigFile>& files) {
  MINI_RETURN_IF_ERROR(CheckNames(files));
  MINI_RETURN_IF_ERROR(
      MakeDirs(out.parent_path().empty() ? fs::path(".") : out.parent_path(), 0700));
  fs::path tmp = out.string() + ".tmp";
  (void)RemoveAll(tmp);
  Status written = WriteTo(tmp, files);
  if (written.ok()) {
    std::error_code ec;
    fs::rename(tmp, out, ec);
    if (ec) written = ErrnoError(Code::kInternal, ec.value(), "renaming " + tmp.string());
  }
  if (!written.ok()) (void)RemoveAll(tmp);
  return written;
}

}  // namespace mini::vm::iso
