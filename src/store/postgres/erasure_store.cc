#include "store/postgres/erasure_store.h"

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "store/postgres/column_index.h"
#include "store/postgres/postgres_backend.h"
#include "store/postgres/stored_value.h"

namespace crm::store::postgres {
namespace {

// The tables an erase deletes rows from (crm_merges: the snapshots of the
// customers merged into an erased one hold their values).
constexpr char kErasedTables[] =
    "crm_customers, crm_events, crm_customer_search, crm_merges";

}  // namespace

absl::StatusOr<RemovedEvents> DeleteCustomerEvents(Connection& connection,
                                                   int64_t workspace_id,
                                                   int64_t customer_id) {
  // Type ids 1 to 3 are the history's (store/rows.h).
  CRM_ASSIGN_OR_RETURN(
      Result counted,
      connection.Execute(
          "WITH removed AS (DELETE FROM crm_events WHERE workspace_id = $1 "
          "AND customer_id = $2 RETURNING type_id, idempotency_key) "
          "SELECT count(*) FILTER (WHERE type_id NOT BETWEEN 1 AND 3), "
          "count(*) FILTER (WHERE type_id BETWEEN 1 AND 3), "
          "count(idempotency_key) FROM removed",
          {absl::StrCat(workspace_id), absl::StrCat(customer_id)}));
  RemovedEvents removed;
  CRM_ASSIGN_OR_RETURN(removed.events,
                       counted.Integer(0, 0, "count of events removed"));
  CRM_ASSIGN_OR_RETURN(removed.history_events,
                       counted.Integer(0, 1, "count of history removed"));
  CRM_ASSIGN_OR_RETURN(removed.idempotency_keys,
                       counted.Integer(0, 2, "count of keys removed"));
  return removed;
}

absl::StatusOr<std::vector<int64_t>> CustomersReferencing(
    Connection& connection, int64_t workspace_id, const std::string& column,
    int64_t id) {
  CRM_RETURN_IF_ERROR(CheckColumnName(column));
  CRM_ASSIGN_OR_RETURN(
      Result found,
      connection.Execute(
          absl::StrCat("SELECT customer_id FROM crm_customers WHERE "
                       "workspace_id = $1 AND ",
                       ValueExpression(column),
                       " = $2::jsonb AND customer_id <> $2::bigint "
                       "ORDER BY customer_id"),
          {absl::StrCat(workspace_id), absl::StrCat(id)}));
  std::vector<int64_t> ids;
  ids.reserve(found.rows());
  for (int row = 0; row < found.rows(); ++row) {
    CRM_ASSIGN_OR_RETURN(int64_t referencing,
                         found.Integer(row, 0, "referencing customer id"));
    ids.push_back(referencing);
  }
  return ids;
}

absl::Status VacuumErasedTables(Connection& connection) {
  CRM_ASSIGN_OR_RETURN(
      Result allowed,
      connection.Execute(absl::StrCat(
          "SELECT bool_and(pg_has_role(c.relowner, 'USAGE') OR "
          "pg_has_role(d.datdba, 'USAGE')) FROM pg_class c, pg_database d "
          "WHERE d.datname = current_database() AND c.oid = ANY('{",
          kErasedTables, "}'::regclass[])")));
  if (allowed.rows() != 1 || allowed.Text(0, 0) != "t") {
    return MakeError(ErrorCode::kIo,
                     "the server's role may not VACUUM libcrm's tables (only "
                     "their owner, the database's owner or a superuser may): "
                     "erased rows stay as dead row versions until the "
                     "server's autovacuum or such a role vacuums them",
                     "", Rule::kServer);
  }
  return Run(connection, absl::StrCat("VACUUM ", kErasedTables));
}

// ---- PostgresBackend's erasure methods -----------------------------------

absl::StatusOr<RemovedEvents> PostgresBackend::DeleteCustomerEvents(
    int64_t customer_id) {
  return postgres::DeleteCustomerEvents(*connection_, workspace_id_,
                                        customer_id);
}

absl::StatusOr<std::vector<int64_t>> PostgresBackend::CustomersReferencing(
    const std::string& column, int64_t id) {
  return postgres::CustomersReferencing(*connection_, workspace_id_, column,
                                        id);
}

absl::Status PostgresBackend::PurgeSearchIndex() { return absl::OkStatus(); }

absl::Status PostgresBackend::Checkpoint() {
  if (options_.read_only) {
    return MakeError(ErrorCode::kReadOnly,
                     "the workspace was opened read-only: a checkpoint "
                     "vacuums its tables");
  }
  if (connection_->InTransaction()) {
    return MakeError(ErrorCode::kMisuse,
                     "a checkpoint (VACUUM) cannot run inside a transaction");
  }
  if (!connection_->connected()) {
    CRM_RETURN_IF_ERROR(connection_->Reconnect());
    CRM_RETURN_IF_ERROR(ConfigureSession());
  }
  return VacuumErasedTables(*connection_);
}

}  // namespace crm::store::postgres
