#include "cluster/kubelet/pods/config_source.h"

#include <openssl/evp.h>

#include <boost/json.hpp>

namespace mini::cluster::kubelet::pods {
namespace json = boost::json;

namespace {

const client::Resource kConfigMaps{"", "v1", "configmaps"};
const client::Resource kSecrets{"", "v1", "secrets"};

class ApiConfigSource final : public ConfigSource {
 public:
  explicit ApiConfigSource(client::Client& client) : client_(client) {}

  Result<std::map<std::string, std::string>> Data(Kind kind, const std::string& name_space,
                                                  const std::string& name) override {
    const bool secret = kind == Kind::kSecret;
    auto object = client_.Get(secret ? kSecrets : kConfigMaps, name_space, name);
    if (!object.ok()) {
      if (object.status().code() != Code::kNotFound) return object.status();
      // The kubelet's words, which kubectl describe shows under the waiting container.
      return Status(Code::kNotFound,
                    fmt::format("{} \"{}\" not found", secret ? "secret" : "configmap", name));
    }
    std::map<std::string, std::string> data;
    for (const char* field : {"data", "binaryData"}) {
      const json::value* map = object->if_contains(field);
      if (map == nullptr || !map->is_object()) continue;
      // A ConfigMap's binaryData and a Secret's data are base64; a ConfigMap's data is text.
      const bool encoded = secret || std::string_view(field) == "binaryData";
      for (const auto& [key, value] : map->get_object()) {
        if (!value.is_string()) continue;
        std::string text(value.get_string());
        if (encoded) {
          MINI_ASSIGN_OR_RETURN(text, DecodeBase64(text));
        }
        data[std::string(key)] = std::move(text);
      }
    }
    return data;
  }

 private:
  client::Client& client_;
};

}  // namespace

std::unique_ptr<ConfigSource> NewApiConfigSource(client::Client& client) {
  return std::make_unique<ApiConfigSource>(client);
}

Result<std::string> DecodeBase64(std::string_view text) {
  if (text.size() % 4 != 0) {
    return Error(Code::kInvalidArgument, "base64 text has {} characters, not a multiple of 4",
                 text.size());
  }
  std::string out(text.size() / 4 * 3, '\0');
  int size = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                             reinterpret_cast<const unsigned char*>(text.data()),
                             static_cast<int>(text.size()));
  if (size < 0) return Error(Code::kInvalidArgument, "invalid base64 text");
  // EVP_DecodeBlock decodes padding as zero bytes: drop one per '='.
  size_t padding = text.ends_with("==") ? 2 : text.ends_with("=") ? 1 : 0;
  out.resize(static_cast<size_t>(size) - padding);
  return out;
}

}  // namespace mini::cluster::kubelet::pods
