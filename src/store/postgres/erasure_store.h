// Erasure in a PostgreSQL workspace (store/backend.h, "erasure"): removing
// a customer's events, finding the customers that refer to one, and VACUUM
// of libcrm's tables. The search index needs no rewrite here: a deleted
// row's terms leave its GIN index with the row's dead version, at VACUUM.
#ifndef CRM_STORE_POSTGRES_ERASURE_STORE_H_
#define CRM_STORE_POSTGRES_ERASURE_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/postgres/connection.h"
#include "store/rows.h"

namespace crm::store::postgres {

// Deletes every event of `customer_id` in the workspace, counted by kind.
absl::StatusOr<RemovedEvents> DeleteCustomerEvents(Connection& connection,
                                                   int64_t workspace_id,
                                                   int64_t customer_id);

// The workspace's customers other than `id` whose `column` holds `id`,
// ascending.
absl::StatusOr<std::vector<int64_t>> CustomersReferencing(
    Connection& connection, int64_t workspace_id, const std::string& column,
    int64_t id);

// VACUUM of the tables that hold customers, events and search text (with
// their TOAST tables and indexes), for every workspace of the database; on
// a connection with no transaction open. Dead row versions that an open
// transaction of any session can still see stay until a later VACUUM; the
// space freed is not zeroed. kIo, rule "server", when the role may not
// vacuum them (only their owner, the database's owner or a superuser may:
// the server would skip them with a mere warning).
absl::Status VacuumErasedTables(Connection& connection);

}  // namespace crm::store::postgres

#endif  // CRM_STORE_POSTGRES_ERASURE_STORE_H_
