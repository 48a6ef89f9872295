#include "store/postgres/query_sql.h"

#include <cmath>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "base/decimal.h"
#include "base/error.h"
#include "base/filter_operators.h"
#include "store/postgres/column_index.h"
#include "store/postgres/stored_value.h"

namespace crm::store::postgres {
namespace {

// How an expression's values are typed in SQL.
enum class Kind {
  kInteger,  // bigint
  kText,     // text COLLATE "C"
  kJson,     // jsonb scalar (SQL NULL for no value)
};

// A value a query reads, as SQL over the aliases c (crm_customers) and e
// (crm_events).
struct Expr {
  std::string sql;
  Kind kind = Kind::kJson;
  // For kJson: a customer value (stored_value.h: a list is a JSON string
  // holding the array's text; anything but strings and numbers is damaged)
  // rather than an event property (any JSON; lists are arrays).
  bool customer = true;
  std::string name;  // the column (the key of a property), for errors
};

absl::Status BadColumn(absl::string_view column) {
  return MakeError(ErrorCode::kInvalidArgument,
                   absl::StrCat("a query names '", column,
                                "', which PostgreSQL workspaces do not store"));
}

absl::Status SearchUnsupported() {
  return MakeError(ErrorCode::kUnsupported,
                   "full-text search on a PostgreSQL workspace arrives with "
                   "issue #18",
                   "", Rule::kBackend);
}

// A property key spliced into SQL: [a-z][a-z0-9_]* (query_plan.h).
bool PlainKey(absl::string_view key) {
  if (key.empty() || !absl::ascii_islower(static_cast<unsigned char>(key[0]))) {
    return false;
  }
  for (char c : key) {
    if (!absl::ascii_islower(static_cast<unsigned char>(c)) &&
        !absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != '_') {
      return false;
    }
  }
  return true;
}

absl::StatusOr<Expr> ExprOf(const ColumnRef& column) {
  const std::string& name = column.column;
  if (column.table == Table::kCustomers) {
    if (name == "id") return Expr{"c.customer_id", Kind::kInteger, true, name};
    if (name == "created_at" || name == "updated_at") {
      return Expr{absl::StrCat("c.", name, "_us"), Kind::kInteger, true, name};
    }
    if (!CheckColumnName(name).ok()) return BadColumn(name);
    return Expr{absl::StrCat("(c.", ValueExpression(name).substr(1)),
                Kind::kJson, true, name};
  }
  if (!column.json_key.empty()) {
    if (name != "properties" || !PlainKey(column.json_key)) {
      return BadColumn(absl::StrCat(name, ".", column.json_key));
    }
    // As json_extract() reads it: JSON null is SQL NULL, true and false
    // are 1 and 0.
    std::string value =
        absl::StrCat("(e.properties -> '", column.json_key, "')");
    return Expr{absl::StrCat("(CASE jsonb_typeof(", value,
                             ") WHEN 'boolean' THEN to_jsonb((", value,
                             ")::boolean::int) WHEN 'null' THEN NULL ELSE ",
                             value, " END)"),
                Kind::kJson, false, column.json_key};
  }
  if (column.interned) {
    if (name != "type_id" && name != "channel_id" && name != "actor_id" &&
        name != "source_id") {
      return BadColumn(name);
    }
    return Expr{absl::StrCat("(SELECT s.text FROM crm_strings s WHERE "
                             "s.workspace_id = $1 AND "
                             "s.string_id = e.",
                             name, ")"),
                Kind::kText, false, name};
  }
  if (name == "seq" || name == "customer_id") {
    return Expr{absl::StrCat("e.", name), Kind::kInteger, false, name};
  }
  if (name == "occurred_at" || name == "recorded_at") {
    return Expr{absl::StrCat("e.", name, "_us"), Kind::kInteger, false, name};
  }
  if (name == "idempotency_key") {
    return Expr{"e.idempotency_key", Kind::kText, false, name};
  }
  return BadColumn(name);
}

// The value as text: what text matches search (SQLite's view of a number
// as text; a JSON string's content).
std::string TextOf(const Expr& expr) {
  switch (expr.kind) {
    case Kind::kInteger:
      return absl::StrCat("(", expr.sql, ")::text");
    case Kind::kText:
      return expr.sql;
    case Kind::kJson:
      return absl::StrCat("(", expr.sql, " #>> '{}')");
  }
  return expr.sql;
}

// The value as numeric when it is a number (NULL otherwise).
std::string NumericOf(const Expr& expr) {
  switch (expr.kind) {
    case Kind::kInteger:
      return absl::StrCat("(", expr.sql, ")::numeric");
    case Kind::kText:
      return "NULL::numeric";
    case Kind::kJson:
      return absl::StrCat("(CASE WHEN jsonb_typeof(", expr.sql,
                          ") = 'number' THEN (", expr.sql, ")::numeric END)");
  }
  return expr.sql;
}

// SQL text and its parameters, built together so that they stay aligned.
// $1 is the workspace id. The first error (a value PostgreSQL cannot hold,
// an unknown column) sticks and is the statement's.
class SqlBuilder {
 public:
  explicit SqlBuilder(int64_t workspace_id) {
    params_.push_back(absl::StrCat(workspace_id));
  }
  void Text(absl::string_view text) { absl::StrAppend(&sql_, text); }
  // "$n::cast" bound to `text` (nullopt: NULL).
  void Param(std::optional<std::string> text, absl::string_view cast) {
    params_.push_back(std::move(text));
    absl::StrAppend(&sql_, "$", params_.size(), "::", cast);
  }
  void Fail(absl::Status status) {
    if (status_.ok()) status_ = std::move(status);
  }
  // The expression of `column`, or "NULL" after recording its error.
  Expr Of(const ColumnRef& column) {
    absl::StatusOr<Expr> expr = ExprOf(column);
    if (expr.ok()) return *std::move(expr);
    Fail(expr.status());
    return Expr{"NULL", Kind::kText, false, column.column};
  }
  absl::StatusOr<RenderedSql> Done() const {
    if (!status_.ok()) return status_;
    return RenderedSql{sql_, params_};
  }

