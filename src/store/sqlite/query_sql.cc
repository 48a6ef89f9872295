#include "store/sqlite/query_sql.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/error.h"
#include "base/filter_operators.h"
#include "store/like_pattern.h"
#include "store/sqlite/as_of_table.h"

namespace crm::store::sqlite {
namespace {

// SQL text and its parameters, built together so that they stay aligned.
class SqlBuilder {
 public:
  void Text(absl::string_view text) { absl::StrAppend(&sql_, text); }
  void Param(SqlValue value) {
    sql_ += "?";
    params_.push_back(std::move(value));
  }
  void Params(const std::vector<SqlValue>& values) {
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) sql_ += ", ";
      Param(values[i]);
    }
  }
  const std::string& sql() const { return sql_; }
  const std::vector<SqlValue>& params() const { return params_; }

 private:
  std::string sql_;
  std::vector<SqlValue> params_;
};

const char* AliasOf(Table table) { return IsCustomerTable(table) ? "c" : "e"; }

// `function`(body, 'key') over an event property (`column.json_key`): the
// properties live only in the encoded body (see sql_functions.h).
std::string PropertyCall(absl::string_view function, const ColumnRef& column) {
  // QuoteIdentifier checks the key is a plain name before it is spliced.
  QuoteIdentifier(column.json_key);
  return absl::StrCat(function, "(", AliasOf(column.table), ".body, '",
                      column.json_key, "')");
}

// The column's value as an expression (interned strings as their text).
std::string ValueExpr(const ColumnRef& column) {
  std::string ref =
      absl::StrCat(AliasOf(column.table), ".", QuoteIdentifier(column.column));
  if (!column.json_key.empty()) return PropertyCall("crm_property", column);
  if (column.interned) {
    return absl::StrCat("(SELECT text FROM crm_strings WHERE id = ", ref, ")");
  }
  return ref;
}

std::string RawRef(const ColumnRef& column) {
  return absl::StrCat(AliasOf(column.table), ".",
                      QuoteIdentifier(column.column));
}

// " FROM json_each(...) WHERE " over the items of a list. Columns of list
// fields hold JSON arrays; a property holds a list only in some events, and
// any other value has no items (a text is never parsed as JSON).
std::string ListItems(const ColumnRef& column) {
  return absl::StrCat(" FROM json_each(",
                      column.json_key.empty()
                          ? ValueExpr(column)
                          : PropertyCall("crm_property_list", column),
                      ") WHERE ");
}

// `value` holding the text `operand` where `match` says: case-sensitively
// by position, ignoring ASCII case as a LIKE pattern.
void RenderTextMatch(const FilterOperator& match, const std::string& value,
                     const SqlValue& operand, SqlBuilder* sql) {
  if (match.ignore_case) {
    const std::string* text = std::get_if<std::string>(&operand);
    sql->Text(absl::StrCat(value, " LIKE "));
    sql->Param(LikePattern(match.text_match, text ? *text : ""));
    sql->Text(" ESCAPE '\\'");
    return;
  }
  if (match.text_match == TextMatch::kAnywhere) {
    sql->Text(absl::StrCat("instr(", value, ", "));
    sql->Param(operand);
    sql->Text(") > 0");
    return;
  }
  sql->Text(absl::StrCat("substr(", value, ", ",
                         match.text_match == TextMatch::kStart ? "1, " : "-",
                         "length("));
  sql->Param(operand);
  sql->Text(")) = ");
  sql->Param(operand);
}

