// Storage of field definitions and of the customer columns they own.
#ifndef CRM_STORE_SQLITE_FIELD_TABLE_H_
#define CRM_STORE_SQLITE_FIELD_TABLE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/rows.h"
#include "store/sql_value.h"
#include "store/sqlite/connection.h"

namespace crm::store::sqlite {

// Every field row that is not deleted, by id.
absl::StatusOr<std::vector<FieldRow>> LoadFields(Connection& connection);
// Every field row, deleted ones included, by id.
absl::StatusOr<std::vector<FieldRow>> LoadAllFields(Connection& connection);

// Inserts a field row for a standard column that already exists.
absl::Status InsertStandardField(Connection& connection, const FieldRow& row);

// Inserts a user-defined field and adds its customer column, named after the
// id ("f_<id>"). Returns the row with id and column filled in.
absl::StatusOr<FieldRow> InsertUserField(Connection& connection, FieldRow row);

// Rewrites name, status and definition of the row with `row.id`.
absl::Status UpdateField(Connection& connection, const FieldRow& row);

// Drops the column of a user-defined field and its index, and marks the row
// deleted (kept so that history can still name the field).
absl::Status DeleteUserField(Connection& connection, const FieldRow& row);

// Replaces the libcrm-managed index on a customer column.
absl::Status SetColumnIndex(Connection& connection, const std::string& column,
                            ColumnIndex index);

// The name and the CREATE INDEX text of the index SetColumnIndex() gives
// `column` (`index` is not kNone): the one definition the schema verifier
// compares a file against.
std::string ColumnIndexName(const std::string& column);
std::string ColumnIndexSql(const std::string& column, ColumnIndex index);

// The generation counter that changes with every field change, so that other
// handles and processes know to reload their field definitions.
absl::StatusOr<int64_t> SchemaGeneration(Connection& connection);
absl::Status BumpSchemaGeneration(Connection& connection);

// Non-null values of a customer column, by customer id.
absl::StatusOr<std::vector<std::pair<int64_t, SqlValue>>> ReadColumn(
    Connection& connection, const std::string& column);
// Overwrites one customer's value in `column` without touching its version.
absl::Status WriteColumnValue(Connection& connection, const std::string& column,
                              int64_t customer_id, const SqlValue& value);

}  // namespace crm::store::sqlite

#endif  // CRM_STORE_SQLITE_FIELD_TABLE_H_
