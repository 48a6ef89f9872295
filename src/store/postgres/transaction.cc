#include "store/postgres/transaction.h"

#include "base/error.h"

namespace crm::store::postgres {

absl::StatusOr<std::unique_ptr<Transaction>> Transaction::Begin(
    Connection& connection) {
  auto begun = connection.Execute("BEGIN");
  if (!begun.ok()) return begun.status();
  return std::unique_ptr<Transaction>(new Transaction(connection));
}

Transaction::~Transaction() {
  // A lost connection has rolled the transaction back already.
  if (open_ && connection_.connected()) {
    (void)connection_.Execute("ROLLBACK");
  }
}

absl::Status Transaction::Commit() {
  open_ = false;
  return CommitOpenTransaction(connection_);
}

absl::Status CommitOpenTransaction(Connection& connection) {
  auto committed = connection.Execute("COMMIT");
  if (!committed.ok()) return committed.status();
  // The server answers COMMIT of a transaction an error aborted with
  // ROLLBACK, and no error.
  if (committed->CommandTag() != "COMMIT") {
    return MakeError(ErrorCode::kIo,
                     "PostgreSQL rolled the transaction back instead of "
                     "committing it: a statement in it had failed",
                     "", Rule::kServer);
  }
  return absl::OkStatus();
}

}  // namespace crm::store::postgres
