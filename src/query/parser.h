// The filter language: text to syntax tree.
//
//   filter     := or
//   or         := and ("or" and)*
//   and        := unary ("and" unary)*
//   unary      := "not" unary | "(" or ")" | comparison
//   comparison := field operator operands
//   operator   := one of base/filter_operators.h (=, != or <>, <, <=, >, >=,
//                 between, [not] in, is [not] null, [i]contains,
//                 [i]starts with, [i]ends with, has [any | all], matches,
//                 within), the longest spelling written
//   operands   := (none: is null)
//               | operand
//               | operand "and" operand                  (between)
//               | "(" operand ("," operand)* ")"          (in)
//               | operand | "(" operand, ... ")"          (has)
//               | ("last" | "next") NUMBER unit | ("this" | "previous") unit
//                                                         (within)
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

// Limits on what a filter may hold. They keep every filter the parser
// accepts within what SQLite can prepare once it is rendered as SQL (see
// store/query_sql.cc), with a margin. SQLite 3.40 with its default limits
// (measured through libcrm, with the costliest comparisons: interned
// names, "has all", full text) overflows its parser stack at 14 levels of
// parentheses when each level holds an "or" over an "and" (each adds two
// levels of SQL), at 27 levels otherwise and at 40 of "not"; it refuses an
// expression deeper than 1000 (from 991 comparisons joined by "and"); and
// a statement binds at most 32,766 values (250,000 in Debian's build).
//
// Parentheses and "not" nest at most this deep (rule "depth").
inline constexpr int kMaxNesting = 10;
// A filter holds at most this many comparisons (rule "terms").
inline constexpr int kMaxComparisons = 500;
// ... and at most this many values, counting each value of a list (rule
// "values").
inline constexpr int kMaxValues = 10000;

// The tree of `text`; errors are invalid-argument errors with the byte
// position and rule "syntax", or "depth", "terms" or "values" for a filter
// past the limits above.
absl::StatusOr<std::unique_ptr<Expr>> Parse(absl::string_view text);

// The field names a tree refers to.
void CollectFields(const Expr& expr, std::set<std::string>* fields);

}  // namespace crm::query

#endif  // CRM_QUERY_PARSER_H_