 private:
  std::string sql_;
  Parameters params_;
  absl::Status status_;
};

// How a comparison's operands are bound.
enum class Mode { kBigint, kText, kJsonb, kNoCase };

// The left side of a comparison and how its operands bind. Customer and
// property values compare as jsonb; an integer column compared with other
// than integers compares as jsonb too (3 = 3.0, 3 <> '3', as on SQLite);
// text columns take operands as text (SQLite's TEXT affinity). NOCASE
// columns compare folded text when the operands are text.
struct Side {
  std::string sql;
  Mode mode;
};

Side SideOf(const Expr& expr, const ColumnRef& column,
            const std::vector<SqlValue>& values, bool nocase) {
  auto all = [&](auto holds) {
    for (const SqlValue& value : values) {
      if (!IsNull(value) && !holds(value)) return false;
    }
    return true;
  };
  auto is_text = [](const SqlValue& v) {
    return std::holds_alternative<std::string>(v);
  };
  auto is_integer = [](const SqlValue& v) {
    return std::holds_alternative<int64_t>(v);
  };
  if (nocase && column.nocase && expr.kind == Kind::kJson && all(is_text)) {
    return {NoCaseExpression(column.column), Mode::kNoCase};
  }
  switch (expr.kind) {
    case Kind::kInteger:
      if (all(is_integer)) return {expr.sql, Mode::kBigint};
      return {absl::StrCat("to_jsonb(", expr.sql, ")"), Mode::kJsonb};
    case Kind::kText:
      return {expr.sql, Mode::kText};
    case Kind::kJson:
      break;
  }
  return {expr.sql, Mode::kJsonb};
}

void Operand(const SqlValue& value, Mode mode, SqlBuilder* sql) {
  const char* cast = mode == Mode::kBigint  ? "bigint"
                     : mode == Mode::kJsonb ? "jsonb"
                                            : "text";
  if (IsNull(value)) {
    sql->Param(std::nullopt, cast);
    return;
  }
  absl::StatusOr<std::string> text;
  if (mode == Mode::kBigint) {
    text = absl::StrCat(std::get<int64_t>(value));
  } else if (mode == Mode::kJsonb) {
    text = JsonOf(value);
  } else {
    text = StoredText(value);
  }
  if (!text.ok()) {
    sql->Fail(text.status());
    text = "";
  }
  if (mode == Mode::kNoCase) sql->Text("lower(");
  sql->Param(*std::move(text), cast);
  if (mode == Mode::kNoCase) sql->Text(" COLLATE \"C\")");
}

void Operands(const std::vector<SqlValue>& values, Mode mode, SqlBuilder* sql) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) sql->Text(", ");
    Operand(values[i], mode, sql);
  }
}

