// store::WorkspaceCopySeam for a PostgreSQL workspace
// (workspace_copy_seam.h states each method's contract), and
// PostgresBackend::CopySeam(). Writes go in pages: one statement inserts a
// page of customers or events, sent as one JSON array
// (jsonb_to_recordset), so a copy costs a round trip per page, not per row.
#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "base/json_text.h"
#include "store/event_body.h"
#include "store/postgres/catalog.h"
#include "store/postgres/customer_store.h"
#include "store/postgres/id_sequences.h"
#include "store/postgres/postgres_backend.h"
#include "store/postgres/stored_value.h"
#include "store/workspace_copy_seam.h"

namespace crm::store::postgres {
namespace {

// Appends `"key":` and `value` as a JSON number, or null for 0 when
// `zero_is_null`.
void AppendNumber(absl::string_view key, int64_t value, bool zero_is_null,
                  std::string* out) {
  absl::StrAppend(out, "\"", key, "\":");
  if (zero_is_null && value == 0) {
    absl::StrAppend(out, "null,");
  } else {
    absl::StrAppend(out, value, ",");
  }
}

class PostgresCopySeam final : public WorkspaceCopySeam {
 public:
  PostgresCopySeam(Connection& connection, int64_t workspace_id)
      : connection_(connection),
        workspace_id_(workspace_id),
        workspace_(absl::StrCat(workspace_id)) {}

  absl::StatusOr<std::vector<FieldRow>> LoadAllFields() override {
    CRM_ASSIGN_OR_RETURN(
        Result loaded,
        connection_.Execute("SELECT field_id, name, column_name, status, "
                            "definition FROM crm_fields WHERE workspace_id = "
                            "$1 ORDER BY field_id",
                            {workspace_}));
    std::vector<FieldRow> rows;
    rows.reserve(loaded.rows());
    for (int row = 0; row < loaded.rows(); ++row) {
      CRM_ASSIGN_OR_RETURN(int64_t id, loaded.Integer(row, 0, "field id"));
      rows.push_back({id, std::string(loaded.Text(row, 1)),
                      std::string(loaded.Text(row, 2)),
                      std::string(loaded.Text(row, 3)),
                      std::string(loaded.Text(row, 4))});
    }
    return rows;
  }

  absl::StatusOr<std::vector<CustomerRow>> SelectCustomersAfter(
      const std::vector<std::string>& columns, int64_t after_id,
      int64_t limit) override {
    CRM_ASSIGN_OR_RETURN(std::string sql, CustomerRowSelect(columns));
    absl::StrAppend(&sql,
                    " FROM crm_customers WHERE workspace_id = $1 AND "
                    "customer_id > $2 ORDER BY customer_id LIMIT $3");
    CRM_ASSIGN_OR_RETURN(
        Result found,
        connection_.Execute(sql, {workspace_, absl::StrCat(after_id),
                                  absl::StrCat(std::max<int64_t>(limit, 0))}));
    std::vector<CustomerRow> rows;
    rows.reserve(found.rows());
    for (int row = 0; row < found.rows(); ++row) {
      CRM_ASSIGN_OR_RETURN(CustomerRow read,
                           CustomerRowAt(found, row, columns));
      rows.push_back(std::move(read));
    }
    return rows;
  }

  absl::StatusOr<IdFloors> ReadIdFloors() override {
    // Customer ids and seqs: what the sequences handed out (deleted
    // customers and rolled-back writers included). Field ids: the counter
    // is a floor (the next id, or lower); the rows stored may be above it.
    IdFloors floors;
    CRM_ASSIGN_OR_RETURN(
        floors.customer_id,
        LastIdTaken(connection_, workspace_id_, IdSequence::kCustomerIds));
    CRM_ASSIGN_OR_RETURN(floors.seq, LastIdTaken(connection_, workspace_id_,
                                                 IdSequence::kEventSeqs));
    CRM_ASSIGN_OR_RETURN(
        Result read,
        connection_.Execute(
            "SELECT greatest(c.next_field_id - 1, coalesce((SELECT "
            "max(field_id) FROM crm_fields WHERE workspace_id = $1), 0)) "
            "FROM crm_counters c WHERE c.workspace_id = $1",
            {workspace_}));
    if (read.rows() != 1) return WorkspaceGone(workspace_id_);
    CRM_ASSIGN_OR_RETURN(floors.field_id,
                         read.Integer(0, 0, "field id counter"));
    return floors;
  }

