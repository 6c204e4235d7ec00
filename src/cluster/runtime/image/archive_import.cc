#include "cluster/runtime/image/archive_import.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <boost/json.hpp>
#include <map>
#include <optional>

#include "cluster/runtime/image/archive.h"
#include "cluster/runtime/image/manifest.h"
#include "cluster/runtime/image/reference.h"
#include "common/json.h"

namespace mini::cluster::runtime::image {
namespace fs = std::filesystem;
namespace json = boost::json;
namespace {

constexpr char kDockerManifest[] = "manifest.json";
constexpr char kOciIndex[] = "index.json";
constexpr char kOciLayout[] = "oci-layout";
constexpr int kMaxLinkHops = 8;
constexpr int kMaxIndexDepth = 4;

// What one pass over the archive found.
struct Contents {
  std::map<std::string, std::string> documents;  // the top-level JSON files, by name
  std::map<std::string, Digest> files;           // every other regular file, now a blob
  std::map<std::string, std::string> links;      // a link's name -> the name it stands for
};

std::string CleanName(std::string_view name) {
  std::string clean = fs::path(name).lexically_normal().generic_string();
  while (clean.starts_with("/")) {
    clean.erase(0, 1);
  }
  return clean;
}

bool IsDocument(const std::string& name) {
  return name == kDockerManifest || name == kOciIndex || name == kOciLayout ||
         name == "repositories";
}

// The v1 metadata `docker save` still writes beside each layer; nothing reads it.
bool IsLegacyMetadata(const std::string& name) {
  return name.ends_with("/json") || name.ends_with("/VERSION");
}

// Names that state their content's digest, which is then verified on the way in.
std::optional<Digest> DigestInName(const std::string& name) {
  constexpr std::string_view kBlobs = "blobs/sha256/";
  if (name.starts_with(kBlobs)) {
    if (auto d = Digest::FromHex(std::string_view(name).substr(kBlobs.size())); d.ok()) {
      return *d;
    }
  }
  if (name.ends_with(".json") && name.find('/') == std::string::npos) {
    if (auto d = Digest::FromHex(std::string_view(name).substr(0, name.size() - 5)); d.ok()) {
      return *d;
    }
  }
  return std::nullopt;
}

Result<std::string> ReadDocument(TarReader& tar, const ArchiveEntry& e) {
  if (e.size > static_cast<int64_t>(kMaxDocumentBytes)) {
    return Error(Code::kInvalidArgument, "{} has {} bytes, more than an image document may", e.path,
                 e.size);
  }
  std::string out;
  for (;;) {
    MINI_ASSIGN_OR_RETURN(TarReader::Block block, tar.Read());
    if (block.size == 0) {
      return out;
    }
    out.append(static_cast<const char*>(block.data), block.size);
  }
}

Status WriteZeros(BlobWriter& writer, int64_t count) {
  static const std::array<char, 64 * 1024> kZeros{};
  while (count > 0) {
    size_t n = static_cast<size_t>(std::min<int64_t>(count, kZeros.size()));
    MINI_RETURN_IF_ERROR(writer.Write(kZeros.data(), n));
    count -= static_cast<int64_t>(n);
  }
  return Status::Ok();
}

Result<Digest> StoreEntry(TarReader& tar, const ArchiveEntry& e, const std::string& name,
                          BlobStore& blobs) {
  MINI_ASSIGN_OR_RETURN(BlobWriterPtr writer, blobs.Writer(DigestInName(name), e.size));
  int64_t at = 0;
  for (;;) {
    MINI_ASSIGN_OR_RETURN(TarReader::Block block, tar.Read());
    if (block.size == 0) {
      break;
    }
    MINI_RETURN_IF_ERROR(WriteZeros(*writer, block.offset - at));  // a sparse entry's hole
    MINI_RETURN_IF_ERROR(writer->Write(block.data, block.size));
    at = block.offset + static_cast<int64_t>(block.size);
  }
  MINI_RETURN_IF_ERROR(WriteZeros(*writer, e.size - at));
  return writer->Commit();
}

Result<Contents> Scan(const fs::path& file, BlobStore& blobs) {
  MINI_ASSIGN_OR_RETURN(auto tar, TarReader::OpenFile(file));
  Contents contents;
  for (;;) {
    MINI_ASSIGN_OR_RETURN(std::optional<ArchiveEntry> e, tar->Next());
    if (!e) {
      return contents;
    }
    std::string name = CleanName(e->path);
    if (e->type == EntryType::kSymlink) {
      contents.links[name] = CleanName((fs::path(name).parent_path() / e->link).string());
    } else if (e->type == EntryType::kHardlink) {
      contents.links[name] = CleanName(e->link);
    } else if (e->type != EntryType::kFile || IsLegacyMetadata(name)) {
      continue;
    } else if (IsDocument(name)) {
      MINI_ASSIGN_OR_RETURN(contents.documents[name], ReadDocument(*tar, *e));
    } else {
      auto digest = StoreEntry(*tar, *e, name, blobs);
      if (!digest.ok()) {
        return digest.status().WithContext("{}: {}", file.string(), name);
      }
      contents.files[name] = *digest;
    }
  }
}

Result<Digest> Lookup(const Contents& contents, std::string name) {
  for (int hop = 0; hop <= kMaxLinkHops; ++hop) {
    if (auto f = contents.files.find(name); f != contents.files.end()) {
      return f->second;
    }
    auto link = contents.links.find(name);
    if (link == contents.links.end()) {
      break;
    }
    name = link->second;
  }
  return Error(Code::kInvalidArgument, "manifest.json names \"{}\", which the archive lacks", name);
}

Result<std::string> Normalize(std::string_view name, std::string_view source) {
  auto ref = ParseReference(name);
  if (!ref.ok()) {
    return ref.status().WithContext("{} names an image badly", source);
  }
  return ref->String();
}

Result<std::string> HeadOf(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return ErrnoError(CodeFromErrno(errno), errno, fmt::format("reading {}", path.string()));
  }
  char buf[8];
  ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  return std::string(buf, n > 0 ? static_cast<size_t>(n) : 0);
}

Result<Descriptor> DescribeBlob(BlobStore& blobs, const Digest& digest, std::string media_type) {
  Descriptor d;
  d.digest = digest;
  MINI_ASSIGN_OR_RETURN(d.size, blobs.Size(digest));
  if (media_type.empty()) {
    MINI_ASSIGN_OR_RETURN(std::string head, HeadOf(blobs.Path(digest)));
    media_type = LayerMediaType(head);
  }
  d.media_type = std::move(media_type);
  return d;
}

Result<std::vector<std::string>> StringList(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    return out;
  }
  if (!v->is_array()) {
    return Error(Code::kInvalidArgument, "manifest.json: \"{}\" is not a list", key);
  }
  for (const auto& item : v->get_array()) {
    if (!item.is_string()) {
      return Error(Code::kInvalidArgument, "manifest.json: \"{}\" holds a non-string", key);
    }
    out.emplace_back(item.get_string());
  }
  return out;
}

