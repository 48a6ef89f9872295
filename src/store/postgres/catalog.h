// What a PostgreSQL database holds for libcrm besides the workspaces' own
// rows: the schema version, and the catalog of workspaces (many workspaces
// share one database, each keyed by a workspace id that leads every key of
// the tables that hold its data, so that Citus can distribute them by it).
//
// The layout grows by forward-only migrations, as the SQLite file's does;
// the database's version is in crm_schema. Every function takes a
// connection used by one caller at a time, outside any transaction of the
// caller's: each runs its own.
#ifndef CRM_STORE_POSTGRES_CATALOG_H_
#define CRM_STORE_POSTGRES_CATALOG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "store/postgres/connection.h"

namespace crm::store::postgres {

// The layout version this build writes.
int LatestSchemaVersion();

// Brings the database to this build's layout: creates it in a database
// without libcrm's tables, migrates an older one forward, and verifies that
// the libcrm tables present are exactly what the migrations create (name,
// columns, types, nullability). All in one transaction under an advisory
// lock, so processes that prepare the same database at once do it once.
// Errors: kVersion (a newer libcrm's layout; nothing is written),
// kNotWorkspace rule "schema" (tables that migrations did not make, or
// made otherwise), and the connection's errors.
absl::Status PrepareDatabase(Connection& connection);

// Takes, until the caller's transaction ends, the lock that serialises
// changes to what all workspaces share (indexes and statistics on
// crm_customers, made or dropped as fields change, workspaces dropped) with
// each other and with PrepareDatabase()'s verification. Without it two such
// changes deadlock (CREATE INDEX's share lock, then ANALYZE's lock, which
// the other's share lock blocks) and verification reads an index another
// transaction is dropping. A transaction that wrote crm_customers before
// taking it (a type change that converts values, a host transaction that
// wrote customers and then changes a field) can still deadlock with one
// that holds it; the server then fails one of them, CRM_E_BUSY.
absl::Status LockSharedLayout(Connection& connection);

// The layout version of the database (0 when it holds none).
absl::StatusOr<int> DatabaseSchemaVersion(Connection& connection);

// Registers a new workspace, makes its id sequences (id_sequences.h) and
// returns its id. kConstraint rule "unique" when the name is taken. `name` as
// workspace_url.h checks it.
absl::StatusOr<int64_t> CreateWorkspace(Connection& connection,
                                        absl::string_view name);
// The id of workspace `name`; kNotFound when there is none.
absl::StatusOr<int64_t> FindWorkspace(Connection& connection,
                                      absl::string_view name);
// Removes workspace `name`, everything the catalog holds of it and its id
// sequences; kNotFound when there is none.
absl::Status DropWorkspace(Connection& connection, absl::string_view name);
// The error for a workspace whose row is gone (dropped while open):
// kNotFound.
absl::Status WorkspaceGone(int64_t workspace_id);

// Every workspace's name, in name order.
absl::StatusOr<std::vector<std::string>> ListWorkspaces(Connection& connection);

}  // namespace crm::store::postgres

#endif  // CRM_STORE_POSTGRES_CATALOG_H_
