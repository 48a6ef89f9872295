// Transactions on one SQLite connection: the host's explicit ones, and the
// scope each library call runs in (SqliteBackend's scope methods forward
// here, see store/backend.h).
#ifndef CRM_STORE_SQLITE_TRANSACTION_H_
#define CRM_STORE_SQLITE_TRANSACTION_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/backend.h"
#include "store/sqlite/connection.h"

namespace crm::store::sqlite {

// Opens the scope one library call runs in. Outside a host transaction it is
// a transaction of its own (BEGIN IMMEDIATE for writes, so that writers queue
// on the busy timeout instead of failing at their first write); inside one
// it is a savepoint, so that a failed call undoes only its own changes.
// Returns whether the scope is nested (a savepoint), which the caller hands
// back to CommitScope() or RollbackScope() to end it.
absl::StatusOr<bool> BeginScope(Connection& connection, ScopeKind kind);
// On failure the scope stays open: roll it back.
absl::Status CommitScope(Connection& connection, bool nested);
// Undoes the scope's changes. Never fails silently: a transaction still open
// after a failed rollback is seen by Connection::InTransaction(), and the
// core rolls it back before the next call.
void RollbackScope(Connection& connection, bool nested);

// The host's transaction (crm_begin / crm_commit / crm_rollback).
absl::Status BeginHostTransaction(Connection& connection);
absl::Status CommitHostTransaction(Connection& connection);
absl::Status RollbackHostTransaction(Connection& connection);

}  // namespace crm::store::sqlite

#endif  // CRM_STORE_SQLITE_TRANSACTION_H_
