// The address of a PostgreSQL workspace: a libpq connection URL with one
// more query parameter, `workspace`, naming the workspace inside that
// database (many workspaces share one database, keyed by workspace id):
//   postgresql://user@host:5432/crm?sslmode=require&workspace=acme
// Everything but `workspace` is libpq's (TLS through sslmode, passwords
// through libpq's password file or PGPASSWORD); libcrm never echoes a
// password in an error message.
#ifndef CRM_STORE_POSTGRES_WORKSPACE_URL_H_
#define CRM_STORE_POSTGRES_WORKSPACE_URL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::store::postgres {

struct WorkspaceUrl {
  // The URL without its `workspace` parameter, for PQconnectdb().
  std::string conninfo;
  // 1 to 63 of [a-z0-9_], starting with a letter.
  std::string workspace;
};

// Splits and checks `url`: scheme postgresql:// or postgres://, exactly one
// `workspace` parameter with a valid name, and the rest accepted by libpq's
// own parser (unknown parameters, bad percent-escapes are refused). Errors
// are kInvalidArgument, rule "url", and never contain a password.
absl::StatusOr<WorkspaceUrl> ParseWorkspaceUrl(absl::string_view url);

// `text` with the password of `url` (from its user-info part or a
// `password` parameter) replaced by "***" wherever it occurs; for messages.
std::string WithoutPassword(absl::string_view text, absl::string_view url);

}  // namespace crm::store::postgres

#endif  // CRM_STORE_POSTGRES_WORKSPACE_URL_H_