Result<ArchiveImage> DockerImage(const json::value& item, const Contents& contents,
                                 BlobStore& blobs) {
  if (!item.is_object()) {
    return Error(Code::kInvalidArgument, "manifest.json: an entry is not an object");
  }
  const json::object& o = item.get_object();
  MINI_ASSIGN_OR_RETURN(std::string config_name, GetString(o, "Config"));
  MINI_ASSIGN_OR_RETURN(std::vector<std::string> layer_names, StringList(o, "Layers"));
  MINI_ASSIGN_OR_RETURN(std::vector<std::string> tags, StringList(o, "RepoTags"));
  Manifest m;
  MINI_ASSIGN_OR_RETURN(Digest config, Lookup(contents, CleanName(config_name)));
  MINI_ASSIGN_OR_RETURN(m.config, DescribeBlob(blobs, config, media_type::kOciConfig));
  for (const auto& name : layer_names) {
    MINI_ASSIGN_OR_RETURN(Digest layer, Lookup(contents, CleanName(name)));
    MINI_ASSIGN_OR_RETURN(Descriptor d, DescribeBlob(blobs, layer, ""));
    m.layers.push_back(std::move(d));
  }
  ArchiveImage image;
  MINI_ASSIGN_OR_RETURN(image.manifest, blobs.Put(ManifestJson(m)));
  for (const auto& tag : tags) {
    MINI_ASSIGN_OR_RETURN(std::string name, Normalize(tag, "manifest.json"));
    image.names.push_back(std::move(name));
  }
  return image;
}

