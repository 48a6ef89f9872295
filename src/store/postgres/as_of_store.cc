#include "store/postgres/as_of_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "store/postgres/event_log.h"
#include "store/postgres/query_render.h"
#include "store/postgres/stored_value.h"

namespace crm::store::postgres {
namespace {

// History rows read per statement: bounded memory on any workspace.
constexpr int kHistoryPage = 20000;
// As-of rows sent per statement.
constexpr size_t kFillBatch = 5000;

}  // namespace

absl::Status ForEachHistoryRow(
    Connection& connection, int64_t workspace_id, int64_t known_at_us,
    absl::FunctionRef<absl::Status(const EventRow&)> visit) {
  int64_t after_customer = INT64_MIN;
  int64_t after_seq = INT64_MIN;
  EventRow row;
  while (true) {
    CRM_ASSIGN_OR_RETURN(
        Result page,
        connection.Execute(
            absl::StrCat(
                "SELECT seq, customer_id, occurred_at_us, recorded_at_us, "
                "type_id, encode(body, 'hex') FROM crm_events WHERE "
                "workspace_id = $1 AND type_id BETWEEN 1 AND 3 AND "
                "recorded_at_us <= $2 AND (customer_id, seq) > ($3, $4) "
                "ORDER BY customer_id, seq LIMIT ",
                kHistoryPage),
            {absl::StrCat(workspace_id), absl::StrCat(known_at_us),
             absl::StrCat(after_customer), absl::StrCat(after_seq)}));
    if (page.columns() != 6)
      return DamagedValue("PostgreSQL sent history with other columns");
    for (int i = 0; i < page.rows(); ++i) {
      CRM_ASSIGN_OR_RETURN(row.seq, page.Integer(i, 0, "seq"));
      CRM_ASSIGN_OR_RETURN(row.customer_id, page.Integer(i, 1, "customer_id"));
      CRM_ASSIGN_OR_RETURN(row.occurred_at_us,
                           page.Integer(i, 2, "occurred_at_us"));
      CRM_ASSIGN_OR_RETURN(row.recorded_at_us,
                           page.Integer(i, 3, "recorded_at_us"));
      CRM_ASSIGN_OR_RETURN(row.type_id, page.Integer(i, 4, "type_id"));
      CRM_ASSIGN_OR_RETURN(row.body, BytesFromHex(page.Text(i, 5)));
      CRM_RETURN_IF_ERROR(visit(row));
    }
    if (page.rows() < kHistoryPage) return absl::OkStatus();
    after_customer = row.customer_id;
    after_seq = row.seq;
  }
}

absl::Status CreateAsOfTable(Connection& connection) {
  // ON COMMIT DELETE ROWS: no as-of row outlives the call's transaction
  // (erased customers' values included). Made when the session starts,
  // because a read-only transaction may write a temporary table but not
  // create one.
  return connection
      .Execute(
          "CREATE TEMP TABLE IF NOT EXISTS crm_as_of (workspace_id bigint "
          "NOT NULL, customer_id bigint NOT NULL, version bigint NOT NULL, "
          "created_at_us bigint NOT NULL, updated_at_us bigint NOT NULL, "
          "valid_at_us bigint NOT NULL, data jsonb NOT NULL) ON COMMIT "
          "DELETE ROWS")
      .status();
}

absl::Status FillAsOf(Connection& connection, int64_t workspace_id,
                      const std::vector<std::string>& columns,
                      const std::vector<AsOfRow>& rows,
                      const std::optional<Condition>& scope) {
  // The table is the session's (CreateAsOfTable); rows of an earlier as-of
  // query in the same host transaction go first.
  CRM_RETURN_IF_ERROR(
      connection.Execute(absl::StrCat("DELETE FROM ", kAsOfTable), {})
          .status());
  // Rows travel as one JSON array per batch:
  // [[id, version, created_at, updated_at, valid_at, {data}], ...].
  for (size_t first = 0; first < rows.size(); first += kFillBatch) {
    std::string batch = "[";
    size_t last = std::min(rows.size(), first + kFillBatch);
    for (size_t i = first; i < last; ++i) {
      const CustomerRow& customer = rows[i].customer;
      ColumnValues values{columns, customer.values};
      CRM_ASSIGN_OR_RETURN(ValuePatch patch, PatchOf(values));
      absl::StrAppend(&batch, i > first ? "," : "", "[", customer.id, ",",
                      customer.version, ",", customer.created_at_us, ",",
                      customer.updated_at_us, ",", rows[i].valid_at_us, ",",
                      patch.patch, "]");
    }
    batch += "]";
    CRM_RETURN_IF_ERROR(
        connection
            .Execute(absl::StrCat(
                         "INSERT INTO ", kAsOfTable,
                         " SELECT $1, (r->>0)::bigint, (r->>1)::bigint, "
                         "(r->>2)::bigint, (r->>3)::bigint, (r->>4)::bigint, "
                         "r->5 FROM jsonb_array_elements($2::jsonb) r"),
                     {absl::StrCat(workspace_id), std::move(batch)})
            .status());
  }
  if (!scope) return absl::OkStatus();
  render::SqlBuilder sql(workspace_id);
  sql.Text(absl::StrCat("DELETE FROM ", kAsOfTable,
                        " d WHERE NOT EXISTS (SELECT 1"));
  render::RenderFrom(Table::kCustomers, scope, false, &sql);
  sql.Text(" AND c.customer_id = d.customer_id)");
  CRM_ASSIGN_OR_RETURN(RenderedSql rendered, sql.Done());
  return connection.Execute(rendered.sql, rendered.params).status();
}

}  // namespace crm::store::postgres
