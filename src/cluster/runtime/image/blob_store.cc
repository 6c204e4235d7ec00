#include "cluster/runtime/image/blob_store.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/files.h"

namespace mini::cluster::runtime::image {
namespace fs = std::filesystem;

namespace {

Status WriteAll(int fd, const char* data, size_t size, const fs::path& path) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return ErrnoError(CodeFromErrno(errno), errno, fmt::format("writing {}", path.string()));
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

void SyncDirectory(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

BlobWriter::~BlobWriter() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
  if (!temp_.empty()) {
    ::unlink(temp_.c_str());
  }
}

Status BlobWriter::Write(const void* data, size_t size) {
  if (expected_size_ >= 0 && written_ + static_cast<int64_t>(size) > expected_size_) {
    return Error(Code::kInvalidArgument, "blob {} is larger than the {} bytes announced",
                 expected_ ? expected_->String() : "(unnamed)", expected_size_);
  }
  hash_.Update(data, size);
  written_ += static_cast<int64_t>(size);
  if (fd_ < 0) {
    return Status::Ok();
  }
  return WriteAll(fd_, static_cast<const char*>(data), size, temp_);
}

Result<Digest> BlobWriter::Commit() {
  Digest actual = hash_.Finish();
  if (expected_ && actual != *expected_) {
    return Error(Code::kInvalidArgument, "content does not match its digest {} (it hashes to {})",
                 expected_->String(), actual.String());
  }
  if (expected_size_ >= 0 && written_ != expected_size_) {
    return Error(Code::kInvalidArgument, "blob {} has {} bytes, {} were announced", actual.String(),
                 written_, expected_size_);
  }
  if (fd_ < 0) {
    return actual;  // already stored
  }
  int fd = std::exchange(fd_, -1);
  bool synced = ::fsync(fd) == 0;
  int err = errno;
  ::close(fd);
  if (!synced) {
    return ErrnoError(CodeFromErrno(err), err, fmt::format("syncing {}", temp_.string()));
  }
  fs::path target = blobs_dir_ / actual.hex();
  if (::rename(temp_.c_str(), target.c_str()) != 0) {
    return ErrnoError(CodeFromErrno(errno), errno, fmt::format("storing {}", target.string()));
  }
  temp_.clear();
  SyncDirectory(blobs_dir_);
  return actual;
}

Result<BlobWriterPtr> BlobStore::Writer(std::optional<Digest> expected, int64_t expected_size) {
  BlobWriterPtr w(new BlobWriter());
  w->expected_ = std::move(expected);
  w->expected_size_ = expected_size;
  w->blobs_dir_ = BlobsDir();
  if (w->expected_ && Has(*w->expected_)) {
    return w;
  }
  MINI_RETURN_IF_ERROR(MakeDirs(IngestDir()));
  MINI_RETURN_IF_ERROR(MakeDirs(BlobsDir()));
  std::string pattern = (IngestDir() / "blob-XXXXXX").string();
  int fd = ::mkostemp(pattern.data(), O_CLOEXEC);
  if (fd < 0) {
    return ErrnoError(CodeFromErrno(errno), errno,
                      fmt::format("creating a file in {}", IngestDir().string()));
  }
  ::fchmod(fd, 0444);  // blobs are never changed in place, so nobody needs to write them
  w->fd_ = fd;
  w->temp_ = pattern;
  return w;
}

Result<Digest> BlobStore::Put(std::string_view content) {
  Digest digest = Sha256Of(content);
  MINI_ASSIGN_OR_RETURN(BlobWriterPtr w, Writer(digest, static_cast<int64_t>(content.size())));
  MINI_RETURN_IF_ERROR(w->Write(content));
  return w->Commit();
}

fs::path BlobStore::Path(const Digest& digest) const { return BlobsDir() / digest.hex(); }

bool BlobStore::Has(const Digest& digest) const {
  struct stat st {};
  return ::stat(Path(digest).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

Result<int64_t> BlobStore::Size(const Digest& digest) const {
  struct stat st {};
  if (::stat(Path(digest).c_str(), &st) != 0) {
    return ErrnoError(CodeFromErrno(errno), errno, fmt::format("blob {}", digest.String()));
  }
  return static_cast<int64_t>(st.st_size);
}

Result<std::string> BlobStore::ReadSmall(const Digest& digest, size_t limit) const {
  MINI_ASSIGN_OR_RETURN(int64_t size, Size(digest));
  if (static_cast<uint64_t>(size) > limit) {
    return Error(Code::kResourceExhausted, "blob {} has {} bytes, more than the {} allowed",
                 digest.String(), size, limit);
  }
  MINI_ASSIGN_OR_RETURN(std::string content, ReadFile(Path(digest)));
  if (Sha256Of(content) != digest) {
    return Error(Code::kInternal, "blob {} is damaged on disk", digest.String());
  }
  return content;
}

Result<std::vector<Digest>> BlobStore::List() const {
  std::vector<Digest> out;
  std::error_code ec;
  for (fs::directory_iterator it(BlobsDir(), ec), end; !ec && it != end; it.increment(ec)) {
    if (auto d = Digest::FromHex(it->path().filename().string()); d.ok()) {
      out.push_back(*d);
    }
  }
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return Error(CodeFromErrno(ec.value()), "listing {}: {}", BlobsDir().string(), ec.message());
  }
  return out;
}

Status BlobStore::Remove(const Digest& digest) {
  if (::unlink(Path(digest).c_str()) != 0 && errno != ENOENT) {
    return ErrnoError(CodeFromErrno(errno), errno, fmt::format("removing {}", digest.String()));
  }
  return Status::Ok();
}

Status BlobStore::ClearIngest() { return RemoveAll(IngestDir()); }

}  // namespace mini::cluster::runtime::image
