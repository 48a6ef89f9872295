#include "store/postgres/server_errors.h"

#include <libpq-fe.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/error.h"
#include "store/postgres/workspace_url.h"

namespace crm::store::postgres {
namespace {

std::string Trimmed(const char* text) {
  if (text == nullptr) return "";
  return std::string(absl::StripTrailingAsciiWhitespace(text));
}

std::string SqlState(const pg_result* result) {
  const char* state = result != nullptr
                          ? PQresultErrorField(result, PG_DIAG_SQLSTATE)
                          : nullptr;
  return state != nullptr ? state : "";
}

}  // namespace

bool ConnectionLost(const pg_conn* connection, const pg_result* result) {
  const std::string sqlstate = SqlState(result);
  return PQstatus(connection) == CONNECTION_BAD || sqlstate.empty() ||
         absl::StartsWith(sqlstate, "08") || absl::StartsWith(sqlstate, "57P0");
}

absl::Status StatementError(const pg_conn* connection,
                            const pg_result* result) {
  std::string sqlstate = SqlState(result);
  std::string message =
      result != nullptr
          ? Trimmed(PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY))
          : "";
  if (message.empty()) message = Trimmed(PQerrorMessage(connection));
  std::string text = absl::StrCat("PostgreSQL: ", message,
                                  sqlstate.empty() ? "" : " (SQLSTATE ",
                                  sqlstate, sqlstate.empty() ? "" : ")");
  if (ConnectionLost(connection, result)) {
    return MakeError(ErrorCode::kIo,
                     absl::StrCat("the connection to the PostgreSQL server "
                                  "was lost: ",
                                  text),
                     "", Rule::kConnection);
  }
  if (sqlstate == "23505") {
    const char* constraint =
        PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME);
    return MakeError(ErrorCode::kConstraint, text,
                     constraint != nullptr ? constraint : "", Rule::kUnique);
  }
  if (sqlstate == "23503") {
    return MakeError(ErrorCode::kConstraint, text, "", Rule::kReference);
  }
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") {
    return MakeError(ErrorCode::kBusy,
                     absl::StrCat("another writer got in the way; try "
                                  "again: ",
                                  text));
  }
  if (sqlstate == "25006") {
    return MakeError(
        ErrorCode::kReadOnly,
        absl::StrCat("the workspace was opened read-only: ", text));
  }
  if (sqlstate == "42P01" || sqlstate == "42703") {
    return MakeError(ErrorCode::kNotWorkspace,
                     absl::StrCat("the database does not hold the schema "
                                  "libcrm expects: ",
                                  text),
                     "", Rule::kSchema);
  }
  return MakeError(ErrorCode::kIo, text, "", Rule::kServer);
}

absl::Status ConnectionError(const pg_conn* connection, absl::string_view url) {
  std::string detail = connection != nullptr
                           ? Trimmed(PQerrorMessage(connection))
                           : "out of memory";
  return MakeError(ErrorCode::kIo,
                   absl::StrCat("could not connect to the PostgreSQL "
                                "server: ",
                                WithoutPassword(detail, url)),
                   "", Rule::kConnection);
}

}  // namespace crm::store::postgres
