// Query plans rendered as SQL with bound parameters, and run.
#ifndef CRM_STORE_SQLITE_QUERY_SQL_H_
#define CRM_STORE_SQLITE_QUERY_SQL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "store/query_plan.h"
#include "store/rows.h"
#include "store/sqlite/connection.h"

namespace crm::store::sqlite {

// The SQL text and bound parameters of a statement, as the renderer makes
// them: for golden tests of the renderer (and of the next backend's).
struct RenderedSql {
  std::string sql;
  std::vector<SqlValue> params;
};

// What RunCount() runs.
RenderedSql RenderCountSql(Table target, const std::optional<Condition>& where);
// "SELECT c.id FROM crm_customers c WHERE <where>": the ids of the customers
// matching `where` (a restricted handle's scope), for a subquery.
RenderedSql RenderCustomerIdsSql(const Condition& where);

absl::StatusOr<std::vector<SelectedRow>> RunSelect(Connection& connection,
                                                   const SelectPlan& plan);

absl::StatusOr<int64_t> RunCount(Connection& connection, Table target,
                                 const std::optional<Condition>& where);
// Prepares the statement RunCount() runs, without running it: whether SQLite
// accepts it.
absl::Status PrepareCount(Connection& connection, Table target,
                          const std::optional<Condition>& where);

// One row per group: group keys, then aggregates (avg as two values: sum
// and count).
absl::StatusOr<std::vector<std::vector<SqlValue>>> RunAggregate(
    Connection& connection, const AggregatePlan& plan);

// SQLite's plan for a select, one step per line ("SEARCH c USING INDEX
// ..."), for hosts and tests that check an index is used.
absl::StatusOr<std::string> ExplainSelect(Connection& connection,
                                          const SelectPlan& plan);

// Per column, how many customers hold a value (a non-empty list for list
// columns); the last element is the number of customers.
absl::StatusOr<std::vector<int64_t>> CountFilled(
    Connection& connection, const std::vector<ColumnRef>& columns);

// Per bucket of the first event of type `first_type`: customers, customers
// with an event of `then_type` within `within_us` after it, such events;
// with `customers`, of the customers matching it only.
absl::StatusOr<std::vector<std::vector<SqlValue>>> RunCohort(
    Connection& connection, const std::string& first_type,
    const std::string& then_type, int64_t within_us, Bucket bucket,
    const std::optional<Condition>& customers);

}  // namespace crm::store::sqlite

#endif  // CRM_STORE_SQLITE_QUERY_SQL_H_
