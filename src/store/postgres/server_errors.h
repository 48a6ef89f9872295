// libcrm errors for what a PostgreSQL server or the connection to it says.
// A server is input like a workspace file: nothing it sends becomes
// CRM_E_INTERNAL.
#ifndef CRM_STORE_POSTGRES_SERVER_ERRORS_H_
#define CRM_STORE_POSTGRES_SERVER_ERRORS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

struct pg_conn;
struct pg_result;

namespace crm::store::postgres {

// The error for a failed statement (`result` may be NULL when libpq could
// not even send it). By SQLSTATE:
//   connection lost, server shutting down (08xxx, 57P0x), or no result:
//     kIo, rule "connection";
//   unique violation (23505): kConstraint, rule "unique", with the name of
//     the violated index or constraint as the error's field (the caller
//     turns it into the column it guards);
//   foreign-key violation (23503): kConstraint, rule "reference";
//   serialization failure or deadlock (40001, 40P01), or a lock not granted
//     within lock_timeout (55P03): kBusy (retry);
//   a write in a read-only transaction (25006): kReadOnly;
//   undefined table or column (42P01, 42703): kNotWorkspace, rule "schema"
//     (the database does not hold the schema libcrm expects);
//   anything else: kIo, rule "server".
// The message carries the server's primary message and the SQLSTATE.
absl::Status StatementError(const pg_conn* connection, const pg_result* result);

// Whether a failed statement means the connection is gone (the cases
// StatementError() reports with rule "connection"). libpq may still report
// CONNECTION_OK then: a send that failed on a socket the server had closed
// leaves PQstatus() untouched.
bool ConnectionLost(const pg_conn* connection, const pg_result* result);

// The error for a connection that could not be made or was lost: kIo, rule
// "connection", with libpq's message less any password in `url`.
absl::Status ConnectionError(const pg_conn* connection, absl::string_view url);

}  // namespace crm::store::postgres

#endif  // CRM_STORE_POSTGRES_SERVER_ERRORS_H_
