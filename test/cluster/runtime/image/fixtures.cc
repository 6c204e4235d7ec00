#include "test/cluster/runtime/image/fixtures.h"

#include <archive.h>
#include <archive_entry.h>

#include <boost/json.hpp>
#include <fstream>
#include <stdexcept>

#include "cluster/runtime/image/digest.h"

namespace mini::cluster::runtime::image::testing {
namespace json = boost::json;
namespace {

la_ssize_t Append(archive*, void* client, const void* buffer, size_t length) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), length);
  return static_cast<la_ssize_t>(length);
}

void Check(archive* a, int r) {
  if (r < ARCHIVE_WARN) {
    throw std::runtime_error(archive_error_string(a));
  }
}

archive* NewWriter(std::string& out, Compression compression, bool raw) {
  archive* a = archive_write_new();
  Check(a, raw ? archive_write_set_format_raw(a) : archive_write_set_format_pax_restricted(a));
  if (compression == Compression::kGzip) {
    Check(a, archive_write_add_filter_gzip(a));
  } else if (compression == Compression::kZstd) {
    Check(a, archive_write_add_filter_zstd(a));
  }
  Check(a, archive_write_set_bytes_in_last_block(a, 1));
  Check(a, archive_write_open2(a, &out, nullptr, Append, nullptr, nullptr));
  return a;
}
}  // namespace

TarBuilder& TarBuilder::File(std::string path, std::string content, unsigned mode) {
  entries_.push_back({std::move(path), 'f', std::move(content), mode});
  return *this;
}
TarBuilder& TarBuilder::Dir(std::string path, unsigned mode) {
  entries_.push_back({std::move(path), 'd', "", mode});
  return *this;
}
TarBuilder& TarBuilder::Symlink(std::string path, std::string target) {
  entries_.push_back({std::move(path), 'l', std::move(target), 0777});
  return *this;
}
TarBuilder& TarBuilder::Hardlink(std::string path, std::string target) {
  entries_.push_back({std::move(path), 'h', std::move(target), 0644});
  return *this;
}

std::string Compress(const std::string& data, Compression compression) {
  std::string out;
  archive* a = NewWriter(out, compression, true);
  archive_entry* entry = archive_entry_new();
  archive_entry_set_pathname(entry, "data");
  archive_entry_set_filetype(entry, AE_IFREG);
  archive_entry_set_size(entry, static_cast<la_int64_t>(data.size()));
  Check(a, archive_write_header(a, entry));
  archive_write_data(a, data.data(), data.size());
  archive_entry_free(entry);
  Check(a, archive_write_close(a));
  archive_write_free(a);
  return out;
}

std::string TarBuilder::Build(Compression compression) const {
  std::string out;
  archive* a = NewWriter(out, compression, false);
  for (const auto& e : entries_) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, e.path.c_str());
    archive_entry_set_perm(entry, e.mode);
    archive_entry_set_mtime(entry, 1700000000, 0);
    switch (e.kind) {
      case 'f':
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_size(entry, static_cast<la_int64_t>(e.content.size()));
        break;
      case 'd':
        archive_entry_set_filetype(entry, AE_IFDIR);
        break;
      case 'l':
        archive_entry_set_filetype(entry, AE_IFLNK);
        archive_entry_set_symlink(entry, e.content.c_str());
        break;
      default:
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_hardlink(entry, e.content.c_str());
        break;
    }
    Check(a, archive_write_header(a, entry));
    if (e.kind == 'f' && !e.content.empty()) {
      archive_write_data(a, e.content.data(), e.content.size());
    }
    archive_entry_free(entry);
  }
  Check(a, archive_write_close(a));
  archive_write_free(a);
  return out;
}

std::string Sha256Hex(const std::string& data) { return Sha256Of(data).hex(); }

std::string ConfigOf(const TestImage& image) {
  json::array diff_ids, cmd;
  for (const auto& layer : image.layers) {
    diff_ids.emplace_back("sha256:" + Sha256Hex(layer));
  }
  for (const auto& c : image.cmd) {
    cmd.emplace_back(c);
  }
  return json::serialize(json::object{
      {"architecture", "amd64"},
      {"os", "linux"},
      {"created", "2024-01-01T00:00:00Z"},
      {"config", {{"Cmd", cmd}, {"Env", json::array{"PATH=/bin"}}, {"WorkingDir", "/"}}},
      {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}}});
}

void WriteFile(const std::filesystem::path& file, const std::string& content) {
  std::ofstream(file, std::ios::binary) << content;
}

void WriteDockerArchive(const std::filesystem::path& file, const std::vector<TestImage>& images) {
  TarBuilder tar;
  json::array manifest;
  int n = 0;
  for (const auto& image : images) {
    std::string config = ConfigOf(image);
    std::string config_name = Sha256Hex(config) + ".json";
    tar.File(config_name, config);
    json::array layers, tags;
    for (const auto& layer : image.layers) {
      std::string name = std::to_string(++n) + "/layer.tar";
      tar.Dir(std::to_string(n)).File(name, layer).File(std::to_string(n) + "/VERSION", "1.0");
      layers.emplace_back(name);
    }
    for (const auto& tag : image.names) {
      tags.emplace_back(tag);
    }
    manifest.push_back(
        json::object{{"Config", config_name}, {"RepoTags", tags}, {"Layers", layers}});
  }
  tar.File("manifest.json", json::serialize(manifest));
  WriteFile(file, tar.Build());
}

void WriteOciArchive(const std::filesystem::path& file, const std::vector<TestImage>& images,
                     Compression compression) {
  TarBuilder tar;
  tar.File("oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  tar.Dir("blobs").Dir("blobs/sha256");
  auto blob = [&](const std::string& content, const char* type) {
    tar.File("blobs/sha256/" + Sha256Hex(content), content);
    return json::object{
        {"mediaType", type}, {"digest", "sha256:" + Sha256Hex(content)}, {"size", content.size()}};
  };
  json::array manifests;
  for (const auto& image : images) {
    json::array layers;
    for (const auto& layer : image.layers) {
      std::string packed = Compress(layer, compression);
      layers.push_back(blob(packed, compression == Compression::kGzip
                                        ? "application/vnd.oci.image.layer.v1.tar+gzip"
                                    : compression == Compression::kZstd
                                        ? "application/vnd.oci.image.layer.v1.tar+zstd"
                                        : "application/vnd.oci.image.layer.v1.tar"));
    }
    json::object m{{"schemaVersion", 2},
                   {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                   {"config", blob(ConfigOf(image), "application/vnd.oci.image.config.v1+json")},
                   {"layers", layers}};
    json::object d = blob(json::serialize(m), "application/vnd.oci.image.manifest.v1+json");
    if (!image.names.empty()) {
      d["annotations"] = json::object{{"io.containerd.image.name", image.names[0]},
                                      {"org.opencontainers.image.ref.name", "ignored-tag"}};
    }
    manifests.push_back(d);
  }
  tar.File("index.json",
           json::serialize(json::object{{"schemaVersion", 2}, {"manifests", manifests}}));
  WriteFile(file, tar.Build());
}

}  // namespace mini::cluster::runtime::image::testing
