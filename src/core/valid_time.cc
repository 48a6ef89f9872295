#include "core/valid_time.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "core/wire.h"

namespace crm::core {

int64_t FieldValidTimeline::OpenEnd(int64_t from_us) const {
  auto next = starts_.upper_bound(from_us);
  return next == starts_.end() ? kOpenEnd : *next;
}

void FieldValidTimeline::Apply(int64_t from_us, int64_t until_us,
                               const Value& value, int64_t recorded_at_us) {
  const int64_t end_us = until_us == kOpenEnd ? OpenEnd(from_us) : until_us;
  starts_.insert(from_us);
  if (end_us <= from_us) return;  // nothing to cover (callers check ranges)
  // The value in force at `end_us` before this change resumes there.
  auto last = segments_.lower_bound(end_us);
  if (end_us != kOpenEnd &&
      (last == segments_.end() || last->first != end_us)) {
    if (last == segments_.begin()) {
      last = segments_.emplace_hint(last, end_us, Segment{});
    } else {
      last = segments_.emplace_hint(last, end_us, std::prev(last)->second);
    }
  }
  // Every start inside [from_us, end_us) is overridden by this change.
  auto first = segments_.lower_bound(from_us);
  if (first != last && first->first == from_us) {
    // Reuse the node (and its value's buffers) at `from_us`.
    first->second.value = value;
    first->second.recorded_at_us = recorded_at_us;
    segments_.erase(std::next(first), last);
  } else {
    segments_.erase(first, last);
    segments_.emplace_hint(
        last, from_us,
        Segment{.value = value, .recorded_at_us = recorded_at_us});
  }
}

Value FieldValidTimeline::At(int64_t at_us) const {
  auto after = segments_.upper_bound(at_us);
  if (after == segments_.begin()) return Value::Null();
  return std::prev(after)->second.value;
}

Value FieldValidTimeline::Current() const {
  if (segments_.empty()) return Value::Null();
  return segments_.rbegin()->second.value;
}

bool FieldValidTimeline::HoldsThroughout(int64_t from_us, int64_t to_us,
                                         const Value& value) const {
  if (from_us >= to_us) return true;
  auto it = segments_.upper_bound(from_us);
  // The segment in force at `from_us`: before every start, empty.
  if (it == segments_.begin()) {
    if (value.kind != ValueKind::kNull) return false;
  } else if (!(std::prev(it)->second.value == value)) {
    return false;
  }
  for (; it != segments_.end() && it->first < to_us; ++it) {
    if (!(it->second.value == value)) return false;
  }
  return true;
}

std::vector<ValidInterval> FieldValidTimeline::Intervals(int64_t end_us) const {
  std::vector<ValidInterval> intervals;
  for (auto it = segments_.begin(); it != segments_.end() && it->first < end_us;
       ++it) {
    const Segment& segment = it->second;
    if (segment.value.kind == ValueKind::kNull) continue;
    auto next = std::next(it);
    int64_t to_us = next == segments_.end() ? kOpenEnd : next->first;
    to_us = std::min(to_us, end_us);
    if (!intervals.empty() && intervals.back().to_us == it->first &&
        intervals.back().value == segment.value) {
      ValidInterval& merged = intervals.back();
      merged.to_us = to_us;
      merged.recorded_at_us =
          std::min(merged.recorded_at_us, segment.recorded_at_us);
      continue;
    }
    intervals.push_back({.from_us = it->first,
                         .to_us = to_us,
                         .value = segment.value,
                         .recorded_at_us = segment.recorded_at_us});
  }
  return intervals;
}

int64_t RecordTimeline::VersionAt(int64_t at_us) const {
  return std::count_if(change_valid_us.begin(), change_valid_us.end(),
                       [at_us](int64_t valid_us) { return valid_us <= at_us; });
}

int64_t RecordTimeline::UpdatedAt(int64_t at_us) const {
  int64_t updated_us = created_at_us;
  for (int64_t valid_us : change_valid_us) {
    if (valid_us <= at_us) updated_us = std::max(updated_us, valid_us);
  }
  return updated_us;
}

void ApplyHistoryRow(const store::EventRow& row, RecordTimeline* timeline) {
  timeline->change_valid_us.push_back(row.occurred_at_us);
  if (row.type_id == store::kRecordDeletedTypeId) {
    // Rule 6: gone from the deletion on, by any later valid time.
    timeline->deleted_at_us = row.occurred_at_us;
    return;
  }
  const bool created = row.type_id == store::kRecordCreatedTypeId;
  if (created && timeline->exists && timeline->deleted_at_us != kOpenEnd) {
    // Created again after a deletion (a merge undone): it exists again from
    // now on, and keeps its first creation's time.
    timeline->gaps.emplace_back(timeline->deleted_at_us, row.occurred_at_us);
    timeline->deleted_at_us = kOpenEnd;
  } else if (created) {
    timeline->exists = true;
    timeline->created_at_us = row.occurred_at_us;
  }
  // Reused per thread: a cleared message keeps its allocations, and this
  // runs for every history row of every point-in-time read.
  thread_local wire::EventBody body;
  body.Clear();
  // A body that does not parse is a change of nothing (still a version).
  if (!body.ParseFromString(row.body)) return;
  const int64_t until_us =
      !created && body.has_valid_until_us() ? body.valid_until_us() : kOpenEnd;
  for (const wire::FieldChange& change : body.changes()) {
    timeline->fields[change.field_id()].Apply(row.occurred_at_us, until_us,
                                              ValueFromWire(change.new_value()),
                                              row.recorded_at_us);
  }
}

RecordTimeline ReplayHistory(const std::vector<store::EventRow>& rows,
                             int64_t known_at_us) {
  RecordTimeline timeline;
  timeline.change_valid_us.reserve(rows.size());
  for (const store::EventRow& row : rows) {
    if (row.recorded_at_us > known_at_us) continue;
    ApplyHistoryRow(row, &timeline);
  }
  return timeline;
}

}  // namespace crm::core
