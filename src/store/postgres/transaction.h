// One PostgreSQL transaction on a connection: BEGIN at construction through
// Begin(), ROLLBACK on destruction unless Commit() succeeded.
#ifndef CRM_STORE_POSTGRES_TRANSACTION_H_
#define CRM_STORE_POSTGRES_TRANSACTION_H_

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/postgres/connection.h"

namespace crm::store::postgres {

// Commits the transaction open on `connection`. The server answers COMMIT
// of a transaction a failed statement aborted with a rollback: that is an
// error (kIo, rule "server"), as is a lost connection.
absl::Status CommitOpenTransaction(Connection& connection);

// Not thread-safe; borrows the connection, which must outlive it.
class Transaction {
 public:
  static absl::StatusOr<std::unique_ptr<Transaction>> Begin(
      Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  absl::Status Commit();

 private:
  explicit Transaction(Connection& connection) : connection_(connection) {}

  Connection& connection_;
  bool open_ = true;
};

}  // namespace crm::store::postgres

#endif  // CRM_STORE_POSTGRES_TRANSACTION_H_
