// Customer rows of PostgreSQL workspaces (crm_customers, values as jsonb:
// stored_value.h). The PostgreSQL backend's customer methods, and the
// column reads and writes of its field methods, forward here
// (store/backend.h states each contract); every function takes the
// workspace's id, which leads every key it reads or writes, and runs inside
// the transaction the caller opened on `connection`. A unique violation is
// kConstraint, rule "unique", naming the column (the core names the field).
#ifndef CRM_STORE_POSTGRES_CUSTOMER_STORE_H_
#define CRM_STORE_POSTGRES_CUSTOMER_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/postgres/connection.h"
#include "store/rows.h"

namespace crm::store::postgres {

absl::StatusOr<int64_t> InsertCustomer(Connection& connection,
                                       int64_t workspace_id,
                                       int64_t created_at_us, int64_t now_us,
                                       const ColumnValues& values);
absl::Status UpdateCustomer(Connection& connection, int64_t workspace_id,
                            int64_t id, int64_t new_version, int64_t now_us,
                            const ColumnValues& values);
// The row lock SelectCustomer() takes on the customer it finds, until the
// caller's transaction ends: none (reads), FOR KEY SHARE (a write that needs
// the customer to go on existing: an event appended to it, a reference to
// it), FOR NO KEY UPDATE (a write about to change or delete it, whose
// version check must hold). Locks wait up to lock_timeout (then kBusy);
// only a write transaction may take them.
enum class RowLock { kNone, kKeyShare, kUpdate };

absl::StatusOr<std::optional<CustomerRow>> SelectCustomer(
    Connection& connection, int64_t workspace_id,
    const std::vector<std::string>& columns, const std::string& key_column,
    const SqlValue& key, bool nocase, RowLock lock = RowLock::kNone);
// A customer row as the store reads it: the SELECT list of its id, version
// and times, then a type and a text column per column of `columns`
// (CheckColumnName'd); and row `at` of a result that begins with it.
absl::StatusOr<std::string> CustomerRowSelect(
    const std::vector<std::string>& columns);
absl::StatusOr<CustomerRow> CustomerRowAt(
    const Result& found, int at, const std::vector<std::string>& columns);

// The customers of `ids` that exist, by id, with the values of `columns`;
// one statement, taking `lock` on each (in id order, so that two such
// reads never wait for each other in a cycle).
absl::StatusOr<std::vector<CustomerRow>> SelectCustomersById(
    Connection& connection, int64_t workspace_id,
    const std::vector<std::string>& columns, const std::vector<int64_t>& ids,
    RowLock lock = RowLock::kNone);
absl::Status DeleteCustomer(Connection& connection, int64_t workspace_id,
                            int64_t id);
absl::StatusOr<bool> IsReferenced(Connection& connection, int64_t workspace_id,
                                  const std::string& column, int64_t id);
absl::StatusOr<int64_t> CountCustomers(Connection& connection,
                                       int64_t workspace_id);
absl::StatusOr<std::vector<int64_t>> ExistingCustomers(
    Connection& connection, int64_t workspace_id, std::vector<int64_t> ids);

absl::StatusOr<std::vector<std::pair<int64_t, SqlValue>>> ReadColumn(
    Connection& connection, int64_t workspace_id, const std::string& column);
absl::Status WriteColumnValue(Connection& connection, int64_t workspace_id,
                              const std::string& column, int64_t customer_id,
                              const SqlValue& value);
// Removes `column` from every customer of the workspace.
absl::Status DropColumnValues(Connection& connection, int64_t workspace_id,
                              const std::string& column);

}  // namespace crm::store::postgres

#endif  // CRM_STORE_POSTGRES_CUSTOMER_STORE_H_
