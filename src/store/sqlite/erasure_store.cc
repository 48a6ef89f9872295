#include "store/sqlite/erasure_store.h"

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "store/sqlite/sqlite_backend.h"

namespace crm::store::sqlite {

absl::StatusOr<RemovedEvents> DeleteCustomerEvents(Connection& connection,
                                                   int64_t customer_id) {
  // Type ids 1 to 3 are the history's (store/rows.h).
  CRM_ASSIGN_OR_RETURN(
      Statement * remove,
      connection.Prepare("DELETE FROM crm_events WHERE customer_id = ? "
                         "RETURNING type_id BETWEEN 1 AND 3, "
                         "idempotency_key IS NOT NULL"));
  CRM_RETURN_IF_ERROR(remove->Bind(1, customer_id));
  RemovedEvents removed;
  CRM_RETURN_IF_ERROR(remove->ForEachRow([&](const Statement& row) {
    ++(row.ColumnInt(0) != 0 ? removed.history_events : removed.events);
    if (row.ColumnInt(1) != 0) ++removed.idempotency_keys;
  }));
  return removed;
}

absl::StatusOr<std::vector<int64_t>> CustomersReferencing(
    Connection& connection, const std::string& column, int64_t id) {
  CRM_ASSIGN_OR_RETURN(
      Statement * select,
      connection.Prepare(absl::StrCat("SELECT id FROM crm_customers WHERE ",
                                      QuoteIdentifier(column),
                                      " = ?1 AND id != ?1 ORDER BY id")));
  CRM_RETURN_IF_ERROR(select->Bind(1, id));
  std::vector<int64_t> ids;
  CRM_RETURN_IF_ERROR(select->ForEachRow(
      [&](const Statement& row) { ids.push_back(row.ColumnInt(0)); }));
  return ids;
}

absl::Status PurgeSearchIndex(Connection& connection) {
  return connection.ExecuteCached(
      "INSERT INTO crm_customer_search(crm_customer_search) "
      "VALUES('optimize')");
}

absl::Status TruncateLog(Connection& connection) {
  if (connection.read_only()) {
    return MakeError(ErrorCode::kReadOnly,
                     "the workspace was opened read-only: a checkpoint "
                     "writes to the file");
  }
  if (connection.InTransaction()) {
    return MakeError(ErrorCode::kMisuse,
                     "a checkpoint cannot run inside a transaction");
  }
  // One row: busy (1 when the checkpoint could not complete), frames in
  // the log, frames copied; -1 for both counts without a log.
  CRM_ASSIGN_OR_RETURN(Statement * checkpoint,
                       connection.Prepare("PRAGMA wal_checkpoint(TRUNCATE)"));
  int64_t busy = 0;
  CRM_RETURN_IF_ERROR(checkpoint->ForEachRow(
      [&](const Statement& row) { busy = row.ColumnInt(0); }));
  if (busy != 0) {
    return MakeError(ErrorCode::kBusy,
                     "the workspace is busy: another connection still reads "
                     "or writes the file, so its write-ahead log could not "
                     "be truncated; try again once it is done");
  }
  return absl::OkStatus();
}

// ---- SqliteBackend's erasure methods ------------------------------------

absl::StatusOr<RemovedEvents> SqliteBackend::DeleteCustomerEvents(
    int64_t customer_id) {
  return sqlite::DeleteCustomerEvents(*connection_, customer_id);
}

absl::StatusOr<std::vector<int64_t>> SqliteBackend::CustomersReferencing(
    const std::string& column, int64_t id) {
  return sqlite::CustomersReferencing(*connection_, column, id);
}

absl::Status SqliteBackend::PurgeSearchIndex() {
  return sqlite::PurgeSearchIndex(*connection_);
}

absl::Status SqliteBackend::Checkpoint() {
  return sqlite::TruncateLog(*connection_);
}

}  // namespace crm::store::sqlite
