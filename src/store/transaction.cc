#include "store/transaction.h"

#include "base/error.h"

namespace crm::store {
namespace {
constexpr char kSavepoint[] = "SAVEPOINT crm_call";
constexpr char kRelease[] = "RELEASE crm_call";
constexpr char kRollbackToSavepoint[] = "ROLLBACK TO crm_call";
}  // namespace

absl::StatusOr<Scope> Scope::Begin(Connection& connection, ScopeKind kind) {
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
  return Scope(&connection, nested);
}

Scope::Scope(Scope&& other) noexcept
    : connection_(other.connection_), nested_(other.nested_) {
  other.connection_ = nullptr;
}

Scope::~Scope() {
  if (connection_ == nullptr) return;
  // After out of memory or an I/O error SQLite may already have rolled the
  // whole transaction back; then there is nothing left to undo here. A
  // rollback that fails is tried once more; a transaction still open after
  // that is closed by Workspace::RecoverStrayTransaction() before the next
  // call.
  if (!connection_->InTransaction()) return;
  if (nested_) {
    if (connection_->ExecuteCached(kRollbackToSavepoint).ok() ||
        connection_->ExecuteCached(kRollbackToSavepoint).ok()) {
      (void)connection_->ExecuteCached(kRelease);
    } else {
      // The call's partial work must never reach the host's commit: give up
      // the host's whole transaction instead (see RecoverStrayTransaction).
      (void)connection_->Execute("ROLLBACK");
    }
  } else if (!connection_->ExecuteCached("ROLLBACK").ok()) {
    (void)connection_->Execute("ROLLBACK");
  }
}

absl::Status Scope::Commit() {
  if (connection_ == nullptr) {
    return MakeError(ErrorCode::kInternal, "scope committed twice");
  }
  absl::Status status =
      connection_->ExecuteCached(nested_ ? kRelease : "COMMIT");
  if (status.ok()) connection_ = nullptr;
  return status;
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

}  // namespace crm::store
