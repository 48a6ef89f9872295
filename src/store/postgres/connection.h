// One libpq connection to a PostgreSQL server, and the results of its
// statements.
#ifndef CRM_STORE_POSTGRES_CONNECTION_H_
#define CRM_STORE_POSTGRES_CONNECTION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

struct pg_conn;
struct pg_result;

namespace crm::store::postgres {

// The rows of one statement, in PostgreSQL's text format. Owns the libpq
// result; movable, not copyable. Not thread-safe.
class Result {
 public:
  explicit Result(pg_result* result) : result_(result) {}
  Result(Result&& other) noexcept : result_(other.result_) {
    other.result_ = nullptr;
  }
  Result& operator=(Result&& other) noexcept;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  ~Result();

  int rows() const;
  int columns() const;
  bool IsNull(int row, int column) const;
  // The value's text ("" for NULL); borrowed until the Result is destroyed.
  absl::string_view Text(int row, int column) const;
  // The value as a 64-bit integer; a damaged-value error naming `what` when
  // it is NULL or anything else (a server's answer is untrusted).
  absl::StatusOr<int64_t> Integer(int row, int column,
                                  absl::string_view what) const;
  // Rows a data-changing statement touched.
  int64_t AffectedRows() const;
  // The command tag the server sent: "INSERT 0 1", "COMMIT", "ROLLBACK".
  absl::string_view CommandTag() const;

 private:
  pg_result* result_;
};

// Owns a PGconn. Not thread-safe: one caller at a time, as for the SQLite
// connection.
class Connection {
 public:
  // Connects with a libpq connection string or URL (see workspace_url.h for
  // libcrm's). Errors: kIo, rule "connection", never echoing a password.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(
      const std::string& conninfo);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one statement with parameters $1..$n sent apart from the SQL text
  // (std::nullopt is NULL), so no value is ever spliced into SQL. Errors as
  // StatementError() in server_errors.h. After a lost connection every call
  // fails with rule "connection" until Reconnect() succeeds: never silently
  // on a new connection, where a transaction the caller began is gone.
  absl::StatusOr<Result> Execute(
      absl::string_view sql,
      absl::Span<const std::optional<std::string>> parameters = {});

  // Runs SQL text of one or more statements without parameters (DDL such
  // as a migration); errors as Execute().
  absl::Status ExecuteScript(const std::string& sql);

  // Opens the connection again after it was lost (a no-op when it is up).
  // For the start of a call, outside any transaction.
  absl::Status Reconnect();
  bool connected() const;
  // Whether a transaction is open on the server side (also one a failed
  // statement aborted, which only a ROLLBACK ends); false when the
  // connection is lost, as the server then rolled it back.
  bool InTransaction() const;
  // Whether that transaction was aborted by a failed statement.
  bool TransactionAborted() const;
  // The server's backend process id (for tests and diagnostics).
  int BackendPid() const;

 private:
  Connection(pg_conn* connection, std::string conninfo)
      : connection_(connection), conninfo_(std::move(conninfo)) {}

  pg_conn* connection_;
  std::string conninfo_;
  // Set when a statement failed because the connection is gone, which
  // PQstatus() does not always show (see ConnectionLost()); cleared by a
  // successful Reconnect().
  bool lost_ = false;
};

// The $1..$n parameters of a statement (std::nullopt is NULL).
using Parameters = std::vector<std::optional<std::string>>;

// Connection::Execute() for a statement whose rows nobody reads.
absl::Status Run(Connection& connection, absl::string_view sql,
                 absl::Span<const std::optional<std::string>> parameters = {});

}  // namespace crm::store::postgres

#endif  // CRM_STORE_POSTGRES_CONNECTION_H_
