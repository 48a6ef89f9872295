// Storage of the event log: interned strings, event rows, event types.
#ifndef CRM_STORE_SQLITE_EVENT_TABLE_H_
#define CRM_STORE_SQLITE_EVENT_TABLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "store/rows.h"
#include "store/sqlite/connection.h"

namespace crm::store::sqlite {

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

absl::StatusOr<std::vector<EventRow>> SelectTimeline(Connection& connection,
                                                     InternedTexts& texts,
                                                     const TimelineQuery& q);

// Events with seq > `after_seq` across all customers, by seq.
// Backend::EventHighWater(): with one writer at a time, committing in seq
// order, the highest seq ever committed (AUTOINCREMENT's sqlite_sequence
// row, which erasing the newest events does not lower; an append rolled
// back leaves no hole, its seq is handed out again, never having been
// visible).
absl::StatusOr<int64_t> EventHighWater(Connection& connection);

absl::StatusOr<std::vector<EventRow>> SelectEventsAfter(Connection& connection,
                                                        InternedTexts& texts,
                                                        int64_t after_seq,
                                                        int64_t limit);

// The history events of a customer (created/updated/deleted) up to and
// including `until_us`, oldest first.
absl::StatusOr<std::vector<EventRow>> SelectHistory(Connection& connection,
                                                    InternedTexts& texts,
                                                    int64_t customer_id,
                                                    int64_t known_at_us);

// Customers holding no history event (for the baseline after migration 2).
absl::StatusOr<std::vector<int64_t>> CustomersWithoutHistory(
    Connection& connection);

// Registered event types: name and JSON definition.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> LoadEventTypes(
    Connection& connection);
absl::Status UpsertEventType(Connection& connection, const std::string& name,
                             const std::string& definition);

}  // namespace crm::store::sqlite

#endif  // CRM_STORE_SQLITE_EVENT_TABLE_H_