  absl::StatusOr<IdCounters> ReadIdCounters() override {
    IdCounters read;
    CRM_ASSIGN_OR_RETURN(
        read.counter.customer_id,
        LastIdTaken(connection_, workspace_id_, IdSequence::kCustomerIds));
    CRM_ASSIGN_OR_RETURN(
        read.counter.seq,
        LastIdTaken(connection_, workspace_id_, IdSequence::kEventSeqs));
    CRM_ASSIGN_OR_RETURN(
        Result highest,
        connection_.Execute(
            "SELECT c.next_field_id - 1, greatest(coalesce((SELECT "
            "max(customer_id) FROM crm_customers WHERE workspace_id = $1), 0), "
            "coalesce((SELECT max(customer_id) FROM crm_events WHERE "
            "workspace_id = $1), 0)), coalesce((SELECT max(seq) FROM "
            "crm_events WHERE workspace_id = $1), 0), coalesce((SELECT "
            "max(field_id) FROM crm_fields WHERE workspace_id = $1), 0) FROM "
            "crm_counters c WHERE c.workspace_id = $1",
            {workspace_}));
    if (highest.rows() != 1) return WorkspaceGone(workspace_id_);
    CRM_ASSIGN_OR_RETURN(read.counter.field_id,
                         highest.Integer(0, 0, "field id counter"));
    CRM_ASSIGN_OR_RETURN(read.highest.customer_id,
                         highest.Integer(0, 1, "highest customer id"));
    CRM_ASSIGN_OR_RETURN(read.highest.seq,
                         highest.Integer(0, 2, "highest seq"));
    CRM_ASSIGN_OR_RETURN(read.highest.field_id,
                         highest.Integer(0, 3, "highest field id"));
    return read;
  }

  absl::Status InsertUserFieldAsIs(const FieldRow& row) override {
    // Values live in the customer's jsonb: a field needs no storage of its
    // own.
    CRM_RETURN_IF_ERROR(CheckColumnName(row.column));
    return Run(connection_,
               "INSERT INTO crm_fields (workspace_id, field_id, name, "
               "column_name, status, definition) VALUES ($1, $2, $3, $4, $5, "
               "$6)",
               {workspace_, absl::StrCat(row.id), row.name, row.column,
                row.status, row.definition});
  }

  absl::Status InsertCustomersAsIs(
      const std::vector<std::string>& columns,
      const std::vector<CustomerRow>& rows) override {
    if (rows.empty()) return absl::OkStatus();
    std::string json = "[";
    for (const CustomerRow& row : rows) {
      ColumnValues values;
      for (size_t i = 0; i < columns.size() && i < row.values.size(); ++i) {
        if (IsNull(row.values[i])) continue;
        values.columns.push_back(columns[i]);
        values.values.push_back(row.values[i]);
      }
      CRM_ASSIGN_OR_RETURN(ValuePatch patch, PatchOf(values));
      absl::StrAppend(&json, json.size() > 1 ? "," : "", "{");
      AppendNumber("id", row.id, false, &json);
      AppendNumber("version", row.version, false, &json);
      AppendNumber("created", row.created_at_us, false, &json);
      AppendNumber("updated", row.updated_at_us, false, &json);
      absl::StrAppend(&json, "\"data\":", patch.patch, "}");
    }
    json.push_back(']');
    return Run(connection_,
               "INSERT INTO crm_customers (workspace_id, customer_id, "
               "version, created_at_us, updated_at_us, data) SELECT $1, r.id, "
               "r.version, r.created, r.updated, r.data FROM "
               "jsonb_to_recordset($2::jsonb) AS r(id bigint, version "
               "bigint, created bigint, updated bigint, data jsonb)",
               {workspace_, std::move(json)});
  }

