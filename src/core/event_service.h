// The event log: append (one or a batch, idempotent with a key), read one,
// page through a customer's timeline, follow the log by sequence number,
// and register event types with property schemas.
#ifndef CRM_CORE_EVENT_SERVICE_H_
#define CRM_CORE_EVENT_SERVICE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/customer_batch.h"
#include "core/event.h"
#include "core/workspace.h"

namespace crm::core {

struct AppendResult {
  int64_t seq = 0;
  bool duplicate = false;  // the idempotency key was used before
};

// The largest encoded body (crm.wire.EventBody) an event may carry.
inline constexpr size_t kMaxEventBodyBytes = 1024 * 1024;

// OK for an event's type or channel: 1 to 64 bytes of letters, digits and
// . _ - : / (an empty one when not `required`); else kInvalidArgument
// naming `what`, rule "required" or "format".
absl::Status CheckEventName(const std::string& name, absl::string_view what,
                            bool required);
// OK for an event's actor, source or idempotency key: UTF-8 of at most 255
// bytes; else kInvalidArgument naming `what`.
absl::Status CheckFreeText(const std::string& text, absl::string_view what);

// Appends `event` after checking it; an idempotency key already in the log
// returns the first event's seq with `duplicate` set, storing nothing.
absl::StatusOr<AppendResult> AppendEvent(Session& session, const Event& event);

// Appends every event of `batch` or none; the outcome reports each row
// (id = seq, created = not a duplicate).
absl::Status AppendEventBatch(Session& session, const wire::EventBatch& batch,
                              BatchOutcome* outcome);

absl::StatusOr<Event> GetEvent(Session& session, int64_t seq);

struct TimelineRequest {
  int64_t customer_id = 0;
  int64_t from_us = INT64_MIN;               // inclusive
  int64_t to_us = INT64_MAX;                 // exclusive
  std::vector<std::string> types, channels;  // empty: all
  bool newest_first = true;
  int64_t page_size = 50;  // 1 to 1,000
  std::string cursor;      // from the previous page; empty for the first
};

struct EventPage {
  std::vector<Event> events;
  std::string next_cursor;  // empty when there is nothing more
};

// One page of a customer's events ordered by occurrence time (then seq). The
// cursor is a keyset position, so events appended meanwhile never shift
// the pages.
absl::StatusOr<EventPage> Timeline(Session& session,
                                   const TimelineRequest& request);

// The committed high-water mark (store::Backend::EventHighWater()).
absl::StatusOr<int64_t> EventHighWater(Session& session);

// Up to `limit` (1 to 10,000) events of every customer with seq greater
// than `after_seq` and at most `high_water`, by seq. `high_water` is what
// EventHighWater() returned in an earlier call (scope), so that no event
// committed later can have a seq the page passes.
absl::StatusOr<EventPage> EventsAfter(Session& session, int64_t after_seq,
                                      int64_t limit, int64_t high_water);

// Registers (or replaces) an event type from a crm.wire.EventTypeDefinition
// in JSON. Events appended later are validated against it.
absl::Status DefineEventType(Session& session, absl::string_view json);

}  // namespace crm::core

#endif  // CRM_CORE_EVENT_SERVICE_H_
