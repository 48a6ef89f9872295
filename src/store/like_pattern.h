// The LIKE pattern of a text match (base/filter_operators.h), for the SQL
// renderers of every backend. Stateless; thread-safe.
#ifndef CRM_STORE_LIKE_PATTERN_H_
#define CRM_STORE_LIKE_PATTERN_H_

#include <string>

#include "absl/strings/string_view.h"
#include "base/filter_operators.h"

namespace crm::store {

// A LIKE pattern, with '\' as its ESCAPE character, that matches `text`
// literally where `match` anchors it: anywhere, at the start or at the end.
inline std::string LikePattern(TextMatch match, absl::string_view text) {
  std::string literal;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') literal.push_back('\\');
    literal.push_back(c);
  }
  switch (match) {
    case TextMatch::kStart:
      return literal + "%";
    case TextMatch::kEnd:
      return "%" + literal;
    case TextMatch::kAnywhere:
    case TextMatch::kNone:
      break;
  }
  return "%" + literal + "%";
}

}  // namespace crm::store

#endif  // CRM_STORE_LIKE_PATTERN_H_
