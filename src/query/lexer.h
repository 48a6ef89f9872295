// Splits a filter text into tokens.
#ifndef CRM_QUERY_LEXER_H_
#define CRM_QUERY_LEXER_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::query {

struct Token {
  enum class Kind {
    kWord,       // a field name or a keyword (case-insensitive), dots allowed
    kString,     // 'quoted', with '' for a quote; `text` holds the contents
    kNumber,     // digits with an optional fraction
    kParameter,  // ? (text "") or :name (text "name")
    kSymbol,     // ( ) , = != <> < <= > >= -
    kEnd,
  };
  Kind kind = Kind::kEnd;
  std::string text;
  size_t position = 0;  // byte offset of the token's first character
};

// The most bytes of filter text libcrm reads.
inline constexpr size_t kMaxFilterBytes = 64 * 1024;

// Tokens of `text`, ending with a kEnd token. Errors (invalid UTF-8, an
// unclosed string, a stray character, too long a text) carry the position.
absl::StatusOr<std::vector<Token>> Lex(absl::string_view text);

}  // namespace crm::query

#endif  // CRM_QUERY_LEXER_H_