void RenderCompare(const Condition& condition, SqlBuilder* sql) {
  if (condition.op == Compare::kMatches) {
    sql->Text(
        "c.id IN (SELECT rowid FROM crm_customer_search WHERE "
        "crm_customer_search MATCH ");
    sql->Param(condition.values[0]);
    sql->Text(")");
    return;
  }
  const ColumnRef& column = condition.column;
  const std::vector<SqlValue>& values = condition.values;
  std::string value = ValueExpr(column);
  const char* collate = column.nocase ? " COLLATE NOCASE" : "";
  Compare op = condition.op;
  // An interned column's ids are looked up once, as for "not in".
  if (op == Compare::kNe && column.interned) op = Compare::kNotIn;
  switch (op) {
    case Compare::kEq:
    case Compare::kIn:
    case Compare::kNotIn: {
      bool negate = op == Compare::kNotIn;
      if (negate) {
        // A property missing from an event matches, as for "!=".
        sql->Text(absl::StrCat("(",
                               column.json_key.empty() ? RawRef(column) : value,
                               " IS NULL OR "));
      }
      if (column.interned) {
        sql->Text(absl::StrCat(RawRef(column), negate ? " NOT IN" : " IN",
                               " (SELECT id FROM crm_strings WHERE text IN ("));
        sql->Params(values);
        sql->Text("))");
      } else {
        sql->Text(absl::StrCat(value, collate, negate ? " NOT IN (" : " IN ("));
        sql->Params(values);
        sql->Text(")");
      }
      if (negate) sql->Text(")");
      return;
    }
    case Compare::kNe:
      sql->Text(absl::StrCat(value, " IS NOT "));
      sql->Param(values[0]);
      sql->Text(collate);
      return;
    case Compare::kLt:
    case Compare::kLe:
    case Compare::kGt:
    case Compare::kGe: {
      const char* symbol = op == Compare::kLt   ? " < "
                           : op == Compare::kLe ? " <= "
                           : op == Compare::kGt ? " > "
                                                : " >= ";
      sql->Text(absl::StrCat(value, symbol));
      sql->Param(values[0]);
      sql->Text(collate);
      return;
    }
    case Compare::kBetween:
      sql->Text(absl::StrCat(value, " BETWEEN "));
      sql->Param(values[0]);
      sql->Text(" AND ");
      sql->Param(values[1]);
      return;
    case Compare::kIsNull:
    case Compare::kIsNotNull: {
      bool null = op == Compare::kIsNull;
      if (column.list) {
        sql->Text(absl::StrCat(null ? "(" : "NOT (", value, " IS NULL OR ",
                               value, " = '[]')"));
      } else {
        sql->Text(absl::StrCat(value, null ? " IS NULL" : " IS NOT NULL"));
      }
      return;
    }
    case Compare::kContains:
    case Compare::kStartsWith:
    case Compare::kEndsWith:
    case Compare::kIContains:
    case Compare::kIStartsWith:
    case Compare::kIEndsWith:
      RenderTextMatch(FilterOperatorOf(op), value, values[0], sql);
      return;
    case Compare::kHasAny:
      sql->Text(
          absl::StrCat("EXISTS (SELECT 1", ListItems(column), "value IN ("));
      sql->Params(values);
      sql->Text("))");
      return;
    case Compare::kHasAll:
      sql->Text(absl::StrCat("(SELECT count(DISTINCT value)", ListItems(column),
                             "value IN ("));
      sql->Params(values);
      sql->Text(absl::StrCat(")) = ", values.size()));
      return;
    case Compare::kMatches:
      return;  // rendered above: it names no column
    case Compare::kHas:
    case Compare::kWithin:
      return;  // never asked: the checker lowers them (see renders_as)
  }
}

void RenderCondition(const Condition& condition, SqlBuilder* sql) {
  switch (condition.kind) {
    case Condition::Kind::kCompare:
      RenderCompare(condition, sql);
      return;
    case Condition::Kind::kNot:
      sql->Text("NOT (");
      RenderCondition(condition.children[0], sql);
      sql->Text(")");
      return;
    case Condition::Kind::kAnd:
    case Condition::Kind::kOr:
      sql->Text("(");
      for (size_t i = 0; i < condition.children.size(); ++i) {
        if (i > 0) {
          sql->Text(condition.kind == Condition::Kind::kAnd ? " AND " : " OR ");
        }
        RenderCondition(condition.children[i], sql);
      }
      sql->Text(")");
      return;
  }
}

bool UsesCustomers(const Condition& condition) {
  if (condition.kind == Condition::Kind::kCompare) {
    return condition.column.table == Table::kCustomers;
  }
  for (const Condition& child : condition.children) {
    if (UsesCustomers(child)) return true;
  }
  return false;
}

// "FROM ... [JOIN] [WHERE ...]" for `target`.
void RenderFrom(Table target, const std::optional<Condition>& where,
                bool join_customers, SqlBuilder* sql) {
  if (target == Table::kCustomers) {
    sql->Text(" FROM crm_customers c");
  } else if (target == Table::kAsOf) {
    sql->Text(absl::StrCat(" FROM ", kAsOfTable, " c"));
  } else {
    sql->Text(" FROM crm_events e");
    if (join_customers || (where && UsesCustomers(*where))) {
      sql->Text(" LEFT JOIN crm_customers c ON c.id = e.customer_id");
    }
  }
  if (where) {
    sql->Text(" WHERE ");
    RenderCondition(*where, sql);
  }
}

