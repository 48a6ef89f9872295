// The workspace schema verifier: a workspace file is untrusted input (a
// customer's backup, a support upload), so before libcrm writes to it or
// runs a call on it, its schema must be exactly what libcrm's migrations
// and the file's own field definitions create. Nothing is kept as a
// hand-written list: the expected objects come from running the migrations
// on an in-memory database, and the user-field columns and their indexes
// from the same functions that create them.
#ifndef CRM_STORE_SQLITE_SCHEMA_VERIFIER_H_
#define CRM_STORE_SQLITE_SCHEMA_VERIFIER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/backend.h"
#include "store/rows.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/field_table.h"

namespace crm::store::sqlite {

// One row of sqlite_schema.
struct SchemaObject {
  std::string type;  // "table", "index", "trigger" or "view"
  std::string name;
  std::string table;
  std::string sql;  // empty for the indexes SQLite makes itself
};

// Every object of the main schema of `connection`, by name.
absl::StatusOr<std::vector<SchemaObject>> ReadSchemaObjects(
    Connection& connection);

// Checks the schema of a layout-`version` file: every table, index, trigger
// and view, and every stored counter that names something. The file's field
// definitions (store::FieldRow, loaded here once the tables they live in
// have been verified) are handed to `read_field_columns`, which says which
// customer columns they own: a standard column of migration 1, or a user
// field's "f_<id>" column added by ALTER TABLE, and the index each must
// carry. A foreign, altered or missing object fails with kNotWorkspace
// naming it (rule "schema"). Reads only; never writes.
absl::Status VerifySchema(Connection& connection, int version,
                          const FieldColumnsReader& read_field_columns);

}  // namespace crm::store::sqlite

#endif  // CRM_STORE_SQLITE_SCHEMA_VERIFIER_H_
