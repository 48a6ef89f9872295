#include "store/sqlite/customer_table.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/error.h"
#include "store/sqlite/meta_table.h"

namespace crm::store::sqlite {
namespace {

constexpr char kLastCustomerIdKey[] = "last_customer_id";

std::string QuotedList(const std::vector<std::string>& columns) {
  return absl::StrJoin(columns, ", ",
                       [](std::string* out, const std::string& column) {
                         absl::StrAppend(out, QuoteIdentifier(column));
                       });
}

// The SQL text of a statement over `columns`, built by `build` once per
// thread and kind for a given column list: reads and batch rows repeat the
// same columns, and rebuilding the text costs more than the lookup.
template <typename Build>
const std::string& CachedSql(const std::string& kind,
                             const std::vector<std::string>& columns,
                             Build build) {
  struct Entry {
    std::vector<std::string> columns;
    std::string sql;
  };
  thread_local absl::flat_hash_map<std::string, Entry> cache;
  Entry& entry = cache[kind];
  if (entry.sql.empty() || entry.columns != columns) {
    entry.columns = columns;
    entry.sql = build();
  }
  return entry.sql;
}

// The next customer id from the counter of migration 5, which only grows:
// ids of deleted customers are never handed out again. Runs inside the
// caller's write transaction.
absl::StatusOr<int64_t> NextCustomerId(Connection& connection) {
  CRM_RETURN_IF_ERROR(IncrementMetaValue(connection, kLastCustomerIdKey));
  CRM_ASSIGN_OR_RETURN(std::optional<int64_t> id,
                       ReadMetaValue(connection, kLastCustomerIdKey));
  if (!id.has_value() || *id <= 0) {
    return MakeError(ErrorCode::kNotWorkspace,
                     "the workspace has no customer id counter", "",
                     Rule::kSchema);
  }
  return *id;
}

}  // namespace

absl::StatusOr<int64_t> InsertCustomer(Connection& connection,
                                       int64_t created_at_us, int64_t now_us,
                                       const ColumnValues& values) {
  CRM_ASSIGN_OR_RETURN(int64_t id, NextCustomerId(connection));
  const std::string& sql = CachedSql("insert", values.columns, [&] {
    std::string text =
        "INSERT INTO crm_customers(id, version, created_at, updated_at";
    std::string params = "?1, 1, ?2, ?3";
    for (size_t i = 0; i < values.columns.size(); ++i) {
      absl::StrAppend(&text, ", ", QuoteIdentifier(values.columns[i]));
      absl::StrAppend(&params, ", ?", i + 4);
    }
    absl::StrAppend(&text, ") VALUES (", params, ")");
    return text;
  });
  CRM_ASSIGN_OR_RETURN(Statement * statement, connection.Prepare(sql));
  CRM_RETURN_IF_ERROR(statement->Bind(1, id));
  CRM_RETURN_IF_ERROR(statement->Bind(2, created_at_us));
  CRM_RETURN_IF_ERROR(statement->Bind(3, now_us));
  for (size_t i = 0; i < values.values.size(); ++i) {
    CRM_RETURN_IF_ERROR(
        statement->Bind(static_cast<int>(i + 4), values.values[i]));
  }
  CRM_RETURN_IF_ERROR(statement->Run());
  return id;
}

absl::Status UpdateCustomer(Connection& connection, int64_t id,
                            int64_t new_version, int64_t now_us,
                            const ColumnValues& values) {
  std::string sql = "UPDATE crm_customers SET version = ?1, updated_at = ?2";
  for (size_t i = 0; i < values.columns.size(); ++i) {
    absl::StrAppend(&sql, ", ", QuoteIdentifier(values.columns[i]), " = ?",
                    i + 4);
  }
  absl::StrAppend(&sql, " WHERE id = ?3");
  CRM_ASSIGN_OR_RETURN(Statement * statement, connection.Prepare(sql));
  CRM_RETURN_IF_ERROR(statement->Bind(1, new_version));
  CRM_RETURN_IF_ERROR(statement->Bind(2, now_us));
  CRM_RETURN_IF_ERROR(statement->Bind(3, id));
  for (size_t i = 0; i < values.values.size(); ++i) {
    CRM_RETURN_IF_ERROR(
        statement->Bind(static_cast<int>(i + 4), values.values[i]));
  }
  return statement->Run();
}

absl::StatusOr<std::optional<CustomerRow>> SelectCustomer(
    Connection& connection, const std::vector<std::string>& columns,
    const std::string& key_column, const SqlValue& key, bool nocase) {
  const std::string& sql = CachedSql(
      absl::StrCat("select:", key_column, nocase ? ":nocase" : ""), columns,
      [&] {
        std::string text = "SELECT id, version, created_at, updated_at";
        if (!columns.empty()) absl::StrAppend(&text, ", ", QuotedList(columns));
        absl::StrAppend(&text, " FROM crm_customers WHERE ",
                        QuoteIdentifier(key_column),
                        nocase ? " = ? COLLATE NOCASE" : " = ?");
        return text;
      });
  CRM_ASSIGN_OR_RETURN(Statement * statement, connection.Prepare(sql));
  CRM_RETURN_IF_ERROR(statement->Bind(1, key));
  CRM_ASSIGN_OR_RETURN(bool found, statement->Step());
  if (!found) {
    statement->Reset();
    return std::optional<CustomerRow>();
  }
  CustomerRow row = ReadCustomerRow(*statement, columns.size());
  statement->Reset();
  return std::optional<CustomerRow>(std::move(row));
}

absl::StatusOr<std::vector<CustomerRow>> SelectCustomers(
    Connection& connection, const std::vector<std::string>& columns,
    const std::vector<int64_t>& ids) {
  std::vector<CustomerRow> rows;
  for (int64_t id : ids) {
    CRM_ASSIGN_OR_RETURN(
        std::optional<CustomerRow> row,
        SelectCustomer(connection, columns, "id", SqlValue(id), false));
    if (row) rows.push_back(*std::move(row));
  }
  return rows;
}

CustomerRow ReadCustomerRow(const Statement& statement, size_t value_count) {
  CustomerRow row;
  row.id = statement.ColumnInt(0);
  row.version = statement.ColumnInt(1);
  row.created_at_us = statement.ColumnInt(2);
  row.updated_at_us = statement.ColumnInt(3);
  row.values.reserve(value_count);
  for (size_t i = 0; i < value_count; ++i) {
    row.values.push_back(statement.Column(static_cast<int>(i + 4)));
  }
  return row;
}

absl::Status DeleteCustomer(Connection& connection, int64_t id) {
  CRM_ASSIGN_OR_RETURN(
      Statement * statement,
      connection.Prepare("DELETE FROM crm_customers WHERE id = ?"));
  CRM_RETURN_IF_ERROR(statement->Bind(1, id));
  return statement->Run();
}

absl::StatusOr<bool> IsReferenced(Connection& connection,
                                  const std::string& column, int64_t id) {
  std::string quoted = QuoteIdentifier(column);
  CRM_ASSIGN_OR_RETURN(
      Statement * statement,
      connection.Prepare(absl::StrCat("SELECT 1 FROM crm_customers WHERE ",
                                      quoted, " = ?1 AND id != ?1 LIMIT 1")));
  CRM_RETURN_IF_ERROR(statement->Bind(1, id));
  CRM_ASSIGN_OR_RETURN(bool found, statement->Step());
  statement->Reset();
  return found;
}

absl::StatusOr<int64_t> CountCustomers(Connection& connection) {
  CRM_ASSIGN_OR_RETURN(
      Statement * statement,
      connection.Prepare("SELECT count(*) FROM crm_customers"));
  CRM_ASSIGN_OR_RETURN(bool row, statement->Step());
  int64_t count = row ? statement->ColumnInt(0) : 0;
  statement->Reset();
  return count;
}

absl::StatusOr<std::vector<int64_t>> ExistingCustomers(
    Connection& connection, std::vector<int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  CRM_ASSIGN_OR_RETURN(
      Statement * statement,
      connection.Prepare("SELECT 1 FROM crm_customers WHERE id = ?"));
  std::vector<int64_t> found;
  found.reserve(ids.size());
  for (int64_t id : ids) {
    CRM_RETURN_IF_ERROR(statement->Bind(1, id));
    absl::StatusOr<bool> row = statement->Step();
    statement->Reset();
    if (!row.ok()) return row.status();
    if (*row) found.push_back(id);
  }
  return found;
}

}  // namespace crm::store::sqlite
