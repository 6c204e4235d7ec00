#include "cluster/api/patch/json_pointer.h"

#include "cluster/api/patch/errors.h"

namespace mini::cluster::api::patch {

Result<JsonPointer> JsonPointer::Parse(std::string_view text) {
  JsonPointer pointer;
  pointer.text_ = std::string(text);
  if (text.empty()) return pointer;
  if (text.front() != '/') {
    return MalformedPatch("JSON pointer {:?} must be empty or start with '/'", text);
  }
  std::string token;
  for (size_t i = 1; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '/') {
      pointer.tokens_.push_back(std::move(token));
      token.clear();
      continue;
    }
    if (text[i] != '~') {
      token += text[i];
      continue;
    }
    // Escapes decode in one pass, so "~01" is "~1" and never "/".
    if (i + 1 < text.size() && (text[i + 1] == '0' || text[i + 1] == '1')) {
      token += text[i + 1] == '0' ? '~' : '/';
      ++i;
      continue;
    }
    return MalformedPatch("JSON pointer {:?} has a '~' not followed by '0' or '1'", text);
  }
  return pointer;
}

bool JsonPointer::IsProperPrefixOf(const JsonPointer& other) const {
  if (tokens_.size() >= other.tokens_.size()) return false;
  for (size_t i = 0; i < tokens_.size(); ++i) {
    if (tokens_[i] != other.tokens_[i]) return false;
  }
  return true;
}

}  // namespace mini::cluster::api::patch