  absl::Status InsertEventsAsIs(const std::vector<EventRow>& rows,
                                const std::vector<EventIds>& ids) override {
    if (rows.empty()) return absl::OkStatus();
    std::string json = "[";
    for (size_t i = 0; i < rows.size() && i < ids.size(); ++i) {
      const EventRow& row = rows[i];
      absl::StrAppend(&json, json.size() > 1 ? "," : "", "{");
      AppendNumber("seq", row.seq, false, &json);
      AppendNumber("customer", row.customer_id, false, &json);
      AppendNumber("occurred", row.occurred_at_us, false, &json);
      AppendNumber("recorded", row.recorded_at_us, false, &json);
      AppendNumber("type", ids[i].type, false, &json);
      AppendNumber("channel", ids[i].channel, true, &json);
      AppendNumber("actor", ids[i].actor, true, &json);
      AppendNumber("source", ids[i].source, true, &json);
      absl::StrAppend(&json, "\"key\":");
      if (row.idempotency_key.empty()) {
        json.append("null");
      } else {
        AppendJsonString(row.idempotency_key, &json);
      }
      // The jsonb copy of the properties, made from the body as an append
      // makes it: none for a body that cannot be read.
      absl::StatusOr<std::string> properties = BodyPropertiesJson(row.body);
      absl::StrAppend(
          &json, ",\"properties\":",
          properties.ok() && !properties->empty() ? *properties : "null",
          ",\"body\":\"", absl::BytesToHexString(row.body), "\"}");
    }
    json.push_back(']');
    return Run(
        connection_,
        "INSERT INTO crm_events (workspace_id, seq, customer_id, "
        "occurred_at_us, recorded_at_us, type_id, channel_id, actor_id, "
        "source_id, idempotency_key, body, properties) SELECT $1, r.seq, "
        "r.customer, r.occurred, r.recorded, r.type, r.channel, r.actor, "
        "r.source, r.key, decode(r.body, 'hex'), r.properties FROM "
        "jsonb_to_recordset($2::jsonb) AS r(seq bigint, customer bigint, "
        "occurred bigint, recorded bigint, type bigint, channel bigint, actor "
        "bigint, source bigint, key text, body text, properties jsonb)",
        {workspace_, std::move(json)});
  }

  const char* BackendName() const override { return "postgresql"; }

  absl::Status LockForIndexBuilds() override {
    return LockSharedLayout(connection_);
  }

  absl::Status RaiseIdFloors(const IdFloors& floors) override {
    // Strings need no raise: the copy interns them through the target's
    // own sequence (Backend::InternString).
    CRM_RETURN_IF_ERROR(RaiseIdSequences(connection_, workspace_id_,
                                         floors.customer_id + 1, floors.seq + 1,
                                         /*next_string_id=*/1));
    CRM_ASSIGN_OR_RETURN(
        Result raised,
        connection_.Execute("UPDATE crm_counters SET next_field_id = "
                            "greatest(next_field_id, $2::bigint + 1) WHERE "
                            "workspace_id = $1",
                            {workspace_, absl::StrCat(floors.field_id)}));
    if (raised.AffectedRows() != 1) return WorkspaceGone(workspace_id_);
    return absl::OkStatus();
  }

 private:
  Connection& connection_;
  const int64_t workspace_id_;
  const std::string workspace_;  // workspace_id_ as a parameter
};

}  // namespace

absl::StatusOr<std::unique_ptr<WorkspaceCopySeam>> PostgresBackend::CopySeam() {
  return std::make_unique<PostgresCopySeam>(*connection_, workspace_id_);
}

}  // namespace crm::store::postgres
