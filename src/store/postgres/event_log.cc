#include "store/postgres/event_log.h"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/error.h"
#include "base/utf8.h"
#include "store/event_body.h"
#include "store/postgres/high_water.h"
#include "store/postgres/id_sequences.h"

namespace crm::store::postgres {

absl::StatusOr<std::string> BytesFromHex(absl::string_view hex,
                                         absl::string_view what) {
  bool valid = hex.size() % 2 == 0;
  for (size_t i = 0; valid && i < hex.size(); ++i) {
    valid = absl::ascii_isxdigit(static_cast<unsigned char>(hex[i]));
  }
  if (!valid) {
    return DamagedValue(
        absl::StrCat("PostgreSQL sent ", what, " that is not bytes"));
  }
  return absl::HexStringToBytes(hex);
}

namespace {

// Every value goes to the server as a parameter in PostgreSQL's text format
// (std::nullopt is NULL); numbers as decimal text, bytes as hex.

// The columns every event read selects, in ReadEventRow()'s order. The body
// comes back as hex through encode(), whatever the server's bytea_output.
// Names are resolved afterwards through the caller's InternedTexts, as on
// SQLite, rather than joined to crm_strings four times per event.
constexpr char kSelectEvents[] =
    "SELECT seq, customer_id, occurred_at_us, recorded_at_us, type_id, "
    "channel_id, actor_id, source_id, idempotency_key, encode(body, 'hex') "
    "FROM crm_events WHERE workspace_id = $1";
constexpr int kEventColumns = 10;

absl::Status NoWorkspace(int64_t workspace_id) {
  return MakeError(ErrorCode::kNotFound,
                   absl::StrCat("no PostgreSQL workspace has id ", workspace_id,
                                " (was it dropped?)"));
}

// Text travels as a NUL-terminated C string in libpq's text format, and the
// server refuses bytes that are not UTF-8: such text is refused here, before
// it could be cut short or abort the caller's transaction.
absl::Status CheckText(const std::string& text, absl::string_view what) {
  return ValidateText(text, what, [&] { return std::string(what); });
}

std::optional<std::string> OptionalId(int64_t id) {
  if (id == 0) return std::nullopt;
  return absl::StrCat(id);
}

// A LIMIT value: SQLite reads a negative limit as none, and so does this
// (LIMIT NULL).
std::optional<std::string> LimitOf(int64_t limit) {
  if (limit < 0) return std::nullopt;
  return absl::StrCat(limit);
}

// A bigint[] literal for `ids`: "{1,2,3}".
std::string IdArray(const std::vector<int64_t>& ids) {
  return absl::StrCat("{", absl::StrJoin(ids, ","), "}");
}

// Appends `value` to `parameters` and returns its placeholder ("$n").
std::string Bind(Parameters& parameters, std::optional<std::string> value) {
  parameters.push_back(std::move(value));
  return absl::StrCat("$", parameters.size());
}

// A number the server sent in `column` of `row`. The server is untrusted:
// NULL or anything but an int64 in decimal is a damaged value.
absl::StatusOr<int64_t> NumberAt(const Result& result, int row, int column,
                                 absl::string_view what) {
  int64_t value = 0;
  if (result.IsNull(row, column) ||
      !absl::SimpleAtoi(result.Text(row, column), &value)) {
    return DamagedValue(
        absl::StrCat("PostgreSQL sent ", what, " that is not a number"));
  }
  return value;
}

// As NumberAt(), with NULL read as 0 (no interned string).
absl::StatusOr<int64_t> OptionalIdAt(const Result& result, int row, int column,
                                     absl::string_view what) {
  if (result.IsNull(row, column)) return 0;
  return NumberAt(result, row, column, what);
}

// Checks that a result has the shape of the statement that made it.
absl::Status CheckColumns(const Result& result, int columns) {
  if (result.columns() == columns) return absl::OkStatus();
  return DamagedValue(absl::StrCat("PostgreSQL sent ", result.columns(),
                                   " columns where ", columns, " belong"));
}

// The id in the first row of a one-column result that has a row.
absl::StatusOr<int64_t> FirstId(const Result& result, absl::string_view what) {
  CRM_RETURN_IF_ERROR(CheckColumns(result, 1));
  if (result.rows() == 0) {
    return DamagedValue(absl::StrCat("PostgreSQL sent no row for ", what));
  }
  return NumberAt(result, 0, 0, what);
}

// The id of a one-column result; `none` when there is no row.
absl::StatusOr<std::optional<int64_t>> OptionalSingleId(
    const Result& result, absl::string_view what) {
  if (result.rows() == 0) return std::optional<int64_t>();
  CRM_ASSIGN_OR_RETURN(int64_t id, FirstId(result, what));
  return std::optional<int64_t>(id);
}

// The id that `sql`, a one-column select taking the workspace id and a
// text, finds for `text` (checked as CheckText() names it), if any.
absl::StatusOr<std::optional<int64_t>> FindIdByText(Connection& connection,
                                                    int64_t workspace_id,
                                                    const std::string& text,
                                                    absl::string_view text_name,
                                                    absl::string_view sql,
                                                    absl::string_view what) {
  CRM_RETURN_IF_ERROR(CheckText(text, text_name));
  Parameters parameters = {absl::StrCat(workspace_id), text};
  CRM_ASSIGN_OR_RETURN(Result found, connection.Execute(sql, parameters));
  return OptionalSingleId(found, what);
}

// Row `row` of a kSelectEvents result, names still as ids.
absl::StatusOr<EventRow> ReadEventRow(const Result& result, int row,
                                      EventIds* ids) {
  EventRow event;
  CRM_ASSIGN_OR_RETURN(event.seq, NumberAt(result, row, 0, "an event seq"));
  CRM_ASSIGN_OR_RETURN(event.customer_id,
                       NumberAt(result, row, 1, "an event's customer id"));
  CRM_ASSIGN_OR_RETURN(event.occurred_at_us,
                       NumberAt(result, row, 2, "an event time"));
  CRM_ASSIGN_OR_RETURN(event.recorded_at_us,
                       NumberAt(result, row, 3, "an event time"));
  CRM_ASSIGN_OR_RETURN(event.type_id,
                       NumberAt(result, row, 4, "an event type id"));
  ids->type = event.type_id;
  CRM_ASSIGN_OR_RETURN(ids->channel,
                       OptionalIdAt(result, row, 5, "a channel id"));
  CRM_ASSIGN_OR_RETURN(ids->actor, OptionalIdAt(result, row, 6, "an actor id"));
  CRM_ASSIGN_OR_RETURN(ids->source,
                       OptionalIdAt(result, row, 7, "a source id"));
  event.idempotency_key = std::string(result.Text(row, 8));
  if (result.IsNull(row, 9)) {
    return DamagedValue("PostgreSQL sent an event without a body");
  }
  CRM_ASSIGN_OR_RETURN(event.body, BytesFromHex(result.Text(row, 9)));
  return event;
}

// Adds to `texts` the interned strings of `ids` it lacks, in one statement.
// Ids crm_strings does not hold stay absent.
absl::Status LoadTexts(Connection& connection, int64_t workspace_id,
                       const std::vector<int64_t>& ids, InternedTexts& texts) {
  std::vector<int64_t> missing;
  absl::flat_hash_set<int64_t> seen;
  for (int64_t id : ids) {
    if (id != 0 && !texts.contains(id) && seen.insert(id).second) {
      missing.push_back(id);
    }
  }
  if (missing.empty()) return absl::OkStatus();
  Parameters parameters = {absl::StrCat(workspace_id), IdArray(missing)};
  CRM_ASSIGN_OR_RETURN(
      Result found,
      connection.Execute("SELECT string_id, text FROM crm_strings WHERE "
                         "workspace_id = $1 AND string_id = ANY($2::bigint[])",
                         parameters));
  CRM_RETURN_IF_ERROR(CheckColumns(found, 2));
  for (int row = 0; row < found.rows(); ++row) {
    CRM_ASSIGN_OR_RETURN(int64_t id,
                         NumberAt(found, row, 0, "an interned string id"));
    if (!seen.contains(id)) {
      return DamagedValue("PostgreSQL sent an interned string not asked for");
    }
    texts.insert_or_assign(id, std::string(found.Text(row, 1)));
  }
  return absl::OkStatus();
}

// The text of interned id `id` from `texts` ("" for 0); nullopt when no
// string has that id.
std::optional<std::string> TextOf(const InternedTexts& texts, int64_t id) {
  if (id == 0) return std::string();
  auto it = texts.find(id);
  if (it == texts.end()) return std::nullopt;
  return it->second;
}

// Runs a kSelectEvents statement and returns its events named through
// `texts`. As on SQLite, an event whose type id names no interned string
// (damage) is left out, and an absent channel, actor or source reads "".
absl::StatusOr<std::vector<EventRow>> CollectEvents(
    Connection& connection, int64_t workspace_id, InternedTexts& texts,
    const std::string& sql, const Parameters& parameters) {
  CRM_ASSIGN_OR_RETURN(Result result, connection.Execute(sql, parameters));
  CRM_RETURN_IF_ERROR(CheckColumns(result, kEventColumns));
  std::vector<EventRow> rows;
  std::vector<EventIds> ids;
  std::vector<int64_t> named;
  rows.reserve(result.rows());
  ids.reserve(result.rows());
  for (int row = 0; row < result.rows(); ++row) {
    CRM_ASSIGN_OR_RETURN(EventRow event,
                         ReadEventRow(result, row, &ids.emplace_back()));
    rows.push_back(std::move(event));
    const EventIds& last = ids.back();
    named.insert(named.end(),
                 {last.type, last.channel, last.actor, last.source});
  }
  CRM_RETURN_IF_ERROR(LoadTexts(connection, workspace_id, named, texts));
  size_t kept = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    std::optional<std::string> type = TextOf(texts, ids[i].type);
    if (ids[i].type == 0 || !type) continue;
    EventRow& event = rows[i];
    event.type = *std::move(type);
    event.channel = TextOf(texts, ids[i].channel).value_or("");
    event.actor = TextOf(texts, ids[i].actor).value_or("");
    event.source = TextOf(texts, ids[i].source).value_or("");
    if (kept != i) rows[kept] = std::move(event);
    ++kept;
  }
  rows.resize(kept);
  return rows;
}

// Whether `status` is the server's refusal of a value (SQLSTATE class 22,
// data exception), which StatementError() names in its message.
bool IsDataException(const absl::Status& status) {
  return absl::StrContains(status.message(), "(SQLSTATE 22");
}

absl::Status NotInTransaction() {
  return MakeError(ErrorCode::kMisuse,
                   "the PostgreSQL event log is written inside a transaction "
                   "only");
}

// Appending and numbering. Event seqs and string ids come from the
// workspace's sequences (id_sequences.h), so writers append at once. Before
// a transaction takes its first seq it takes the workspace's seq hold
// (high_water.h), which the appending statement checks through a
// transaction-local setting (set_config(..., true): undone with the
// transaction or savepoint that made it) so that the hold costs one round
// trip per transaction, not per event. Concurrent duplicates are settled by
// the unique indexes: an idempotency key or a string text inserted by
// another writer meanwhile makes the insert do nothing (ON CONFLICT waits
// for that writer and sees its commit), and the winner is read instead.

// Runs an appending statement whose first column says whether this
// transaction holds the seq hold; when it does not, takes the hold and runs
// the statement again.
absl::StatusOr<Result> ExecuteHolding(Connection& connection,
                                      int64_t workspace_id,
                                      const std::string& sql,
                                      const Parameters& parameters) {
  CRM_ASSIGN_OR_RETURN(Result result, connection.Execute(sql, parameters));
  if (result.rows() == 1 && result.Text(0, 0) == "t") return result;
  CRM_RETURN_IF_ERROR(TakeSeqHold(connection, workspace_id));
  CRM_ASSIGN_OR_RETURN(result, connection.Execute(sql, parameters));
  // The setting ended with the statement: no transaction is open.
  if (result.rows() != 1 || result.Text(0, 0) != "t") {
    return NotInTransaction();
  }
  return result;
}

}  // namespace

