#include "cluster/runtime/image/manifest.h"

#include <sys/utsname.h>

#include <boost/json.hpp>

#include "common/json.h"

namespace mini::cluster::runtime::image {
namespace json = boost::json;
namespace {

Status Bad(std::string_view what, std::string_view why) {
  return Error(Code::kInvalidArgument, "{}: {}", what, why);
}

Result<json::object> ParseObject(std::string_view text, std::string_view what) {
  MINI_ASSIGN_OR_RETURN(json::value v, ParseJson(text, what));
  if (!v.is_object()) {
    return Bad(what, "not a JSON object");
  }
  return std::move(v.get_object());
}

std::string StringOr(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// A list of strings where Docker may also write null.
Result<std::vector<std::string>> Strings(const json::object& o, std::string_view key,
                                         std::string_view what) {
  std::vector<std::string> out;
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    return out;
  }
  if (!v->is_array()) {
    return Bad(what, fmt::format("\"{}\" is not a list", key));
  }
  for (const auto& item : v->get_array()) {
    if (!item.is_string()) {
      return Bad(what, fmt::format("\"{}\" holds a non-string", key));
    }
    out.emplace_back(item.get_string());
  }
  return out;
}

std::map<std::string, std::string> StringMap(const json::object& o, std::string_view key) {
  std::map<std::string, std::string> out;
  if (const json::value* v = o.if_contains(key); v != nullptr && v->is_object()) {
    for (const auto& [k, value] : v->get_object()) {
      if (value.is_string()) {
        out.emplace(std::string(k), std::string(value.get_string()));
      }
    }
  }
  return out;
}

Result<Descriptor> ParseDescriptor(const json::value& v, std::string_view what) {
  if (!v.is_object()) {
    return Bad(what, "a descriptor is not an object");
  }
  const json::object& o = v.get_object();
  Descriptor d;
  d.media_type = StringOr(o, "mediaType");
  auto digest = Digest::Parse(StringOr(o, "digest"));
  if (!digest.ok()) {
    return Bad(what, digest.status().message());
  }
  d.digest = *digest;
  const json::value* size = o.if_contains("size");
  if (size == nullptr || !size->is_int64() || size->get_int64() < 0) {
    return Bad(what, fmt::format("descriptor {} lacks a valid size", d.digest.String()));
  }
  d.size = size->get_int64();
  d.annotations = StringMap(o, "annotations");
  if (const json::value* p = o.if_contains("platform"); p != nullptr && p->is_object()) {
    d.os = StringOr(p->get_object(), "os");
    d.architecture = StringOr(p->get_object(), "architecture");
    d.variant = StringOr(p->get_object(), "variant");
  }
  return d;
}

Result<std::vector<Descriptor>> Descriptors(const json::object& o, std::string_view key,
                                            std::string_view what) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_array()) {
    return Bad(what, fmt::format("\"{}\" is missing or not a list", key));
  }
  std::vector<Descriptor> out;
  for (const auto& item : v->get_array()) {
    MINI_ASSIGN_OR_RETURN(Descriptor d, ParseDescriptor(item, what));
    out.push_back(std::move(d));
  }
  return out;
}

json::object DescriptorJson(const Descriptor& d) {
  json::object o{{"mediaType", d.media_type}, {"digest", d.digest.String()}, {"size", d.size}};
  if (!d.annotations.empty()) {
    json::object a;
    for (const auto& [k, v] : d.annotations) {
      a[k] = v;
    }
    o["annotations"] = std::move(a);
  }
  return o;
}

}  // namespace

bool IsIndex(std::string_view media_type) {
  return media_type == media_type::kOciIndex || media_type == media_type::kDockerList;
}

Result<std::string> DocumentMediaType(std::string_view text, std::string_view what) {
  MINI_ASSIGN_OR_RETURN(json::object o, ParseObject(text, what));
  if (std::string declared = StringOr(o, "mediaType"); !declared.empty()) {
    return declared;
  }
  if (o.contains("manifests")) {
    return std::string(media_type::kOciIndex);
  }
  if (o.contains("config") && o.contains("layers")) {
    return std::string(media_type::kOciManifest);
  }
  return Bad(what, "neither an image index nor a manifest");
}

Result<ImageIndex> ParseIndex(std::string_view text, std::string_view what) {
  MINI_ASSIGN_OR_RETURN(json::object o, ParseObject(text, what));
  ImageIndex index;
  MINI_ASSIGN_OR_RETURN(index.manifests, Descriptors(o, "manifests", what));
  return index;
}

