// The workspace file layout and its forward-only migrations.
#ifndef CRM_STORE_SQLITE_MIGRATIONS_H_
#define CRM_STORE_SQLITE_MIGRATIONS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/schema_verifier.h"

namespace crm::store::sqlite {

// The layout version this build writes (PRAGMA user_version).
int LatestSchemaVersion();

// Makes `connection` a workspace of the latest layout: identifies the file
// (libcrm's application id, or an empty database when creating), verifies
// its schema (schema_verifier.h; `read_field_columns` reads the columns
// its field definitions own), migrates an older layout forward in one
// transaction, and turns on WAL and foreign keys. A file of a newer layout
// fails with kVersion, a foreign or tampered file with kNotWorkspace; neither
// is written to.
absl::Status OpenWorkspace(Connection& connection,
                           const FieldColumnsReader& read_field_columns);

// The schema objects that migrations 1..`version` create in an empty
// database, as sqlite_schema lists them by name. Computed once per process
// and version; the pointer stays valid for the life of the process.
// Thread-safe.
absl::StatusOr<const std::vector<SchemaObject>*> MigratedSchema(int version);

// Migrates to exactly `version` (<= latest). For tests that need a file as
// an older libcrm left it.
absl::Status MigrateTo(Connection& connection, int version);

// The layout version of the open file.
absl::StatusOr<int> SchemaVersion(Connection& connection);

}  // namespace crm::store::sqlite

#endif  // CRM_STORE_SQLITE_MIGRATIONS_H_
