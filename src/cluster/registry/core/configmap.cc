#include "cluster/registry/core/configmap.h"

#include <boost/json.hpp>

#include "cluster/registry/core/checks.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::core {
namespace json = boost::json;

namespace {

constexpr size_t kMaxSize = 1024 * 1024;  // what etcd's request limit leaves room for
constexpr const char* kImmutable = "field is immutable when `immutable` is set";

// Decoded length of base64 text, without decoding it.
size_t Base64Size(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  return text.size() * 3 / 4;
}

class ConfigMapStrategy : public Strategy {
 public:
  FieldErrors Validate(const json::object& object) const override {
    FieldErrors errors;
    size_t total = 0;
    const json::object* data = ObjectField(object, "data");
    const json::object* binary = ObjectField(object, "binaryData");
    if (data) {
      for (const auto& [key, value] : *data) {
        std::string path = Key("data", key);
        AddInvalid(errors, path, json::string(key), IsConfigMapKey(key));
        if (binary && binary->contains(key)) {
          errors.push_back(
              Invalid(path, json::string(key), "duplicate of key present in binaryData"));
        }
        if (value.is_string()) total += value.get_string().size();
      }
    }
    if (binary) {
      for (const auto& [key, value] : *binary) {
        AddInvalid(errors, Key("binaryData", key), json::string(key), IsConfigMapKey(key));
        if (value.is_string()) total += Base64Size(value.get_string());
      }
    }
    // Upstream names the whole object with an empty path, which prints as "[]".
    if (total > kMaxSize) errors.push_back(TooLong("[]", nullptr, kMaxSize));
    return errors;
  }

  FieldErrors ValidateUpdate(const json::object& object, const json::object& old) const override {
    FieldErrors errors;
    if (BoolField(old, "immutable")) {
      if (!BoolField(object, "immutable")) errors.push_back(Forbidden("immutable", kImmutable));
      for (const char* field : {"data", "binaryData"}) {
        static const json::object kEmpty;
        const json::object* before = ObjectField(old, field);
        const json::object* after = ObjectField(object, field);
        if ((before ? *before : kEmpty) != (after ? *after : kEmpty)) {
          errors.push_back(Forbidden(field, kImmutable));
        }
      }
    }
    FieldErrors rest = Validate(object);
    errors.insert(errors.end(), rest.begin(), rest.end());
    return errors;
  }

  std::vector<Column> Columns() const override {
    return {{"Name", "string", "name", "Name must be unique within a namespace.", 0},
            {"Data", "string", "", "The number of keys in data and binaryData.", 0},
            {"Age", "string", "", "Time since the ConfigMap was created.", 0}};
  }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    const json::object* data = ObjectField(object, "data");
    const json::object* binary = ObjectField(object, "binaryData");
    auto count = static_cast<int64_t>((data ? data->size() : 0) + (binary ? binary->size() : 0));
    return {json::string(StringAt(object, "metadata.name")), count, json::string(Age(object, now))};
  }
};

}  // namespace

std::unique_ptr<Strategy> NewConfigMapStrategy(const StrategyContext&) {
  return std::make_unique<ConfigMapStrategy>();
}

}  // namespace mini::cluster::registry::core