absl::Status SeedEventLog(Connection& connection, int64_t workspace_id) {
  // The texts of ids 1-4 (store/rows.h), as SQLite's migration 2 seeds them;
  // the string sequence starts at 5 (id_sequences.h).
  Parameters parameters = {absl::StrCat(workspace_id)};
  CRM_ASSIGN_OR_RETURN(
      Result seeded,
      connection.Execute(
          "INSERT INTO crm_strings (workspace_id, string_id, text) "
          "SELECT c.workspace_id, fixed.id, fixed.text FROM crm_counters c, "
          "(VALUES (1, 'crm.record.created'), (2, 'crm.record.updated'), "
          "(3, 'crm.record.deleted'), (4, 'crm')) AS fixed (id, text) WHERE "
          "c.workspace_id = $1",
          parameters));
  if (seeded.AffectedRows() == 0) return NoWorkspace(workspace_id);
  return absl::OkStatus();
}

absl::StatusOr<std::optional<int64_t>> FindString(Connection& connection,
                                                  int64_t workspace_id,
                                                  const std::string& text) {
  return FindIdByText(connection, workspace_id, text, "interned text",
                      "SELECT string_id FROM crm_strings WHERE workspace_id = "
                      "$1 AND text = $2",
                      "an interned string id");
}

absl::StatusOr<int64_t> InternString(Connection& connection,
                                     int64_t workspace_id,
                                     const std::string& text) {
  CRM_RETURN_IF_ERROR(CheckText(text, "interned text"));
  // One round trip: the existing id, else a new one from the sequence. No
  // row comes back when another writer inserted the text meanwhile (the
  // insert waited for it to commit): its id is read then.
  const std::string find =
      "SELECT string_id FROM crm_strings WHERE workspace_id = $1::bigint AND "
      "text = $2::text";
  Parameters parameters = {absl::StrCat(workspace_id), text};
  CRM_ASSIGN_OR_RETURN(
      Result interned,
      connection.Execute(
          absl::StrCat("WITH found AS (", find,
                       "), added AS (INSERT INTO crm_strings (workspace_id, "
                       "string_id, text) SELECT $1, nextval('",
                       IdSequenceName(workspace_id, IdSequence::kStringIds),
                       "'), $2 WHERE NOT EXISTS (SELECT 1 FROM found) ON "
                       "CONFLICT (workspace_id, text) DO NOTHING RETURNING "
                       "string_id) SELECT string_id FROM found UNION ALL "
                       "SELECT string_id FROM added"),
          parameters));
  if (interned.rows() == 0) {
    CRM_ASSIGN_OR_RETURN(interned, connection.Execute(find, parameters));
  }
  return FirstId(interned, "an interned string id");
}

