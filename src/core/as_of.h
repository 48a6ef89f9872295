// Customers as of a valid time (crm.h, crm_query_set_as_of and
// crm_query_run_series): every customer's history replayed in one pass
// (core/valid_time.h) into the connection's as-of table
// (store::Table::kAsOf), which a customers query then reads with its usual
// plan: filters, sorting, paging and aggregates are the same code.
#ifndef CRM_CORE_AS_OF_H_
#define CRM_CORE_AS_OF_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/workspace.h"
#include "store/query_plan.h"

namespace crm::core {

// The customer columns a plan reads (filter, selected, sorted, grouped and
// aggregated columns of Table::kCustomers), so that only they are filled.
std::set<std::string> ColumnsOf(const store::SelectPlan& plan);
std::set<std::string> ColumnsOf(const store::AggregatePlan& plan);
std::set<std::string> ColumnsOf(const std::optional<store::Condition>& where);

// Fills the as-of table with one row per customer and instant of
// `instants` (valid times) at which the customer existed by what libcrm had
// recorded up to `known_at_us`: the version, created_at and updated_at
// crm_customer_get_at_v2() gives, its values of `columns` (stored forms;
// the other columns NULL), and the instant (store::kAsOfInstantColumn). On
// a restricted session only customers in its scope now are kept.
absl::Status FillAsOf(Session& session, const std::vector<int64_t>& instants,
                      int64_t known_at_us,
                      const std::set<std::string>& columns);

}  // namespace crm::core

#endif  // CRM_CORE_AS_OF_H_
