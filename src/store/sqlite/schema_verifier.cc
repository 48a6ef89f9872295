#include "store/sqlite/schema_verifier.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "store/sqlite/migrations.h"

namespace crm::store::sqlite {
namespace {

constexpr char kCustomers[] = "crm_customers";
// The layout from which customer ids come from a counter (migration 5).
constexpr int kCustomerIdCounterVersion = 5;

absl::Status Refuse(absl::string_view what) {
  return MakeError(
      ErrorCode::kNotWorkspace,
      absl::StrCat("the workspace file ", what,
                   "; libcrm did not open it and did not modify it"),
      "", Rule::kSchema);
}

std::string Described(const SchemaObject& object) {
  return absl::StrCat(object.type, " '", object.name, "'");
}

bool IsColumnIndex(const SchemaObject& object) {
  return object.type == "index" && object.table == kCustomers &&
         absl::StartsWith(object.name, ColumnIndexName(""));
}

// The CREATE TABLE text of the customer table once the user columns were
// added in id order: ALTER TABLE ADD COLUMN appends `, "f_<id>"` before the
// closing parenthesis, and DROP COLUMN removes exactly that again.
std::string CustomerTableSql(const std::string& migrated,
                             const std::vector<FieldColumn>& columns) {
  std::string sql = migrated.substr(0, migrated.size() - 1);
  for (const FieldColumn& column : columns) {
    if (!column.standard) {
      absl::StrAppend(&sql, ", ", QuoteIdentifier(column.column));
    }
  }
  return absl::StrCat(sql, ")");
}

absl::StatusOr<bool> HasCustomerColumn(Connection& connection,
                                       const std::string& column) {
  CRM_ASSIGN_OR_RETURN(
      Statement * statement,
      connection.Prepare("SELECT 1 FROM pragma_table_info('crm_customers') "
                         "WHERE name = ?"));
  CRM_RETURN_IF_ERROR(statement->Bind(1, column));
  CRM_ASSIGN_OR_RETURN(bool found, statement->Step());
  statement->Reset();
  return found;
}

// The customer table and the indexes of its columns against the field
// definitions. `customers` is the file's table, `migrated` the migrations'.
absl::Status VerifyFieldColumns(Connection& connection,
                                const SchemaObject& customers,
                                const SchemaObject& migrated,
                                const std::vector<SchemaObject>& column_indexes,
                                const FieldColumnsReader& read_field_columns) {
  absl::StatusOr<std::vector<FieldRow>> rows = LoadFields(connection);
  absl::StatusOr<std::vector<FieldColumn>> columns =
      rows.ok() ? read_field_columns(*rows) : rows.status();
  if (!columns.ok()) {
    if (CodeOf(columns.status()) == ErrorCode::kNoMemory ||
        CodeOf(columns.status()) == ErrorCode::kIo ||
        CodeOf(columns.status()) == ErrorCode::kBusy) {
      return columns.status();
    }
    return Refuse(absl::StrCat("holds a field definition libcrm cannot read (",
                               columns.status().message(), ")"));
  }
  for (const FieldColumn& column : *columns) {
    if (column.standard) {
      CRM_ASSIGN_OR_RETURN(bool found,
                           HasCustomerColumn(connection, column.column));
      if (found && !absl::StartsWith(column.column, "f_")) continue;
    } else if (column.column == absl::StrCat("f_", column.field_id)) {
      continue;
    }
    return Refuse(absl::StrCat("gives field ", column.field_id,
                               " a column libcrm did not give it ('",
                               column.column, "')"));
  }
  if (customers.sql != CustomerTableSql(migrated.sql, *columns)) {
    return Refuse(absl::StrCat("holds an altered ", Described(customers),
                               " (its columns do not match the fields)"));
  }
  absl::flat_hash_map<std::string, std::string> expected;
  for (const FieldColumn& column : *columns) {
    if (column.index == ColumnIndex::kNone) continue;
    expected[ColumnIndexName(column.column)] =
        ColumnIndexSql(column.column, column.index);
  }
  for (const SchemaObject& index : column_indexes) {
    auto it = expected.find(index.name);
    if (it == expected.end()) {
      return Refuse(absl::StrCat("holds a foreign ", Described(index)));
    }
    if (it->second != index.sql) {
      return Refuse(absl::StrCat("holds an altered ", Described(index)));
    }
    expected.erase(it);
  }
  if (!expected.empty()) {
    return Refuse(absl::StrCat("lacks index '", expected.begin()->first,
                               "' that a field definition needs"));
  }
  return absl::OkStatus();
}

// The id counter must lie above every id the file remembers.
absl::Status VerifyCustomerIdCounter(Connection& connection) {
  CRM_ASSIGN_OR_RETURN(
      Statement * statement,
      connection.Prepare(
          "SELECT (SELECT value FROM crm_meta WHERE key = 'last_customer_id') "
          ">= max(coalesce((SELECT max(id) FROM crm_customers), 0), "
          "coalesce((SELECT max(customer_id) FROM crm_events), 0))"));
  CRM_ASSIGN_OR_RETURN(bool row, statement->Step());
  bool above = row && statement->ColumnInt(0) == 1;
  statement->Reset();
  if (above) return absl::OkStatus();
  return Refuse(
      "has a customer id counter below ids already used (it would hand them "
      "out again)");
}

}  // namespace

absl::StatusOr<std::vector<SchemaObject>> ReadSchemaObjects(
    Connection& connection) {
  CRM_ASSIGN_OR_RETURN(
      Statement * statement,
      connection.Prepare("SELECT type, name, tbl_name, sql FROM "
                         "main.sqlite_schema ORDER BY name"));
  std::vector<SchemaObject> objects;
  CRM_RETURN_IF_ERROR(statement->ForEachRow([&](const Statement& at) {
    objects.push_back({at.ColumnText(0), at.ColumnText(1), at.ColumnText(2),
                       at.ColumnText(3)});
  }));
  return objects;
}

absl::Status VerifySchema(Connection& connection, int version,
                          const FieldColumnsReader& read_field_columns) {
  CRM_ASSIGN_OR_RETURN(const std::vector<SchemaObject>* migrated,
                       MigratedSchema(version));
  CRM_ASSIGN_OR_RETURN(std::vector<SchemaObject> found,
                       ReadSchemaObjects(connection));
  absl::flat_hash_map<std::string, const SchemaObject*> expected;
  for (const SchemaObject& object : *migrated) expected[object.name] = &object;
  const SchemaObject* customers = nullptr;
  const SchemaObject* migrated_customers = nullptr;
  std::vector<SchemaObject> column_indexes;
  for (const SchemaObject& object : found) {
    if (IsColumnIndex(object)) {
      column_indexes.push_back(object);
      continue;
    }
    auto it = expected.find(object.name);
    if (it == expected.end()) {
      return Refuse(absl::StrCat("holds a foreign ", Described(object)));
    }
    const SchemaObject& want = *it->second;
    bool is_customers = object.name == kCustomers;
    if (object.type != want.type || object.table != want.table ||
        (!is_customers && object.sql != want.sql)) {
      return Refuse(absl::StrCat("holds an altered ", Described(object)));
    }
    if (is_customers) {
      customers = &object;
      migrated_customers = &want;
    }
    expected.erase(it);
  }
  if (!expected.empty()) {
    return Refuse(absl::StrCat("lacks ", Described(*expected.begin()->second)));
  }
  if (customers != nullptr) {
    CRM_RETURN_IF_ERROR(VerifyFieldColumns(connection, *customers,
                                           *migrated_customers, column_indexes,
                                           read_field_columns));
  } else if (!column_indexes.empty()) {
    return Refuse(
        absl::StrCat("holds a foreign ", Described(column_indexes.front())));
  }
  if (version >= kCustomerIdCounterVersion) {
    CRM_RETURN_IF_ERROR(VerifyCustomerIdCounter(connection));
  }
  return absl::OkStatus();
}

}  // namespace crm::store::sqlite