// `text` as a LIKE pattern matching it literally, with '\' as the escape.
std::string LikeLiteral(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// `value` (text) holding `operand` where `match` says: case-sensitively by
// position, ignoring ASCII case as a LIKE pattern (lower() under "C" folds
// ASCII letters only, as SQLite's LIKE).
void RenderTextMatch(const FilterOperator& match, const std::string& value,
                     const SqlValue& operand, SqlBuilder* sql) {
  absl::StatusOr<std::string> text =
      IsNull(operand) ? std::string() : StoredText(operand);
  if (!text.ok()) {
    sql->Fail(text.status());
    text = "";
  }
  if (match.ignore_case) {
    std::string literal = LikeLiteral(*text);
    std::string pattern =
        match.text_match == TextMatch::kAnywhere ? "%" + literal + "%"
        : match.text_match == TextMatch::kStart  ? literal + "%"
                                                 : "%" + literal;
    sql->Text(absl::StrCat("lower(", value, " COLLATE \"C\") LIKE lower("));
    sql->Param(pattern, "text");
    sql->Text(" COLLATE \"C\") ESCAPE '\\'");
    return;
  }
  if (match.text_match == TextMatch::kAnywhere) {
    sql->Text(absl::StrCat("strpos(", value, ", "));
    sql->Param(*text, "text");
    sql->Text(") > 0");
  } else if (match.text_match == TextMatch::kStart) {
    sql->Text(absl::StrCat("starts_with(", value, ", "));
    sql->Param(*text, "text");
    sql->Text(")");
  } else {
    sql->Text(absl::StrCat("right(", value, ", length("));
    sql->Param(*text, "text");
    sql->Text(")) = ");
    sql->Param(*text, "text");
  }
}

// The items of a list value as jsonb rows "item(value)": a customer's list
// is a JSON string holding the array; a property is a list only where it
// is an array (a text is never parsed as JSON, as on SQLite).
std::string ListItems(const Expr& expr) {
  const std::string& x = expr.sql;
  // A property's JSON as stored: its arrays are the lists.
  std::string stored = absl::StrCat("(e.properties -> '", expr.name, "')");
  std::string array =
      expr.customer
          ? absl::StrCat("CASE WHEN jsonb_typeof(", x, ") = 'string' AND left(",
                         x, " #>> '{}', 1) = '[' THEN (", x,
                         " #>> '{}')::jsonb ELSE '[]'::jsonb END")
          : absl::StrCat("CASE WHEN jsonb_typeof(", stored, ") = 'array' THEN ",
                         stored, " ELSE '[]'::jsonb END");
  return absl::StrCat(" FROM jsonb_array_elements(", array,
                      ") AS item(value) WHERE item.value IN (");
}

void RenderCompare(const Condition& condition, SqlBuilder* sql) {
  if (condition.op == Compare::kMatches) {
    sql->Fail(SearchUnsupported());
    sql->Text("false");
    return;
  }
  const ColumnRef& column = condition.column;
  const std::vector<SqlValue>& values = condition.values;
  Expr expr = sql->Of(column);
  Compare op = condition.op;
  // An interned column's ids are looked up once, as for "not in".
  if (op == Compare::kNe && column.interned) op = Compare::kNotIn;
  bool nocase = op != Compare::kBetween;
  Side side = SideOf(expr, column, values, nocase);
  switch (op) {
    case Compare::kEq:
    case Compare::kIn:
    case Compare::kNotIn: {
      bool negate = op == Compare::kNotIn;
      if (column.interned) {
        std::string raw = absl::StrCat("e.", column.column);
        if (negate) sql->Text(absl::StrCat("(", raw, " IS NULL OR "));
        sql->Text(absl::StrCat(raw, negate ? " NOT IN" : " IN",
                               " (SELECT s.string_id FROM crm_strings s WHERE "
                               "s.workspace_id = $1 AND s.text IN ("));
        Operands(values, Mode::kText, sql);
        sql->Text("))");
        if (negate) sql->Text(")");
        return;
      }
      if (negate) sql->Text(absl::StrCat("(", expr.sql, " IS NULL OR "));
      sql->Text(absl::StrCat(side.sql, negate ? " NOT IN (" : " IN ("));
      Operands(values, side.mode, sql);
      sql->Text(")");
      if (negate) sql->Text(")");
      return;
    }
    case Compare::kNe:
      sql->Text(absl::StrCat(side.sql, " IS DISTINCT FROM "));
      Operand(values[0], side.mode, sql);
      return;
    case Compare::kLt:
    case Compare::kLe:
    case Compare::kGt:
    case Compare::kGe: {
      const char* symbol = op == Compare::kLt   ? " < "
                           : op == Compare::kLe ? " <= "
                           : op == Compare::kGt ? " > "
                                                : " >= ";
      sql->Text(absl::StrCat(side.sql, symbol));
      Operand(values[0], side.mode, sql);
      return;
    }
    case Compare::kBetween:
      sql->Text(absl::StrCat(side.sql, " BETWEEN "));
      Operand(values[0], side.mode, sql);
      sql->Text(" AND ");
      Operand(values[1], side.mode, sql);
      return;
    case Compare::kIsNull:
    case Compare::kIsNotNull: {
      bool null = op == Compare::kIsNull;
      if (column.list && expr.kind == Kind::kJson) {
        sql->Text(absl::StrCat(null ? "(" : "NOT (", expr.sql, " IS NULL OR ",
                               expr.sql,
                               " IN ('\"[]\"'::jsonb, '[]'::jsonb))"));
      } else {
        sql->Text(absl::StrCat(expr.sql, null ? " IS NULL" : " IS NOT NULL"));
      }
      return;
    }
    case Compare::kContains:
    case Compare::kStartsWith:
    case Compare::kEndsWith:
    case Compare::kIContains:
    case Compare::kIStartsWith:
    case Compare::kIEndsWith:
      RenderTextMatch(FilterOperatorOf(op), TextOf(expr), values[0], sql);
      return;
    case Compare::kHasAny:
      if (expr.kind != Kind::kJson) break;
      sql->Text(absl::StrCat("EXISTS (SELECT 1", ListItems(expr)));
      Operands(values, Mode::kJsonb, sql);
      sql->Text("))");
      return;
    case Compare::kHasAll:
      if (expr.kind != Kind::kJson) break;
      sql->Text(
          absl::StrCat("(SELECT count(DISTINCT item.value)", ListItems(expr)));
      Operands(values, Mode::kJsonb, sql);
      sql->Text(absl::StrCat(")) = ", values.size()));
      return;
    case Compare::kMatches:
    case Compare::kHas:
    case Compare::kWithin:
      break;  // never asked: the checker lowers them (see renders_as)
  }
  sql->Fail(BadColumn(column.column));
  sql->Text("false");
}

void RenderCondition(const Condition& condition, SqlBuilder* sql) {
  switch (condition.kind) {
    case Condition::Kind::kCompare:
      RenderCompare(condition, sql);
      return;
    case Condition::Kind::kNot:
      sql->Text("NOT (");
      if (condition.children.empty()) {
        sql->Text("false");
      } else {
        RenderCondition(condition.children[0], sql);
      }
      sql->Text(")");
      return;
    case Condition::Kind::kAnd:
    case Condition::Kind::kOr:
      sql->Text("(");
      if (condition.children.empty()) {
        sql->Text(condition.kind == Condition::Kind::kAnd ? "true" : "false");
      }
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
    return condition.column.table == Table::kCustomers &&
           condition.op != Compare::kMatches;
  }
  for (const Condition& child : condition.children) {
    if (UsesCustomers(child)) return true;
  }
  return false;
}

// " FROM ... [JOIN] WHERE <the workspace> [AND ...]" for `target`.
void RenderFrom(Table target, const std::optional<Condition>& where,
                bool join_customers, SqlBuilder* sql) {
  if (target == Table::kCustomers) {
    sql->Text(" FROM crm_customers c WHERE c.workspace_id = $1");
  } else {
    sql->Text(" FROM crm_events e");
    if (join_customers || (where && UsesCustomers(*where))) {
      sql->Text(
          " LEFT JOIN crm_customers c ON c.workspace_id = $1 AND "
          "c.customer_id = e.customer_id");
    }
    sql->Text(" WHERE e.workspace_id = $1");
  }
  if (where) {
    sql->Text(" AND ");
    RenderCondition(*where, sql);
  }
}

// The keyset condition "after the row with these sort keys and id", in the
// order ORDER BY gives: nulls before values ascending, after them
// descending.
void RenderAfter(const SelectPlan& plan, size_t key, SqlBuilder* sql) {
  const char* id = plan.target == Table::kCustomers ? "c.customer_id" : "e.seq";
  if (key == plan.sort.size()) {
    sql->Text(absl::StrCat(id, " > "));
    sql->Param(absl::StrCat(plan.after_id), "bigint");
    return;
  }
  const SortKey& sort = plan.sort[key];
  Expr expr = sql->Of(sort.column);
  const SqlValue& after = plan.after_keys[key];
  Side side = SideOf(expr, sort.column, {after}, false);
  const std::string& value = side.sql;
  bool after_null = IsNull(after);
  const char* beyond = sort.descending ? " < " : " > ";
  if (key == 0 && !after_null && !sort.descending) {
    // Implied by what follows; a range an index on the key can seek to.
    sql->Text(absl::StrCat(value, " >= "));
    Operand(after, side.mode, sql);
    sql->Text(" AND ");
  }
  sql->Text("(");
  if (after_null) {
    if (!sort.descending) sql->Text(absl::StrCat(value, " IS NOT NULL OR "));
    sql->Text(absl::StrCat("(", value, " IS NULL AND "));
  } else {
    sql->Text(absl::StrCat(value, beyond));
    Operand(after, side.mode, sql);
    if (sort.descending) sql->Text(absl::StrCat(" OR ", value, " IS NULL"));
    sql->Text(absl::StrCat(" OR (", value, " = "));
    Operand(after, side.mode, sql);
    sql->Text(" AND ");
  }
  RenderAfter(plan, key + 1, sql);
  sql->Text("))");
}

// A JSON value as one result column "<jsonb_typeof>:<text>" (NULL for
// none): one column per value, as PostgreSQL allows 1,664 of them and a
// query may read 1,500 values and an aggregate 1,500 (query_service.h).
std::string TaggedJson(const std::string& type, const std::string& text) {
  return absl::StrCat("(", type, " || ':' || ", text, ")");
}

// The result column a value is read back from (ValueAt()).
std::string OutputColumn(const Expr& expr) {
  if (expr.kind == Kind::kJson) {
    return TaggedJson(absl::StrCat("jsonb_typeof(", expr.sql, ")"),
                      TextOf(expr));
  }
  return expr.sql;
}

// A property's JSON value as json_extract() gives it on SQLite: a string's
// text, a number, true/false as 1/0, an array or object as its JSON text.
absl::StatusOr<SqlValue> PropertyValue(absl::string_view type,
                                       absl::string_view text,
                                       absl::string_view name) {
  if (type == "number") {
    int64_t integer = 0;
    if (text.find_first_of(".eE") == absl::string_view::npos &&
        absl::SimpleAtoi(text, &integer)) {
      return SqlValue(integer);
    }
    double number = 0;
    if (absl::SimpleAtod(text, &number) && std::isfinite(number)) {
      return SqlValue(number);
    }
    return DamagedValue(
        absl::StrCat("property '", name, "' holds a number out of range"),
        name);
  }
  if (type == "boolean") return SqlValue(int64_t{text == "true" ? 1 : 0});
  return SqlValue(std::string(text));
}

// The value read back from OutputColumn() at result column `at`.
absl::StatusOr<SqlValue> ValueAt(const Result& result, int row, int at,
                                 const Expr& expr) {
  if (result.IsNull(row, at)) return SqlValue();
  switch (expr.kind) {
    case Kind::kInteger:
      return result.Integer(row, at, expr.name);
    case Kind::kText:
      return SqlValue(std::string(result.Text(row, at)));
    case Kind::kJson:
      break;
  }
  absl::string_view tagged = result.Text(row, at);
  size_t colon = tagged.find(':');
  if (colon == absl::string_view::npos) {
    return DamagedValue(
        absl::StrCat("the server sent no JSON type for '", expr.name, "'"),
        expr.name);
  }
  absl::string_view type = tagged.substr(0, colon);
  absl::string_view text = tagged.substr(colon + 1);
  if (expr.customer) return StoredValue(false, type, text, expr.name);
  return PropertyValue(type, text, expr.name);
}

std::string OrderTerm(const std::string& value, bool descending) {
  return absl::StrCat(value,
                      descending ? " DESC NULLS LAST" : " ASC NULLS FIRST");
}

SqlBuilder RenderSelect(int64_t workspace_id, const SelectPlan& plan,
                        std::vector<Expr>* outputs) {
  SqlBuilder sql(workspace_id);
  bool customers = plan.target == Table::kCustomers;
  sql.Text(customers ? "SELECT c.customer_id, c.version" : "SELECT e.seq, 0");
  bool join = false;
  std::vector<Expr> sorts;
  for (const ColumnRef& column : plan.columns) {
    outputs->push_back(sql.Of(column));
    join |= column.table == Table::kCustomers;
  }
  for (const SortKey& sort : plan.sort) {
    sorts.push_back(sql.Of(sort.column));
    outputs->push_back(sorts.back());
    join |= sort.column.table == Table::kCustomers;
  }
  for (const Expr& expr : *outputs) {
    sql.Text(absl::StrCat(", ", OutputColumn(expr)));
  }
  RenderFrom(plan.target, plan.where, join && !customers, &sql);
  if (plan.after_id > 0) {
    if (plan.after_keys.size() != plan.sort.size()) {
      sql.Fail(MakeError(ErrorCode::kInvalidArgument,
                         "a page's position does not fit its sort order"));
    } else {
      sql.Text(" AND ");
      RenderAfter(plan, 0, &sql);
    }
  }
  sql.Text(" ORDER BY ");
  for (size_t i = 0; i < sorts.size(); ++i) {
    sql.Text(
        absl::StrCat(OrderTerm(sorts[i].sql, plan.sort[i].descending), ", "));
  }
  sql.Text(customers ? "c.customer_id" : "e.seq");
  sql.Text(" LIMIT ");
  sql.Param(absl::StrCat(plan.limit), "bigint");
  return sql;
}

SqlBuilder RenderCount(int64_t workspace_id, Table target,
                       const std::optional<Condition>& where) {
  SqlBuilder sql(workspace_id);
  sql.Text("SELECT count(*)");
  RenderFrom(target, where, false, &sql);
  return sql;
}

absl::StatusOr<Result> Execute(Connection& connection, const SqlBuilder& sql,
                               absl::string_view prefix = "") {
  CRM_ASSIGN_OR_RETURN(RenderedSql rendered, sql.Done());
  return connection.Execute(absl::StrCat(prefix, rendered.sql),
                            rendered.params);
}

absl::StatusOr<std::vector<int64_t>> Integers(const Result& result,
                                              absl::string_view what) {
  std::vector<int64_t> out;
  for (int column = 0; column < result.columns(); ++column) {
    CRM_ASSIGN_OR_RETURN(int64_t value, result.Integer(0, column, what));
    out.push_back(value);
  }
  return out;
}

// ---- aggregates ---------------------------------------------------------

// The text of a time value as a bucket's name (UTC), as SQLite's strftime
// makes it: day "2024-03-01", week its Monday, month "2024-03", quarter
// "2024-Q1", year "2024". Microseconds are cut to whole seconds toward
// zero first, as SQLite's integer division; times before year 1 or after
// 9999 have no bucket (NULL, as strftime gives them) instead of failing.
std::string BucketExpr(const Expr& expr, Bucket bucket, TimeUnit time) {
  std::string seconds = absl::StrCat("trunc(", NumericOf(expr), " / 1000000)");
  std::string at =
      time == TimeUnit::kMicroseconds
          ? absl::StrCat("(CASE WHEN ", seconds,
                         " BETWEEN -62135596800 AND 253402300799 THEN "
                         "to_timestamp(",
                         seconds, "::float8) AT TIME ZONE 'UTC' END)")
          : absl::StrCat("(", TextOf(expr), ")::timestamp");
  switch (bucket) {
    case Bucket::kDay:
      return absl::StrCat("to_char(", at, ", 'YYYY-MM-DD')");
    case Bucket::kWeek:
      return absl::StrCat("to_char(date_trunc('week', ", at,
                          "), 'YYYY-MM-DD')");
    case Bucket::kMonth:
      return absl::StrCat("to_char(", at, ", 'YYYY-MM')");
    case Bucket::kQuarter:
      return absl::StrCat("to_char(", at, ", 'YYYY-\"Q\"Q')");
    case Bucket::kYear:
      return absl::StrCat("to_char(", at, ", 'YYYY')");
    case Bucket::kNone:
      break;
  }
  return TextOf(expr);
}

// What one value of an aggregate's row is made of; each is one result
// column.
struct Output {
  enum class What {
    kValue,       // OutputColumn()
    kCount,       // an integer: `expr` is the count's SQL
    kIntegerSum,  // the numeric sum's text, or "!" and a value that is no
                  // whole number
    kDecimalSum,  // the same, "!" and a value that is no number
    kMin,         // OutputColumn() of the least value, numbers first
    kMax,         // ... of the greatest, text first (as SQLite orders)
  };
  What what;
  Expr expr;
  std::string name;  // the field, for errors
};

absl::Status SumError(const std::string& name, absl::string_view detail) {
  std::string message = absl::StrCat("'", name, "'", detail);
  return MakeError(ErrorCode::kValidation, message, name, Rule::kAggregate);
}

absl::StatusOr<SqlValue> OutputValue(const Output& output, const Result& result,
                                     int row, int at) {
  switch (output.what) {
    case Output::What::kValue:
    case Output::What::kMin:
    case Output::What::kMax:
      return ValueAt(result, row, at, output.expr);
    case Output::What::kCount:
      return result.Integer(row, at, "count");
    case Output::What::kIntegerSum:
    case Output::What::kDecimalSum:
      break;
  }
  if (result.IsNull(row, at)) return SqlValue();
  absl::string_view text = result.Text(row, at);
  bool decimal = output.what == Output::What::kDecimalSum;
  if (absl::ConsumePrefix(&text, "!")) {
    return SumError(
        output.name,
        absl::StrCat(" holds ", text.substr(0, 64),
                     decimal ? ", not a number; sum and avg need numbers"
                             : ", not a whole number; sum and avg need them"));
  }
  if (!decimal) {
    int64_t sum = 0;
    if (!absl::SimpleAtoi(text, &sum)) {
      return SumError(output.name,
                      ": the sum is out of range (beyond 64 bits)");
    }
    return SqlValue(sum);
  }
  DecimalSum sum;
  absl::Status added = sum.Add(text);
  if (!added.ok()) {
    return SumError(output.name, absl::StrCat(": ", added.message()));
  }
  return SqlValue(FormatDecimal(sum.scaled(), sum.scale()));
}

// The sum of a number column as text, or "!" and the text of a value that
// is not a number (`whole`: not a whole number).
std::string SumColumn(const Expr& expr, bool whole) {
  const std::string& x = expr.sql;
  switch (expr.kind) {
    case Kind::kInteger:
      return absl::StrCat("sum(", x, ")::text");
    case Kind::kText:
      return absl::StrCat("'!' || min(", x, ")");
    case Kind::kJson:
      break;
  }
  std::string bad = absl::StrCat("jsonb_typeof(", x, ") <> 'number'");
  if (whole) absl::StrAppend(&bad, " OR (", x, ")::text ~ '[.eE]'");
  return absl::StrCat("coalesce('!' || min(", TextOf(expr), ") FILTER (WHERE ",
                      bad, "), sum(", NumericOf(expr), ")::text)");
}

// The least (`least`) or greatest value, as OutputColumn() shows it.
std::string ExtremeColumn(const Expr& expr, bool least) {
  const char* f = least ? "min" : "max";
  if (expr.kind != Kind::kJson) return absl::StrCat(f, "(", expr.sql, ")");
  std::string number =
      TaggedJson("'number'", absl::StrCat(f, "(", NumericOf(expr), ")::text"));
  std::string text =
      TaggedJson("'string'", absl::StrCat(f, "(CASE WHEN jsonb_typeof(",
                                          expr.sql, ") = 'string' THEN ",
                                          TextOf(expr), " END COLLATE \"C\")"));
  return absl::StrCat("coalesce(", least ? number : text, ", ",
                      least ? text : number, ")");
}

absl::StatusOr<SqlBuilder> RenderAggregate(int64_t workspace_id,
                                           const AggregatePlan& plan,
                                           std::vector<Output>* outputs) {
  SqlBuilder sql(workspace_id);
  std::vector<std::string> select, groups, order;
  bool join = false;
  for (const GroupKey& key : plan.groups) {
    Expr expr = sql.Of(key.column);
    join |= key.column.table == Table::kCustomers;
    if (key.bucket != Bucket::kNone) {
      expr = Expr{BucketExpr(expr, key.bucket, key.time), Kind::kText, false,
                  expr.name};
      groups.push_back(expr.sql);
    } else if (key.column.interned) {
      // By id (one string per id): the text is looked up once per group.
      groups.push_back(absl::StrCat("e.", key.column.column));
    } else {
      groups.push_back(expr.sql);
    }
    order.push_back(OrderTerm(expr.sql, false));
    outputs->push_back({Output::What::kValue, expr, expr.name});
  }
  for (const AggregateColumn& aggregate : plan.aggregates) {
    Expr expr{"*", Kind::kInteger, false, aggregate.name};
    if (aggregate.column) {
      expr = sql.Of(*aggregate.column);
      join |= aggregate.column->table == Table::kCustomers;
    }
    switch (aggregate.function) {
      case Function::kCount:
      case Function::kCountDistinct:
        outputs->push_back(
            {Output::What::kCount,
             {absl::StrCat(aggregate.function == Function::kCountDistinct
                               ? "count(DISTINCT "
                               : "count(",
                           expr.sql, ")"),
              Kind::kInteger, false, aggregate.name},
             aggregate.name});
        break;
      case Function::kSum:
      case Function::kAvg: {
        bool decimal = aggregate.column && !aggregate.column->json_key.empty();
        outputs->push_back(
            {decimal ? Output::What::kDecimalSum : Output::What::kIntegerSum,
             expr, aggregate.name});
        if (aggregate.function == Function::kAvg) {
          outputs->push_back({Output::What::kCount,
                              {absl::StrCat("count(", expr.sql, ")"),
                               Kind::kInteger, false, aggregate.name},
                              aggregate.name});
        }
        break;
      }
      case Function::kMin:
      case Function::kMax:
        outputs->push_back({aggregate.function == Function::kMin
                                ? Output::What::kMin
                                : Output::What::kMax,
                            expr, aggregate.name});
        break;
    }
  }
  for (const Output& output : *outputs) {
    switch (output.what) {
      case Output::What::kValue:
        select.push_back(OutputColumn(output.expr));
        break;
      case Output::What::kCount:
        select.push_back(output.expr.sql);
        break;
      case Output::What::kIntegerSum:
      case Output::What::kDecimalSum:
        select.push_back(
            SumColumn(output.expr, output.what == Output::What::kIntegerSum));
        break;
      case Output::What::kMin:
      case Output::What::kMax:
        select.push_back(
            ExtremeColumn(output.expr, output.what == Output::What::kMin));
        break;
    }
  }
  sql.Text(absl::StrCat("SELECT ", absl::StrJoin(select, ", ")));
  RenderFrom(plan.target, plan.where, join && plan.target == Table::kEvents,
             &sql);
  if (!groups.empty()) {
    sql.Text(absl::StrCat(" GROUP BY ", absl::StrJoin(groups, ", "),
                          " ORDER BY ", absl::StrJoin(order, ", ")));
  }
  return sql;
}

}  // namespace

