// Small images built in memory for the image tests: tars written with libarchive, and
// docker-archive and OCI-layout archives around them with correct digests.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace mini::cluster::runtime::image::testing {

enum class Compression { kNone, kGzip, kZstd };

/// Builds a tar in memory, entry by entry.
class TarBuilder {
 public:
  TarBuilder& File(std::string path, std::string content, unsigned mode = 0644);
  TarBuilder& Dir(std::string path, unsigned mode = 0755);
  TarBuilder& Symlink(std::string path, std::string target);
  TarBuilder& Hardlink(std::string path, std::string target);
  std::string Build(Compression compression = Compression::kNone) const;

 private:
  struct Entry {
    std::string path;
    char kind;            // 'f' file, 'd' directory, 'l' symlink, 'h' hard link
    std::string content;  // file content or link target
    unsigned mode;
  };
  std::vector<Entry> entries_;
};

/// One image: its layers as uncompressed tars, base first.
struct TestImage {
  std::vector<std::string> names;  // as the archive spells them
  std::vector<std::string> layers;
  std::vector<std::string> cmd = {"/bin/sh"};
};

/// `data` as one compressed stream (unchanged for kNone).
std::string Compress(const std::string& data, Compression compression);

std::string Sha256Hex(const std::string& data);
/// The config JSON of `image` (its diffIDs, its Cmd).
std::string ConfigOf(const TestImage& image);

/// `docker save` layout: manifest.json, <hex>.json, <n>/layer.tar (uncompressed).
void WriteDockerArchive(const std::filesystem::path& file, const std::vector<TestImage>& images);
/// OCI layout in a tar, layers compressed with `layers`, names in index.json annotations.
void WriteOciArchive(const std::filesystem::path& file, const std::vector<TestImage>& images,
                     Compression layers = Compression::kGzip);

void WriteFile(const std::filesystem::path& file, const std::string& content);

}  // namespace mini::cluster::runtime::image::testing
