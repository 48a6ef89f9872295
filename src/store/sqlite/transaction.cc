#include "store/sqlite/transaction.h"

#include "base/error.h"

namespace crm::store::sqlite {
namespace {
constexpr char kSavepoint[] = "SAVEPOINT crm_call";
constexpr char kRelease[] = "RELEASE crm_call";
constexpr char kRollbackToSavepoint[] = "ROLLBACK TO crm_call";
}  // namespace

absl::StatusOr<bool> BeginScope(Connection& connection, ScopeKind kind) {
  if (kind == ScopeKind::kWrite && connection.read_only()) {
    return MakeError(ErrorCode::kReadOnly,
                     "the workspace was opened read-only");
  }
  bool nested = connection.InTransaction();
  if (nested) {
    CRM_RETURN_IF_ERROR(connection.ExecuteCached(kSavepoint));
  } else {
    CRM_RETURN_IF_ERROR(connection.ExecuteCached(
        kind == ScopeKind::kWrite ? "BEGIN IMMEDIATE" : "BEGIN"));
  }
  return nested;
}

void RollbackScope(Connection& connection, bool nested) {
  // After out of memory or an I/O error SQLite may already have rolled the
  // whole transaction back; then there is nothing left to undo here. A
  // rollback that fails is tried once more; a transaction still open after
  // that is closed by Workspace::RecoverStrayTransaction() before the next
  // call.
  if (!connection.InTransaction()) return;
  if (nested) {
    if (connection.ExecuteCached(kRollbackToSavepoint).ok() ||
        connection.ExecuteCached(kRollbackToSavepoint).ok()) {
      (void)connection.ExecuteCached(kRelease);
    } else {
      // The call's partial work must never reach the host's commit: give up
      // the host's whole transaction instead (see RecoverStrayTransaction).
      (void)connection.Execute("ROLLBACK");
    }
  } else if (!connection.ExecuteCached("ROLLBACK").ok()) {
    (void)connection.Execute("ROLLBACK");
  }
}

absl::Status CommitScope(Connection& connection, bool nested) {
  return connection.ExecuteCached(nested ? kRelease : "COMMIT");
}

absl::Status BeginHostTransaction(Connection& connection) {
  if (connection.InTransaction()) {
    return MakeError(ErrorCode::kMisuse,
                     "a transaction is already open on this workspace");
  }
  if (connection.read_only()) {
    return MakeError(ErrorCode::kReadOnly,
                     "the workspace was opened read-only");
  }
  return connection.Execute("BEGIN IMMEDIATE");
}

absl::Status CommitHostTransaction(Connection& connection) {
  if (!connection.InTransaction()) {
    return MakeError(ErrorCode::kMisuse, "no transaction is open to commit");
  }
  return connection.Execute("COMMIT");
}

absl::Status RollbackHostTransaction(Connection& connection) {
  if (!connection.InTransaction()) {
    return MakeError(ErrorCode::kMisuse, "no transaction is open to roll back");
  }
  return connection.Execute("ROLLBACK");
}

}  // namespace crm::store::sqlite
