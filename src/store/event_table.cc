#include "store/event_table.h"

#include "absl/strings/str_cat.h"
#include "base/error.h"

namespace crm::store {
namespace {

constexpr char kSelectEvents[] =
    "SELECT e.seq, e.customer_id, e.occurred_at, e.recorded_at, e.type_id, "
    "t.text, c.text, a.text, s.text, e.idempotency_key, e.body "
    "FROM crm_events e JOIN crm_strings t ON t.id = e.type_id "
    "LEFT JOIN crm_strings c ON c.id = e.channel_id "
    "LEFT JOIN crm_strings a ON a.id = e.actor_id "
    "LEFT JOIN crm_strings s ON s.id = e.source_id ";

EventRow ReadEventRow(const Statement& statement) {
  EventRow row;
  row.seq = statement.ColumnInt(0);
  row.customer_id = statement.ColumnInt(1);
  row.occurred_at_us = statement.ColumnInt(2);
  row.recorded_at_us = statement.ColumnInt(3);
  row.type_id = statement.ColumnInt(4);
  row.type = statement.ColumnText(5);
  row.channel = statement.ColumnText(6);
  row.actor = statement.ColumnText(7);
  row.source = statement.ColumnText(8);
  row.idempotency_key = statement.ColumnText(9);
  SqlValue body = statement.Column(10);
  if (const Blob* blob = std::get_if<Blob>(&body)) row.body = blob->bytes;
  return row;
}

// Runs a prepared, bound statement and collects its event rows.
absl::StatusOr<std::vector<EventRow>> CollectEvents(Statement* statement) {
  std::vector<EventRow> rows;
  while (true) {
    absl::StatusOr<bool> more = statement->Step();
    if (!more.ok()) {
      statement->Reset();
      return more.status();
    }
    if (!*more) break;
    rows.push_back(ReadEventRow(*statement));
  }
  statement->Reset();
  return rows;
}

SqlValue OptionalId(int64_t id) { return id == 0 ? SqlValue() : SqlValue(id); }

// "?n, ?n+1, ..." for `count` parameters starting at `first`.
std::string Placeholders(int first, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    absl::StrAppend(&out, i ? ", ?" : "?", first + static_cast<int>(i));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::optional<int64_t>> FindString(Connection& connection,
                                                  const std::string& text) {
  CRM_ASSIGN_OR_RETURN(
      Statement * find,
      connection.Prepare("SELECT id FROM crm_strings WHERE text = ?"));
  CRM_RETURN_IF_ERROR(find->Bind(1, text));
  CRM_ASSIGN_OR_RETURN(bool found, find->Step());
  std::optional<int64_t> id;
  if (found) id = find->ColumnInt(0);
  find->Reset();
  return id;
}

absl::StatusOr<int64_t> InternString(Connection& connection,
                                     const std::string& text) {
  CRM_ASSIGN_OR_RETURN(std::optional<int64_t> existing,
                       FindString(connection, text));
  if (existing) return *existing;
  CRM_ASSIGN_OR_RETURN(
      Statement * insert,
      connection.Prepare("INSERT INTO crm_strings(text) VALUES (?)"));
  CRM_RETURN_IF_ERROR(insert->Bind(1, text));
  CRM_RETURN_IF_ERROR(insert->Run());
  return connection.LastInsertId();
}

absl::StatusOr<int64_t> InsertEvent(Connection& connection, const EventRow& row,
                                    const EventIds& ids) {
  CRM_ASSIGN_OR_RETURN(
      Statement * insert,
      connection.Prepare(
          "INSERT INTO crm_events(customer_id, occurred_at, recorded_at, "
          "type_id, channel_id, actor_id, source_id, idempotency_key, body, "
          "properties) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  CRM_RETURN_IF_ERROR(insert->BindAll(
      {row.customer_id, row.occurred_at_us, row.recorded_at_us, ids.type,
       OptionalId(ids.channel), OptionalId(ids.actor), OptionalId(ids.source),
       row.idempotency_key.empty() ? SqlValue() : SqlValue(row.idempotency_key),
       Blob{row.body},
       row.properties_json.empty() ? SqlValue()
                                   : SqlValue(row.properties_json)}));
  CRM_RETURN_IF_ERROR(insert->Run());
  return connection.LastInsertId();
}

absl::StatusOr<std::optional<int64_t>> FindEventByKey(Connection& connection,
                                                      const std::string& key) {
  CRM_ASSIGN_OR_RETURN(
      Statement * find,
      connection.Prepare(
          "SELECT seq FROM crm_events WHERE idempotency_key = ?"));
  CRM_RETURN_IF_ERROR(find->Bind(1, key));
  CRM_ASSIGN_OR_RETURN(bool found, find->Step());
  std::optional<int64_t> seq;
  if (found) seq = find->ColumnInt(0);
  find->Reset();
  return seq;
}

absl::StatusOr<std::optional<EventRow>> SelectEvent(Connection& connection,
                                                    int64_t seq) {
  CRM_ASSIGN_OR_RETURN(
      Statement * select,
      connection.Prepare(absl::StrCat(kSelectEvents, "WHERE e.seq = ?")));
  CRM_RETURN_IF_ERROR(select->Bind(1, seq));
  CRM_ASSIGN_OR_RETURN(std::vector<EventRow> rows, CollectEvents(select));
  if (rows.empty()) return std::optional<EventRow>();
  return std::optional<EventRow>(std::move(rows[0]));
}

absl::StatusOr<std::vector<EventRow>> SelectTimeline(Connection& connection,
                                                     const TimelineQuery& q) {
  std::string sql = absl::StrCat(kSelectEvents,
                                 "WHERE e.customer_id = ?1 AND e.occurred_at "
                                 ">= ?2 AND e.occurred_at < ?3");
  int next = 7;
  if (!q.type_ids.empty()) {
    absl::StrAppend(&sql, " AND e.type_id IN (",
                    Placeholders(next, q.type_ids.size()), ")");
    next += static_cast<int>(q.type_ids.size());
  }
  if (!q.channel_ids.empty()) {
    absl::StrAppend(&sql, " AND e.channel_id IN (",
                    Placeholders(next, q.channel_ids.size()), ")");
  }
  const char* direction = q.newest_first ? "DESC" : "ASC";
  if (q.after_seq > 0) {
    absl::StrAppend(&sql, " AND (e.occurred_at, e.seq) ",
                    q.newest_first ? "<" : ">", " (?4, ?5)");
  }
  absl::StrAppend(&sql, " ORDER BY e.occurred_at ", direction, ", e.seq ",
                  direction, " LIMIT ?6");
  CRM_ASSIGN_OR_RETURN(Statement * select, connection.Prepare(sql));
  CRM_RETURN_IF_ERROR(
      select->BindAll({q.customer_id, q.from_us, q.to_us, q.after_occurred_us,
                       q.after_seq, q.limit}));
  int index = 7;
  for (int64_t id : q.type_ids) CRM_RETURN_IF_ERROR(select->Bind(index++, id));
  for (int64_t id : q.channel_ids) {
    CRM_RETURN_IF_ERROR(select->Bind(index++, id));
  }
  return CollectEvents(select);
}

absl::StatusOr<std::vector<EventRow>> SelectEventsAfter(Connection& connection,
                                                        int64_t after_seq,
                                                        int64_t limit) {
  CRM_ASSIGN_OR_RETURN(
      Statement * select,
      connection.Prepare(absl::StrCat(
          kSelectEvents, "WHERE e.seq > ? ORDER BY e.seq LIMIT ?")));
  CRM_RETURN_IF_ERROR(select->BindAll({after_seq, limit}));
  return CollectEvents(select);
}

absl::StatusOr<std::vector<EventRow>> SelectHistory(Connection& connection,
                                                    int64_t customer_id,
                                                    int64_t until_us) {
  CRM_ASSIGN_OR_RETURN(
      Statement * select,
      connection.Prepare(
          absl::StrCat(kSelectEvents,
                       "WHERE e.customer_id = ? AND e.type_id BETWEEN 1 AND 3 "
                       "AND e.occurred_at <= ? ORDER BY e.seq")));
  CRM_RETURN_IF_ERROR(select->BindAll({customer_id, until_us}));
  return CollectEvents(select);
}

absl::StatusOr<std::vector<int64_t>> CustomersWithoutHistory(
    Connection& connection) {
  CRM_ASSIGN_OR_RETURN(
      Statement * select,
      connection.Prepare(
          "SELECT id FROM crm_customers c WHERE NOT EXISTS (SELECT 1 FROM "
          "crm_events e WHERE e.customer_id = c.id AND e.type_id BETWEEN 1 "
          "AND 3) ORDER BY id"));
  std::vector<int64_t> ids;
  while (true) {
    CRM_ASSIGN_OR_RETURN(bool more, select->Step());
    if (!more) break;
    ids.push_back(select->ColumnInt(0));
  }
  select->Reset();
  return ids;
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> LoadEventTypes(
    Connection& connection) {
  CRM_ASSIGN_OR_RETURN(
      Statement * select,
      connection.Prepare(
          "SELECT name, definition FROM crm_event_types ORDER BY name"));
  std::vector<std::pair<std::string, std::string>> types;
  while (true) {
    CRM_ASSIGN_OR_RETURN(bool more, select->Step());
    if (!more) break;
    types.emplace_back(select->ColumnText(0), select->ColumnText(1));
  }
  select->Reset();
  return types;
}

absl::Status UpsertEventType(Connection& connection, const std::string& name,
                             const std::string& definition) {
  CRM_ASSIGN_OR_RETURN(
      Statement * upsert,
      connection.Prepare(
          "INSERT INTO crm_event_types(name, definition) VALUES (?, ?) "
          "ON CONFLICT(name) DO UPDATE SET definition = excluded.definition"));
  CRM_RETURN_IF_ERROR(upsert->BindAll({name, definition}));
  return upsert->Run();
}

}  // namespace crm::store
