// The history of customer records: written with every change, read as the
// record at an instant or as the intervals a field held each value.
#ifndef CRM_CORE_HISTORY_H_
#define CRM_CORE_HISTORY_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "core/customer_record.h"
#include "core/event.h"
#include "core/field.h"
#include "core/valid_time.h"
#include "core/workspace.h"
#include "store/rows.h"

namespace crm::core {

enum class HistoryKind { kCreated, kUpdated, kDeleted };

struct FieldChangeValue {
  const Field* field;
  Value old_value;  // null kind: the field was empty
  Value new_value;  // null kind: the field is now empty
};

// The two times of a history event (crm.h "Valid time").
struct HistoryTime {
  int64_t valid_from_us = 0;           // the event's occurred_at
  int64_t recorded_at_us = 0;          // when libcrm wrote it
  int64_t valid_until_us = INT64_MAX;  // a correction's end; else open

  // A change that holds from the time it is recorded, `now_us`, on.
  static HistoryTime Live(int64_t now_us) {
    return HistoryTime{.valid_from_us = now_us,
                       .recorded_at_us = now_us,
                       .valid_until_us = INT64_MAX};
  }
};

// Appends the history event of one change to customer `customer_id`, whole
// (reads filter it), with occurred_at `time.valid_from_us`, recorded_at
// `time.recorded_at_us` and, when bounded, the body's valid_until_us. On a
// restricted session the event records the handle's actor instead of
// `actor`, and the source "profile:<name>".
absl::Status RecordHistory(Session& session, int64_t customer_id,
                           HistoryKind kind,
                           const std::vector<FieldChangeValue>& changes,
                           const std::string& actor, const HistoryTime& time);

// Appends an event libcrm writes itself (a reserved "crm." `type`, channel
// "crm") on customer `customer_id`, occurred and recorded at `now_us` (UTC
// microseconds), by `actor` (checked by the caller), with `properties` in
// that order; returns its seq.
absl::StatusOr<int64_t> AppendSystemEvent(
    Session& session, int64_t customer_id, const std::string& type,
    const std::vector<std::pair<std::string, Value>>& properties,
    const std::string& actor, int64_t now_us);

// The customer as it was at valid time `valid_us` by the history recorded
// up to `known_at_us` (INT64_MAX: today's knowledge), with the rules of
// crm.h "Valid time" (its active fields, by current names); kNotFound when
// by that knowledge it did not exist then. Its version counts the history
// events known whose valid time is at or before `valid_us`; updated_at is
// the latest of those valid times. On a restricted session: kNotFound for a
// customer not in the scope now (or deleted), the record filtered by the
// profile, with the version and updated_at of the changes so counted that
// the profile can see.
absl::StatusOr<CustomerRecord> CustomerAt(Session& session, int64_t id,
                                          int64_t valid_us,
                                          int64_t known_at_us);

// A span of valid time during which a field held one value, and when the
// change that set it was recorded (to_us INT64_MAX while still current).
using FieldInterval = ValidInterval;

// The intervals of valid time during which `field` of customer `id` held a
// value by the history recorded up to `known_at_us` (INT64_MAX: today),
// oldest first; adjacent equal values are one interval, empty stretches are
// left out, a deletion ends the last. kNotFound when no history of the
// customer was recorded by then. On a restricted session: kDenied, rule
// kHidden, for a field the profile hides; kNotFound for a customer not in
// the scope now; masked values masked.
absl::StatusOr<std::vector<FieldInterval>> FieldTimeline(
    Session& session, int64_t id, absl::string_view field, int64_t known_at_us);

// Writes a "created" history event holding the current values of every
// customer that has no history (files from before the event log).
absl::Status WriteHistoryBaseline(Session& session);

// The before/after records of a stored history event body, by current field
// names; fields deleted since are left out.
void DecodeHistoryBody(const Schema& schema, const wire::EventBody& body,
                       CustomerRecord* before, CustomerRecord* after);

}  // namespace crm::core

#endif  // CRM_CORE_HISTORY_H_
