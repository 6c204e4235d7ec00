#include "cluster/runtime/registry/credentials.h"

#include <openssl/evp.h>

#include <boost/json.hpp>
#include <cctype>

namespace mini::cluster::runtime::registry {
namespace json = boost::json;

namespace {

Result<std::string> DecodeBase64(std::string_view text, std::string_view what) {
  if (text.size() % 4 != 0) {
    return Error(Code::kInvalidArgument, "{} is not base64: its length is not a multiple of 4",
                 what);
  }
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) {
    return Error(Code::kInvalidArgument, "{} is not base64", what);
  }
  // EVP_DecodeBlock counts the padding as zero bytes.
  size_t padding = text.ends_with("==") ? 2 : text.ends_with("=") ? 1 : 0;
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

std::string StringField(const json::object& object, std::string_view key) {
  const json::value* v = object.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : "";
}

Result<image::RegistryCredential> ParseEntry(std::string_view key, const json::value& entry) {
  std::string what = "the credentials for \"" + std::string(key) + "\"";
  if (!entry.is_object()) {
    return Error(Code::kInvalidArgument, "{} are not an object", what);
  }
  const json::object& object = entry.get_object();
  image::RegistryCredential credential{RegistryHost(key), StringField(object, "username"),
                                       StringField(object, "password")};
  std::string auth = StringField(object, "auth");
  if (!auth.empty()) {
    MINI_ASSIGN_OR_RETURN(std::string pair, DecodeBase64(auth, "the \"auth\" of " + what));
    size_t colon = pair.find(':');
    if (colon == std::string::npos) {
      return Error(Code::kInvalidArgument, "the \"auth\" of {} is not user:password", what);
    }
    credential.username = pair.substr(0, colon);
    credential.password = pair.substr(colon + 1);
  }
  return credential;
}

}  // namespace

Result<image::PullCredentials> ParseDockerConfigJson(std::string_view text) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec) {
    return Error(Code::kInvalidArgument, "{} is not JSON: {}", kDockerConfigJsonKey, ec.message());
  }
  const json::value* auths = doc.is_object() ? doc.get_object().if_contains("auths") : nullptr;
  if (auths == nullptr || !auths->is_object()) {
    return Error(Code::kInvalidArgument, "{} has no \"auths\" object", kDockerConfigJsonKey);
  }
  image::PullCredentials credentials;
  for (const auto& [key, entry] : auths->get_object()) {
    MINI_ASSIGN_OR_RETURN(image::RegistryCredential credential, ParseEntry(key, entry));
    if (!credential.username.empty() || !credential.password.empty()) {
      credentials.push_back(std::move(credential));
    }
  }
  return credentials;
}

std::string RegistryHost(std::string_view key) {
  if (size_t scheme = key.find("://"); scheme != std::string_view::npos) {
    key.remove_prefix(scheme + 3);
  }
  key = key.substr(0, key.find('/'));
  std::string host(key);
  for (char& c : host) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (host == "index.docker.io" || host == "registry-1.docker.io" ||
      host == "registry.hub.docker.com") {
    return "docker.io";
  }
  return host;
}

const image::RegistryCredential* FindCredential(const image::PullCredentials& credentials,
                                                std::string_view registry) {
  std::string host = RegistryHost(registry);
  for (const image::RegistryCredential& credential : credentials) {
    if (RegistryHost(credential.registry) == host) {
      return &credential;
    }
  }
  return nullptr;
}

std::string EncodeBase64(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()),
                          static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

}  // namespace mini::cluster::runtime::registry
