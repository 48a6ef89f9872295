// The rows the core and the storage backends exchange (store/backend.h):
// backend-neutral, with no SQL in them. Column names come from field
// definitions ("email", "f_12"), never from user text.
#ifndef CRM_STORE_ROWS_H_
#define CRM_STORE_ROWS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "store/sql_value.h"

namespace crm::store {

// How a workspace is opened.
struct ConnectionOptions {
  bool create = true;
  bool read_only = false;
  int busy_timeout_ms = 5000;
  bool sync_full = false;
};

// ---- fields -------------------------------------------------------------

// One field definition. `definition` is a crm.wire.FieldDefinition as JSON
// that the core reads; backends treat it as opaque text.
struct FieldRow {
  int64_t id = 0;
  std::string name;
  std::string column;
  std::string status;  // "active", "archived" or "deleted"
  std::string definition;
};

// The index a customer column carries.
enum class ColumnIndex { kNone, kPlain, kUnique, kUniqueNoCase };

// A customer column that a field definition owns, as the core reads it from
// the definitions: a standard column, or a user field's "f_<id>" column; and
// the index it must carry.
struct FieldColumn {
  int64_t field_id = 0;
  bool standard = false;
  std::string column;
  ColumnIndex index = ColumnIndex::kNone;
};

// ---- customers ----------------------------------------------------------

// Values for some columns of one customer.
struct ColumnValues {
  std::vector<std::string> columns;
  std::vector<SqlValue> values;
};

// A customer row: bookkeeping plus the values of the requested columns.
struct CustomerRow {
  int64_t id = 0;
  int64_t version = 0;
  int64_t created_at_us = 0;
  int64_t updated_at_us = 0;
  std::vector<SqlValue> values;  // aligned with the requested columns
};

// ---- events -------------------------------------------------------------

// Interned ids every workspace fixes at creation, in every backend.
inline constexpr int64_t kRecordCreatedTypeId = 1;
inline constexpr int64_t kRecordUpdatedTypeId = 2;
inline constexpr int64_t kRecordDeletedTypeId = 3;
inline constexpr int64_t kSystemChannelId = 4;

// An event row. String members are resolved text ("" when absent).
struct EventRow {
  int64_t seq = 0;
  int64_t customer_id = 0;
  int64_t occurred_at_us = 0;
  int64_t recorded_at_us = 0;
  int64_t type_id = 0;
  std::string type, channel, actor, source;
  std::string idempotency_key;
  // Encoded crm.wire.EventBody: the only copy of the properties (backends
  // read them from it with store/event_body.h).
  std::string body;
};

// The text of interned ids, kept by the caller across calls so that event
// reads name types, channels, actors and sources without a lookup each.
// Interned strings are never changed nor deleted, so an entry stays true as
// long as its id was committed: the owner clears the map whenever a
// transaction or a call's scope that may have interned strings is rolled
// back.
using InternedTexts = absl::flat_hash_map<int64_t, std::string>;

// The ids of an event's interned strings (0 for none).
struct EventIds {
  int64_t type = 0, channel = 0, actor = 0, source = 0;
};

// What removing a customer's events removed (Backend::DeleteCustomerEvents).
struct RemovedEvents {
  int64_t events = 0;            // interactions: not crm.record.* history
  int64_t history_events = 0;    // crm.record.created / updated / deleted
  int64_t idempotency_keys = 0;  // events removed that carried a key
};

// A page of one customer's events, by (occurred_at, seq).
struct TimelineQuery {
  int64_t customer_id = 0;
  // Customers merged into customer_id (core/merge.h): their events are on
  // its timeline too. Ascending, no two equal, none equal to customer_id.
  std::vector<int64_t> merged_ids;
  int64_t from_us = INT64_MIN;       // inclusive
  int64_t to_us = INT64_MAX;         // exclusive
  std::vector<int64_t> type_ids;     // empty: every type
  std::vector<int64_t> channel_ids;  // empty: every channel
  bool newest_first = true;
  // Keyset position: only events strictly after (in the chosen order) the
  // event at (after_occurred_us, after_seq), when after_seq > 0.
  int64_t after_occurred_us = 0;
  int64_t after_seq = 0;
  int64_t limit = 100;
};

// ---- segments and queries ------------------------------------------------

struct SegmentRow {
  std::string name;
  std::string target;  // "customers" or "events"
  std::string filter;
  int64_t created_at_us = 0;
};

struct SelectedRow {
  int64_t id = 0;                   // customer id, or event seq
  int64_t version = 0;              // customers only
  std::vector<SqlValue> values;     // aligned with the plan's columns
  std::vector<SqlValue> sort_keys;  // aligned with the plan's sort
};

// ---- suppression (core/suppression.h) -------------------------------------

// One suppressed value: its keyed hash, never the value itself.
struct SuppressionRow {
  std::string hash;       // HMAC-SHA256, 32 bytes
  int kind = 0;           // 1 email, 2 phone (core::SuppressionKind)
  int normalization = 0;  // the normalisation version that made it
  int64_t created_at_us = 0;
};

// ---- duplicates (core/duplicates) ---------------------------------------

// One match key of a customer: its kind (core/duplicates/match_keys.h
// KeyKind, stored as that integer) and its normalised text.
struct MatchKeyRow {
  int kind = 0;
  std::string key;
  friend bool operator==(const MatchKeyRow& a, const MatchKeyRow& b) {
    return a.kind == b.kind && a.key == b.key;
  }
  // By kind, then key byte by byte (the order the backends return them in).
  friend bool operator<(const MatchKeyRow& a, const MatchKeyRow& b) {
    return a.kind != b.kind ? a.kind < b.kind : a.key < b.key;
  }
};

// A customer as the duplicate check compares it: its row (the values of the
// columns asked for) and its match keys by kind then key.
struct MatchSubject {
  CustomerRow row;
  std::vector<MatchKeyRow> keys;
};

// A customer holding a match key that was looked for.
struct MatchKeyHolder {
  int64_t customer_id = 0;
  int kind = 0;
};

// ---- merges (core/merge.h) ------------------------------------------------
// A customer merged into another: no longer a customer (its row is gone),
// its id stays used, and its events stay under its id.
struct MergeRow {
  int64_t merged_id = 0;    // the customer merged away
  int64_t merge_id = 0;     // the merge: seq of the survivor's merged event
  int64_t into_id = 0;      // the customer it was merged into
  int64_t survivor_id = 0;  // where its chain of merges ends now: a customer
  std::string external_id;  // its external id when merged ("": none)
  std::string snapshot;     // encoded crm.wire.MergedRecord (bytes)
};

}  // namespace crm::store

#endif  // CRM_STORE_ROWS_H_
