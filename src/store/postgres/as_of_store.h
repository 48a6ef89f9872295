// Queries as of a valid time on PostgreSQL (core/as_of.h): the history of
// every customer of the workspace read in pages, and the session's
// temporary as-of table (store::Table::kAsOf) the query renderer reads. The
// table is a TEMP table of the connection, keyed by workspace id like the
// stored tables; the stored layout never changes.
#ifndef CRM_STORE_POSTGRES_AS_OF_STORE_H_
#define CRM_STORE_POSTGRES_AS_OF_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "store/backend.h"
#include "store/postgres/connection.h"

namespace crm::store::postgres {

// The name queries over Table::kAsOf read (query_render.cc). Its columns:
// workspace_id, customer_id, version, created_at_us, updated_at_us,
// valid_at_us, data (as crm_customers.data).
inline constexpr char kAsOfTable[] = "pg_temp.crm_as_of";

// Backend::ForEachHistoryRow: the workspace's history events recorded at or
// before `known_at_us`, by customer id then seq, read in pages through the
// history index.
absl::Status ForEachHistoryRow(
    Connection& connection, int64_t workspace_id, int64_t known_at_us,
    absl::FunctionRef<absl::Status(const EventRow&)> visit);

// Makes the session's temporary as-of table, before the session turns
// read-only (PostgresBackend::ConfigureSession, after each connect).
absl::Status CreateAsOfTable(Connection& connection);

// Backend::FillAsOf: replaces the rows of pg_temp.crm_as_of
// with `rows`, and with `scope` deletes those of customers not matching it
// in crm_customers.
absl::Status FillAsOf(Connection& connection, int64_t workspace_id,
                      const std::vector<std::string>& columns,
                      const std::vector<AsOfRow>& rows,
                      const std::optional<Condition>& scope);

}  // namespace crm::store::postgres

#endif  // CRM_STORE_POSTGRES_AS_OF_STORE_H_
