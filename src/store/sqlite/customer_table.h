// Storage of customer rows.
#ifndef CRM_STORE_SQLITE_CUSTOMER_TABLE_H_
#define CRM_STORE_SQLITE_CUSTOMER_TABLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/rows.h"
#include "store/sql_value.h"
#include "store/sqlite/connection.h"

namespace crm::store::sqlite {

// Inserts a customer at version 1 under a new id, never one used before;
// returns the id.
absl::StatusOr<int64_t> InsertCustomer(Connection& connection,
                                       int64_t created_at_us, int64_t now_us,
                                       const ColumnValues& values);

// Writes `values` into customer `id` and sets its version and update time.
absl::Status UpdateCustomer(Connection& connection, int64_t id,
                            int64_t new_version, int64_t now_us,
                            const ColumnValues& values);

// The customer whose `key_column` equals `key` (ignoring ASCII case when
// `nocase`), with the values of `columns`; nullopt when there is none.
absl::StatusOr<std::optional<CustomerRow>> SelectCustomer(
    Connection& connection, const std::vector<std::string>& columns,
    const std::string& key_column, const SqlValue& key, bool nocase);

// The customers of `ids` (ascending, no two equal) that exist, by id, with
// the values of `columns`: SelectCustomer() per id, which in-process costs
// what one statement for all would.
absl::StatusOr<std::vector<CustomerRow>> SelectCustomers(
    Connection& connection, const std::vector<std::string>& columns,
    const std::vector<int64_t>& ids);

// The customer row at `statement`'s current row, selected as id, version,
// created_at, updated_at and then `value_count` value columns.
CustomerRow ReadCustomerRow(const Statement& statement, size_t value_count);

absl::Status DeleteCustomer(Connection& connection, int64_t id);

// Whether any customer other than `id` holds `id` in `column`.
absl::StatusOr<bool> IsReferenced(Connection& connection,
                                  const std::string& column, int64_t id);

absl::StatusOr<int64_t> CountCustomers(Connection& connection);

// Those of `ids` that are customers, in ascending order. The ids are looked
// up in ascending order, so that consecutive lookups share B-tree pages: a
// batch naming customers spread over the whole table reads each page once.
absl::StatusOr<std::vector<int64_t>> ExistingCustomers(
    Connection& connection, std::vector<int64_t> ids);

}  // namespace crm::store::sqlite

#endif  // CRM_STORE_SQLITE_CUSTOMER_TABLE_H_
