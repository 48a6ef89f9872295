#include "store/postgres/customer_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/error.h"
#include "store/postgres/catalog.h"
#include "store/postgres/column_index.h"
#include "store/postgres/id_sequences.h"
#include "store/postgres/stored_value.h"

namespace crm::store::postgres {
namespace {

// A unique violation names the index (server_errors.h); the core wants the
// column it guards.
absl::Status NameColumn(absl::Status status) {
  if (RuleIdOf(status) != Rule::kUnique) return status;
  std::string column = ColumnOfUniqueIndex(FieldOf(status));
  return MakeError(ErrorCode::kConstraint,
                   absl::StrCat("the value of column '", column,
                                "' is already used by another customer"),
                   column, Rule::kUnique);
}

// Runs a statement that may violate a unique index inside a savepoint, so
// that its failure leaves the caller's transaction usable (a batch goes on
// to check its other rows, as on SQLite, where a failed statement does not
// abort the transaction).
absl::StatusOr<Result> ExecuteGuarded(Connection& connection,
                                      absl::string_view sql,
                                      const Parameters& parameters) {
  CRM_RETURN_IF_ERROR(connection.Execute("SAVEPOINT crm_statement").status());
  absl::StatusOr<Result> result = connection.Execute(sql, parameters);
  if (!result.ok()) {
    // A failed rollback leaves the transaction aborted: the call fails.
    if (connection.Execute("ROLLBACK TO SAVEPOINT crm_statement").ok()) {
      (void)connection.Execute("RELEASE crm_statement");
    }
    return NameColumn(result.status());
  }
  CRM_RETURN_IF_ERROR(connection.Execute("RELEASE crm_statement").status());
  return result;
}

// The select list reading `columns`: a type and a text column each.
absl::StatusOr<std::string> ValueColumns(
    const std::vector<std::string>& columns) {
  std::string list;
  for (const std::string& column : columns) {
    CRM_RETURN_IF_ERROR(CheckColumnName(column));
    absl::StrAppend(&list, ", jsonb_typeof(data -> '", column, "'), data ->> '",
                    column, "'");
  }
  return list;
}

// The clause taking `lock` on the rows a select returns ("" for none).
const char* LockClause(RowLock lock) {
  switch (lock) {
    case RowLock::kUpdate:
      return " FOR NO KEY UPDATE";
    case RowLock::kKeyShare:
      return " FOR KEY SHARE";
    case RowLock::kNone:
      break;
  }
  return "";
}

// The value of a column read through ValueColumns() from result column
// `first` on.
absl::StatusOr<SqlValue> ValueAt(const Result& result, int row, int first,
                                 const std::string& column) {
  return StoredValue(result.IsNull(row, first), result.Text(row, first),
                     result.Text(row, first + 1), column);
}

}  // namespace

absl::StatusOr<std::string> CustomerRowSelect(
    const std::vector<std::string>& columns) {
  CRM_ASSIGN_OR_RETURN(std::string value_columns, ValueColumns(columns));
  return absl::StrCat(
      "SELECT customer_id, version, created_at_us, updated_at_us",
      value_columns);
}

absl::StatusOr<CustomerRow> CustomerRowAt(
    const Result& found, int at, const std::vector<std::string>& columns) {
  CustomerRow row;
  CRM_ASSIGN_OR_RETURN(row.id, found.Integer(at, 0, "customer id"));
  CRM_ASSIGN_OR_RETURN(row.version, found.Integer(at, 1, "customer version"));
  CRM_ASSIGN_OR_RETURN(row.created_at_us,
                       found.Integer(at, 2, "customer creation time"));
  CRM_ASSIGN_OR_RETURN(row.updated_at_us,
                       found.Integer(at, 3, "customer update time"));
  row.values.reserve(columns.size());
  for (size_t i = 0; i < columns.size(); ++i) {
    CRM_ASSIGN_OR_RETURN(
        SqlValue value,
        ValueAt(found, at, 4 + 2 * static_cast<int>(i), columns[i]));
    row.values.push_back(std::move(value));
  }
  return row;
}

namespace {

// The condition on `key_column` for a key, and the key's text as parameter
// $2. A NOCASE lookup compares text only, as on SQLite.
absl::StatusOr<std::pair<std::string, std::string>> KeyCondition(
    const std::string& key_column, const SqlValue& key, bool nocase) {
  if (key_column == "id") {
    return std::make_pair(std::string("customer_id = $2::bigint"),
                          absl::StrCat(std::get<int64_t>(key)));
  }
  CRM_RETURN_IF_ERROR(CheckColumnName(key_column));
  if (nocase && std::holds_alternative<std::string>(key)) {
    CRM_ASSIGN_OR_RETURN(std::string text, StoredText(key));
    return std::make_pair(
        absl::StrCat(NoCaseExpression(key_column),
                     " = lower($2 COLLATE \"C\") AND jsonb_typeof(data -> '",
                     key_column, "') = 'string'"),
        std::move(text));
  }
  CRM_ASSIGN_OR_RETURN(std::string json, JsonOf(key));
  return std::make_pair(
      absl::StrCat(ValueExpression(key_column), " = $2::jsonb"),
      std::move(json));
}

}  // namespace

absl::StatusOr<int64_t> InsertCustomer(Connection& connection,
                                       int64_t workspace_id,
                                       int64_t created_at_us, int64_t now_us,
                                       const ColumnValues& values) {
  CRM_ASSIGN_OR_RETURN(ValuePatch patch, PatchOf(values));
  // The id comes from the workspace's sequence (id_sequences.h): writers
  // insert at once, and an id is never handed out twice. The workspace's
  // existence is checked by the scope's lock on its crm_counters row.
  const std::string insert = absl::StrCat(
      "INSERT INTO crm_customers (workspace_id, customer_id, version, "
      "created_at_us, updated_at_us, data) VALUES ($1, nextval('",
      IdSequenceName(workspace_id, IdSequence::kCustomerIds),
      "'), 1, $2, $3, $4::jsonb)");
  Parameters parameters = {absl::StrCat(workspace_id),
                           absl::StrCat(created_at_us), absl::StrCat(now_us),
                           patch.patch};
  // A conflict skips the row instead of aborting the transaction; only then
  // is the insert run again, guarded, for the error naming the index.
  CRM_ASSIGN_OR_RETURN(
      Result inserted,
      connection.Execute(absl::StrCat(insert,
                                      " ON CONFLICT DO NOTHING "
                                      "RETURNING customer_id"),
                         parameters));
  if (inserted.rows() == 1) return inserted.Integer(0, 0, "customer id");
  CRM_ASSIGN_OR_RETURN(
      Result retried,
      ExecuteGuarded(connection, absl::StrCat(insert, " RETURNING customer_id"),
                     parameters));
  return retried.Integer(0, 0, "customer id");
}

absl::Status UpdateCustomer(Connection& connection, int64_t workspace_id,
                            int64_t id, int64_t new_version, int64_t now_us,
                            const ColumnValues& values) {
  CRM_ASSIGN_OR_RETURN(ValuePatch patch, PatchOf(values));
  return ExecuteGuarded(
             connection,
             "UPDATE crm_customers SET version = $3, updated_at_us = $4, "
             "data = (data - $5::text[]) || $6::jsonb WHERE workspace_id = $1 "
             "AND customer_id = $2",
             {absl::StrCat(workspace_id), absl::StrCat(id),
              absl::StrCat(new_version), absl::StrCat(now_us), patch.removed,
              patch.patch})
      .status();
}

absl::StatusOr<std::optional<CustomerRow>> SelectCustomer(
    Connection& connection, int64_t workspace_id,
    const std::vector<std::string>& columns, const std::string& key_column,
    const SqlValue& key, bool nocase, RowLock lock) {
  // A key of no kind the column can hold (NULL, or a non-integer id)
  // matches no customer, as an SQL comparison would not.
  if (IsNull(key) ||
      (key_column == "id" && !std::holds_alternative<int64_t>(key))) {
    return std::optional<CustomerRow>();
  }
  CRM_ASSIGN_OR_RETURN(auto condition, KeyCondition(key_column, key, nocase));
  CRM_ASSIGN_OR_RETURN(std::string select, CustomerRowSelect(columns));
  CRM_ASSIGN_OR_RETURN(
      Result found,
      connection.Execute(
          absl::StrCat(select,
                       " FROM crm_customers WHERE workspace_id = $1 AND ",
                       condition.first, LockClause(lock)),
          {absl::StrCat(workspace_id), std::move(condition.second)}));
  // No LIMIT: PostgreSQL keeps no statistics for the expressions of partial
  // indexes, so it guesses that many rows match, and with a LIMIT a
  // sequential scan that stops early looks cheaper than the index. Keys are
  // unique or nearly so; the first row found answers, as on SQLite.
  if (found.rows() == 0) return std::optional<CustomerRow>();
  CRM_ASSIGN_OR_RETURN(CustomerRow row, CustomerRowAt(found, 0, columns));
  return std::optional<CustomerRow>(std::move(row));
}

absl::StatusOr<std::vector<CustomerRow>> SelectCustomersById(
    Connection& connection, int64_t workspace_id,
    const std::vector<std::string>& columns, const std::vector<int64_t>& ids,
    RowLock lock) {
  std::vector<CustomerRow> rows;
  if (ids.empty()) return rows;
  CRM_ASSIGN_OR_RETURN(std::string select, CustomerRowSelect(columns));
  CRM_ASSIGN_OR_RETURN(
      Result found,
      connection.Execute(
          absl::StrCat(select,
                       " FROM crm_customers WHERE workspace_id = $1 AND "
                       "customer_id = ANY ($2::bigint[]) ORDER BY customer_id",
                       LockClause(lock)),
          {absl::StrCat(workspace_id),
           absl::StrCat("{", absl::StrJoin(ids, ","), "}")}));
  rows.reserve(found.rows());
  for (int at = 0; at < found.rows(); ++at) {
    CRM_ASSIGN_OR_RETURN(CustomerRow row, CustomerRowAt(found, at, columns));
    rows.push_back(std::move(row));
  }
  return rows;
}

absl::Status DeleteCustomer(Connection& connection, int64_t workspace_id,
                            int64_t id) {
  // The id stays used: the sequence never hands it out again.
  return connection
      .Execute(
          "DELETE FROM crm_customers WHERE workspace_id = $1 AND customer_id "
          "= $2",
          {absl::StrCat(workspace_id), absl::StrCat(id)})
      .status();
}

absl::StatusOr<bool> IsReferenced(Connection& connection, int64_t workspace_id,
                                  const std::string& column, int64_t id) {
  CRM_RETURN_IF_ERROR(CheckColumnName(column));
  CRM_ASSIGN_OR_RETURN(
      Result found,
      connection.Execute(
          absl::StrCat("SELECT 1 FROM crm_customers WHERE workspace_id = $1 "
                       "AND ",
                       ValueExpression(column),
                       " = $2::jsonb AND customer_id <> $2::bigint LIMIT 1"),
          {absl::StrCat(workspace_id), absl::StrCat(id)}));
  return found.rows() > 0;
}

absl::StatusOr<int64_t> CountCustomers(Connection& connection,
                                       int64_t workspace_id) {
  CRM_ASSIGN_OR_RETURN(
      Result counted,
      connection.Execute(
          "SELECT count(*) FROM crm_customers WHERE workspace_id = $1",
          {absl::StrCat(workspace_id)}));
  return counted.Integer(0, 0, "customer count");
}

absl::StatusOr<std::vector<int64_t>> ExistingCustomers(
    Connection& connection, int64_t workspace_id, std::vector<int64_t> ids) {
  if (ids.empty()) return ids;
  CRM_ASSIGN_OR_RETURN(
      Result found,
      connection.Execute(
          "SELECT customer_id FROM crm_customers WHERE workspace_id = $1 AND "
          "customer_id = ANY ($2::bigint[]) ORDER BY customer_id",
          {absl::StrCat(workspace_id),
           absl::StrCat("{", absl::StrJoin(ids, ","), "}")}));
  std::vector<int64_t> existing;
  existing.reserve(found.rows());
  for (int row = 0; row < found.rows(); ++row) {
    CRM_ASSIGN_OR_RETURN(int64_t id, found.Integer(row, 0, "customer id"));
    existing.push_back(id);
  }
  return existing;
}

absl::StatusOr<std::vector<std::pair<int64_t, SqlValue>>> ReadColumn(
    Connection& connection, int64_t workspace_id, const std::string& column) {
  CRM_ASSIGN_OR_RETURN(std::string value_columns, ValueColumns({column}));
  CRM_ASSIGN_OR_RETURN(
      Result read,
      connection.Execute(
          absl::StrCat("SELECT customer_id", value_columns,
                       " FROM crm_customers WHERE workspace_id = $1 AND "
                       "data ? $2::text ORDER BY customer_id"),
          {absl::StrCat(workspace_id), column}));
  std::vector<std::pair<int64_t, SqlValue>> values;
  values.reserve(read.rows());
  for (int row = 0; row < read.rows(); ++row) {
    CRM_ASSIGN_OR_RETURN(int64_t id, read.Integer(row, 0, "customer id"));
    CRM_ASSIGN_OR_RETURN(SqlValue value, ValueAt(read, row, 1, column));
    values.emplace_back(id, std::move(value));
  }
  return values;
}

absl::Status WriteColumnValue(Connection& connection, int64_t workspace_id,
                              const std::string& column, int64_t customer_id,
                              const SqlValue& value) {
  CRM_ASSIGN_OR_RETURN(ValuePatch patch, PatchOf({{column}, {value}}));
  absl::StatusOr<Result> written = connection.Execute(
      "UPDATE crm_customers SET data = (data - $3::text[]) || $4::jsonb "
      "WHERE workspace_id = $1 AND customer_id = $2",
      {absl::StrCat(workspace_id), absl::StrCat(customer_id), patch.removed,
       patch.patch});
  return NameColumn(written.status());
}

absl::Status DropColumnValues(Connection& connection, int64_t workspace_id,
                              const std::string& column) {
  CRM_RETURN_IF_ERROR(CheckColumnName(column));
  return connection
      .Execute(
          "UPDATE crm_customers SET data = data - $2::text WHERE "
          "workspace_id = $1 AND data ? $2::text",
          {absl::StrCat(workspace_id), column})
      .status();
}

}  // namespace crm::store::postgres