// True when `condition` requires a plain column to equal one value (alone or
// within a top-level AND): an index on that column then lists the matching
// rows in id order.
bool HasEquality(const Condition& condition) {
  if (condition.kind == Condition::Kind::kAnd) {
    for (const Condition& child : condition.children) {
      if (HasEquality(child)) return true;
    }
    return false;
  }
  // The checker writes "x = v" as a one-value IN, which SQLite treats as
  // the same equality.
  return condition.kind == Condition::Kind::kCompare &&
         (condition.op == Compare::kEq || condition.op == Compare::kIn) &&
         condition.values.size() == 1 && condition.column.json_key.empty() &&
         !condition.column.list && !condition.column.interned;
}

// The keyset condition "after the row with these sort keys and id".
void RenderAfter(const SelectPlan& plan, size_t key, SqlBuilder* sql) {
  const char* id = IsCustomerTable(plan.target) ? "c.id" : "e.seq";
  if (key == plan.sort.size()) {
    sql->Text(absl::StrCat(id, " > "));
    sql->Param(plan.after_id);
    return;
  }
  const SortKey& sort = plan.sort[key];
  std::string value = ValueExpr(sort.column);
  const SqlValue& after = plan.after_keys[key];
  bool after_null = IsNull(after);
  const char* beyond = sort.descending ? " < " : " > ";
  // Nulls sort before values ascending (after them descending).
  if (key == 0 && !after_null && !sort.descending) {
    // Implied by what follows; a range an index on the key can seek to.
    sql->Text(absl::StrCat(value, " >= "));
    sql->Param(after);
    sql->Text(" AND ");
  }
  sql->Text("(");
  if (after_null) {
    if (!sort.descending) sql->Text(absl::StrCat(value, " IS NOT NULL OR "));
    sql->Text(absl::StrCat("(", value, " IS NULL AND "));
  } else {
    sql->Text(absl::StrCat(value, beyond));
    sql->Param(after);
    if (sort.descending) sql->Text(absl::StrCat(" OR ", value, " IS NULL"));
    sql->Text(absl::StrCat(" OR (", value, " = "));
    sql->Param(after);
    sql->Text(" AND ");
  }
  RenderAfter(plan, key + 1, sql);
  sql->Text("))");
}

SqlBuilder RenderSelect(const SelectPlan& plan) {
  SqlBuilder sql;
  bool customers = IsCustomerTable(plan.target);
  sql.Text(customers ? "SELECT c.id, c.version" : "SELECT e.seq, 0");
  bool join = false;
  for (const ColumnRef& column : plan.columns) {
    sql.Text(absl::StrCat(", ", ValueExpr(column)));
    join |= column.table == Table::kCustomers;
  }
  for (const SortKey& sort : plan.sort) {
    sql.Text(absl::StrCat(", ", ValueExpr(sort.column)));
    join |= sort.column.table == Table::kCustomers;
  }
  RenderFrom(plan.target, plan.where, join && !customers, &sql);
  if (plan.after_id > 0) {
    sql.Text(plan.where ? " AND " : " WHERE ");
    RenderAfter(plan, 0, &sql);
  }
  // SQLite orders nulls before every value, so ascending keys put them
  // first and descending ones last, as RenderAfter expects; plain keys let
  // an index on the first sort field serve the order.
  sql.Text(" ORDER BY ");
  for (const SortKey& sort : plan.sort) {
    sql.Text(absl::StrCat(ValueExpr(sort.column),
                          sort.descending ? " DESC, " : " ASC, "));
  }
  // With a filter, "+" keeps SQLite from walking the whole table in id
  // order to avoid a sort: the filter's index is the better path. An
  // equality needs neither: its index yields the rows in id order.
  bool id_order_from_index =
      plan.where && plan.sort.empty() && HasEquality(*plan.where);
  sql.Text(plan.where && !id_order_from_index ? "+" : "");
  sql.Text(customers ? "c.id" : "e.seq");
  sql.Text(" LIMIT ");
  sql.Param(plan.limit);
  return sql;
}

