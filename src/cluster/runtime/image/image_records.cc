#include "cluster/runtime/image/image_records.h"

#include <algorithm>
#include <boost/json.hpp>

#include "cluster/runtime/image/reference.h"
#include "common/files.h"
#include "common/json.h"

namespace mini::cluster::runtime::image {
namespace json = boost::json;
namespace {

constexpr int kFormatVersion = 1;
constexpr size_t kMinIdPrefix = 4;

json::array StringArray(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& s : items) {
    out.emplace_back(s);
  }
  return out;
}

json::object ToJson(const ImageRecord& r) {
  json::array layers;
  for (const auto& l : r.layers) {
    layers.push_back(json::object{{"digest", l.digest.String()},
                                  {"diffID", l.diff_id.String()},
                                  {"size", l.size},
                                  {"mediaType", l.media_type}});
  }
  return json::object{{"id", r.id.String()},
                      {"manifest", r.manifest.String()},
                      {"names", StringArray(r.names)},
                      {"layers", std::move(layers)},
                      {"size", r.size},
                      {"created", r.created}};
}

Result<std::vector<std::string>> StringsOf(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_array()) {
    return Error(Code::kInvalidArgument, "\"{}\" is not a list", key);
  }
  for (const auto& item : v->get_array()) {
    if (!item.is_string()) {
      return Error(Code::kInvalidArgument, "\"{}\" holds a non-string", key);
    }
    out.emplace_back(item.get_string());
  }
  return out;
}

Result<Digest> DigestOf(const json::object& o, std::string_view key) {
  MINI_ASSIGN_OR_RETURN(std::string text, GetString(o, key));
  return Digest::Parse(text);
}

Result<LayerRecord> LayerFromJson(const json::value& v) {
  if (!v.is_object()) {
    return Error(Code::kInvalidArgument, "a layer is not an object");
  }
  const json::object& o = v.get_object();
  LayerRecord l;
  MINI_ASSIGN_OR_RETURN(l.digest, DigestOf(o, "digest"));
  MINI_ASSIGN_OR_RETURN(l.diff_id, DigestOf(o, "diffID"));
  MINI_ASSIGN_OR_RETURN(l.size, GetInt(o, "size"));
  MINI_ASSIGN_OR_RETURN(l.media_type, GetString(o, "mediaType"));
  return l;
}

Result<ImageRecord> FromJson(const json::value& v) {
  if (!v.is_object()) {
    return Error(Code::kInvalidArgument, "an image is not an object");
  }
  const json::object& o = v.get_object();
  ImageRecord r;
  MINI_ASSIGN_OR_RETURN(r.id, DigestOf(o, "id"));
  MINI_ASSIGN_OR_RETURN(r.manifest, DigestOf(o, "manifest"));
  MINI_ASSIGN_OR_RETURN(r.names, StringsOf(o, "names"));
  MINI_ASSIGN_OR_RETURN(r.size, GetInt(o, "size"));
  MINI_ASSIGN_OR_RETURN(r.created, GetString(o, "created"));
  const json::value* layers = o.if_contains("layers");
  if (layers == nullptr || !layers->is_array()) {
    return Error(Code::kInvalidArgument, "\"layers\" is not a list");
  }
  for (const auto& l : layers->get_array()) {
    MINI_ASSIGN_OR_RETURN(LayerRecord layer, LayerFromJson(l));
    r.layers.push_back(std::move(layer));
  }
  return r;
}

bool IsHex(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

Result<Match> ByIdPrefix(const std::vector<ImageRecord>& records, std::string_view ref) {
  std::vector<size_t> found;
  for (size_t i = 0; i < records.size(); ++i) {
    if (records[i].id.hex().starts_with(ref)) {
      found.push_back(i);
    }
  }
  if (found.size() > 1) {
    return Error(Code::kInvalidArgument, "\"{}\" is the start of {} image IDs; give more of it",
                 ref, found.size());
  }
  if (found.empty()) {
    return Error(Code::kNotFound, "no image \"{}\"", ref);
  }
  return Match{found[0], ""};
}

}  // namespace