absl::StatusOr<RenderedSql> RenderCountSql(
    int64_t workspace_id, Table target, const std::optional<Condition>& where) {
  return RenderCount(workspace_id, target, where).Done();
}

absl::StatusOr<RenderedSql> RenderSelectSql(int64_t workspace_id,
                                            const SelectPlan& plan) {
  std::vector<Expr> outputs;
  return RenderSelect(workspace_id, plan, &outputs).Done();
}

absl::StatusOr<std::vector<SelectedRow>> RunSelect(Connection& connection,
                                                   int64_t workspace_id,
                                                   const SelectPlan& plan) {
  std::vector<Expr> outputs;
  SqlBuilder sql = RenderSelect(workspace_id, plan, &outputs);
  CRM_ASSIGN_OR_RETURN(Result result, Execute(connection, sql));
  if (result.columns() != 2 + static_cast<int>(outputs.size())) {
    return DamagedValue("the server answered a query with other columns", "");
  }
  std::vector<SelectedRow> selected;
  selected.reserve(result.rows());
  for (int row = 0; row < result.rows(); ++row) {
    SelectedRow out;
    CRM_ASSIGN_OR_RETURN(out.id, result.Integer(row, 0, "id"));
    CRM_ASSIGN_OR_RETURN(out.version, result.Integer(row, 1, "version"));
    for (size_t i = 0; i < outputs.size(); ++i) {
      CRM_ASSIGN_OR_RETURN(
          SqlValue value,
          ValueAt(result, row, 2 + static_cast<int>(i), outputs[i]));
      (i < plan.columns.size() ? out.values : out.sort_keys)
          .push_back(std::move(value));
    }
    selected.push_back(std::move(out));
  }
  return selected;
}

