#include "store/postgres/query_render.h"

#include <cmath>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "base/filter_operators.h"
#include "store/like_pattern.h"
#include "store/postgres/as_of_store.h"
#include "store/postgres/column_index.h"
#include "store/postgres/search_terms.h"
#include "store/postgres/stored_value.h"

namespace crm::store::postgres::render {
namespace {

absl::Status BadColumn(absl::string_view column) {
  return MakeError(ErrorCode::kInvalidArgument,
                   absl::StrCat("a query names '", column,
                                "', which PostgreSQL workspaces do not store"));
}

// "search matches": the customer's words (search_terms.h) hold the query's
// phrases. A query without words matches nothing, as in FTS5.
void RenderMatches(const Condition& condition, SqlBuilder* sql) {
  const std::string* query = std::get_if<std::string>(&condition.values[0]);
  if (query == nullptr) {
    sql->Fail(MakeError(ErrorCode::kInvalidArgument, "a search query is text",
                        "", Rule::kType));
    sql->Text("false");
    return;
  }
  absl::StatusOr<std::optional<std::string>> tsquery = TsQueryLiteral(*query);
  if (!tsquery.ok()) {
    sql->Fail(tsquery.status());
    sql->Text("false");
    return;
  }
  if (!tsquery->has_value()) {
    sql->Text("false");
    return;
  }
  sql->Text(
      "EXISTS (SELECT 1 FROM crm_customer_search s WHERE s.workspace_id = $1 "
      "AND s.customer_id = c.customer_id AND s.terms @@ ");
  sql->Param(**tsquery, "tsquery");
  sql->Text(")");
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

}  // namespace

absl::StatusOr<Expr> ExprOf(const ColumnRef& column) {
  const std::string& name = column.column;
  if (column.table == Table::kCustomers) {
    if (name == "id") return Expr{"c.customer_id", Kind::kInteger, true, name};
    // Only in the as-of table (Table::kAsOf); never a key of `data`.
    if (name == kAsOfInstantColumn) {
      return Expr{"c.valid_at_us", Kind::kInteger, true, name};
    }
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

Expr SqlBuilder::Of(const ColumnRef& column) {
  absl::StatusOr<Expr> expr = ExprOf(column);
  if (expr.ok()) return *std::move(expr);
  Fail(expr.status());
  return Expr{"NULL", Kind::kText, false, column.column};
}

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

namespace {

void Operands(const std::vector<SqlValue>& values, Mode mode, SqlBuilder* sql) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) sql->Text(", ");
    Operand(values[i], mode, sql);
  }
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
    sql->Text(absl::StrCat("lower(", value, " COLLATE \"C\") LIKE lower("));
    sql->Param(LikePattern(match.text_match, *text), "text");
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
    RenderMatches(condition, sql);
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

}  // namespace

void RenderFrom(Table target, const std::optional<Condition>& where,
                bool join_customers, SqlBuilder* sql) {
  if (target == Table::kCustomers) {
    sql->Text(" FROM crm_customers c WHERE c.workspace_id = $1");
  } else if (target == Table::kAsOf) {
    sql->Text(
        absl::StrCat(" FROM ", kAsOfTable, " c WHERE c.workspace_id = $1"));
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

namespace {

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

}  // namespace

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

absl::StatusOr<Result> Execute(Connection& connection, const SqlBuilder& sql,
                               absl::string_view prefix) {
  CRM_ASSIGN_OR_RETURN(RenderedSql rendered, sql.Done());
  return connection.Execute(absl::StrCat(prefix, rendered.sql),
                            rendered.params);
}

}  // namespace crm::store::postgres::render
