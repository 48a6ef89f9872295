#include "store/sqlite/event_table.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/error.h"

namespace crm::store::sqlite {
namespace {

// The interned names are resolved after the query through the caller's
// InternedTexts (a workspace names a handful of types and channels), rather
// than joined to crm_strings four times per event.
constexpr char kSelectEvents[] =
    "SELECT e.seq, e.customer_id, e.occurred_at, e.recorded_at, e.type_id, "
    "e.channel_id, e.actor_id, e.source_id, e.idempotency_key, e.body "
    "FROM crm_events e ";

// The text of `id` from `texts`, else from crm_strings (then remembered);
// "" for none (0 or NULL); nullopt for an id crm_strings does not hold.
absl::StatusOr<std::optional<std::string>> TextOf(Connection& connection,
                                                  InternedTexts& texts,
                                                  int64_t id) {
  if (id == 0) return std::optional<std::string>("");
  auto it = texts.find(id);
  if (it != texts.end()) return std::optional<std::string>(it->second);
  CRM_ASSIGN_OR_RETURN(
      Statement * select,
      connection.Prepare("SELECT text FROM crm_strings WHERE id = ?"));
  CRM_RETURN_IF_ERROR(select->Bind(1, id));
  absl::StatusOr<bool> found = select->Step();
  std::optional<std::string> text;
  if (found.ok() && *found) text = select->ColumnText(0);
  select->Reset();
  if (!found.ok()) return found.status();
  if (text) texts.emplace(id, *text);
  return text;
}

// The current row of a kSelectEvents statement, names still as ids.
EventRow ReadEventRow(const Statement& statement, EventIds* ids) {
  EventRow row;
  row.seq = statement.ColumnInt(0);
  row.customer_id = statement.ColumnInt(1);
  row.occurred_at_us = statement.ColumnInt(2);
  row.recorded_at_us = statement.ColumnInt(3);
  row.type_id = statement.ColumnInt(4);
  ids->type = row.type_id;
  ids->channel = statement.ColumnInt(5);
  ids->actor = statement.ColumnInt(6);
  ids->source = statement.ColumnInt(7);
  row.idempotency_key = statement.ColumnText(8);
  // The body's bytes are moved out of the column's copy, not copied twice.
  SqlValue body = statement.Column(9);
  if (Blob* blob = std::get_if<Blob>(&body)) row.body = std::move(blob->bytes);
  return row;
}

// Fills in the names of `row`; false when its type is not an interned
// string (such a row is left out, as the join this replaced left it out).
absl::StatusOr<bool> ResolveNames(Connection& connection, InternedTexts& texts,
                                  const EventIds& ids, EventRow* row) {
  if (ids.type == 0) return false;
  CRM_ASSIGN_OR_RETURN(std::optional<std::string> type,
                       TextOf(connection, texts, ids.type));
  if (!type) return false;
  row->type = *std::move(type);
  std::string* names[] = {&row->channel, &row->actor, &row->source};
  int64_t name_ids[] = {ids.channel, ids.actor, ids.source};
  for (int i = 0; i < 3; ++i) {
    CRM_ASSIGN_OR_RETURN(std::optional<std::string> text,
                         TextOf(connection, texts, name_ids[i]));
    *names[i] = text.value_or("");
  }
  return true;
}

// Runs a prepared, bound statement and collects its event rows.
absl::StatusOr<std::vector<EventRow>> CollectEvents(Connection& connection,
                                                    InternedTexts& texts,
                                                    Statement* statement) {
  std::vector<EventRow> rows;
  std::vector<EventIds> ids;
  CRM_RETURN_IF_ERROR(statement->ForEachRow([&](const Statement& at) {
    rows.push_back(ReadEventRow(at, &ids.emplace_back()));
  }));
  // Resolved once the statement is done: a lookup uses another statement.
  size_t kept = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    CRM_ASSIGN_OR_RETURN(bool named,
                         ResolveNames(connection, texts, ids[i], &rows[i]));
    if (!named) continue;
    if (kept != i) rows[kept] = std::move(rows[i]);
    ++kept;
  }
  rows.resize(kept);
  return rows;
}

// A timeline spanning more merged customers than this sorts their events
// (below SQLite's limit of 500 terms of a compound SELECT).
constexpr size_t kMergedTimelineArms = 100;

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
          "type_id, channel_id, actor_id, source_id, idempotency_key, body) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  CRM_RETURN_IF_ERROR(insert->BindAll(
      {row.customer_id, row.occurred_at_us, row.recorded_at_us, ids.type,
       OptionalId(ids.channel), OptionalId(ids.actor), OptionalId(ids.source),
       row.idempotency_key.empty() ? SqlValue() : SqlValue(row.idempotency_key),
       Blob{row.body}}));
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

absl::StatusOr<int64_t> EventHighWater(Connection& connection) {
  CRM_ASSIGN_OR_RETURN(
      Statement * select,
      connection.Prepare(
          "SELECT max(coalesce((SELECT max(seq) FROM sqlite_sequence WHERE "
          "name = 'crm_events'), 0), coalesce((SELECT max(seq) FROM "
          "crm_events), 0))"));
  CRM_ASSIGN_OR_RETURN(bool found, select->Step());
  int64_t high = found ? select->ColumnInt(0) : 0;
  select->Reset();
  // A damaged sqlite_sequence may hold anything: no mark below 0.
  return high < 0 ? 0 : high;
}