absl::StatusOr<int64_t> InsertEvent(Connection& connection,
                                    int64_t workspace_id, const EventRow& row,
                                    const EventIds& ids) {
  CRM_RETURN_IF_ERROR(CheckText(row.idempotency_key, "idempotency_key"));
  // The jsonb copy of the properties that PostgreSQL queries read, made
  // from the body. A body the reader cannot read (the core encodes every
  // one; only another caller could hand such bytes) is stored as given with
  // no properties, as SQLite stores any body.
  absl::StatusOr<std::string> properties = BodyPropertiesJson(row.body);
  std::string properties_json = properties.ok() ? *std::move(properties) : "";
  CRM_RETURN_IF_ERROR(CheckText(properties_json, "properties"));
  Parameters parameters = {
      absl::StrCat(workspace_id),
      absl::StrCat(row.customer_id),
      absl::StrCat(row.occurred_at_us),
      absl::StrCat(row.recorded_at_us),
      absl::StrCat(ids.type),
      OptionalId(ids.channel),
      OptionalId(ids.actor),
      OptionalId(ids.source),
      row.idempotency_key.empty() ? std::nullopt
                                  : std::optional(row.idempotency_key),
      absl::BytesToHexString(row.body),
      properties_json.empty() ? std::nullopt : std::optional(properties_json)};
  // One round trip once the transaction holds the seq hold: whether it is
  // held, and the new seq (NULL when the idempotency key was stored by
  // another writer meanwhile).
  absl::StatusOr<Result> inserted = ExecuteHolding(
      connection, workspace_id,
      absl::StrCat(
          "WITH held AS (SELECT ", kSeqHoldHeld,
          " AS held), added AS (INSERT INTO crm_events (workspace_id, seq, "
          "customer_id, occurred_at_us, recorded_at_us, type_id, channel_id, "
          "actor_id, source_id, idempotency_key, body, properties) "
          "SELECT $1::bigint, nextval('",
          IdSequenceName(workspace_id, IdSequence::kEventSeqs),
          "'), $2::bigint, $3::bigint, $4::bigint, $5::bigint, $6::bigint, "
          "$7::bigint, $8::bigint, $9::text, decode($10::text, 'hex'), "
          "$11::jsonb FROM held WHERE held ON CONFLICT (workspace_id, "
          "idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING "
          "RETURNING seq) SELECT coalesce((SELECT held FROM held), false), "
          "(SELECT seq FROM added)"),
      parameters);
  if (!inserted.ok()) {
    // Every other value is a number, hex or checked text: a value the
    // server refuses is the properties' JSON.
    if (!properties_json.empty() && IsDataException(inserted.status())) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          absl::StrCat("the event's properties are not JSON that PostgreSQL "
                       "accepts: ",
                       inserted.status().message()),
          "properties", Rule::kJson);
    }
    return inserted.status();
  }
  CRM_RETURN_IF_ERROR(CheckColumns(*inserted, 2));
  if (inserted->IsNull(0, 1) && !row.idempotency_key.empty()) {
    return MakeError(ErrorCode::kConstraint,
                     "another writer stored an event with this "
                     "idempotency_key meanwhile",
                     "idempotency_key", Rule::kUnique);
  }
  return NumberAt(*inserted, 0, 1, "an event seq");
}

