// JSON Pointer (RFC 6901), as JSON Patch paths use it: "/spec/containers/0/image", with "~1"
// for '/' and "~0" for '~' inside a token ("/metadata/labels/app.kubernetes.io~1name").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace mini::cluster::api::patch {

class JsonPointer {
 public:
  JsonPointer() = default;  // "": the whole document

  /// kInvalidArgument (malformed patch) unless `text` is "" or starts with '/' and every '~'
  /// is followed by '0' or '1'.
  static Result<JsonPointer> Parse(std::string_view text);

  /// The unescaped reference tokens; empty for the whole document.
  const std::vector<std::string>& tokens() const { return tokens_; }
  /// The pointer as it was written, for error messages.
  const std::string& text() const { return text_; }
  bool IsRoot() const { return tokens_.empty(); }
  /// True when `other` points strictly inside the value this pointer names.
  bool IsProperPrefixOf(const JsonPointer& other) const;

 private:
  std::string text_;
  std::vector<std::string> tokens_;
};

}  // namespace mini::cluster::api::patch
