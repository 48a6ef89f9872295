// A query checked against the schema, in terms of tables and columns: what
// the core hands the store to render as SQL. Every value is a bound
// parameter; only column names from field definitions reach the SQL text.
#ifndef CRM_STORE_QUERY_PLAN_H_
#define CRM_STORE_QUERY_PLAN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/filter_operators.h"
#include "store/sql_value.h"

namespace crm::store {

// kAsOf: the customers as of a valid time (core/as_of.h), which
// Backend::FillAsOf() materialises in a temporary table of the connection
// with the customers' columns plus "valid_at" (the instant, UTC
// microseconds). A query over it reads its columns through ColumnRefs of
// Table::kCustomers (alias "c"): every filter, sort and aggregate of a
// customers query renders the same.
enum class Table { kCustomers, kEvents, kAsOf };

// Whether a query over `target` reads customer rows ("c").
inline bool IsCustomerTable(Table target) { return target != Table::kEvents; }

// The column of Table::kAsOf holding each row's instant.
inline constexpr char kAsOfInstantColumn[] = "valid_at";

// A value a query reads: a column of customers ("c") or events ("e"), or of
// the customer an event belongs to.
struct ColumnRef {
  Table table = Table::kCustomers;
  std::string column;
  bool interned = false;  // events' type/channel/actor/source: crm_strings ids
  bool nocase = false;    // compared ignoring ASCII case (email)
  bool list = false;      // a JSON array of strings (tags, multi_choice)
  // When set, the value is this key of the JSON object in `column` (event
  // properties). Keys are field-like names: [a-z][a-z0-9_]*.
  std::string json_key;
};

// What a condition compares: the filter's operators, as the checker lowers
// them (FilterOperator::renders_as in base/filter_operators.h).
using Compare = FilterOp;

struct Condition {
  enum class Kind { kAnd, kOr, kNot, kCompare };
  Kind kind = Kind::kCompare;
  std::vector<Condition> children;
  ColumnRef column;
  Compare op = Compare::kEq;
  std::vector<SqlValue> values;
};

struct SortKey {
  ColumnRef column;
  bool descending = false;
};

// Rows of `target` matching `where`, ordered by `sort` then id (or seq),
// starting after a keyset position when `after_id` > 0.
struct SelectPlan {
  Table target = Table::kCustomers;
  std::optional<Condition> where;
  std::vector<ColumnRef> columns;
  std::vector<SortKey> sort;
  std::vector<SqlValue> after_keys;  // aligned with sort
  int64_t after_id = 0;
  int64_t limit = 100;
};

enum class Bucket { kNone, kDay, kWeek, kMonth, kQuarter, kYear };
enum class TimeUnit { kNone, kMicroseconds, kDateText };

struct GroupKey {
  ColumnRef column;
  Bucket bucket = Bucket::kNone;
  TimeUnit time = TimeUnit::kNone;  // how the column holds time, if bucketed
};

enum class Function { kCount, kCountDistinct, kSum, kAvg, kMin, kMax };

struct AggregateColumn {
  Function function = Function::kCount;
  std::optional<ColumnRef> column;  // none: count rows
  std::string name;  // the field as the query names it, for errors
};

// Groups of `target` rows matching `where`, one row per group: the group
// keys, then each aggregate (avg as sum and count, for exact decimals).
struct AggregatePlan {
  Table target = Table::kCustomers;
  std::optional<Condition> where;
  std::vector<GroupKey> groups;
  std::vector<AggregateColumn> aggregates;
};

}  // namespace crm::store

#endif  // CRM_STORE_QUERY_PLAN_H_