SqlBuilder RenderCount(Table target, const std::optional<Condition>& where) {
  SqlBuilder sql;
  sql.Text("SELECT count(*)");
  RenderFrom(target, where, false, &sql);
  return sql;
}

absl::StatusOr<Statement*> PrepareBound(Connection& connection,
                                        const SqlBuilder& sql) {
  CRM_ASSIGN_OR_RETURN(Statement * statement, connection.Prepare(sql.sql()));
  CRM_RETURN_IF_ERROR(statement->BindAll(sql.params()));
  return statement;
}

// Runs `statement` and collects every row's columns.
absl::StatusOr<std::vector<std::vector<SqlValue>>> Collect(
    Statement* statement) {
  std::vector<std::vector<SqlValue>> rows;
  CRM_RETURN_IF_ERROR(statement->ForEachRow([&](const Statement& at) {
    std::vector<SqlValue> row;
    row.reserve(at.ColumnCount());
    for (int i = 0; i < at.ColumnCount(); ++i) row.push_back(at.Column(i));
    rows.push_back(std::move(row));
  }));
  return rows;
}

std::string BucketExpr(const GroupKey& key) {
  std::string value = ValueExpr(key.column);
  if (key.bucket == Bucket::kNone) return value;
  std::string time = key.time == TimeUnit::kMicroseconds
                         ? absl::StrCat(value, " / 1000000, 'unixepoch'")
                         : value;
  switch (key.bucket) {
    case Bucket::kDay:
      return absl::StrCat("strftime('%Y-%m-%d', ", time, ")");
    case Bucket::kWeek:
      return absl::StrCat("date(", time, ", 'weekday 0', '-6 days')");
    case Bucket::kMonth:
      return absl::StrCat("strftime('%Y-%m', ", time, ")");
    case Bucket::kQuarter:
      return absl::StrCat("strftime('%Y', ", time, ") || '-Q' || ((CAST(",
                          "strftime('%m', ", time, ") AS INTEGER) + 2) / 3)");
    case Bucket::kYear:
      return absl::StrCat("strftime('%Y', ", time, ")");
    case Bucket::kNone:
      break;
  }
  return value;
}

// Whether an aggregate groups `key` by an integer day number rather than
// its text: days of microsecond times, the text of each made per group.
bool ByDayNumber(const GroupKey& key) {
  return key.bucket == Bucket::kDay && key.time == TimeUnit::kMicroseconds;
}

// The day (since 1970-01-01, UTC) in which strftime() puts a column of
// microseconds: its whole seconds (value / 1000000, as BucketExpr passes
// them) divided by 86400, rounded down. Integer arithmetic per row, where
// strftime() would format text per row and group by the text.
std::string DayNumberExpr(const ColumnRef& column) {
  std::string seconds = absl::StrCat("(", ValueExpr(column), " / 1000000)");
  return absl::StrCat("(", seconds, " - ((", seconds, " % 86400) + 86400) % ",
                      "86400) / 86400");
}

// An exact sum of an aggregate's column that names the field when it fails
// (see sql_functions.h): crm_decimal_sum over a property's JSON text (the
// numbers as they were written), crm_integer_sum over a column of integers
// or scaled decimals (SQLite's sum() would fail with a bare "integer
// overflow").
void RenderSum(const AggregateColumn& aggregate, SqlBuilder* sql) {
  const ColumnRef& column = *aggregate.column;
  if (column.json_key.empty()) {
    sql->Text(absl::StrCat("crm_integer_sum(", ValueExpr(column), ", "));
  } else {
    sql->Text(absl::StrCat("crm_decimal_sum(",
                           PropertyCall("crm_property_json", column), ", "));
  }
  sql->Param(aggregate.name);
  sql->Text(")");
}

}  // namespace

