// The pieces query_sql.cc and aggregate_sql.cc render PostgreSQL queries
// from (query_sql.h says how values compare): the SQL of a plan's columns
// and conditions, and reading values back. Internal to those two files.
// Stateless but for SqlBuilder, which is not thread-safe.
#ifndef CRM_STORE_POSTGRES_QUERY_RENDER_H_
#define CRM_STORE_POSTGRES_QUERY_RENDER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "store/postgres/connection.h"
#include "store/postgres/query_sql.h"
#include "store/query_plan.h"

namespace crm::store::postgres::render {

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

// The expression of a plan's column; kInvalidArgument for a column no
// table has (names are spliced into SQL, so only libcrm's may).
absl::StatusOr<Expr> ExprOf(const ColumnRef& column);

// The value as text: what text matches search (SQLite's view of a number
// as text; a JSON string's content).
std::string TextOf(const Expr& expr);
// The value as numeric when it is a number (NULL otherwise).
std::string NumericOf(const Expr& expr);

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
  Expr Of(const ColumnRef& column);
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

// The left side of a comparison with `values` (NOCASE columns fold case
// when `nocase` and the values are text), and Operand() binds each value
// as that side compares.
Side SideOf(const Expr& expr, const ColumnRef& column,
            const std::vector<SqlValue>& values, bool nocase);
void Operand(const SqlValue& value, Mode mode, SqlBuilder* sql);

// " FROM ... [JOIN] WHERE <the workspace> [AND <where>]" for `target`,
// joining the event's customer as c when `join_customers` or `where` reads
// customers.
void RenderFrom(Table target, const std::optional<Condition>& where,
                bool join_customers, SqlBuilder* sql);

// A JSON value as one result column "<jsonb_typeof>:<text>" (NULL for
// none): one column per value, as PostgreSQL allows 1,664 of them and a
// query may read 1,500 values and an aggregate 1,500 (query_service.h).
std::string TaggedJson(const std::string& type, const std::string& text);
// The result column a value is read back from (ValueAt()).
std::string OutputColumn(const Expr& expr);
// The value read back from OutputColumn() at result column `at`: customer
// values as stored_value.h reads them, properties as json_extract() gives
// them; a damaged-value error for anything else.
absl::StatusOr<SqlValue> ValueAt(const Result& result, int row, int at,
                                 const Expr& expr);

// An ORDER BY term ordering NULL first ascending, last descending (as
// SQLite orders them).
std::string OrderTerm(const std::string& value, bool descending);

// Runs `sql` (prefixed by `prefix`, e.g. "EXPLAIN "), or its render error.
absl::StatusOr<Result> Execute(Connection& connection, const SqlBuilder& sql,
                               absl::string_view prefix = "");

}  // namespace crm::store::postgres::render

#endif  // CRM_STORE_POSTGRES_QUERY_RENDER_H_
