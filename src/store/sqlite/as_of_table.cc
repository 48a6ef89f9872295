#include "store/sqlite/as_of_table.h"

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "store/sqlite/query_sql.h"

namespace crm::store::sqlite {

absl::Status ForEachHistoryRow(
    Connection& connection, int64_t known_at_us,
    absl::FunctionRef<absl::Status(const EventRow&)> visit) {
  // crm_events_history (customer_id, seq) WHERE type_id BETWEEN 1 AND 3
  // yields the rows in this order without a sort.
  CRM_ASSIGN_OR_RETURN(
      Statement * select,
      connection.Prepare(
          "SELECT seq, customer_id, occurred_at, recorded_at, type_id, body "
          "FROM crm_events INDEXED BY crm_events_history WHERE type_id "
          "BETWEEN 1 AND 3 AND recorded_at <= ? ORDER BY customer_id, seq"));
  CRM_RETURN_IF_ERROR(select->Bind(1, known_at_us));
  EventRow row;
  absl::Status visited;
  while (visited.ok()) {
    absl::StatusOr<bool> more = select->Step();
    if (!more.ok() || !*more) {
      select->Reset();
      return more.status();
    }
    row.seq = select->ColumnInt(0);
    row.customer_id = select->ColumnInt(1);
    row.occurred_at_us = select->ColumnInt(2);
    row.recorded_at_us = select->ColumnInt(3);
    row.type_id = select->ColumnInt(4);
    SqlValue body = select->Column(5);
    const Blob* blob = std::get_if<Blob>(&body);
    row.body = blob != nullptr ? blob->bytes : std::string();
    visited = visit(row);
  }
  select->Reset();
  return visited;
}

absl::Status FillAsOf(Connection& connection,
                      const std::vector<std::string>& columns,
                      const std::vector<AsOfRow>& rows,
                      const std::optional<Condition>& scope) {
  // Made again on every call: the customers' columns change with fields.
  // Statements over the old table are prepared again by SQLite.
  CRM_RETURN_IF_ERROR(connection.Execute(absl::StrCat(
      "DROP TABLE IF EXISTS ", kAsOfTable, "; CREATE TABLE ", kAsOfTable,
      " AS SELECT * FROM main.crm_customers WHERE 0; ALTER TABLE ", kAsOfTable,
      " ADD COLUMN ", kAsOfInstantColumn, " INTEGER")));
  std::string names =
      absl::StrCat("id, version, created_at, updated_at, ", kAsOfInstantColumn);
  std::string marks = "?, ?, ?, ?, ?";
  for (const std::string& column : columns) {
    absl::StrAppend(&names, ", ", QuoteIdentifier(column));
    absl::StrAppend(&marks, ", ?");
  }
  CRM_ASSIGN_OR_RETURN(
      Statement * insert,
      connection.Prepare(absl::StrCat("INSERT INTO ", kAsOfTable, " (", names,
                                      ") VALUES (", marks, ")")));
  for (const AsOfRow& row : rows) {
    const CustomerRow& customer = row.customer;
    if (customer.values.size() != columns.size()) {
      return MakeError(ErrorCode::kInternal,
                       "an as-of row does not fit its columns");
    }
    CRM_RETURN_IF_ERROR(insert->Bind(1, customer.id));
    CRM_RETURN_IF_ERROR(insert->Bind(2, customer.version));
    CRM_RETURN_IF_ERROR(insert->Bind(3, customer.created_at_us));
    CRM_RETURN_IF_ERROR(insert->Bind(4, customer.updated_at_us));
    CRM_RETURN_IF_ERROR(insert->Bind(5, row.valid_at_us));
    for (size_t i = 0; i < customer.values.size(); ++i) {
      CRM_RETURN_IF_ERROR(
          insert->Bind(static_cast<int>(i) + 6, customer.values[i]));
    }
    absl::Status inserted = insert->Run();
    insert->Reset();
    CRM_RETURN_IF_ERROR(inserted);
  }
  if (!scope) return absl::OkStatus();
  RenderedSql in_scope = RenderCustomerIdsSql(*scope);
  CRM_ASSIGN_OR_RETURN(Statement * prune,
                       connection.Prepare(absl::StrCat(
                           "DELETE FROM ", kAsOfTable, " WHERE id NOT IN (",
                           in_scope.sql, ")")));
  CRM_RETURN_IF_ERROR(prune->BindAll(in_scope.params));
  absl::Status pruned = prune->Run();
  prune->Reset();
  return pruned;
}

}  // namespace crm::store::sqlite
