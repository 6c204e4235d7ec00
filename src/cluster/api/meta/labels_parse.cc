// The `labelSelector` text syntax: a lexer and a recursive-descent parser whose accepted
// language and error messages match upstream's, so that kubectl users see the same answers.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cluster/api/meta/labels.h"

namespace mini::api::meta {
namespace {

enum class Tok {
  kEnd,
  kIdentifier,
  kIn,
  kNotIn,
  kBang,
  kEquals,
  kDoubleEquals,
  kNotEquals,
  kGreater,
  kLess,
  kOpenPar,
  kClosePar,
  kComma,
};

struct Token {
  Tok kind;
  std::string text;
};

bool IsWhitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsSpecial(char c) { return std::string_view("=!(),><").find(c) != std::string_view::npos; }

std::optional<Tok> SymbolKind(std::string_view s) {
  static constexpr std::pair<std::string_view, Tok> kSymbols[] = {
      {"=", Tok::kEquals},  {"==", Tok::kDoubleEquals}, {"!=", Tok::kNotEquals},
      {"!", Tok::kBang},    {">", Tok::kGreater},       {"<", Tok::kLess},
      {"(", Tok::kOpenPar}, {")", Tok::kClosePar},      {",", Tok::kComma}};
  for (const auto& [text, kind] : kSymbols) {
    if (s == text) return kind;
  }
  return std::nullopt;
}

// The longest run of special characters that still spells an operator, so "!=" is one token
// but "=(" is two, as upstream's lexer splits them.
Token ScanSymbol(std::string_view text, size_t& pos) {
  Token token{Tok::kEnd, ""};
  for (size_t len = 1; pos + len <= text.size() && IsSpecial(text[pos + len - 1]); ++len) {
    std::optional<Tok> kind = SymbolKind(text.substr(pos, len));
    if (!kind) break;
    token = {*kind, std::string(text.substr(pos, len))};
  }
  pos += token.text.size();
  return token;
}

// Everything up to whitespace or a special character is one word, whatever it contains: bad
// characters are reported by key or value validation, with upstream's messages.
Token ScanWord(std::string_view text, size_t& pos) {
  size_t start = pos;
  while (pos < text.size() && !IsWhitespace(text[pos]) && !IsSpecial(text[pos])) ++pos;
  std::string word(text.substr(start, pos - start));
  Tok kind = word == "in" ? Tok::kIn : word == "notin" ? Tok::kNotIn : Tok::kIdentifier;
  return {kind, std::move(word)};
}

std::vector<Token> Tokenize(std::string_view text) {
  std::vector<Token> tokens;
  size_t pos = 0;
  while (true) {
    while (pos < text.size() && IsWhitespace(text[pos])) ++pos;
    if (pos == text.size()) break;
    tokens.push_back(IsSpecial(text[pos]) ? ScanSymbol(text, pos) : ScanWord(text, pos));
  }
  tokens.push_back({Tok::kEnd, ""});
  return tokens;
}

template <typename... Args>
Status Fail(fmt::format_string<Args...> format, Args&&... args) {
  return Error(Code::kInvalidArgument, format, std::forward<Args>(args)...);
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Result<std::vector<LabelRequirement>> ParseAll() {
    std::vector<LabelRequirement> requirements;
    while (true) {
      Token look = Peek();
      if (look.kind == Tok::kEnd) return requirements;
      if (look.kind != Tok::kIdentifier && look.kind != Tok::kBang) {
        return Fail("found '{}', expected: !, identifier, or 'end of string'", look.text);
      }
      Result<LabelRequirement> r = ParseRequirement();
      if (!r.ok()) return r.status().WithContext("unable to parse requirement");
      requirements.push_back(std::move(r).value());
      Token sep = Next();
      if (sep.kind == Tok::kEnd) return requirements;
      if (sep.kind != Tok::kComma) {
        return Fail("found '{}', expected: ',' or 'end of string'", sep.text);
      }
      look = Peek();
      if (look.kind != Tok::kIdentifier && look.kind != Tok::kBang) {
        return Fail("found '{}', expected: identifier after ','", look.text);
      }
    }
  }

 private:
  // Where a value or key is expected, "in" and "notin" are ordinary words: `in=notin` is valid.
  static Token AsWord(Token t) {
    if (t.kind == Tok::kIn || t.kind == Tok::kNotIn) t.kind = Tok::kIdentifier;
    return t;
  }
  Token Peek() const { return AsWord(tokens_[pos_]); }
  Token NextRaw() { return pos_ + 1 < tokens_.size() ? tokens_[pos_++] : tokens_.back(); }
  Token Next() { return AsWord(NextRaw()); }

  Result<LabelRequirement> ParseRequirement() {
    Token t = Next();
    bool negated = t.kind == Tok::kBang;
    if (negated) t = Next();
    if (t.kind != Tok::kIdentifier) return Fail("found '{}', expected: identifier", t.text);
    // Upstream checks the key before reading on, with no field path (it prints "<nil>").
    MINI_RETURN_IF_ERROR(ValidateLabelKey(t.text, "<nil>"));
    // "!k" stands alone; whatever follows it is the caller's "expected ','" error.
    if (negated) return MakeLabelRequirement(t.text, LabelOperator::kDoesNotExist, {});
    Tok after = Peek().kind;
    if (after == Tok::kEnd || after == Tok::kComma) {
      return MakeLabelRequirement(t.text, LabelOperator::kExists, {});
    }
    MINI_ASSIGN_OR_RETURN(LabelOperator op, ParseOperator());
    bool is_set = op == LabelOperator::kIn || op == LabelOperator::kNotIn;
    MINI_ASSIGN_OR_RETURN(std::vector<std::string> values,
                          is_set ? ParseValueSet() : ParseExactValue());
    return MakeLabelRequirement(t.text, op, std::move(values));
  }

  Result<LabelOperator> ParseOperator() {
    Token t = NextRaw();
    switch (t.kind) {
      case Tok::kIn:
        return LabelOperator::kIn;
      case Tok::kNotIn:
        return LabelOperator::kNotIn;
      case Tok::kEquals:
        return LabelOperator::kEquals;
      case Tok::kDoubleEquals:
        return LabelOperator::kDoubleEquals;
      case Tok::kNotEquals:
        return LabelOperator::kNotEquals;
      case Tok::kGreater:
        return LabelOperator::kGreaterThan;
      case Tok::kLess:
        return LabelOperator::kLessThan;
      default:
        return Fail("found '{}', expected: in, notin, =, ==, !=, gt, lt", t.text);
    }
  }

  // "(a,b)". Upstream's message here lacks the comma the others have; kept as is.
  Result<std::vector<std::string>> ParseValueSet() {
    Token open = Next();
    if (open.kind != Tok::kOpenPar) return Fail("found '{}' expected: '('", open.text);
    Token look = Peek();
    if (look.kind == Tok::kClosePar) {
      Next();
      return std::vector<std::string>{""};  // "()" is the set holding the empty value
    }
    if (look.kind != Tok::kIdentifier && look.kind != Tok::kComma) {
      return Fail("found '{}', expected: ',', ')' or identifier", look.text);
    }
    MINI_ASSIGN_OR_RETURN(std::vector<std::string> values, ParseValueList());
    if (Next().kind != Tok::kClosePar) return Fail("found '{}', expected: ')'", look.text);
    return values;
  }

  // The inside of "(...)", stopping before ')'. An empty slot before, between or after commas
  // is the empty value: "(,a)", "(a,,b)" and "(a,)" all hold "".
  Result<std::vector<std::string>> ParseValueList() {
    std::vector<std::string> values;
    while (true) {
      Token t = Next();
      if (t.kind == Tok::kIdentifier) {
        values.push_back(std::move(t.text));
        Token look = Peek();
        if (look.kind == Tok::kComma) continue;
        if (look.kind == Tok::kClosePar) return values;
        return Fail("found '{}', expected: ',' or ')'", look.text);
      }
      if (t.kind != Tok::kComma) return Fail("found '{}', expected: ',', or identifier", t.text);
      if (values.empty()) values.emplace_back();
      Tok look = Peek().kind;
      if (look == Tok::kClosePar) {
        values.emplace_back();
        return values;
      }
      if (look == Tok::kComma) {
        Next();
        values.emplace_back();
      }
    }
  }

  // The value after =, ==, !=, > or <; nothing before ',' or the end is the empty value.
  Result<std::vector<std::string>> ParseExactValue() {
    Tok look = Peek().kind;
    if (look == Tok::kEnd || look == Tok::kComma) return std::vector<std::string>{""};
    Token t = Next();
    if (t.kind != Tok::kIdentifier) return Fail("found '{}', expected: identifier", t.text);
    return std::vector<std::string>{std::move(t.text)};
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

}  // namespace

Result<LabelSelector> LabelSelector::Parse(std::string_view text) {
  Parser parser(Tokenize(text));
  MINI_ASSIGN_OR_RETURN(std::vector<LabelRequirement> requirements, parser.ParseAll());
  return LabelSelector(std::move(requirements));
}

}  // namespace mini::api::meta
