#include "cluster/api/patch/json_patch.h"

#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "cluster/api/patch/errors.h"
#include "cluster/api/patch/json_order.h"

namespace mini::cluster::api::patch {
namespace json = boost::json;

namespace {

struct OpName {
  std::string_view name;
  JsonPatchOp op;
};
constexpr OpName kOps[] = {
    {"add", JsonPatchOp::kAdd},         {"remove", JsonPatchOp::kRemove},
    {"replace", JsonPatchOp::kReplace}, {"move", JsonPatchOp::kMove},
    {"copy", JsonPatchOp::kCopy},       {"test", JsonPatchOp::kTest},
};

std::string_view NameOf(JsonPatchOp op) {
  for (const OpName& entry : kOps) {
    if (entry.op == op) return entry.name;
  }
  return "?";
}

Result<JsonPointer> PointerMember(const json::object& operation, std::string_view key,
                                  size_t index) {
  const json::value* v = operation.if_contains(key);
  if (v == nullptr || !v->is_string()) {
    return MalformedPatch("json patch operation {} has no string {:?}", index, key);
  }
  return JsonPointer::Parse(std::string_view(v->get_string()));
}

Result<JsonPatchOperation> ParseOperation(const json::value& element, size_t index) {
  if (!element.is_object()) {
    return MalformedPatch("json patch operation {} is not an object", index);
  }
  const json::object& object = element.get_object();
  const json::value* op = object.if_contains("op");
  if (op == nullptr || !op->is_string()) {
    return MalformedPatch("json patch operation {} has no string \"op\"", index);
  }
  JsonPatchOperation operation;
  std::string_view name = op->get_string();
  bool known = false;
  for (const OpName& entry : kOps) {
    if (entry.name == name) {
      operation.op = entry.op;
      known = true;
    }
  }
  if (!known) return MalformedPatch("Unexpected kind: {}", name);
  MINI_ASSIGN_OR_RETURN(operation.path, PointerMember(object, "path", index));
  switch (operation.op) {
    case JsonPatchOp::kAdd:
    case JsonPatchOp::kReplace:
    case JsonPatchOp::kTest: {
      const json::value* value = object.if_contains("value");
      if (value == nullptr) {
        return MalformedPatch("json patch {} operation {} has no \"value\"", name, index);
      }
      operation.value = *value;
      break;
    }
    case JsonPatchOp::kMove:
    case JsonPatchOp::kCopy: {
      MINI_ASSIGN_OR_RETURN(operation.from, PointerMember(object, "from", index));
      break;
    }
    case JsonPatchOp::kRemove:
      break;
  }
  return operation;
}

// An array index token: "0" or digits without a leading zero.
bool ParseIndex(const std::string& token, size_t& index) {
  if (token.empty() || token.size() > 18 || (token.size() > 1 && token[0] == '0')) return false;
  index = 0;
  for (char c : token) {
    if (c < '0' || c > '9') return false;
    index = index * 10 + static_cast<size_t>(c - '0');
  }
  return true;
}

// The value `tokens[0, count)` names, or nullptr when it does not exist.
json::value* Walk(json::value& root, const std::vector<std::string>& tokens, size_t count) {
  json::value* current = &root;
  for (size_t i = 0; i < count; ++i) {
    if (json::object* object = current->if_object()) {
      current = object->if_contains(tokens[i]);
    } else if (json::array* array = current->if_array()) {
      size_t index = 0;
      current = ParseIndex(tokens[i], index) && index < array->size() ? &(*array)[index] : nullptr;
    } else {
      current = nullptr;
    }
    if (current == nullptr) return nullptr;
  }
  return current;
}

json::value* Find(json::value& root, const JsonPointer& pointer) {
  return Walk(root, pointer.tokens(), pointer.tokens().size());
}

json::value* Parent(json::value& root, const JsonPointer& pointer) {
  return Walk(root, pointer.tokens(), pointer.tokens().size() - 1);
}

Status Missing(std::string_view op, const JsonPointer& pointer) {
  return PatchNotApplicable(
      "{} operation does not apply: doc is missing path: \"{}\": missing value", op,
      pointer.text());
}

Status Add(json::value& root, const JsonPointer& path, json::value value, std::string_view op) {
  if (path.IsRoot()) {
    root = std::move(value);
    return Status::Ok();
  }
  json::value* parent = Parent(root, path);
  const std::string& last = path.tokens().back();
  if (parent != nullptr && parent->is_object()) {
    parent->get_object()[last] = std::move(value);
    return Status::Ok();
  }
  if (parent != nullptr && parent->is_array()) {
    json::array& array = parent->get_array();
    size_t index = 0;
    if (last == "-") {
      array.push_back(std::move(value));
      return Status::Ok();
    }
    if (!ParseIndex(last, index) || index > array.size()) {
      return PatchNotApplicable(
          "{} operation does not apply: index {:?} is out of bounds in \"{}\"", op, last,
          path.text());
    }
    array.insert(array.begin() + static_cast<std::ptrdiff_t>(index), std::move(value));
    return Status::Ok();
  }
  return Missing(op, path);
}

Result<json::value> Remove(json::value& root, const JsonPointer& path, std::string_view op) {
  if (path.IsRoot()) {
    return PatchNotApplicable("{} operation does not apply: cannot remove the whole document", op);
  }
  json::value* parent = Parent(root, path);
  const std::string& last = path.tokens().back();
  if (parent != nullptr && parent->is_object()) {
    json::object& object = parent->get_object();
    auto it = object.find(last);
    if (it != object.end()) {
      json::value removed = std::move(it->value());
      object.erase(it);
      return removed;
    }
  } else if (parent != nullptr && parent->is_array()) {
    json::array& array = parent->get_array();
    size_t index = 0;
    if (ParseIndex(last, index) && index < array.size()) {
      json::value removed = std::move(array[index]);
      array.erase(array.begin() + static_cast<std::ptrdiff_t>(index));
      return removed;
    }
  }
  return Missing(op, path);
}

Status Test(json::value& doc, const JsonPatchOperation& operation) {
  json::value* target = Find(doc, operation.path);
  if (target == nullptr) {
    json::value* parent = Parent(doc, operation.path);
    if (parent == nullptr || !(parent->is_object() || parent->is_array())) {
      return PatchNotApplicable("test operation does not apply: is missing path: {}",
                                operation.path.text());
    }
  }
  // A missing member equals null, as in Kubernetes' JSON Patch implementation.
  bool equal = target != nullptr ? JsonEqual(*target, operation.value) : operation.value.is_null();
  if (!equal) {
    return PatchNotApplicable("testing value {} failed: test failed", operation.path.text());
  }
  return Status::Ok();
}

Status ApplyOne(json::value& doc, const JsonPatchOperation& operation) {
  std::string_view name = NameOf(operation.op);
  switch (operation.op) {
    case JsonPatchOp::kAdd:
      return Add(doc, operation.path, operation.value, name);
    case JsonPatchOp::kRemove:
      return Remove(doc, operation.path, name).status();
    case JsonPatchOp::kReplace: {
      json::value* target = Find(doc, operation.path);
      if (target == nullptr) {
        return PatchNotApplicable(
            "replace operation does not apply: doc is missing key: {}: missing value",
            operation.path.text());
      }
      *target = operation.value;
      return Status::Ok();
    }
    case JsonPatchOp::kMove: {
      if (operation.from.IsProperPrefixOf(operation.path)) {
        return PatchNotApplicable("move operation does not apply: \"{}\" is inside \"{}\"",
                                  operation.path.text(), operation.from.text());
      }
      if (Find(doc, operation.from) == nullptr) {
        return PatchNotApplicable(
            "move operation does not apply: doc is missing from path: {}: missing value",
            operation.from.text());
      }
      if (operation.from.tokens() == operation.path.tokens()) return Status::Ok();
      MINI_ASSIGN_OR_RETURN(json::value moved, Remove(doc, operation.from, name));
      return Add(doc, operation.path, std::move(moved), name);
    }
    case JsonPatchOp::kCopy: {
      json::value* source = Find(doc, operation.from);
      if (source == nullptr) {
        return PatchNotApplicable(
            "copy operation does not apply: doc is missing from path: {}: missing value",
            operation.from.text());
      }
      json::value copy = *source;
      return Add(doc, operation.path, std::move(copy), name);
    }
    case JsonPatchOp::kTest:
      return Test(doc, operation);
  }
  return Status::Ok();
}

}  // namespace

Result<JsonPatch> ParseJsonPatch(const json::value& document) {
  if (!document.is_array()) {
    return MalformedPatch("json patch must be an array of operations");
  }
  JsonPatch patch;
  patch.reserve(document.get_array().size());
  size_t index = 0;
  for (const json::value& element : document.get_array()) {
    MINI_ASSIGN_OR_RETURN(JsonPatchOperation operation, ParseOperation(element, index++));
    patch.push_back(std::move(operation));
  }
  return patch;
}

Result<json::value> ApplyJsonPatch(json::value target, const JsonPatch& patch) {
  for (const JsonPatchOperation& operation : patch) {
    MINI_RETURN_IF_ERROR(ApplyOne(target, operation));
  }
  return target;
}

}  // namespace mini::cluster::api::patch
