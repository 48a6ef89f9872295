// Transactions: the host's explicit ones, and the scope each call runs in.
#ifndef CRM_STORE_TRANSACTION_H_
#define CRM_STORE_TRANSACTION_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/connection.h"

namespace crm::store {

enum class ScopeKind { kRead, kWrite };

// The scope one library call runs in. Outside a host transaction it is a
// transaction of its own (BEGIN IMMEDIATE for writes, so that writers queue
// on the busy timeout instead of failing at their first write); inside one
// it is a savepoint, so that a failed call undoes only its own changes.
// Destroying a scope that was not committed rolls it back.
class Scope {
 public:
  static absl::StatusOr<Scope> Begin(Connection& connection, ScopeKind kind);
  Scope(Scope&& other) noexcept;
  Scope& operator=(Scope&&) = delete;
  ~Scope();

  absl::Status Commit();

 private:
  Scope(Connection* connection, bool nested)
      : connection_(connection), nested_(nested) {}

  Connection* connection_;  // null once committed or moved from
  bool nested_;
};

// The host's transaction (crm_begin / crm_commit / crm_rollback).
absl::Status BeginHostTransaction(Connection& connection);
absl::Status CommitHostTransaction(Connection& connection);
absl::Status RollbackHostTransaction(Connection& connection);

}  // namespace crm::store

#endif  // CRM_STORE_TRANSACTION_H_
