#include "store/sqlite/field_table.h"

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "store/sqlite/meta_table.h"

namespace crm::store::sqlite {
namespace {

constexpr char kSchemaGenerationKey[] = "schema_generation";

}  // namespace

namespace {

// The field rows `sql` selects (id, name, column_name, status, definition).
absl::StatusOr<std::vector<FieldRow>> SelectFieldRows(Connection& connection,
                                                      const std::string& sql) {
  CRM_ASSIGN_OR_RETURN(Statement * statement, connection.Prepare(sql));
  std::vector<FieldRow> rows;
  while (true) {
    CRM_ASSIGN_OR_RETURN(bool more, statement->Step());
    if (!more) break;
    rows.push_back({statement->ColumnInt(0), statement->ColumnText(1),
                    statement->ColumnText(2), statement->ColumnText(3),
                    statement->ColumnText(4)});
  }
  statement->Reset();
  return rows;
}

}  // namespace

absl::StatusOr<std::vector<FieldRow>> LoadFields(Connection& connection) {
  return SelectFieldRows(connection,
                         "SELECT id, name, column_name, status, definition "
                         "FROM crm_fields WHERE status != 'deleted' "
                         "ORDER BY id");
}

absl::StatusOr<std::vector<FieldRow>> LoadAllFields(Connection& connection) {
  return SelectFieldRows(connection,
                         "SELECT id, name, column_name, status, definition "
                         "FROM crm_fields ORDER BY id");
}

absl::Status InsertStandardField(Connection& connection, const FieldRow& row) {
  CRM_ASSIGN_OR_RETURN(
      Statement * statement,
      connection.Prepare("INSERT INTO crm_fields(name, column_name, status, "
                         "definition) VALUES (?, ?, ?, ?)"));
  CRM_RETURN_IF_ERROR(
      statement->BindAll({row.name, row.column, row.status, row.definition}));
  return statement->Run();
}

absl::StatusOr<FieldRow> InsertUserField(Connection& connection, FieldRow row) {
  CRM_ASSIGN_OR_RETURN(
      Statement * insert,
      connection.Prepare(
          "INSERT INTO crm_fields(name, column_name, status, definition) "
          "VALUES (?, 'pending:' || ?, ?, ?)"));
  CRM_RETURN_IF_ERROR(
      insert->BindAll({row.name, row.name, row.status, row.definition}));
  CRM_RETURN_IF_ERROR(insert->Run());
  row.id = connection.LastInsertId();
  row.column = absl::StrCat("f_", row.id);
  CRM_ASSIGN_OR_RETURN(
      Statement * update,
      connection.Prepare("UPDATE crm_fields SET column_name = ? WHERE id = ?"));
  CRM_RETURN_IF_ERROR(update->BindAll({row.column, row.id}));
  CRM_RETURN_IF_ERROR(update->Run());
  // No declared type: the core binds exactly the storage type it means.
  CRM_RETURN_IF_ERROR(connection.Execute(absl::StrCat(
      "ALTER TABLE crm_customers ADD COLUMN ", QuoteIdentifier(row.column))));
  connection.ClearStatementCache();
  return row;
}

absl::Status UpdateField(Connection& connection, const FieldRow& row) {
  CRM_ASSIGN_OR_RETURN(
      Statement * statement,
      connection.Prepare("UPDATE crm_fields SET name = ?, status = ?, "
                         "definition = ? WHERE id = ?"));
  CRM_RETURN_IF_ERROR(
      statement->BindAll({row.name, row.status, row.definition, row.id}));
  return statement->Run();
}

absl::Status DeleteUserField(Connection& connection, const FieldRow& row) {
  CRM_RETURN_IF_ERROR(
      SetColumnIndex(connection, row.column, ColumnIndex::kNone));
  CRM_RETURN_IF_ERROR(connection.Execute(absl::StrCat(
      "ALTER TABLE crm_customers DROP COLUMN ", QuoteIdentifier(row.column))));
  connection.ClearStatementCache();
  FieldRow deleted = row;
  deleted.status = "deleted";
  return UpdateField(connection, deleted);
}

absl::Status SetColumnIndex(Connection& connection, const std::string& column,
                            ColumnIndex index) {
  CRM_RETURN_IF_ERROR(connection.Execute(absl::StrCat(
      "DROP INDEX IF EXISTS ", QuoteIdentifier(ColumnIndexName(column)))));
  if (index == ColumnIndex::kNone) return absl::OkStatus();
  return connection.Execute(ColumnIndexSql(column, index));
}

std::string ColumnIndexName(const std::string& column) {
  return absl::StrCat("crm_ix_", column);
}

std::string ColumnIndexSql(const std::string& column, ColumnIndex index) {
  const char* unique =
      index == ColumnIndex::kPlain ? "INDEX " : "UNIQUE INDEX ";
  const char* collate =
      index == ColumnIndex::kUniqueNoCase ? " COLLATE NOCASE" : "";
  return absl::StrCat(
      "CREATE ", unique, QuoteIdentifier(ColumnIndexName(column)),
      " ON crm_customers(", QuoteIdentifier(column), collate, ")");
}

absl::StatusOr<int64_t> SchemaGeneration(Connection& connection) {
  CRM_ASSIGN_OR_RETURN(std::optional<int64_t> generation,
                       ReadMetaValue(connection, kSchemaGenerationKey));
  return generation.value_or(0);
}

absl::Status BumpSchemaGeneration(Connection& connection) {
  return IncrementMetaValue(connection, kSchemaGenerationKey);
}

absl::StatusOr<std::vector<std::pair<int64_t, SqlValue>>> ReadColumn(
    Connection& connection, const std::string& column) {
  std::string quoted = QuoteIdentifier(column);
  CRM_ASSIGN_OR_RETURN(Statement * statement,
                       connection.Prepare(absl::StrCat(
                           "SELECT id, ", quoted, " FROM crm_customers WHERE ",
                           quoted, " IS NOT NULL ORDER BY id")));
  std::vector<std::pair<int64_t, SqlValue>> values;
  while (true) {
    CRM_ASSIGN_OR_RETURN(bool more, statement->Step());
    if (!more) break;
    values.emplace_back(statement->ColumnInt(0), statement->Column(1));
  }
  statement->Reset();
  return values;
}

absl::Status WriteColumnValue(Connection& connection, const std::string& column,
                              int64_t customer_id, const SqlValue& value) {
  CRM_ASSIGN_OR_RETURN(Statement * statement,
                       connection.Prepare(absl::StrCat(
                           "UPDATE crm_customers SET ", QuoteIdentifier(column),
                           " = ? WHERE id = ?")));
  CRM_RETURN_IF_ERROR(statement->BindAll({value, customer_id}));
  return statement->Run();
}

}  // namespace crm::store::sqlite
