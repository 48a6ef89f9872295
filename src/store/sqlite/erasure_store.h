// Erasure in a workspace file (store/backend.h, "erasure"): removing a
// customer's events, finding the customers that refer to one, rewriting
// the full-text index, and truncating the write-ahead log. What makes the
// removed bytes unreadable besides these is Connection::Open()'s
// secure_delete.
#ifndef CRM_STORE_SQLITE_ERASURE_STORE_H_
#define CRM_STORE_SQLITE_ERASURE_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/rows.h"
#include "store/sqlite/connection.h"

namespace crm::store::sqlite {

// Deletes every event of `customer_id`, counted by kind.
absl::StatusOr<RemovedEvents> DeleteCustomerEvents(Connection& connection,
                                                   int64_t customer_id);

// The customers other than `id` whose `column` holds `id`, ascending.
absl::StatusOr<std::vector<int64_t>> CustomersReferencing(
    Connection& connection, const std::string& column, int64_t id);

// Merges every segment of the FTS5 index into one ("optimize"), which
// leaves out the entries deleted since; the old segments' pages are freed,
// and overwritten by secure_delete. SQLite 3.40 has no secure-delete option
// of FTS5's own: without the merge a deleted entry's words stay in the
// segments until an automatic merge happens to reach them.
absl::Status PurgeSearchIndex(Connection& connection);

// PRAGMA wal_checkpoint(TRUNCATE), outside any transaction: every committed
// frame copied into the file and the log truncated to zero bytes. kBusy
// when another connection kept it from completing within the busy
// timeout; OK with nothing to do for a database without a log (in memory).
absl::Status TruncateLog(Connection& connection);

}  // namespace crm::store::sqlite

#endif  // CRM_STORE_SQLITE_ERASURE_STORE_H_
