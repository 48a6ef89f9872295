#include "store/postgres/field_store.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "store/postgres/catalog.h"
#include "store/postgres/column_index.h"
#include "store/postgres/customer_store.h"
#include "store/postgres/stored_value.h"

namespace crm::store::postgres {
namespace {

// Inserts a field row under the next id of the workspace's counter; its
// column is `column`, or "f_<id>" when that is nullopt. Returns the id.
absl::StatusOr<int64_t> InsertField(Connection& connection,
                                    int64_t workspace_id, const FieldRow& row,
                                    std::optional<std::string> column) {
  CRM_ASSIGN_OR_RETURN(
      Result inserted,
      connection.Execute(
          "WITH taken AS (UPDATE crm_counters SET next_field_id = "
          "next_field_id + 1 WHERE workspace_id = $1 RETURNING next_field_id "
          "- 1 AS id) INSERT INTO crm_fields (workspace_id, field_id, name, "
          "column_name, status, definition) SELECT $1, id, $2, "
          "coalesce($3, 'f_' || id), $4, $5 FROM taken RETURNING field_id",
          {absl::StrCat(workspace_id), row.name, std::move(column), row.status,
           row.definition}));
  if (inserted.rows() != 1) return WorkspaceGone(workspace_id);
  return inserted.Integer(0, 0, "field id");
}

}  // namespace

absl::StatusOr<std::vector<FieldRow>> LoadFields(Connection& connection,
                                                 int64_t workspace_id) {
  CRM_ASSIGN_OR_RETURN(
      Result loaded,
      connection.Execute(
          "SELECT field_id, name, column_name, status, definition FROM "
          "crm_fields WHERE workspace_id = $1 AND status <> 'deleted' "
          "ORDER BY field_id",
          {absl::StrCat(workspace_id)}));
  std::vector<FieldRow> rows;
  rows.reserve(loaded.rows());
  for (int row = 0; row < loaded.rows(); ++row) {
    CRM_ASSIGN_OR_RETURN(int64_t id, loaded.Integer(row, 0, "field id"));
    rows.push_back(
        {id, std::string(loaded.Text(row, 1)), std::string(loaded.Text(row, 2)),
         std::string(loaded.Text(row, 3)), std::string(loaded.Text(row, 4))});
  }
  return rows;
}

absl::Status InsertStandardField(Connection& connection, int64_t workspace_id,
                                 const FieldRow& row) {
  CRM_RETURN_IF_ERROR(CheckColumnName(row.column));
  return InsertField(connection, workspace_id, row, row.column).status();
}

absl::StatusOr<FieldRow> InsertUserField(Connection& connection,
                                         int64_t workspace_id, FieldRow row) {
  CRM_ASSIGN_OR_RETURN(
      row.id, InsertField(connection, workspace_id, row, std::nullopt));
  row.column = absl::StrCat("f_", row.id);
  return row;
}

absl::Status UpdateField(Connection& connection, int64_t workspace_id,
                         const FieldRow& row) {
  return connection
      .Execute(
          "UPDATE crm_fields SET name = $3, status = $4, definition = $5 "
          "WHERE workspace_id = $1 AND field_id = $2",
          {absl::StrCat(workspace_id), absl::StrCat(row.id), row.name,
           row.status, row.definition})
      .status();
}

absl::Status DeleteUserField(Connection& connection, int64_t workspace_id,
                             const FieldRow& row) {
  CRM_RETURN_IF_ERROR(
      SetColumnIndex(connection, workspace_id, row.column, ColumnIndex::kNone));
  CRM_RETURN_IF_ERROR(DropColumnValues(connection, workspace_id, row.column));
  FieldRow deleted = row;
  deleted.status = "deleted";
  return UpdateField(connection, workspace_id, deleted);
}

absl::Status SetColumnIndex(Connection& connection, int64_t workspace_id,
                            const std::string& column, ColumnIndex index) {
  CRM_RETURN_IF_ERROR(CheckColumnName(column));
  CRM_RETURN_IF_ERROR(LockSharedLayout(connection));
  CRM_RETURN_IF_ERROR(connection.ExecuteScript(absl::StrCat(
      "DROP INDEX IF EXISTS ", ColumnIndexName(workspace_id, column),
      "; DROP STATISTICS IF EXISTS ",
      ColumnStatisticsName(workspace_id, column))));
  if (index == ColumnIndex::kNone) return absl::OkStatus();
  absl::StatusOr<Result> created =
      connection.Execute(ColumnIndexSql(workspace_id, column, index));
  if (RuleIdOf(created.status()) == Rule::kUnique) {
    return MakeError(
        ErrorCode::kConstraint,
        absl::StrCat("the values of column '", column, "' are not unique"),
        column, Rule::kUnique);
  }
  CRM_RETURN_IF_ERROR(created.status());
  // Statistics now, for the values already there; autovacuum's ANALYZE
  // keeps them current.
  return connection.ExecuteScript(
      absl::StrCat(ColumnStatisticsSql(workspace_id, column, index),
                   "; ANALYZE crm_customers"));
}

absl::StatusOr<int64_t> SchemaGeneration(Connection& connection,
                                         int64_t workspace_id) {
  CRM_ASSIGN_OR_RETURN(
      Result read, connection.Execute("SELECT schema_generation FROM "
                                      "crm_counters WHERE workspace_id = $1",
                                      {absl::StrCat(workspace_id)}));
  if (read.rows() != 1) return WorkspaceGone(workspace_id);
  return read.Integer(0, 0, "schema generation");
}

absl::Status BumpSchemaGeneration(Connection& connection,
                                  int64_t workspace_id) {
  CRM_ASSIGN_OR_RETURN(
      Result bumped,
      connection.Execute("UPDATE crm_counters SET schema_generation = "
                         "schema_generation + 1 WHERE workspace_id = $1",
                         {absl::StrCat(workspace_id)}));
  if (bumped.AffectedRows() != 1) return WorkspaceGone(workspace_id);
  return absl::OkStatus();
}

}  // namespace crm::store::postgres
