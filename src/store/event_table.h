// Storage of the event log: interned strings, event rows, event types.
#ifndef CRM_STORE_EVENT_TABLE_H_
#define CRM_STORE_EVENT_TABLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "store/connection.h"

namespace crm::store {

// Interned ids the layout fixes (migration 2).
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
  std::string body;  // encoded crm.wire.EventBody
  // The properties as a JSON object for queries ("" for none); written,
  // never read back into events.
  std::string properties_json;
};

// The text of interned ids, kept by the caller across calls so that event
// reads name types, channels, actors and sources without a lookup each.
// Interned strings are never changed nor deleted, so an entry stays true as
// long as its id was committed: the owner clears the map whenever a
// transaction or a call's savepoint that may have interned strings is
// rolled back.
using InternedTexts = absl::flat_hash_map<int64_t, std::string>;

// The ids of an event's interned strings (0 for none).
struct EventIds {
  int64_t type = 0, channel = 0, actor = 0, source = 0;
};

// The id of `text` in crm_strings, adding it when new.
absl::StatusOr<int64_t> InternString(Connection& connection,
                                     const std::string& text);
// The id of `text` if it was ever interned.
absl::StatusOr<std::optional<int64_t>> FindString(Connection& connection,
                                                  const std::string& text);

// Appends an event; returns its sequence number.
absl::StatusOr<int64_t> InsertEvent(Connection& connection, const EventRow& row,
                                    const EventIds& ids);

// The sequence number of the event stored with `key`, if any.
absl::StatusOr<std::optional<int64_t>> FindEventByKey(Connection& connection,
                                                      const std::string& key);

// The event reads below resolve names through `texts`, filling it in. An
// event whose type id crm_strings does not hold (a damaged file) is left
// out.
absl::StatusOr<std::optional<EventRow>> SelectEvent(Connection& connection,
                                                    InternedTexts& texts,
                                                    int64_t seq);

// A page of one customer's events, by (occurred_at, seq).
struct TimelineQuery {
  int64_t customer_id = 0;
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
absl::StatusOr<std::vector<EventRow>> SelectTimeline(Connection& connection,
                                                     InternedTexts& texts,
                                                     const TimelineQuery& q);

// Events with seq > `after_seq` across all customers, by seq.
absl::StatusOr<std::vector<EventRow>> SelectEventsAfter(Connection& connection,
                                                        InternedTexts& texts,
                                                        int64_t after_seq,
                                                        int64_t limit);

// The history events of a customer (created/updated/deleted) up to and
// including `until_us`, oldest first.
absl::StatusOr<std::vector<EventRow>> SelectHistory(Connection& connection,
                                                    InternedTexts& texts,
                                                    int64_t customer_id,
                                                    int64_t until_us);

// Customers holding no history event (for the baseline after migration 2).
absl::StatusOr<std::vector<int64_t>> CustomersWithoutHistory(
    Connection& connection);

// Registered event types: name and JSON definition.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> LoadEventTypes(
    Connection& connection);
absl::Status UpsertEventType(Connection& connection, const std::string& name,
                             const std::string& definition);

}  // namespace crm::store

#endif  // CRM_STORE_EVENT_TABLE_H_