absl::StatusOr<int64_t> RunCount(Connection& connection, int64_t workspace_id,
                                 Table target,
                                 const std::optional<Condition>& where) {
  CRM_ASSIGN_OR_RETURN(
      Result result,
      Execute(connection, RenderCount(workspace_id, target, where)));
  if (result.rows() != 1) return DamagedValue("a count read no row", "");
  return result.Integer(0, 0, "count");
}

absl::Status PrepareCount(Connection& connection, int64_t workspace_id,
                          Table target, const std::optional<Condition>& where) {
  return Execute(connection, RenderCount(workspace_id, target, where),
                 "EXPLAIN ")
      .status();
}

absl::StatusOr<std::vector<std::vector<SqlValue>>> RunAggregate(
    Connection& connection, int64_t workspace_id, const AggregatePlan& plan) {
  std::vector<Output> outputs;
  CRM_ASSIGN_OR_RETURN(SqlBuilder sql,
                       RenderAggregate(workspace_id, plan, &outputs));
  CRM_ASSIGN_OR_RETURN(Result result, Execute(connection, sql));
  if (result.columns() != static_cast<int>(outputs.size())) {
    return DamagedValue("the server answered an aggregate with other columns",
                        "");
  }
  std::vector<std::vector<SqlValue>> rows;
  rows.reserve(result.rows());
  for (int row = 0; row < result.rows(); ++row) {
    std::vector<SqlValue> values;
    for (size_t i = 0; i < outputs.size(); ++i) {
      CRM_ASSIGN_OR_RETURN(SqlValue value, OutputValue(outputs[i], result, row,
                                                       static_cast<int>(i)));
      values.push_back(std::move(value));
    }
    rows.push_back(std::move(values));
  }
  return rows;
}

