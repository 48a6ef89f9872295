// Aggregates, fill rates and cohorts on PostgreSQL (query_sql.h).
#include <cmath>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "base/decimal.h"
#include "base/error.h"
#include "store/postgres/query_render.h"
#include "store/postgres/query_sql.h"

namespace crm::store::postgres {
namespace {

using render::Execute;
using render::Expr;
using render::Kind;
using render::NumericOf;
using render::OrderTerm;
using render::OutputColumn;
using render::RenderFrom;
using render::SqlBuilder;
using render::TaggedJson;
using render::TextOf;
using render::ValueAt;

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
    const std::string& then_type, int64_t within_us, Bucket bucket,
    const std::optional<Condition>& customers) {
  Expr first{"e.t0", Kind::kInteger, false, "occurred_at"};
  std::string group = bucket == Bucket::kNone
                          ? std::string("'all'::text")
                          : BucketExpr(first, bucket, TimeUnit::kMicroseconds);
  // With merges (crm.h "Merging customers"), the events of a merged
  // customer count as its survivor's: "ev" names each event's survivor.
  SqlBuilder probe(workspace_id);
  probe.Text(
      "SELECT EXISTS (SELECT 1 FROM crm_merges WHERE workspace_id = $1)::int");
  CRM_ASSIGN_OR_RETURN(Result any_merge, Execute(connection, probe));
  CRM_ASSIGN_OR_RETURN(int64_t merges,
                       any_merge.Integer(0, 0, "merges present"));
  const std::string events = merges != 0 ? "ev" : "crm_events";
  SqlBuilder sql(workspace_id);
  if (merges != 0) {
    sql.Text(
        "WITH ev AS MATERIALIZED (SELECT x.workspace_id, x.seq, "
        "coalesce(m.survivor_id, x.customer_id) AS customer_id, x.type_id, "
        "x.occurred_at_us FROM crm_events x LEFT JOIN crm_merges m ON "
        "m.workspace_id = x.workspace_id AND m.merged_id = x.customer_id "
        "WHERE x.workspace_id = $1) ");
  }
  sql.Text(absl::StrCat(
      "SELECT ", group,
      ", count(DISTINCT e.customer_id), count(DISTINCT f.customer_id), "
      "count(f.seq) FROM (SELECT customer_id, min(occurred_at_us) AS t0 FROM ",
      events,
      " WHERE workspace_id = $1 AND type_id = (SELECT string_id "
      "FROM crm_strings WHERE workspace_id = $1 AND text = "));
  sql.Param(first_type, "text");
  sql.Text(")");
  if (customers) {
    sql.Text(" AND customer_id IN (SELECT c.customer_id");
    RenderFrom(Table::kCustomers, customers, false, &sql);
    sql.Text(")");
  }
  sql.Text(absl::StrCat(
      " GROUP BY customer_id) e LEFT JOIN ", events,
      " f ON f.workspace_id = "
      "$1 AND f.customer_id = e.customer_id AND f.type_id = (SELECT "
      "string_id FROM crm_strings WHERE workspace_id = $1 AND text = "));
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
    std::vector<SqlValue> values(4);
    if (!result.IsNull(row, 0)) {
      values[0].emplace<std::string>(result.Text(row, 0));
    }
    for (int column = 1; column < 4; ++column) {
      CRM_ASSIGN_OR_RETURN(int64_t count,
                           result.Integer(row, column, "cohort count"));
      values[column].emplace<int64_t>(count);
    }
    rows.push_back(std::move(values));
  }
  return rows;
}

}  // namespace crm::store::postgres