Result<std::vector<ImageRecord>> RecordFile::Read() const {
  auto text = ReadFile(File());
  if (!text.ok()) {
    if (text.status().code() == Code::kNotFound) {
      return std::vector<ImageRecord>();
    }
    return text.status();
  }
  MINI_ASSIGN_OR_RETURN(json::value v, ParseJson(*text, File().string()));
  const json::value* images = v.is_object() ? v.get_object().if_contains("images") : nullptr;
  if (images == nullptr || !images->is_array()) {
    return Error(Code::kInvalidArgument, "{} is damaged: no \"images\" list", File().string());
  }
  std::vector<ImageRecord> out;
  for (const auto& item : images->get_array()) {
    auto record = FromJson(item);
    if (!record.ok()) {
      return record.status().WithContext("{} is damaged", File().string());
    }
    out.push_back(std::move(*record));
  }
  MINI_RETURN_IF_ERROR(ReadUsers(out));
  return out;
}

// <root>/users/<image hex>/<user>: empty files, so reading every user is listing directories.
Status RecordFile::ReadUsers(std::vector<ImageRecord>& records) const {
  std::error_code error;
  for (auto& r : records) {
    for (const auto& entry : std::filesystem::directory_iterator(UsersDir() / r.id.hex(), error)) {
      r.users.push_back(entry.path().filename().string());
    }
  }
  return Status::Ok();  // no directory: no users
}

Status RecordFile::AddUser(const std::string& user, const Digest& image) const {
  if (user.empty() || user == "." || user == ".." || user.find('/') != std::string::npos) {
    return Error(Code::kInvalidArgument, "\"{}\" cannot name an image's user", user);
  }
  MINI_RETURN_IF_ERROR(RemoveUser(user));  // a user runs on one image
  std::filesystem::path dir = UsersDir() / image.hex();
  MINI_RETURN_IF_ERROR(MakeDirs(dir));
  return AtomicWriteFile(dir / user, "", 0600, Durability::kVolatile);
}

Status RecordFile::RemoveUser(const std::string& user) const {
  if (user.empty() || user.find('/') != std::string::npos) return Status::Ok();
  std::error_code error;
  for (const auto& image : std::filesystem::directory_iterator(UsersDir(), error)) {
    std::error_code removed;
    std::filesystem::remove(image.path() / user, removed);
    if (removed) {
      return Error(Code::kInternal, "removing the user {} of an image: {}", user,
                   removed.message());
    }
  }
  return Status::Ok();
}

Status RecordFile::Inspect(
    const std::function<Status(const std::vector<ImageRecord>&)>& use) const {
  MINI_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(root_ / "images.lock", lock_timeout_));
  MINI_ASSIGN_OR_RETURN(std::vector<ImageRecord> records, Read());
  return use(records);
}

Status RecordFile::Update(const std::function<Status(std::vector<ImageRecord>&)>& change) const {
  MINI_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(root_ / "images.lock", lock_timeout_));
  MINI_ASSIGN_OR_RETURN(std::vector<ImageRecord> records, Read());
  MINI_RETURN_IF_ERROR(change(records));
  json::array images;
  for (const auto& r : records) {
    images.push_back(ToJson(r));
  }
  return AtomicWriteFile(File(),
                         PrettyJson(json::object{{"version", kFormatVersion}, {"images", images}}));
}

Result<Match> FindImage(const std::vector<ImageRecord>& records, std::string_view ref) {
  if (ref.starts_with("sha256:")) {
    MINI_ASSIGN_OR_RETURN(Digest digest, Digest::Parse(ref));
    for (size_t i = 0; i < records.size(); ++i) {
      if (records[i].id == digest || records[i].manifest == digest) {
        return Match{i, ""};
      }
    }
    return Error(Code::kNotFound, "no image \"{}\"", ref);
  }
  if (auto parsed = ParseReference(ref); parsed.ok()) {
    std::string name = parsed->String();
    for (size_t i = 0; i < records.size(); ++i) {
      const auto& r = records[i];
      if (!parsed->digest.empty() && r.manifest.String() == parsed->digest) {
        return Match{i, ""};
      }
      if (std::find(r.names.begin(), r.names.end(), name) != r.names.end()) {
        return Match{i, name};
      }
    }
  }
  if (ref.size() >= kMinIdPrefix && IsHex(ref)) {
    return ByIdPrefix(records, ref);
  }
  return Error(Code::kNotFound, "no image \"{}\"", ref);
}

}  // namespace mini::cluster::runtime::image
