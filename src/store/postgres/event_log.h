// The event log of PostgreSQL workspaces: interned strings, event rows with
// their idempotency keys, history reads, and registered event types. The
// PostgreSQL backend's Backend methods of the same names forward here
// (store/backend.h states each contract); every function takes the
// workspace's id, which leads every key it reads or writes, and runs inside
// the transaction the caller opened on `connection`.
#ifndef CRM_STORE_POSTGRES_EVENT_LOG_H_
#define CRM_STORE_POSTGRES_EVENT_LOG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/postgres/connection.h"
#include "store/rows.h"

namespace crm::store::postgres {

// The bytes of hex text (an event body read through encode(body, 'hex'), or
// other bytea read so); a damaged value naming `what` for anything else.
absl::StatusOr<std::string> BytesFromHex(
    absl::string_view hex, absl::string_view what = "an event body");

// Gives a new workspace the interned strings every workspace fixes
// (kRecordCreatedTypeId... kSystemChannelId in store/rows.h). Called once by
// CreateWorkspace(), in its transaction.
absl::Status SeedEventLog(Connection& connection, int64_t workspace_id);

// The id of `text`, a new one from the workspace's string sequence when it
// is new. Another writer interning the same new text meanwhile makes this
// wait for its transaction and then return its id (the unique index on
// the text): both get the one id.
absl::StatusOr<int64_t> InternString(Connection& connection,
                                     int64_t workspace_id,
                                     const std::string& text);
absl::StatusOr<std::optional<int64_t>> FindString(Connection& connection,
                                                  int64_t workspace_id,
                                                  const std::string& text);
// Appends an event under a seq from the workspace's sequence, taking the
// transaction's seq hold first (high_water.h); kMisuse outside a
// transaction. An idempotency key another writer stored meanwhile (after
// the caller's FindEventByKey()) is kConstraint, rule "unique", field
// "idempotency_key", with nothing stored and the transaction still usable
// (store/backend.h).
absl::StatusOr<int64_t> InsertEvent(Connection& connection,
                                    int64_t workspace_id, const EventRow& row,
                                    const EventIds& ids);
absl::StatusOr<std::optional<int64_t>> FindEventByKey(Connection& connection,
                                                      int64_t workspace_id,
                                                      const std::string& key);
absl::StatusOr<std::optional<EventRow>> SelectEvent(Connection& connection,
                                                    int64_t workspace_id,
                                                    InternedTexts& texts,
                                                    int64_t seq);
absl::StatusOr<std::vector<EventRow>> SelectTimeline(
    Connection& connection, int64_t workspace_id, InternedTexts& texts,
    const TimelineQuery& query);
absl::StatusOr<std::vector<EventRow>> SelectEventsAfter(Connection& connection,
                                                        int64_t workspace_id,
                                                        InternedTexts& texts,
                                                        int64_t after_seq,
                                                        int64_t limit);
absl::StatusOr<std::vector<EventRow>> SelectHistory(Connection& connection,
                                                    int64_t workspace_id,
                                                    InternedTexts& texts,
                                                    int64_t customer_id,
                                                    int64_t known_at_us);
absl::StatusOr<std::vector<int64_t>> CustomersWithoutHistory(
    Connection& connection, int64_t workspace_id);
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> LoadEventTypes(
    Connection& connection, int64_t workspace_id);
absl::Status UpsertEventType(Connection& connection, int64_t workspace_id,
                             const std::string& name,
                             const std::string& definition);

}  // namespace crm::store::postgres

#endif  // CRM_STORE_POSTGRES_EVENT_LOG_H_
