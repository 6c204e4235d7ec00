#include "cluster/runtime/registry/challenge.h"

#include <cctype>

namespace mini::cluster::runtime::registry {
namespace {

// RFC 7230 tchar.
bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// A cursor over the header; Fail() names the header so a registry's odd answer can be reported.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  size_t pos() const { return pos_; }
  void Rewind(size_t pos) { pos_ = pos; }

  void SkipSpace() {
    while (!AtEnd() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  void SkipSpaceAndCommas() {
    while (!AtEnd() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == ',')) ++pos_;
  }
  std::string_view Token() {
    size_t start = pos_;
    while (!AtEnd() && IsTokenChar(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }
  // token68: a token optionally followed by '=' padding (a credential blob, never a param).
  bool SkipToken68() {
    size_t start = pos_;
    while (!AtEnd() && (IsTokenChar(text_[pos_]) || text_[pos_] == '/')) ++pos_;
    while (!AtEnd() && text_[pos_] == '=') ++pos_;
    return pos_ > start;
  }
  Result<std::string> Quoted() {
    ++pos_;  // the opening quote
    std::string out;
    while (!AtEnd() && text_[pos_] != '"') {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
      out += text_[pos_++];
    }
    if (AtEnd()) {
      return Fail("a quoted value is not terminated");
    }
    ++pos_;
    return out;
  }
  Status Fail(std::string_view why) const {
    return Error(Code::kInvalidArgument, "malformed WWW-Authenticate header \"{}\": {}", text_,
                 why);
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// Reads "name=value" pairs into `challenge` until the next challenge's scheme or the end.
Status ReadParams(Scanner& s, Challenge& challenge) {
  while (true) {
    s.SkipSpaceAndCommas();
    if (s.AtEnd()) {
      return Status::Ok();
    }
    size_t start = s.pos();
    std::string_view name = s.Token();
    if (name.empty()) {
      return s.Fail(std::string("unexpected character '") + s.Peek() + "'");
    }
    s.SkipSpace();
    if (s.Peek() != '=') {
      s.Rewind(start);  // a scheme: the next challenge starts here
      return Status::Ok();
    }
    s.Rewind(s.pos() + 1);
    s.SkipSpace();
    std::string value;
    if (s.Peek() == '"') {
      MINI_ASSIGN_OR_RETURN(value, s.Quoted());
    } else {
      value = std::string(s.Token());
      if (value.empty()) {
        return s.Fail("parameter \"" + std::string(name) + "\" has no value");
      }
    }
    challenge.params[Lower(name)] = std::move(value);
  }
}

}  // namespace

Result<std::vector<Challenge>> ParseChallenges(std::string_view header) {
  Scanner s(header);
  std::vector<Challenge> challenges;
  while (true) {
    s.SkipSpaceAndCommas();
    if (s.AtEnd()) {
      break;
    }
    Challenge challenge;
    challenge.scheme = Lower(s.Token());
    if (challenge.scheme.empty()) {
      return s.Fail(std::string("expected an authentication scheme at '") + s.Peek() + "'");
    }
    s.SkipSpace();
    size_t after_scheme = s.pos();
    std::string_view name = s.Token();
    s.SkipSpace();
    bool is_param = !name.empty() && s.Peek() == '=';
    if (is_param) {  // "name=value" and not token68's padding "abc=="
      s.Rewind(s.pos() + 1);
      s.SkipSpace();
      is_param = !s.AtEnd() && s.Peek() != '=' && s.Peek() != ',';
    }
    s.Rewind(after_scheme);
    if (!is_param && !s.AtEnd() && s.Peek() != ',') {
      // token68 (or a bare next scheme, which is read as this one's token68: neither is used).
      s.SkipToken68();
    } else {
      MINI_RETURN_IF_ERROR(ReadParams(s, challenge));
    }
    challenges.push_back(std::move(challenge));
  }
  if (challenges.empty()) {
    return s.Fail("it names no challenge");
  }
  return challenges;
}

}  // namespace mini::cluster::runtime::registry
