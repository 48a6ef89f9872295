// The workspace schema verifier: a workspace file is untrusted input (a
// customer's backup, a support upload), so before libcrm writes to it or
// runs a call on it, its schema must be exactly what libcrm's migrations
// and the file's own field definitions create. Nothing is kept as a
// hand-written list: the expected objects come from running the migrations
// on an in-memory database, and the user-field columns and their indexes
// from the same functions that create them.
#ifndef CRM_STORE_SCHEMA_VERIFIER_H_
#define CRM_STORE_SCHEMA_VERIFIER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/connection.h"
#include "store/field_table.h"

namespace crm::store {

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

// A customer column that a field definition owns, as the core reads it from
// the definitions: a standard column of migration 1, or a user field's
// "f_<id>" column added by ALTER TABLE; and the index it must carry.
struct FieldColumn {
  int64_t field_id = 0;
  bool standard = false;
  std::string column;
  ColumnIndex index = ColumnIndex::kNone;
};

// Reads the file's field definitions into the columns they own. Called by
// the verifier only once the tables it reads have been verified.
using FieldColumnsReader =
    std::function<absl::StatusOr<std::vector<FieldColumn>>(Connection&)>;

// Checks the schema of a layout-`version` file: every table, index, trigger
// and view, and every stored counter that names something. A foreign,
// altered or missing object fails with kNotWorkspace naming it (rule
// "schema"). Reads only; never writes.
absl::Status VerifySchema(Connection& connection, int version,
                          const FieldColumnsReader& read_field_columns);

}  // namespace crm::store

#endif  // CRM_STORE_SCHEMA_VERIFIER_H_