Result<Manifest> ParseManifest(std::string_view text, std::string_view what) {
  MINI_ASSIGN_OR_RETURN(json::object o, ParseObject(text, what));
  Manifest m;
  m.media_type = StringOr(o, "mediaType");
  const json::value* config = o.if_contains("config");
  if (config == nullptr) {
    return Bad(what, "\"config\" is missing");
  }
  MINI_ASSIGN_OR_RETURN(m.config, ParseDescriptor(*config, what));
  MINI_ASSIGN_OR_RETURN(m.layers, Descriptors(o, "layers", what));
  return m;
}

Result<ImageConfig> ParseConfig(std::string_view text, std::string_view what) {
  MINI_ASSIGN_OR_RETURN(json::object o, ParseObject(text, what));
  ImageConfig c;
  c.created = StringOr(o, "created");
  c.os = StringOr(o, "os");
  c.architecture = StringOr(o, "architecture");
  if (const json::value* run = o.if_contains("config"); run != nullptr && run->is_object()) {
    const json::object& r = run->get_object();
    c.user = StringOr(r, "User");
    c.working_dir = StringOr(r, "WorkingDir");
    c.stop_signal = StringOr(r, "StopSignal");
    MINI_ASSIGN_OR_RETURN(c.entrypoint, Strings(r, "Entrypoint", what));
    MINI_ASSIGN_OR_RETURN(c.cmd, Strings(r, "Cmd", what));
    MINI_ASSIGN_OR_RETURN(c.env, Strings(r, "Env", what));
    c.labels = StringMap(r, "Labels");
    if (const json::value* ports = r.if_contains("ExposedPorts"); ports && ports->is_object()) {
      for (const auto& [port, ignored] : ports->get_object()) {
        c.exposed_ports.emplace_back(port);
      }
    }
  }
  const json::value* rootfs = o.if_contains("rootfs");
  if (rootfs == nullptr || !rootfs->is_object()) {
    return Bad(what, "\"rootfs\" is missing");
  }
  MINI_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                        Strings(rootfs->get_object(), "diff_ids", what));
  for (const auto& id : ids) {
    auto digest = Digest::Parse(id);
    if (!digest.ok()) {
      return Bad(what, digest.status().message());
    }
    c.diff_ids.push_back(*digest);
  }
  return c;
}

std::string ManifestJson(const Manifest& manifest) {
  json::array layers;
  for (const auto& layer : manifest.layers) {
    layers.push_back(DescriptorJson(layer));
  }
  return json::serialize(json::object{{"schemaVersion", 2},
                                      {"mediaType", media_type::kOciManifest},
                                      {"config", DescriptorJson(manifest.config)},
                                      {"layers", std::move(layers)}});
}

std::string LayerMediaType(std::string_view head) {
  if (head.starts_with("\x1f\x8b")) {
    return media_type::kOciLayerGzip;
  }
  if (head.starts_with("\x28\xb5\x2f\xfd")) {
    return media_type::kOciLayerZstd;
  }
  return media_type::kOciLayer;
}

std::string HostArchitecture() {
  struct utsname u {};
  ::uname(&u);
  std::string_view m = u.machine;
  if (m == "x86_64") {
    return "amd64";
  }
  if (m == "aarch64") {
    return "arm64";
  }
  if (m.starts_with("armv")) {
    return "arm";
  }
  if (m == "i386" || m == "i686") {
    return "386";
  }
  return std::string(m);
}

Result<Descriptor> SelectPlatform(const ImageIndex& index, std::string_view what) {
  std::vector<const Descriptor*> candidates;
  for (const auto& d : index.manifests) {
    // Build attestations ride in indexes as manifests for the platform "unknown/unknown".
    if (d.annotations.contains("vnd.docker.reference.type") || d.os == "unknown") {
      continue;
    }
    candidates.push_back(&d);
  }
  std::string arch = HostArchitecture();
  // A variant-less entry is the baseline every machine of the architecture runs; a variant
  // (amd64 "v3") may need instructions this one lacks, so it is only the second choice.
  for (bool any_variant : {false, true}) {
    for (const Descriptor* d : candidates) {
      if (d->os == "linux" && d->architecture == arch && (any_variant || d->variant.empty())) {
        return *d;
      }
    }
  }
  if (candidates.size() == 1 && candidates[0]->os.empty()) {
    return *candidates[0];
  }
  return Error(Code::kNotFound, "{} has no image for linux/{}", what, arch);
}

}  // namespace mini::cluster::runtime::image
