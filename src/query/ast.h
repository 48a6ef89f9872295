// The filter language's syntax tree, as parsed, before any field is looked
// up.
#ifndef CRM_QUERY_AST_H_
#define CRM_QUERY_AST_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/filter_operators.h"

namespace crm::query {

// The operators, their spellings and operands: base/filter_operators.h.
using Op = FilterOp;

// A value written in a filter: a literal, a parameter, or a relative span
// of time ("last 30 days", "this quarter").
struct Operand {
  enum class Kind { kString, kNumber, kBoolean, kParameter, kSpan };
  Kind kind = Kind::kString;
  std::string text;      // string contents, number digits, parameter name
  bool boolean = false;  // kBoolean
  // kSpan: "last"/"next" N units, "this"/"previous" unit.
  std::string span_anchor;
  int64_t span_count = 0;
  std::string span_unit;  // day, week, month, quarter, year
  size_t position = 0;    // byte offset in the filter text
};

struct Expr {
  enum class Kind { kAnd, kOr, kNot, kCompare };
  Kind kind = Kind::kCompare;
  std::vector<std::unique_ptr<Expr>> children;  // kAnd, kOr, kNot
  std::string field;                            // kCompare
  Op op = Op::kEq;
  std::vector<Operand> operands;
  size_t position = 0;
};

}  // namespace crm::query

#endif  // CRM_QUERY_AST_H_