Result<std::vector<ArchiveImage>> DockerImages(const Contents& contents, BlobStore& blobs) {
  MINI_ASSIGN_OR_RETURN(json::value v,
                        ParseJson(contents.documents.at(kDockerManifest), kDockerManifest));
  if (!v.is_array()) {
    return Error(Code::kInvalidArgument, "manifest.json is not a list of images");
  }
  std::vector<ArchiveImage> out;
  for (const auto& item : v.get_array()) {
    MINI_ASSIGN_OR_RETURN(ArchiveImage image, DockerImage(item, contents, blobs));
    out.push_back(std::move(image));
  }
  return out;
}

// An index entry may itself be an index (one manifest per platform): pick this machine's.
Result<Digest> ResolveManifest(const Descriptor& d, BlobStore& blobs, int depth) {
  if (!blobs.Has(d.digest)) {
    return Error(Code::kInvalidArgument, "index.json names {}, which the archive lacks",
                 d.digest.String());
  }
  std::string type = d.media_type;
  if (type.empty() || IsIndex(type)) {
    MINI_ASSIGN_OR_RETURN(std::string text, blobs.ReadSmall(d.digest, kMaxDocumentBytes));
    MINI_ASSIGN_OR_RETURN(type, DocumentMediaType(text, d.digest.String()));
    if (IsIndex(type)) {
      if (depth >= kMaxIndexDepth) {
        return Error(Code::kInvalidArgument, "image indexes nest deeper than {}", depth);
      }
      MINI_ASSIGN_OR_RETURN(ImageIndex index, ParseIndex(text, d.digest.String()));
      MINI_ASSIGN_OR_RETURN(Descriptor chosen, SelectPlatform(index, d.digest.String()));
      return ResolveManifest(chosen, blobs, depth + 1);
    }
  }
  return d.digest;
}

// containerd's annotation holds the full name; the OCI one is often only a tag.
Result<std::vector<std::string>> NamesOf(const Descriptor& d) {
  std::string name;
  if (auto it = d.annotations.find("io.containerd.image.name"); it != d.annotations.end()) {
    name = it->second;
  } else if (auto ref = d.annotations.find("org.opencontainers.image.ref.name");
             ref != d.annotations.end() && ref->second.find_first_of(":/@") != std::string::npos) {
    name = ref->second;
  }
  if (name.empty()) {
    return std::vector<std::string>();
  }
  MINI_ASSIGN_OR_RETURN(std::string normalized, Normalize(name, "index.json"));
  return std::vector<std::string>{normalized};
}

Result<std::vector<ArchiveImage>> OciImages(const Contents& contents, BlobStore& blobs) {
  MINI_ASSIGN_OR_RETURN(json::value layout,
                        ParseJson(contents.documents.at(kOciLayout), kOciLayout));
  if (!layout.is_object() || !layout.get_object().contains("imageLayoutVersion")) {
    return Error(Code::kInvalidArgument, "oci-layout lacks \"imageLayoutVersion\"");
  }
  MINI_ASSIGN_OR_RETURN(ImageIndex index, ParseIndex(contents.documents.at(kOciIndex), kOciIndex));
  std::vector<ArchiveImage> out;
  for (const auto& d : index.manifests) {
    ArchiveImage image;
    MINI_ASSIGN_OR_RETURN(image.manifest, ResolveManifest(d, blobs, 0));
    MINI_ASSIGN_OR_RETURN(image.names, NamesOf(d));
    out.push_back(std::move(image));
  }
  return out;
}

}  // namespace

Result<std::vector<ArchiveImage>> ImportArchive(const fs::path& file, BlobStore& blobs) {
  MINI_ASSIGN_OR_RETURN(Contents contents, Scan(file, blobs));
  std::vector<ArchiveImage> images;
  if (contents.documents.contains(kOciIndex) && contents.documents.contains(kOciLayout)) {
    MINI_ASSIGN_OR_RETURN(images, OciImages(contents, blobs));
  } else if (contents.documents.contains(kDockerManifest)) {
    MINI_ASSIGN_OR_RETURN(images, DockerImages(contents, blobs));
  } else {
    return Error(Code::kInvalidArgument,
                 "{} is not an image archive: it has neither manifest.json (docker save) nor "
                 "oci-layout and index.json (OCI layout)",
                 file.string());
  }
  if (images.empty()) {
    return Error(Code::kInvalidArgument, "{} holds no image", file.string());
  }
  return images;
}

}  // namespace mini::cluster::runtime::image
