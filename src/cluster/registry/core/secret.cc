#include "cluster/registry/core/secret.h"

#include <boost/json.hpp>
#include <optional>

#include "cluster/registry/core/checks.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::core {
namespace json = boost::json;

namespace {

constexpr size_t kMaxSize = 1024 * 1024;
constexpr const char* kImmutable = "field is immutable when `immutable` is set";
constexpr const char* kRedacted = "<secret contents redacted>";
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64Encode(std::string_view data) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    uint32_t n = (static_cast<uint8_t>(data[i]) << 16) | (static_cast<uint8_t>(data[i + 1]) << 8) |
                 static_cast<uint8_t>(data[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(n >> shift) & 63];
  }
  if (i + 1 == data.size()) {
    uint32_t n = static_cast<uint8_t>(data[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == data.size()) {
    uint32_t n = (static_cast<uint8_t>(data[i]) << 16) | (static_cast<uint8_t>(data[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  size_t padding = 0;
  for (char c : text) {
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding > 0) return std::nullopt;
    size_t value = kAlphabet.find(c);
    if (value == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  if ((text.size() % 4) != 0 || padding > 2) return std::nullopt;
  return out;
}

bool HasKey(const json::object* data, std::string_view key) {
  return data != nullptr && data->contains(key);
}

class SecretStrategy : public Strategy {
 public:
  void Default(json::object& object) const override {
    DefaultString(object, "type", "Opaque");
    // stringData is a write-only convenience: it lands in data and is never stored.
    if (const json::object* plain = ObjectField(object, "stringData")) {
      json::object copy = *plain;
      json::object& data = EnsureObject(object, "data");
      for (const auto& [key, value] : copy) {
        if (value.is_string()) data[key] = Base64Encode(value.get_string());
      }
    }
    object.erase("stringData");
  }

  FieldErrors Validate(const json::object& object) const override {
    FieldErrors errors;
    const json::object* data = ObjectField(object, "data");
    size_t total = 0;
    if (data) {
      for (const auto& [key, value] : *data) {
        AddInvalid(errors, Key("data", key), json::string(key), IsConfigMapKey(key));
        std::optional<std::string> bytes =
            value.is_string() ? Base64Decode(value.get_string()) : std::nullopt;
        if (!bytes && !value.is_null()) {
          errors.push_back(
              Invalid(Key("data", key), json::string(kRedacted), "must be base64-encoded data"));
        }
        if (bytes) total += bytes->size();
      }
    }
    if (total > kMaxSize) errors.push_back(TooLong("data", nullptr, kMaxSize));

    std::string type = StringField(object, "type");
    auto require = [&](std::string_view key) { errors.push_back(Required(Key("data", key))); };
    auto require_json = [&](std::string_view key) {
      if (!HasKey(data, key)) {
        require(key);
        return;
      }
      const json::value& value = data->at(key);
      std::optional<std::string> bytes =
          value.is_string() ? Base64Decode(value.get_string()) : std::nullopt;
      boost::system::error_code ec;
      json::value parsed = json::parse(bytes.value_or(""), ec);
      if (ec || !parsed.is_object()) {
        errors.push_back(Invalid(Key("data", key), json::string(kRedacted),
                                 ec ? "unexpected end of JSON input"
                                    : "json: cannot unmarshal into Go value of type "
                                      "map[string]interface {}"));
      }
    };
    if (type == "kubernetes.io/service-account-token") {
      const json::object* annotations = ObjectAt(object, "metadata.annotations");
      if (annotations == nullptr ||
          StringField(*annotations, "kubernetes.io/service-account.name").empty()) {
        errors.push_back(Required("metadata.annotations[kubernetes.io/service-account.name]"));
      }
    } else if (type == "kubernetes.io/dockercfg") {
      require_json(".dockercfg");
    } else if (type == "kubernetes.io/dockerconfigjson") {
      require_json(".dockerconfigjson");
    } else if (type == "kubernetes.io/basic-auth") {
      if (!HasKey(data, "username") && !HasKey(data, "password")) {
        require("username");
        require("password");
      }
    } else if (type == "kubernetes.io/ssh-auth") {
      if (!HasKey(data, "ssh-privatekey") || (data->at("ssh-privatekey").is_string() &&
                                              data->at("ssh-privatekey").get_string().empty())) {
        require("ssh-privatekey");
      }
    } else if (type == "kubernetes.io/tls") {
      if (!HasKey(data, "tls.crt")) require("tls.crt");
      if (!HasKey(data, "tls.key")) require("tls.key");
    }
    return errors;
  }

  FieldErrors ValidateUpdate(const json::object& object, const json::object& old) const override {
    FieldErrors errors;
    std::string type = StringField(object, "type");
    if (type != StringField(old, "type")) {
      errors.push_back(Invalid("type", json::string(type), kFieldImmutable));
    }
    if (BoolField(old, "immutable")) {
      if (!BoolField(object, "immutable")) errors.push_back(Forbidden("immutable", kImmutable));
      static const json::object kEmpty;
      const json::object* before = ObjectField(old, "data");
      const json::object* after = ObjectField(object, "data");
      if ((before ? *before : kEmpty) != (after ? *after : kEmpty)) {
        errors.push_back(Forbidden("data", kImmutable));
      }
    }
    FieldErrors rest = Validate(object);
    errors.insert(errors.end(), rest.begin(), rest.end());
    return errors;
  }

  std::map<std::string, std::string> SelectableFields(const json::object& object) const override {
    return {{"type", StringField(object, "type")}};
  }

  std::vector<Column> Columns() const override {
    return {{"Name", "string", "name", "Name must be unique within a namespace.", 0},
            {"Type", "string", "", "Used to facilitate programmatic handling of secret data.", 0},
            {"Data", "string", "", "The number of keys in data.", 0},
            {"Age", "string", "", "Time since the Secret was created.", 0}};
  }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    const json::object* data = ObjectField(object, "data");
    return {json::string(StringAt(object, "metadata.name")),
            json::string(StringField(object, "type")),
            static_cast<int64_t>(data ? data->size() : 0), json::string(Age(object, now))};
  }
};

}  // namespace

std::unique_ptr<Strategy> NewSecretStrategy(const StrategyContext&) {
  return std::make_unique<SecretStrategy>();
}

}  // namespace mini::cluster::registry::core
