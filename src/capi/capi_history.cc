// crm.h: the history of customer records.
#include <algorithm>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "capi/capi_support.h"
#include "core/history.h"
#include "core/time_text.h"

using crm::Rule;
using crm::capi::Call;
using crm::capi::CheckNotNull;
using crm::capi::CheckText;
using crm::capi::HandleOr;
using crm::capi::OnDb;
using crm::capi::Out;
using crm::core::Session;
using crm::store::ScopeKind;

namespace {

// Interval `index` of `timeline`; nullptr for a NULL timeline or an index
// out of range (the getters then answer 0).
const crm::core::FieldInterval* IntervalAt(const crm_field_timeline* timeline,
                                           size_t index) {
  if (timeline == nullptr || index >= timeline->intervals.size()) {
    return nullptr;
  }
  return &timeline->intervals[index];
}

// The end of interval `interval` for durations: the time the timeline was
// read while the value is still current.
int64_t CountedEnd(const crm_field_timeline& timeline,
                   const crm::core::FieldInterval& interval) {
  return interval.to_us == INT64_MAX ? timeline.read_at_us : interval.to_us;
}

// The length of [from_us, to_us) clipped to [lower_us, upper_us); 0 when
// they do not overlap.
int64_t Overlap(int64_t from_us, int64_t to_us, int64_t lower_us,
                int64_t upper_us) {
  const int64_t start = std::max(from_us, lower_us);
  const int64_t end = std::min(to_us, upper_us);
  return end > start ? end - start : 0;
}

}  // namespace

extern "C" {

int crm_customer_get_at(crm_record** out, crm_db* db, int64_t id,
                        int64_t at_us) {
  return crm_customer_get_at_v2(out, db, id, at_us, CRM_TIME_MAX);
}

int crm_customer_get_at_v2(crm_record** out, crm_db* db, int64_t id,
                           int64_t valid_us, int64_t known_at_us) {
  return Call(Out(out, Rule::kOut), [&]() -> HandleOr<crm_record> {
    CRM_ASSIGN_OR_RETURN(crm::core::CustomerRecord record,
                         OnDb(db, ScopeKind::kRead, [&](Session& session) {
                           return crm::core::CustomerAt(session, id, valid_us,
                                                        known_at_us);
                         }));
    return crm::capi::NewRecord(std::move(record));
  });
}

int crm_field_timeline_get(crm_field_timeline** out, crm_db* db,
                           int64_t customer_id, const char* field) {
  return crm_field_timeline_get_v2(out, db, customer_id, field, CRM_TIME_MAX);
}

int crm_field_timeline_get_v2(crm_field_timeline** out, crm_db* db,
                              int64_t customer_id, const char* field,
                              int64_t known_at_us) {
  return Call(Out(out, Rule::kOut), [&]() -> HandleOr<crm_field_timeline> {
    CRM_RETURN_IF_ERROR(CheckText(field, Rule::kField));
    auto timeline = std::make_unique<crm_field_timeline>();
    timeline->field = field;
    timeline->read_at_us = crm::core::NowMicros();
    CRM_ASSIGN_OR_RETURN(timeline->intervals,
                         OnDb(db, ScopeKind::kRead, [&](Session& session) {
                           return crm::core::FieldTimeline(session, customer_id,
                                                           field, known_at_us);
                         }));
    timeline->values.resize(timeline->intervals.size());
    for (size_t i = 0; i < timeline->intervals.size(); ++i) {
      timeline->values[i].record.Set(field, timeline->intervals[i].value);
    }
    return timeline;
  });
}

int64_t crm_field_timeline_recorded_at(const crm_field_timeline* timeline,
                                       size_t index) {
  const crm::core::FieldInterval* interval = IntervalAt(timeline, index);
  return interval == nullptr ? 0 : interval->recorded_at_us;
}

int64_t crm_field_timeline_duration(const crm_field_timeline* timeline,
                                    size_t index) {
  const crm::core::FieldInterval* interval = IntervalAt(timeline, index);
  if (interval == nullptr) return 0;
  return std::max<int64_t>(CountedEnd(*timeline, *interval) - interval->from_us,
                           0);
}

int crm_field_timeline_held(int64_t* out_us, const crm_field_timeline* timeline,
                            const crm_record* value, int64_t from_us,
                            int64_t to_us) {
  return Call(Out(out_us, Rule::kOut), [&]() -> absl::StatusOr<int64_t> {
    CRM_RETURN_IF_ERROR(CheckNotNull(timeline, Rule::kValue, "timeline"));
    CRM_RETURN_IF_ERROR(CheckNotNull(value, Rule::kValue));
    const crm::core::CustomerRecord& record = value->record;
    if (record.values.size() != 1 ||
        record.values[0].field != timeline->field) {
      return crm::MakeError(crm::ErrorCode::kInvalidArgument,
                            absl::StrCat("value must hold exactly the field '",
                                         timeline->field, "'"),
                            "value", Rule::kValue);
    }
    if (from_us > to_us) {
      return crm::MakeError(crm::ErrorCode::kInvalidArgument,
                            "from_us is after to_us", "from_us", Rule::kRange);
    }
    const crm::core::Value& wanted = record.values[0].value;
    int64_t held_us = 0;
    for (const crm::core::FieldInterval& interval : timeline->intervals) {
      if (!(interval.value == wanted)) continue;
      held_us += Overlap(interval.from_us, CountedEnd(*timeline, interval),
                         from_us, to_us);
    }
    return held_us;
  });
}

void crm_field_timeline_free(crm_field_timeline* timeline) { delete timeline; }

size_t crm_field_timeline_size(const crm_field_timeline* timeline) {
  return timeline ? timeline->intervals.size() : 0;
}

int64_t crm_field_timeline_from(const crm_field_timeline* timeline,
                                size_t index) {
  const crm::core::FieldInterval* interval = IntervalAt(timeline, index);
  return interval == nullptr ? 0 : interval->from_us;
}

int64_t crm_field_timeline_to(const crm_field_timeline* timeline,
                              size_t index) {
  const crm::core::FieldInterval* interval = IntervalAt(timeline, index);
  return interval == nullptr ? 0 : interval->to_us;
}

crm_record* crm_field_timeline_value(crm_field_timeline* timeline,
                                     size_t index) {
  if (timeline == nullptr || index >= timeline->values.size()) return nullptr;
  return &timeline->values[index];
}

}  // extern "C"
