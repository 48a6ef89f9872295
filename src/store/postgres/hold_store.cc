#include "store/postgres/hold_store.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "store/event_body.h"
#include "store/postgres/segment_store.h"

namespace crm::store::postgres {

absl::Status InsertStub(Connection& connection, int64_t workspace_id,
                        int64_t id, int64_t held_until_us) {
  return Run(connection,
             "INSERT INTO crm_stubs (workspace_id, customer_id, "
             "held_until_us) VALUES ($1::bigint, $2::bigint, $3::bigint)",
             Parameters{absl::StrCat(workspace_id), absl::StrCat(id),
                        absl::StrCat(held_until_us)});
}

absl::StatusOr<std::optional<int64_t>> StubHeldUntil(Connection& connection,
                                                     int64_t workspace_id,
                                                     int64_t id) {
  CRM_ASSIGN_OR_RETURN(
      Result found,
      connection.Execute(
          "SELECT held_until_us FROM crm_stubs WHERE "
          "workspace_id = $1 AND customer_id = $2",
          Parameters{absl::StrCat(workspace_id), absl::StrCat(id)}));
  if (found.rows() == 0) return std::optional<int64_t>();
  CRM_ASSIGN_OR_RETURN(int64_t held_until,
                       found.Integer(0, 0, "a stub's held-until time"));
  return std::optional<int64_t>(held_until);
}

absl::StatusOr<std::vector<int64_t>> EndedStubs(Connection& connection,
                                                int64_t workspace_id,
                                                int64_t now_us) {
  CRM_ASSIGN_OR_RETURN(
      Result found,
      connection.Execute(
          "SELECT customer_id FROM crm_stubs WHERE "
          "workspace_id = $1 AND held_until_us <= $2::bigint "
          "ORDER BY customer_id",
          Parameters{absl::StrCat(workspace_id), absl::StrCat(now_us)}));
  std::vector<int64_t> ids;
  for (int row = 0; row < found.rows(); ++row) {
    CRM_ASSIGN_OR_RETURN(ids.emplace_back(),
                         found.Integer(row, 0, "a stub's customer id"));
  }
  return ids;
}

absl::StatusOr<int64_t> DeleteStub(Connection& connection, int64_t workspace_id,
                                   int64_t id) {
  Parameters keys = {absl::StrCat(workspace_id), absl::StrCat(id)};
  CRM_ASSIGN_OR_RETURN(
      Result events,
      connection.Execute("DELETE FROM crm_events WHERE workspace_id = $1 AND "
                         "customer_id = $2",
                         keys));
  CRM_RETURN_IF_ERROR(SetSearchText(connection, workspace_id, id, "", false));
  for (const char* sql :
       {"DELETE FROM crm_customers WHERE workspace_id = $1 AND customer_id = "
        "$2",
        "DELETE FROM crm_stubs WHERE workspace_id = $1 AND customer_id = $2"}) {
    CRM_RETURN_IF_ERROR(Run(connection, sql, keys));
  }
  return events.AffectedRows();
}

absl::Status RelinkEvents(
    Connection& connection, int64_t workspace_id, int64_t customer_id,
    const std::vector<std::pair<int64_t, std::string>>& events) {
  if (events.empty()) return absl::OkStatus();
  // One JSON array of {"seq", "body" (hex), "properties"}: the properties
  // as InsertEvent() makes them (null for a body without any).
  std::string rows = "[";
  for (const auto& [seq, body] : events) {
    absl::StatusOr<std::string> properties = BodyPropertiesJson(body);
    bool has = properties.ok() && !properties->empty();
    absl::StrAppend(&rows, rows.size() > 1 ? "," : "", "{\"seq\":", seq,
                    ",\"body\":\"", absl::BytesToHexString(body),
                    "\",\"properties\":", has ? *properties : "null", "}");
  }
  rows += "]";
  return Run(
      connection,
      "UPDATE crm_events e SET customer_id = $2::bigint, body = "
      "decode(x.body, 'hex'), properties = x.properties, "
      "idempotency_key = NULL FROM jsonb_to_recordset($3::jsonb) AS "
      "x(seq bigint, body text, properties jsonb) WHERE "
      "e.workspace_id = $1 AND e.seq = x.seq",
      Parameters{absl::StrCat(workspace_id), absl::StrCat(customer_id), rows});
}

absl::StatusOr<int64_t> DeleteEventsBefore(Connection& connection,
                                           int64_t workspace_id,
                                           int64_t type_id, int64_t before_us,
                                           bool of_stubs) {
  CRM_ASSIGN_OR_RETURN(
      Result removed,
      connection.Execute(
          absl::StrCat("DELETE FROM crm_events e WHERE e.workspace_id = $1 "
                       "AND e.type_id = $2::bigint AND e.occurred_at_us < "
                       "$3::bigint AND ",
                       of_stubs ? "" : "NOT ",
                       "EXISTS (SELECT 1 FROM crm_stubs s WHERE "
                       "s.workspace_id = e.workspace_id AND s.customer_id = "
                       "e.customer_id)"),
          Parameters{absl::StrCat(workspace_id), absl::StrCat(type_id),
                     absl::StrCat(before_us)}));
  return removed.AffectedRows();
}

}  // namespace crm::store::postgres