absl::StatusOr<std::string> ExplainSelect(Connection& connection,
                                          int64_t workspace_id,
                                          const SelectPlan& plan) {
  std::vector<Expr> outputs;
  CRM_ASSIGN_OR_RETURN(
      Result result,
      Execute(connection, RenderSelect(workspace_id, plan, &outputs),
              "EXPLAIN "));
  std::string out;
  for (int row = 0; row < result.rows(); ++row) {
    absl::StrAppend(&out, result.Text(row, 0), "\n");
  }
  return out;
}

absl::StatusOr<std::vector<int64_t>> CountFilled(
    Connection& connection, int64_t workspace_id,
    const std::vector<ColumnRef>& columns) {
  SqlBuilder sql(workspace_id);
  sql.Text("SELECT ");
  for (const ColumnRef& column : columns) {
    Expr expr = sql.Of(column);
    sql.Text(
        column.list && expr.kind == Kind::kJson
            ? absl::StrCat("count(nullif(", expr.sql, ", '\"[]\"'::jsonb)), ")
            : absl::StrCat("count(", expr.sql, "), "));
  }
  sql.Text("count(*) FROM crm_customers c WHERE c.workspace_id = $1");
  CRM_ASSIGN_OR_RETURN(Result result, Execute(connection, sql));
  if (result.rows() != 1 ||
      result.columns() != static_cast<int>(columns.size()) + 1) {
    return DamagedValue("the server answered a count with other columns", "");
  }
  return Integers(result, "count");
}