absl::StatusOr<std::optional<int64_t>> FindEventByKey(Connection& connection,
                                                      int64_t workspace_id,
                                                      const std::string& key) {
  return FindIdByText(connection, workspace_id, key, "idempotency_key",
                      "SELECT seq FROM crm_events WHERE workspace_id = $1 AND "
                      "idempotency_key = $2",
                      "an event seq");
}

absl::StatusOr<std::optional<EventRow>> SelectEvent(Connection& connection,
                                                    int64_t workspace_id,
                                                    InternedTexts& texts,
                                                    int64_t seq) {
  Parameters parameters = {absl::StrCat(workspace_id), absl::StrCat(seq)};
  CRM_ASSIGN_OR_RETURN(
      std::vector<EventRow> rows,
      CollectEvents(connection, workspace_id, texts,
                    absl::StrCat(kSelectEvents, " AND seq = $2"), parameters));
  if (rows.empty()) return std::optional<EventRow>();
  return std::optional<EventRow>(std::move(rows[0]));
}

absl::StatusOr<std::vector<EventRow>> SelectTimeline(
    Connection& connection, int64_t workspace_id, InternedTexts& texts,
    const TimelineQuery& query) {
  Parameters parameters = {absl::StrCat(workspace_id)};
  // With merged customers, the page is read per customer (c.id, below).
  std::vector<int64_t> customers = query.merged_ids;
  std::string customer = "c.id";
  if (customers.empty()) {
    customer = Bind(parameters, absl::StrCat(query.customer_id));
  } else {
    customers.push_back(query.customer_id);
    std::sort(customers.begin(), customers.end());
    customers.erase(std::unique(customers.begin(), customers.end()),
                    customers.end());
  }
  std::string sql = absl::StrCat(
      kSelectEvents, " AND customer_id = ", customer,
      " AND occurred_at_us >= ", Bind(parameters, absl::StrCat(query.from_us)),
      " AND occurred_at_us < ", Bind(parameters, absl::StrCat(query.to_us)));
  if (!query.type_ids.empty()) {
    absl::StrAppend(&sql, " AND type_id = ANY(",
                    Bind(parameters, IdArray(query.type_ids)), "::bigint[])");
  }
  if (!query.channel_ids.empty()) {
    absl::StrAppend(&sql, " AND channel_id = ANY(",
                    Bind(parameters, IdArray(query.channel_ids)),
                    "::bigint[])");
  }
  if (query.after_seq > 0) {
    absl::StrAppend(
        &sql, " AND (occurred_at_us, seq) ", query.newest_first ? "<" : ">",
        " (", Bind(parameters, absl::StrCat(query.after_occurred_us)),
        "::bigint, ", Bind(parameters, absl::StrCat(query.after_seq)),
        "::bigint)");
  }
  const char* direction = query.newest_first ? "DESC" : "ASC";
  const std::string order = absl::StrCat(
      " ORDER BY occurred_at_us ", direction, ", seq ", direction, " LIMIT ",
      Bind(parameters, LimitOf(query.limit)), "::bigint");
  absl::StrAppend(&sql, order);
  if (!customers.empty()) {
    // Each customer's page from the timeline index, then the first of
    // them all: at most a page per customer is read, never all of their
    // events sorted.
    sql = absl::StrCat(
        "SELECT e.* FROM unnest(", Bind(parameters, IdArray(customers)),
        "::bigint[]) AS c(id) CROSS JOIN LATERAL (", sql, ") e", order);
  }
  return CollectEvents(connection, workspace_id, texts, sql, parameters);
}

