#include "store/postgres/connection.h"

#include <libpq-fe.h>

#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "store/postgres/server_errors.h"

namespace crm::store::postgres {

Result& Result::operator=(Result&& other) noexcept {
  if (this != &other) {
    PQclear(result_);
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}

Result::~Result() { PQclear(result_); }

int Result::rows() const { return PQntuples(result_); }

int Result::columns() const { return PQnfields(result_); }

bool Result::IsNull(int row, int column) const {
  return PQgetisnull(result_, row, column) != 0;
}

absl::string_view Result::Text(int row, int column) const {
  return absl::string_view(
      PQgetvalue(result_, row, column),
      static_cast<size_t>(PQgetlength(result_, row, column)));
}

absl::StatusOr<int64_t> Result::Integer(int row, int column,
                                        absl::string_view what) const {
  int64_t value = 0;
  if (row < rows() && column < columns() && !IsNull(row, column) &&
      absl::SimpleAtoi(Text(row, column), &value)) {
    return value;
  }
  return DamagedValue(
      absl::StrCat("PostgreSQL returned a ", what, " that is no integer"));
}

int64_t Result::AffectedRows() const {
  const char* text = PQcmdTuples(result_);
  int64_t count = 0;
  for (; text != nullptr && *text >= '0' && *text <= '9'; ++text) {
    count = count * 10 + (*text - '0');
  }
  return count;
}

absl::string_view Result::CommandTag() const { return PQcmdStatus(result_); }

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(
    const std::string& conninfo) {
  PGconn* connection = PQconnectdb(conninfo.c_str());
  if (connection == nullptr || PQstatus(connection) != CONNECTION_OK) {
    absl::Status error = ConnectionError(connection, conninfo);
    PQfinish(connection);
    return error;
  }
  // The server's notices (e.g. "table does not exist, skipping") go nowhere:
  // libcrm writes nothing to the host's stderr.
  PQsetNoticeProcessor(
      connection, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<Connection>(new Connection(connection, conninfo));
}

Connection::~Connection() { PQfinish(connection_); }

absl::StatusOr<Result> Connection::Execute(
    absl::string_view sql,
    absl::Span<const std::optional<std::string>> parameters) {
  if (!connected()) {
    return MakeError(ErrorCode::kIo,
                     "the connection to the PostgreSQL server was lost; it "
                     "is opened again on the next call",
                     "", Rule::kConnection);
  }
  std::vector<const char*> values;
  std::vector<int> lengths;
  values.reserve(parameters.size());
  lengths.reserve(parameters.size());
  for (const std::optional<std::string>& parameter : parameters) {
    values.push_back(parameter ? parameter->c_str() : nullptr);
    lengths.push_back(parameter ? static_cast<int>(parameter->size()) : 0);
  }
  std::string text(sql);
  PGresult* raw =
      PQexecParams(connection_, text.c_str(), static_cast<int>(values.size()),
                   nullptr, values.data(), lengths.data(), nullptr,
                   /*resultFormat=*/0);
  ExecStatusType status =
      raw != nullptr ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    absl::Status error = StatementError(connection_, raw);
    if (ConnectionLost(connection_, raw)) lost_ = true;
    PQclear(raw);
    return error;
  }
  return Result(raw);
}

absl::Status Connection::ExecuteScript(const std::string& sql) {
  if (!connected()) {
    return MakeError(ErrorCode::kIo,
                     "the connection to the PostgreSQL server was lost; it "
                     "is opened again on the next call",
                     "", Rule::kConnection);
  }
  PGresult* result = PQexec(connection_, sql.c_str());
  ExecStatusType status =
      result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  absl::Status error = absl::OkStatus();
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    error = StatementError(connection_, result);
    if (ConnectionLost(connection_, result)) lost_ = true;
  }
  PQclear(result);
  return error;
}

absl::Status Connection::Reconnect() {
  if (connected()) return absl::OkStatus();
  // PQreset() closes the old socket even when libpq still thinks it is up.
  PQreset(connection_);
  if (PQstatus(connection_) != CONNECTION_OK) {
    return ConnectionError(connection_, conninfo_);
  }
  lost_ = false;
  return absl::OkStatus();
}

bool Connection::connected() const {
  return !lost_ && PQstatus(connection_) == CONNECTION_OK;
}

bool Connection::InTransaction() const {
  // The server rolls back the transaction of a connection it lost.
  if (lost_) return false;
  PGTransactionStatusType status = PQtransactionStatus(connection_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR ||
         status == PQTRANS_ACTIVE;
}

bool Connection::TransactionAborted() const {
  if (lost_) return false;
  return PQtransactionStatus(connection_) == PQTRANS_INERROR;
}

int Connection::BackendPid() const { return PQbackendPID(connection_); }

absl::Status Run(Connection& connection, absl::string_view sql,
                 absl::Span<const std::optional<std::string>> parameters) {
  return connection.Execute(sql, parameters).status();
}

}  // namespace crm::store::postgres
