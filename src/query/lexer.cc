#include "query/lexer.h"

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "base/utf8.h"

namespace crm::query {
namespace {

absl::Status SyntaxError(size_t position, absl::string_view message) {
  return WithPosition(
      MakeError(ErrorCode::kInvalidArgument,
                absl::StrCat("filter, at byte ", position, ": ", message), "",
                Rule::kSyntax),
      static_cast<int64_t>(position));
}

bool IsWordStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool IsWordPart(char c) {
  return IsWordStart(c) || (c >= '0' && c <= '9') || c == '.';
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

absl::StatusOr<std::vector<Token>> Lex(absl::string_view text) {
  if (text.size() > kMaxFilterBytes) {
    return SyntaxError(kMaxFilterBytes, "a filter is at most 64 KiB");
  }
  size_t bad = 0;
  if (!IsValidUtf8(text, &bad)) {
    return SyntaxError(bad, "not valid UTF-8");
  }
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    Token token;
    token.position = i;
    if (IsWordStart(c)) {
      size_t start = i;
      while (i < text.size() && IsWordPart(text[i])) ++i;
      token.kind = Token::Kind::kWord;
      token.text = std::string(text.substr(start, i - start));
    } else if (IsDigit(c) ||
               (c == '.' && i + 1 < text.size() && IsDigit(text[i + 1]))) {
      size_t start = i;
      while (i < text.size() && IsDigit(text[i])) ++i;
      if (i < text.size() && text[i] == '.') {
        ++i;
        while (i < text.size() && IsDigit(text[i])) ++i;
      }
      if (i < text.size() && IsWordStart(text[i])) {
        return SyntaxError(i, "a number runs into a word");
      }
      token.kind = Token::Kind::kNumber;
      token.text = std::string(text.substr(start, i - start));
    } else if (c == '\'') {
      ++i;
      std::string contents;
      while (true) {
        if (i >= text.size()) {
          return SyntaxError(token.position, "unclosed string");
        }
        if (text[i] == '\'') {
          if (i + 1 < text.size() && text[i + 1] == '\'') {
            contents.push_back('\'');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        contents.push_back(text[i++]);
      }
      token.kind = Token::Kind::kString;
      token.text = std::move(contents);
    } else if (c == '?') {
      ++i;
      token.kind = Token::Kind::kParameter;
    } else if (c == ':') {
      ++i;
      size_t start = i;
      while (i < text.size() && IsWordPart(text[i]) && text[i] != '.') ++i;
      if (i == start) return SyntaxError(start, "':' must start a name");
      token.kind = Token::Kind::kParameter;
      token.text = std::string(text.substr(start, i - start));
    } else {
      static constexpr absl::string_view kTwoChar[] = {"!=", "<>", "<=", ">="};
      token.kind = Token::Kind::kSymbol;
      absl::string_view two = text.substr(i, 2);
      bool matched = false;
      for (absl::string_view symbol : kTwoChar) {
        if (two == symbol) {
          token.text = std::string(symbol);
          i += 2;
          matched = true;
          break;
        }
      }
      if (!matched) {
        if (absl::string_view("(),=<>-").find(c) == absl::string_view::npos) {
          return SyntaxError(
              i, absl::StrCat("unexpected character '",
                              text.substr(i, Utf8CharLength(text, i)), "'"));
        }
        token.text = std::string(1, c);
        ++i;
      }
    }
    tokens.push_back(std::move(token));
  }
  Token end;
  end.kind = Token::Kind::kEnd;
  end.position = text.size();
  tokens.push_back(end);
  return tokens;
}

}  // namespace crm::query