absl::StatusOr<std::vector<std::vector<SqlValue>>> RunCohort(
    Connection& connection, int64_t workspace_id, const std::string& first_type,
    const std::string& then_type, int64_t within_us, Bucket bucket) {
  Expr first{"e.t0", Kind::kInteger, false, "occurred_at"};
  std::string group = bucket == Bucket::kNone
                          ? std::string("'all'::text")
                          : BucketExpr(first, bucket, TimeUnit::kMicroseconds);
  SqlBuilder sql(workspace_id);
  sql.Text(absl::StrCat(
      "SELECT ", group,
      ", count(DISTINCT e.customer_id), count(DISTINCT f.customer_id), "
      "count(f.seq) FROM (SELECT customer_id, min(occurred_at_us) AS t0 FROM "
      "crm_events WHERE workspace_id = $1 AND type_id = (SELECT string_id "
      "FROM crm_strings WHERE workspace_id = $1 AND text = "));
  sql.Param(first_type, "text");
  sql.Text(
      ") GROUP BY customer_id) e LEFT JOIN crm_events f ON f.workspace_id = "
      "$1 AND f.customer_id = e.customer_id AND f.type_id = (SELECT "
      "string_id FROM crm_strings WHERE workspace_id = $1 AND text = ");
  sql.Param(then_type, "text");
  // numeric: a window reaching past the largest time matches, not fails.
  sql.Text(
      ") AND f.occurred_at_us >= e.t0 AND f.occurred_at_us < e.t0::numeric + ");
  sql.Param(absl::StrCat(within_us), "numeric");
  sql.Text(" GROUP BY 1 ORDER BY 1");
  CRM_ASSIGN_OR_RETURN(Result result, Execute(connection, sql));
  if (result.columns() != 4) {
    return DamagedValue("the server answered a cohort with other columns", "");
  }
  std::vector<std::vector<SqlValue>> rows;
  for (int row = 0; row < result.rows(); ++row) {
    std::vector<SqlValue> values;
    values.push_back(result.IsNull(row, 0)
                         ? SqlValue()
                         : SqlValue(std::string(result.Text(row, 0))));
    for (int column = 1; column < 4; ++column) {
      CRM_ASSIGN_OR_RETURN(int64_t count,
                           result.Integer(row, column, "cohort count"));
      values.push_back(count);
    }
    rows.push_back(std::move(values));
  }
  return rows;
}

}  // namespace crm::store::postgres
