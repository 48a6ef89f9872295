// Valid time (crm.h "Valid time"): a customer's record history replayed
// into per-field timelines along valid time, as known at an instant of
// recorded time. Pure computation over history rows already read: no
// storage, no session. The rules are crm.h's, numbered the same here.
//
// Thread-safety: none of these types is shared; each call builds its own.
#ifndef CRM_CORE_VALID_TIME_H_
#define CRM_CORE_VALID_TIME_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "core/value.h"
#include "store/rows.h"

namespace crm::core {

inline constexpr int64_t kOpenEnd = INT64_MAX;

// A stretch of valid time [from_us, to_us) during which a field held one
// value (never empty), as FieldValidTimeline::Intervals() gives it.
struct ValidInterval {
  int64_t from_us = 0;
  int64_t to_us = kOpenEnd;
  Value value;
  // When the change that set the value was recorded (of merged adjacent
  // changes with the same value, the earliest).
  int64_t recorded_at_us = 0;
};

// One field's values along valid time, built by applying its changes in
// the order they were recorded.
class FieldValidTimeline {
 public:
  // Where an open change from `from_us` would end if recorded now: the
  // earliest start after `from_us` of a change applied so far (rule 2), or
  // kOpenEnd.
  int64_t OpenEnd(int64_t from_us) const;

  // Applies a change recorded after every change applied so far: `value`
  // (null: empty) holds on [from_us, until_us), or from `from_us` to
  // OpenEnd(from_us) when `until_us` is kOpenEnd (rules 1-3).
  void Apply(int64_t from_us, int64_t until_us, const Value& value,
             int64_t recorded_at_us);

  // The value at valid time `at_us` (null: empty).
  Value At(int64_t at_us) const;
  // The value after every known change: the field's value now (rule 3).
  Value Current() const;
  // Whether the field holds `value` on all of [from_us, to_us) (rule 4).
  bool HoldsThroughout(int64_t from_us, int64_t to_us,
                       const Value& value) const;
  // The stretches holding a value, oldest first, adjacent equal values
  // merged, empty stretches left out; each ends at most at `end_us` (a
  // deletion) and starts before it.
  std::vector<ValidInterval> Intervals(int64_t end_us = kOpenEnd) const;

 private:
  struct Segment {
    Value value;  // null: empty
    int64_t recorded_at_us = 0;
  };
  // Segment starts: a segment holds from its key to the next key.
  std::map<int64_t, Segment> segments_;
  std::set<int64_t> starts_;  // effective_at of every change applied
};

// A customer's history replayed as known at `known_at_us`.
struct RecordTimeline {
  bool exists = false;  // a created event was recorded by then
  int64_t created_at_us = 0;
  int64_t deleted_at_us = kOpenEnd;  // valid time of a deletion, if any
  // Valid time between a deletion and a later crm.record.created event of
  // the same id, [deleted, created again): a customer merged away and
  // restored by undoing the merge (crm.h "Merging customers").
  std::vector<std::pair<int64_t, int64_t>> gaps;
  // By field id; a field never changed has no entry.
  std::map<int64_t, FieldValidTimeline> fields;
  // Per history event recorded by then (in seq order): its valid time, for
  // versions as of a valid time (crm_customer_get_at_v2).
  std::vector<int64_t> change_valid_us;

  // Whether the record existed at valid time `at_us` (rule 6).
  bool ExistsAt(int64_t at_us) const {
    // kOpenEnd as `deleted_at_us` is no deletion: even kOpenEnd (now, as
    // crm_customer_get_at(INT64_MAX) asks) is before it.
    if (!exists || at_us < created_at_us) return false;
    if (deleted_at_us != kOpenEnd && at_us >= deleted_at_us) return false;
    for (const auto& [from_us, to_us] : gaps) {
      if (at_us >= from_us && at_us < to_us) return false;
    }
    return true;
  }
  // The number of changes whose valid time is at or before `at_us`.
  int64_t VersionAt(int64_t at_us) const;
  // The valid time of the last of those (created_at when none is later).
  int64_t UpdatedAt(int64_t at_us) const;
};

// Replays history rows of one customer (store::Backend::SelectHistory: its
// crm.record.created/updated/deleted events, in seq order), keeping those
// recorded at or before `known_at_us`. A row whose body does not parse is
// kept as a change of nothing (it still counts as a version).
RecordTimeline ReplayHistory(const std::vector<store::EventRow>& rows,
                             int64_t known_at_us);

// Applies one history row to `timeline` (what ReplayHistory does per row),
// for callers that stream rows of many customers (as-of queries).
void ApplyHistoryRow(const store::EventRow& row, RecordTimeline* timeline);

}  // namespace crm::core

#endif  // CRM_CORE_VALID_TIME_H_
