#include "store/sqlite/hold_table.h"

#include "base/error.h"
#include "store/sqlite/search_table.h"

namespace crm::store::sqlite {
namespace {

// Runs a bound data-changing statement; returns how many rows it changed.
absl::StatusOr<int64_t> RunCounting(Connection& connection,
                                    Statement* statement) {
  CRM_RETURN_IF_ERROR(statement->Run());
  CRM_ASSIGN_OR_RETURN(Statement * changes,
                       connection.Prepare("SELECT changes()"));
  CRM_ASSIGN_OR_RETURN(bool found, changes->Step());
  int64_t count = found ? changes->ColumnInt(0) : 0;
  changes->Reset();
  return count;
}

}  // namespace

absl::Status InsertStub(Connection& connection, int64_t id,
                        int64_t held_until_us) {
  CRM_ASSIGN_OR_RETURN(
      Statement * insert,
      connection.Prepare(
          "INSERT INTO crm_stubs(customer_id, held_until) VALUES (?, ?)"));
  CRM_RETURN_IF_ERROR(insert->BindAll({id, held_until_us}));
  return insert->Run();
}

absl::StatusOr<std::optional<int64_t>> StubHeldUntil(Connection& connection,
                                                     int64_t id) {
  CRM_ASSIGN_OR_RETURN(
      Statement * select,
      connection.Prepare(
          "SELECT held_until FROM crm_stubs WHERE customer_id = ?"));
  CRM_RETURN_IF_ERROR(select->Bind(1, id));
  std::optional<int64_t> held_until;
  CRM_RETURN_IF_ERROR(select->ForEachRow(
      [&](const Statement& row) { held_until = row.ColumnInt(0); }));
  return held_until;
}

absl::StatusOr<std::vector<int64_t>> EndedStubs(Connection& connection,
                                                int64_t now_us) {
  CRM_ASSIGN_OR_RETURN(
      Statement * select,
      connection.Prepare("SELECT customer_id FROM crm_stubs WHERE held_until "
                         "<= ? ORDER BY customer_id"));
  CRM_RETURN_IF_ERROR(select->Bind(1, now_us));
  std::vector<int64_t> ids;
  CRM_RETURN_IF_ERROR(select->ForEachRow(
      [&](const Statement& row) { ids.push_back(row.ColumnInt(0)); }));
  return ids;
}

absl::StatusOr<int64_t> DeleteStub(Connection& connection, int64_t id) {
  CRM_ASSIGN_OR_RETURN(
      Statement * events,
      connection.Prepare("DELETE FROM crm_events WHERE customer_id = ?"));
  CRM_RETURN_IF_ERROR(events->Bind(1, id));
  CRM_ASSIGN_OR_RETURN(int64_t removed, RunCounting(connection, events));
  CRM_RETURN_IF_ERROR(SetSearchText(connection, id, "", false));
  for (const char* sql : {"DELETE FROM crm_customers WHERE id = ?",
                          "DELETE FROM crm_stubs WHERE customer_id = ?"}) {
    CRM_ASSIGN_OR_RETURN(Statement * remove, connection.Prepare(sql));
    CRM_RETURN_IF_ERROR(remove->Bind(1, id));
    CRM_RETURN_IF_ERROR(remove->Run());
  }
  return removed;
}

absl::Status RelinkEvents(
    Connection& connection, int64_t customer_id,
    const std::vector<std::pair<int64_t, std::string>>& events) {
  for (const auto& [seq, body] : events) {
    CRM_ASSIGN_OR_RETURN(
        Statement * update,
        connection.Prepare("UPDATE crm_events SET customer_id = ?, body = ?, "
                           "idempotency_key = NULL WHERE seq = ?"));
    CRM_RETURN_IF_ERROR(update->BindAll({customer_id, Blob{body}, seq}));
    CRM_RETURN_IF_ERROR(update->Run());
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> DeleteEventsBefore(Connection& connection,
                                           int64_t type_id, int64_t before_us,
                                           bool of_stubs) {
  // Stubs are few: their events are found through the timeline index;
  // other customers' through a scan of the log.
  CRM_ASSIGN_OR_RETURN(
      Statement * remove,
      connection.Prepare(
          of_stubs ? "DELETE FROM crm_events WHERE customer_id IN (SELECT "
                     "customer_id FROM crm_stubs) AND type_id = ?1 AND "
                     "occurred_at < ?2"
                   : "DELETE FROM crm_events WHERE type_id = ?1 AND "
                     "occurred_at < ?2 AND customer_id NOT IN (SELECT "
                     "customer_id FROM crm_stubs)"));
  CRM_RETURN_IF_ERROR(remove->BindAll({type_id, before_us}));
  return RunCounting(connection, remove);
}

}  // namespace crm::store::sqlite