absl::StatusOr<std::optional<EventRow>> SelectEvent(Connection& connection,
                                                    InternedTexts& texts,
                                                    int64_t seq) {
  CRM_ASSIGN_OR_RETURN(
      Statement * select,
      connection.Prepare(absl::StrCat(kSelectEvents, "WHERE e.seq = ?")));
  CRM_RETURN_IF_ERROR(select->Bind(1, seq));
  CRM_ASSIGN_OR_RETURN(std::vector<EventRow> rows,
                       CollectEvents(connection, texts, select));
  if (rows.empty()) return std::optional<EventRow>();
  return std::optional<EventRow>(std::move(rows[0]));
}

absl::StatusOr<std::vector<EventRow>> SelectTimeline(Connection& connection,
                                                     InternedTexts& texts,
                                                     const TimelineQuery& q) {
  // ?1 the customer, ?2 and ?3 the window, ?4 and ?5 the keyset position, ?6
  // the limit; then the types, the channels and the merged customers.
  std::string conditions = "e.occurred_at >= ?2 AND e.occurred_at < ?3";
  int next = 7;
  if (!q.type_ids.empty()) {
    absl::StrAppend(&conditions, " AND e.type_id IN (",
                    Placeholders(next, q.type_ids.size()), ")");
    next += static_cast<int>(q.type_ids.size());
  }
  if (!q.channel_ids.empty()) {
    absl::StrAppend(&conditions, " AND e.channel_id IN (",
                    Placeholders(next, q.channel_ids.size()), ")");
    next += static_cast<int>(q.channel_ids.size());
  }
  if (q.after_seq > 0) {
    absl::StrAppend(&conditions, " AND (e.occurred_at, e.seq) ",
                    q.newest_first ? "<" : ">", " (?4, ?5)");
  }
  std::vector<int64_t> merged = q.merged_ids;
  std::sort(merged.begin(), merged.end());
  merged.erase(std::unique(merged.begin(), merged.end()), merged.end());
  merged.erase(std::remove(merged.begin(), merged.end(), q.customer_id),
               merged.end());
  const char* direction = q.newest_first ? "DESC" : "ASC";
  std::string sql;
  if (merged.empty()) {
    sql = absl::StrCat(kSelectEvents, "WHERE e.customer_id = ?1 AND ",
                       conditions, " ORDER BY e.occurred_at ", direction,
                       ", e.seq ", direction, " LIMIT ?6");
  } else if (merged.size() < kMergedTimelineArms) {
    // An arm per customer, each read in order from the timeline index:
    // SQLite merges the arms (MERGE (UNION ALL)) and stops at the limit,
    // rather than sorting every event of them all. ORDER BY names the
    // result columns occurred_at and seq.
    sql = absl::StrCat(kSelectEvents, "WHERE e.customer_id = ?1 AND ",
                       conditions);
    for (size_t i = 0; i < merged.size(); ++i) {
      absl::StrAppend(&sql, " UNION ALL ", kSelectEvents,
                      "WHERE e.customer_id = ?", next + static_cast<int>(i),
                      " AND ", conditions);
    }
    absl::StrAppend(&sql, " ORDER BY 3 ", direction, ", 1 ", direction,
                    " LIMIT ?6");
  } else {
    // More customers than arms: their events are sorted. The JSON array
    // names them all, ?1 too.
    sql = absl::StrCat(kSelectEvents,
                       "WHERE e.customer_id IN (SELECT value FROM json_each(?",
                       next, ")) AND ", conditions, " ORDER BY e.occurred_at ",
                       direction, ", e.seq ", direction, " LIMIT ?6");
  }
  CRM_ASSIGN_OR_RETURN(Statement * select, connection.Prepare(sql));
  CRM_RETURN_IF_ERROR(
      select->BindAll({q.customer_id, q.from_us, q.to_us, q.after_occurred_us,
                       q.after_seq, q.limit}));
  int index = 7;
  for (int64_t id : q.type_ids) CRM_RETURN_IF_ERROR(select->Bind(index++, id));
  for (int64_t id : q.channel_ids) {
    CRM_RETURN_IF_ERROR(select->Bind(index++, id));
  }
  if (merged.size() >= kMergedTimelineArms) {
    CRM_RETURN_IF_ERROR(
        select->Bind(index, absl::StrCat("[", q.customer_id, ",",
                                         absl::StrJoin(merged, ","), "]")));
  } else {
    for (int64_t id : merged) CRM_RETURN_IF_ERROR(select->Bind(index++, id));
  }
  return CollectEvents(connection, texts, select);
}

absl::StatusOr<std::vector<EventRow>> SelectEventsAfter(Connection& connection,
                                                        InternedTexts& texts,
                                                        int64_t after_seq,
                                                        int64_t limit) {
  CRM_ASSIGN_OR_RETURN(
      Statement * select,
      connection.Prepare(absl::StrCat(
          kSelectEvents, "WHERE e.seq > ? ORDER BY e.seq LIMIT ?")));
  CRM_RETURN_IF_ERROR(select->BindAll({after_seq, limit}));
  return CollectEvents(connection, texts, select);
}

absl::StatusOr<std::vector<EventRow>> SelectHistory(Connection& connection,
                                                    InternedTexts& texts,
                                                    int64_t customer_id,
                                                    int64_t known_at_us) {
  CRM_ASSIGN_OR_RETURN(
      Statement * select,
      connection.Prepare(
          absl::StrCat(kSelectEvents,
                       "WHERE e.customer_id = ? AND e.type_id BETWEEN 1 AND 3 "
                       "AND e.recorded_at <= ? ORDER BY e.seq")));
  CRM_RETURN_IF_ERROR(select->BindAll({customer_id, known_at_us}));
  return CollectEvents(connection, texts, select);
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

}  // namespace crm::store::sqlite
