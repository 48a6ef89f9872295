// Queries as of a valid time on SQLite (core/as_of.h): the history of every
// customer read in one pass, and the connection's temporary as-of table
// (store::Table::kAsOf) the query renderer reads. The table lives in the
// connection's temp schema: the workspace file's schema never changes.
#ifndef CRM_STORE_SQLITE_AS_OF_TABLE_H_
#define CRM_STORE_SQLITE_AS_OF_TABLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "store/backend.h"
#include "store/sqlite/connection.h"

namespace crm::store::sqlite {

// The name queries over Table::kAsOf read (query_sql.cc).
inline constexpr char kAsOfTable[] = "temp.crm_as_of";

// Backend::ForEachHistoryRow: the history events recorded at or before
// `known_at_us`, by customer id then seq, through the history index.
absl::Status ForEachHistoryRow(
    Connection& connection, int64_t known_at_us,
    absl::FunctionRef<absl::Status(const EventRow&)> visit);

// Backend::FillAsOf: drops and makes again temp.crm_as_of with the columns
// of crm_customers (their declared types, so values compare as in the
// customers table) plus valid_at, and inserts `rows`; with `scope`, deletes
// the rows of customers not matching it in crm_customers.
absl::Status FillAsOf(Connection& connection,
                      const std::vector<std::string>& columns,
                      const std::vector<AsOfRow>& rows,
                      const std::optional<Condition>& scope);

}  // namespace crm::store::sqlite

#endif  // CRM_STORE_SQLITE_AS_OF_TABLE_H_
