// The filter language: text to syntax tree.
//
//   filter     := or
//   or         := and ("or" and)*
//   and        := unary ("and" unary)*
//   unary      := "not" unary | "(" or ")" | comparison
//   comparison := field ( ("=" | "!=" | "<>" | "<" | "<=" | ">" | ">=") operand
//               | "between" operand "and" operand
//               | ["not"] "in" "(" operand ("," operand)* ")"
//               | "is" ["not"] "null"
//               | ("contains" | "icontains") operand
//               | ("starts" | "istarts" | "ends" | "iends") "with" operand
//               | "has" ["any" | "all"] (operand | "(" operand, ... ")")
//               | "matches" operand
//               | "within" ("last" | "next") NUMBER unit
//               | "within" ("this" | "previous") unit )
//   operand    := 'text' | NUMBER | "-" NUMBER | "true" | "false"
//               | "?" | ":" name
//   unit       := day[s] | week[s] | month[s] | quarter[s] | year[s]
//
// Keywords are case-insensitive; field names are as defined (a dotted name
// such as customer.stage reaches a related record).
#ifndef CRM_QUERY_PARSER_H_
#define CRM_QUERY_PARSER_H_

#include <memory>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "query/ast.h"

namespace crm::query {

// Parentheses and "not" nest at most this deep.
inline constexpr int kMaxNesting = 64;

// The tree of `text`; errors are invalid-argument errors with rule "syntax"
// and the byte position.
absl::StatusOr<std::unique_ptr<Expr>> Parse(absl::string_view text);

// The field names a tree refers to.
void CollectFields(const Expr& expr, std::set<std::string>* fields);

}  // namespace crm::query

#endif  // CRM_QUERY_PARSER_H_
