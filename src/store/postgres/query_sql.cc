#include "store/postgres/query_sql.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "store/postgres/query_render.h"

namespace crm::store::postgres {
namespace {

using render::Execute;
using render::Expr;
using render::Operand;
using render::OrderTerm;
using render::OutputColumn;
using render::RenderFrom;
using render::Side;
using render::SideOf;
using render::SqlBuilder;
using render::ValueAt;

// The keyset condition "after the row with these sort keys and id", in the
// order ORDER BY gives: nulls before values ascending, after them
// descending.
void RenderAfter(const SelectPlan& plan, size_t key, SqlBuilder* sql) {
  const char* id = IsCustomerTable(plan.target) ? "c.customer_id" : "e.seq";
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

SqlBuilder RenderSelect(int64_t workspace_id, const SelectPlan& plan,
                        std::vector<Expr>* outputs) {
  SqlBuilder sql(workspace_id);
  bool customers = IsCustomerTable(plan.target);
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

}  // namespace crm::store::postgres
