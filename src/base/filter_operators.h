// The operators of libcrm's filter language, in one table that every layer
// of the filter pipeline reads: the parser (src/query) its spellings and
// operand shapes, the checker (src/core) which fields take each operator and
// what the store is asked, the renderer (src/store) how a text match is
// anchored. query::Op and store::Compare are both FilterOp.
//
// Adding an operator: its FilterOp (and kLastFilterOp), its row in
// kFilterOperators (same position), and its SQL in store/query_sql.cc
// (RenderCompare's switch). The filter language's documentation
// (query/parser.h, README) names it too.
#ifndef CRM_BASE_FILTER_OPERATORS_H_
#define CRM_BASE_FILTER_OPERATORS_H_

#include <cstddef>
#include <string>

namespace crm {

enum class FilterOp {
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kBetween,
  kIn,
  kNotIn,
  kIsNull,
  kIsNotNull,
  kContains,
  kStartsWith,
  kEndsWith,
  kIContains,
  kIStartsWith,
  kIEndsWith,
  kHas,
  kHasAny,
  kHasAll,
  kMatches,
  kWithin,
};
inline constexpr FilterOp kLastFilterOp = FilterOp::kWithin;

// What follows an operator in a filter.
enum class FilterOperands {
  kNone,       // is null
  kOne,        // = 'a'
  kRange,      // between 1 and 9: two values joined by "and"
  kList,       // in ('a', 'b'): values in parentheses
  kOneOrList,  // has any 'a' | has any ('a', 'b')
  kItem,       // has 'a' | has ('a'): exactly one value, as for kOneOrList
  kSpan,       // within last 30 days | within this quarter
};

// Which fields an operator applies to, by the kind of value they hold. The
// checker also turns the operands into stored values by this kind.
enum class FilterFields {
  kAny,       // every field (is null)
  kScalar,    // all but lists; operands in the field's stored form
  kOrdered,   // all but lists and booleans; as kScalar
  kText,      // text; one non-empty text operand
  kList,      // tags, multiple choice; distinct items, each a valid option
  kTemporal,  // dates and times; a span the checker turns into a range
  kSearch,    // no field: "search matches ..." in a customer query
};

// Where a text match looks for its operand (the renderer's anchor).
enum class TextMatch { kNone, kAnywhere, kStart, kEnd };

struct FilterOperator {
  FilterOp op;
  // The spelling in filters and in messages: words (case-insensitive) or a
  // symbol, separated by single spaces.
  const char* name;
  const char* also_spelled;  // another spelling, or nullptr
  FilterOperands operands;
  FilterFields fields;
  bool on_properties;  // applies to event properties (untyped JSON values)
  // The operator the store renders for it (the checker lowers "=" to a
  // one-value "in", "has" to "has any"). kTemporal operators name
  // themselves: the checker lowers them to a range of kGe and kLt.
  FilterOp renders_as;
  TextMatch text_match;
  bool ignore_case;  // a text match ignoring ASCII case (a LIKE pattern)
  // Recognised only with all its words; when just the first is there, the
  // filter names no operator ("not" alone is no operator).
  bool whole;
  bool listed;  // shown in "expected an operator (...)"
};

// Indexed by FilterOp.
inline constexpr FilterOperator kFilterOperators[] = {
    // op, name, also, operands, fields, properties, renders as, text match,
    // ignore case, whole, listed
    {FilterOp::kEq, "=", nullptr, FilterOperands::kOne, FilterFields::kScalar,
     true, FilterOp::kIn, TextMatch::kNone, false, false, true},
    {FilterOp::kNe, "!=", "<>", FilterOperands::kOne, FilterFields::kScalar,
     true, FilterOp::kNe, TextMatch::kNone, false, false, true},
    {FilterOp::kLt, "<", nullptr, FilterOperands::kOne, FilterFields::kOrdered,
     true, FilterOp::kLt, TextMatch::kNone, false, false, true},
    {FilterOp::kLe, "<=", nullptr, FilterOperands::kOne, FilterFields::kOrdered,
     true, FilterOp::kLe, TextMatch::kNone, false, false, true},
    {FilterOp::kGt, ">", nullptr, FilterOperands::kOne, FilterFields::kOrdered,
     true, FilterOp::kGt, TextMatch::kNone, false, false, true},
    {FilterOp::kGe, ">=", nullptr, FilterOperands::kOne, FilterFields::kOrdered,
     true, FilterOp::kGe, TextMatch::kNone, false, false, true},
    {FilterOp::kBetween, "between", nullptr, FilterOperands::kRange,
     FilterFields::kOrdered, true, FilterOp::kBetween, TextMatch::kNone, false,
     false, true},
    {FilterOp::kIn, "in", nullptr, FilterOperands::kList, FilterFields::kScalar,
     true, FilterOp::kIn, TextMatch::kNone, false, false, true},
    {FilterOp::kNotIn, "not in", nullptr, FilterOperands::kList,
     FilterFields::kScalar, true, FilterOp::kNotIn, TextMatch::kNone, false,
     true, true},
    {FilterOp::kIsNull, "is null", nullptr, FilterOperands::kNone,
     FilterFields::kAny, true, FilterOp::kIsNull, TextMatch::kNone, false,
     false, true},
    {FilterOp::kIsNotNull, "is not null", nullptr, FilterOperands::kNone,
     FilterFields::kAny, true, FilterOp::kIsNotNull, TextMatch::kNone, false,
     false, false},
    {FilterOp::kContains, "contains", nullptr, FilterOperands::kOne,
     FilterFields::kText, true, FilterOp::kContains, TextMatch::kAnywhere,
     false, false, true},
    {FilterOp::kStartsWith, "starts with", nullptr, FilterOperands::kOne,
     FilterFields::kText, true, FilterOp::kStartsWith, TextMatch::kStart, false,
     false, true},
    {FilterOp::kEndsWith, "ends with", nullptr, FilterOperands::kOne,
     FilterFields::kText, true, FilterOp::kEndsWith, TextMatch::kEnd, false,
     false, true},
    {FilterOp::kIContains, "icontains", nullptr, FilterOperands::kOne,
     FilterFields::kText, true, FilterOp::kIContains, TextMatch::kAnywhere,
     true, false, false},
    {FilterOp::kIStartsWith, "istarts with", nullptr, FilterOperands::kOne,
     FilterFields::kText, true, FilterOp::kIStartsWith, TextMatch::kStart, true,
     false, false},
    {FilterOp::kIEndsWith, "iends with", nullptr, FilterOperands::kOne,
     FilterFields::kText, true, FilterOp::kIEndsWith, TextMatch::kEnd, true,
     false, false},
    {FilterOp::kHas, "has", nullptr, FilterOperands::kItem, FilterFields::kList,
     true, FilterOp::kHasAny, TextMatch::kNone, false, false, true},
    {FilterOp::kHasAny, "has any", nullptr, FilterOperands::kOneOrList,
     FilterFields::kList, true, FilterOp::kHasAny, TextMatch::kNone, false,
     false, false},
    {FilterOp::kHasAll, "has all", nullptr, FilterOperands::kOneOrList,
     FilterFields::kList, true, FilterOp::kHasAll, TextMatch::kNone, false,
     false, false},
    {FilterOp::kMatches, "matches", nullptr, FilterOperands::kOne,
     FilterFields::kSearch, false, FilterOp::kMatches, TextMatch::kNone, false,
     false, true},
    {FilterOp::kWithin, "within", nullptr, FilterOperands::kSpan,
     FilterFields::kTemporal, false, FilterOp::kWithin, TextMatch::kNone, false,
     false, true},
};

constexpr bool FilterOperatorsInOrder() {
  size_t i = 0;
  for (const FilterOperator& row : kFilterOperators) {
    if (static_cast<size_t>(row.op) != i++) return false;
  }
  return i == static_cast<size_t>(kLastFilterOp) + 1;
}
static_assert(FilterOperatorsInOrder(),
              "kFilterOperators has one row per FilterOp, in its order");

inline constexpr const FilterOperator& FilterOperatorOf(FilterOp op) {
  return kFilterOperators[static_cast<size_t>(op)];
}

// The spelling of an operator, for messages.
inline const char* FilterOpName(FilterOp op) {
  return FilterOperatorOf(op).name;
}

// "=, !=, <, ..." of the listed operators, for the parser's message.
const std::string& ListedFilterOperators();

}  // namespace crm

#endif  // CRM_BASE_FILTER_OPERATORS_H_
