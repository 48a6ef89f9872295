// The history of customer records: written with every change, read as the
// record at an instant or as the intervals a field held each value.
#ifndef CRM_CORE_HISTORY_H_
#define CRM_CORE_HISTORY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/customer_record.h"
#include "core/event.h"
#include "core/field.h"
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

// The customer as it was at `at_us` (its active fields, by current names);
// kNotFound when it did not exist then. On a restricted session: kNotFound
// for a customer not in the scope now (or deleted), the record filtered by
// the profile, with the version and updated_at of the last change up to
// `at_us` the profile can see.
absl::StatusOr<CustomerRecord> CustomerAt(Session& session, int64_t id,
                                          int64_t at_us);

// A span of time during which a field held one value.
struct FieldInterval {
  int64_t from_us = 0;
  int64_t to_us = 0;  // INT64_MAX while the value is still current
  Value value;
};

// The intervals during which `field` of customer `id` held a value, oldest
// first; empty stretches are left out. On a restricted session: kDenied,
// rule kHidden, for a field the profile hides; kNotFound for a customer not
// in the scope now; masked values masked.
absl::StatusOr<std::vector<FieldInterval>> FieldTimeline(
    Session& session, int64_t id, absl::string_view field);

// Writes a "created" history event holding the current values of every
// customer that has no history (files from before the event log).
absl::Status WriteHistoryBaseline(Session& session);

// The before/after records of a stored history event body, by current field
// names; fields deleted since are left out.
void DecodeHistoryBody(const Schema& schema, const wire::EventBody& body,
                       CustomerRecord* before, CustomerRecord* after);

}  // namespace crm::core

#endif  // CRM_CORE_HISTORY_H_