absl::StatusOr<std::vector<std::vector<SqlValue>>> RunCohort(
    Connection& connection, const std::string& first_type,
    const std::string& then_type, int64_t within_us, Bucket bucket,
    const std::optional<Condition>& customers) {
  GroupKey key;
  key.column = {Table::kEvents, "t0", false, false, false, ""};
  key.bucket = bucket;
  key.time = TimeUnit::kMicroseconds;
  std::string group =
      bucket == Bucket::kNone ? std::string("'all'") : BucketExpr(key);
  // BucketExpr reads e."t0": the first event's time in the subquery "e".
  // With merges (crm.h "Merging customers"), the events of a merged
  // customer count as its survivor's: "ev" names each event's survivor.
  CRM_ASSIGN_OR_RETURN(Statement * any_merge,
                       connection.Prepare("SELECT EXISTS (SELECT 1 FROM "
                                          "crm_merges)"));
  CRM_ASSIGN_OR_RETURN(bool stepped, any_merge->Step());
  const bool merged = stepped && any_merge->ColumnInt(0) != 0;
  any_merge->Reset();
  const std::string events = merged ? "ev" : "crm_events";
  SqlBuilder sql;
  if (merged) {
    sql.Text(
        "WITH ev AS MATERIALIZED (SELECT x.seq, coalesce(m.survivor_id, "
        "x.customer_id) AS customer_id, x.type_id, x.occurred_at FROM "
        "crm_events x LEFT JOIN crm_merges m ON m.merged_id = x.customer_id) ");
  }
  sql.Text(
      "SELECT " + group +
      ", count(DISTINCT e.customer_id), count(DISTINCT f.customer_id), "
      "count(f.seq) FROM (SELECT customer_id, min(occurred_at) AS t0 FROM " +
      events + " WHERE type_id = (SELECT id FROM crm_strings WHERE text = ");
  sql.Param(first_type);
  sql.Text(")");
  if (customers) {
    sql.Text(" AND customer_id IN (SELECT c.id");
    RenderFrom(Table::kCustomers, customers, false, &sql);
    sql.Text(")");
  }
  sql.Text(" GROUP BY customer_id) e LEFT JOIN " + events +
           " f ON f.customer_id = e.customer_id AND f.type_id = (SELECT id "
           "FROM crm_strings WHERE text = ");
  sql.Param(then_type);
  sql.Text(") AND f.occurred_at >= e.t0 AND f.occurred_at < e.t0 + ");
  sql.Param(within_us);
  sql.Text(" GROUP BY 1 ORDER BY 1");
  CRM_ASSIGN_OR_RETURN(Statement * statement, PrepareBound(connection, sql));
  return Collect(statement);
}

absl::StatusOr<std::vector<SelectedRow>> RunSelect(Connection& connection,
                                                   const SelectPlan& plan) {
  SqlBuilder sql = RenderSelect(plan);
  CRM_ASSIGN_OR_RETURN(Statement * statement, PrepareBound(connection, sql));
  CRM_ASSIGN_OR_RETURN(auto rows, Collect(statement));
  std::vector<SelectedRow> selected;
  selected.reserve(rows.size());
  size_t columns = plan.columns.size();
  for (std::vector<SqlValue>& row : rows) {
    SelectedRow out;
    CRM_ASSIGN_OR_RETURN(out.id, StoredInteger(row[0], "id"));
    CRM_ASSIGN_OR_RETURN(out.version, StoredInteger(row[1], "version"));
    out.values.assign(std::make_move_iterator(row.begin() + 2),
                      std::make_move_iterator(row.begin() + 2 + columns));
    out.sort_keys.assign(std::make_move_iterator(row.begin() + 2 + columns),
                         std::make_move_iterator(row.end()));
    selected.push_back(std::move(out));
  }
  return selected;
}

RenderedSql RenderCountSql(Table target,
                           const std::optional<Condition>& where) {
  SqlBuilder sql = RenderCount(target, where);
  return {sql.sql(), sql.params()};
}

RenderedSql RenderCustomerIdsSql(const Condition& where) {
  SqlBuilder sql;
  sql.Text("SELECT c.id");
  RenderFrom(Table::kCustomers, where, false, &sql);
  return {sql.sql(), sql.params()};
}

absl::StatusOr<int64_t> RunCount(Connection& connection, Table target,
                                 const std::optional<Condition>& where) {
  CRM_ASSIGN_OR_RETURN(Statement * statement,
                       PrepareBound(connection, RenderCount(target, where)));
  CRM_ASSIGN_OR_RETURN(auto rows, Collect(statement));
  return StoredInteger(rows[0][0], "count");
}

absl::Status PrepareCount(Connection& connection, Table target,
                          const std::optional<Condition>& where) {
  return PrepareBound(connection, RenderCount(target, where)).status();
}

