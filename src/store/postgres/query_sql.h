// Query plans (store/query_plan.h) rendered as PostgreSQL SQL with bound
// parameters ($1 is always the workspace id; values only ever travel as
// parameters), and run: the PostgreSQL side of store/sqlite/query_sql.h,
// with the same rows, order, counts, aggregates and errors.
//
// How values are compared. Customer values are the jsonb `data -> 'column'`
// (stored_value.h), compared as jsonb with jsonb parameters, which are the
// expressions the per-workspace indexes (column_index.h) hold: text "7" is
// not the number 7, the number 3 equals 3.0, as on SQLite. NOCASE columns
// (email) compare NoCaseExpression(). Event properties are `properties ->
// 'key'` with JSON null read as SQL NULL (json_extract's view). Known
// difference from SQLite: between values of different JSON types (only
// possible in event properties) jsonb orders text before numbers, SQLite
// numbers before text; and text orders by the database's collation (the
// test server's C.UTF-8 is SQLite's byte order).
//
// Stateless; thread-safe as the Connection passed (not at all).
#ifndef CRM_STORE_POSTGRES_QUERY_SQL_H_
#define CRM_STORE_POSTGRES_QUERY_SQL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "store/postgres/connection.h"
#include "store/query_plan.h"
#include "store/rows.h"

namespace crm::store::postgres {

// The SQL text and parameters of a statement, for golden tests of the
// renderer.
struct RenderedSql {
  std::string sql;
  Parameters params;
};

// What RunCount() runs. Errors: a value PostgreSQL cannot hold
// (kInvalidArgument, as stored_value.h), a column no table has, a search
// query beyond PostgreSQL's limits (kValidation, search_terms.h).
absl::StatusOr<RenderedSql> RenderCountSql(
    int64_t workspace_id, Table target, const std::optional<Condition>& where);
// What RunSelect() runs.
absl::StatusOr<RenderedSql> RenderSelectSql(int64_t workspace_id,
                                            const SelectPlan& plan);

absl::StatusOr<std::vector<SelectedRow>> RunSelect(Connection& connection,
                                                   int64_t workspace_id,
                                                   const SelectPlan& plan);

absl::StatusOr<int64_t> RunCount(Connection& connection, int64_t workspace_id,
                                 Table target,
                                 const std::optional<Condition>& where);

// Whether the server accepts the statement RunCount() runs (it is planned
// with EXPLAIN, not run).
absl::Status PrepareCount(Connection& connection, int64_t workspace_id,
                          Table target, const std::optional<Condition>& where);

// One row per group: group keys, then aggregates (avg as two values: sum
// and count); sums exact (numeric), failing with kValidation, rule
// "aggregate", on values that are no numbers, as SQLite's crm_*_sum.
absl::StatusOr<std::vector<std::vector<SqlValue>>> RunAggregate(
    Connection& connection, int64_t workspace_id, const AggregatePlan& plan);

// The server's EXPLAIN text for a select, one line per plan line.
absl::StatusOr<std::string> ExplainSelect(Connection& connection,
                                          int64_t workspace_id,
                                          const SelectPlan& plan);

// Per column, how many customers hold a value (a non-empty list for list
// columns); the last element is the number of customers.
absl::StatusOr<std::vector<int64_t>> CountFilled(
    Connection& connection, int64_t workspace_id,
    const std::vector<ColumnRef>& columns);

// Per bucket (UTC) of the first event of type `first_type`: customers,
// customers with an event of `then_type` within `within_us` after it, such
// events; with `customers`, of the customers matching it only.
absl::StatusOr<std::vector<std::vector<SqlValue>>> RunCohort(
    Connection& connection, int64_t workspace_id, const std::string& first_type,
    const std::string& then_type, int64_t within_us, Bucket bucket,
    const std::optional<Condition>& customers);

}  // namespace crm::store::postgres

#endif  // CRM_STORE_POSTGRES_QUERY_SQL_H_