absl::StatusOr<std::vector<EventRow>> SelectEventsAfter(Connection& connection,
                                                        int64_t workspace_id,
                                                        InternedTexts& texts,
                                                        int64_t after_seq,
                                                        int64_t limit) {
  Parameters parameters = {absl::StrCat(workspace_id), absl::StrCat(after_seq),
                           LimitOf(limit)};
  return CollectEvents(
      connection, workspace_id, texts,
      absl::StrCat(kSelectEvents,
                   " AND seq > $2 ORDER BY seq LIMIT $3::bigint"),
      parameters);
}

absl::StatusOr<std::vector<EventRow>> SelectHistory(Connection& connection,
                                                    int64_t workspace_id,
                                                    InternedTexts& texts,
                                                    int64_t customer_id,
                                                    int64_t known_at_us) {
  Parameters parameters = {absl::StrCat(workspace_id),
                           absl::StrCat(customer_id),
                           absl::StrCat(known_at_us)};
  return CollectEvents(
      connection, workspace_id, texts,
      absl::StrCat(kSelectEvents,
                   " AND customer_id = $2 AND type_id BETWEEN 1 AND 3 AND "
                   "recorded_at_us <= $3 ORDER BY seq"),
      parameters);
}

absl::StatusOr<std::vector<int64_t>> CustomersWithoutHistory(
    Connection& connection, int64_t workspace_id) {
  Parameters parameters = {absl::StrCat(workspace_id)};
  CRM_ASSIGN_OR_RETURN(
      Result found,
      connection.Execute(
          "SELECT c.customer_id FROM crm_customers c WHERE c.workspace_id = "
          "$1 AND NOT EXISTS (SELECT 1 FROM crm_events e WHERE "
          "e.workspace_id = c.workspace_id AND e.customer_id = c.customer_id "
          "AND e.type_id BETWEEN 1 AND 3) ORDER BY c.customer_id",
          parameters));
  CRM_RETURN_IF_ERROR(CheckColumns(found, 1));
  std::vector<int64_t> ids;
  ids.reserve(found.rows());
  for (int row = 0; row < found.rows(); ++row) {
    CRM_ASSIGN_OR_RETURN(int64_t id, NumberAt(found, row, 0, "a customer id"));
    ids.push_back(id);
  }
  return ids;
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> LoadEventTypes(
    Connection& connection, int64_t workspace_id) {
  Parameters parameters = {absl::StrCat(workspace_id)};
  CRM_ASSIGN_OR_RETURN(
      Result found,
      connection.Execute("SELECT name, definition FROM crm_event_types WHERE "
                         "workspace_id = $1 ORDER BY name COLLATE \"C\"",
                         parameters));
  CRM_RETURN_IF_ERROR(CheckColumns(found, 2));
  std::vector<std::pair<std::string, std::string>> types;
  types.reserve(found.rows());
  for (int row = 0; row < found.rows(); ++row) {
    types.emplace_back(found.Text(row, 0), found.Text(row, 1));
  }
  return types;
}

absl::Status UpsertEventType(Connection& connection, int64_t workspace_id,
                             const std::string& name,
                             const std::string& definition) {
  CRM_RETURN_IF_ERROR(CheckText(name, "event type name"));
  CRM_RETURN_IF_ERROR(CheckText(definition, "event type definition"));
  Parameters parameters = {absl::StrCat(workspace_id), name, definition};
  return connection
      .Execute(
          "INSERT INTO crm_event_types (workspace_id, name, definition) "
          "VALUES ($1, $2, $3) ON CONFLICT (workspace_id, name) DO UPDATE "
          "SET definition = excluded.definition",
          parameters)
      .status();
}

}  // namespace crm::store::postgres