absl::StatusOr<std::vector<std::vector<SqlValue>>> RunAggregate(
    Connection& connection, const AggregatePlan& plan) {
  SqlBuilder sql;
  sql.Text("SELECT ");
  bool join = false;
  bool first = true;
  auto separate = [&] {
    if (!first) sql.Text(", ");
    first = false;
  };
  auto next = [&](absl::string_view text) {
    separate();
    sql.Text(text);
  };
  for (const GroupKey& key : plan.groups) {
    // A day of microseconds groups by its integer day number (see
    // GroupExpr), and its text is made once per group from any of the
    // group's times.
    next(ByDayNumber(key)
             ? absl::StrCat("strftime('%Y-%m-%d', min(", ValueExpr(key.column),
                            ") / 1000000, 'unixepoch')")
             : BucketExpr(key));
    join |= key.column.table == Table::kCustomers;
  }
  for (const AggregateColumn& aggregate : plan.aggregates) {
    std::string value =
        aggregate.column ? ValueExpr(*aggregate.column) : std::string("*");
    if (aggregate.column) join |= aggregate.column->table == Table::kCustomers;
    switch (aggregate.function) {
      case Function::kCount:
        next(absl::StrCat("count(", value, ")"));
        break;
      case Function::kCountDistinct:
        next(absl::StrCat("count(DISTINCT ", value, ")"));
        break;
      case Function::kSum:
      case Function::kAvg:
        separate();
        RenderSum(aggregate, &sql);
        if (aggregate.function == Function::kAvg) {
          next(absl::StrCat("count(", value, ")"));
        }
        break;
      case Function::kMin:
        next(absl::StrCat("min(", value, ")"));
        break;
      case Function::kMax:
        next(absl::StrCat("max(", value, ")"));
        break;
    }
  }
  RenderFrom(plan.target, plan.where, join && plan.target == Table::kEvents,
             &sql);
  if (!plan.groups.empty()) {
    // Interned keys group by their id (one string per id), so the text is
    // looked up once per group instead of once per row.
    std::string groups, positions;
    for (size_t i = 1; i <= plan.groups.size(); ++i) {
      const GroupKey& key = plan.groups[i - 1];
      bool by_id = key.column.interned && key.bucket == Bucket::kNone;
      absl::StrAppend(&groups, i > 1 ? ", " : "",
                      by_id              ? RawRef(key.column)
                      : ByDayNumber(key) ? DayNumberExpr(key.column)
                                         : absl::StrCat(i));
      absl::StrAppend(&positions, i > 1 ? ", " : "", i);
    }
    sql.Text(absl::StrCat(" GROUP BY ", groups, " ORDER BY ", positions));
  }
  CRM_ASSIGN_OR_RETURN(Statement * statement, PrepareBound(connection, sql));
  return Collect(statement);
}

absl::StatusOr<std::string> ExplainSelect(Connection& connection,
                                          const SelectPlan& plan) {
  SqlBuilder sql = RenderSelect(plan);
  CRM_ASSIGN_OR_RETURN(
      Statement * statement,
      connection.Prepare(absl::StrCat("EXPLAIN QUERY PLAN ", sql.sql())));
  CRM_RETURN_IF_ERROR(statement->BindAll(sql.params()));
  CRM_ASSIGN_OR_RETURN(auto rows, Collect(statement));
  std::string out;
  for (const auto& row : rows) {
    if (const std::string* detail = std::get_if<std::string>(&row[3])) {
      absl::StrAppend(&out, *detail, "\n");
    }
  }
  return out;
}

absl::StatusOr<std::vector<int64_t>> CountFilled(
    Connection& connection, const std::vector<ColumnRef>& columns) {
  SqlBuilder sql;
  sql.Text("SELECT ");
  for (const ColumnRef& column : columns) {
    std::string value = ValueExpr(column);
    sql.Text(column.list ? absl::StrCat("count(nullif(", value, ", '[]')), ")
                         : absl::StrCat("count(", value, "), "));
  }
  sql.Text("count(*) FROM crm_customers c");
  CRM_ASSIGN_OR_RETURN(Statement * statement, PrepareBound(connection, sql));
  CRM_ASSIGN_OR_RETURN(auto rows, Collect(statement));
  std::vector<int64_t> counts;
  for (const SqlValue& value : rows[0]) {
    CRM_ASSIGN_OR_RETURN(int64_t count, StoredInteger(value, "count"));
    counts.push_back(count);
  }
  return counts;
}

}  // namespace crm::store::sqlite
