// crm.h: the history of customer records.
#include "capi/capi_support.h"
#include "core/history.h"

using crm::capi::CheckNotNull;
using crm::capi::CheckText;
using crm::capi::Fail;
using crm::capi::Guard;
using crm::capi::RunOn;
using crm::core::Session;
using crm::store::ScopeKind;

extern "C" {

int crm_customer_get_at(crm_record** out, crm_db* db, int64_t id,
                        int64_t at_us) {
  return Guard([&] {
    absl::Status status = CheckNotNull(out, "out");
    if (!status.ok()) return Fail(status);
    *out = nullptr;
    auto record = std::make_unique<crm_record>();
    int rc = RunOn(db, ScopeKind::kRead, [&](Session& session) {
      CRM_ASSIGN_OR_RETURN(record->record,
                           crm::core::CustomerAt(session, id, at_us));
      return absl::OkStatus();
    });
    if (rc == CRM_OK) *out = record.release();
    return rc;
  });
}

int crm_field_timeline_get(crm_field_timeline** out, crm_db* db,
                           int64_t customer_id, const char* field) {
  return Guard([&] {
    absl::Status status = CheckNotNull(out, "out");
    if (!status.ok()) return Fail(status);
    *out = nullptr;
    status = CheckText(field, "field");
    if (!status.ok()) return Fail(status);
    auto timeline = std::make_unique<crm_field_timeline>();
    int rc = RunOn(db, ScopeKind::kRead, [&](Session& session) {
      CRM_ASSIGN_OR_RETURN(
          timeline->intervals,
          crm::core::FieldTimeline(session, customer_id, field));
      return absl::OkStatus();
    });
    if (rc != CRM_OK) return rc;
    timeline->values.resize(timeline->intervals.size());
    for (size_t i = 0; i < timeline->intervals.size(); ++i) {
      timeline->values[i].record.Set(field, timeline->intervals[i].value);
    }
    *out = timeline.release();
    return rc;
  });
}

void crm_field_timeline_free(crm_field_timeline* timeline) { delete timeline; }

size_t crm_field_timeline_size(const crm_field_timeline* timeline) {
  return timeline ? timeline->intervals.size() : 0;
}

int64_t crm_field_timeline_from(const crm_field_timeline* timeline,
                                size_t index) {
  if (timeline == nullptr || index >= timeline->intervals.size()) return 0;
  return timeline->intervals[index].from_us;
}

int64_t crm_field_timeline_to(const crm_field_timeline* timeline,
                              size_t index) {
  if (timeline == nullptr || index >= timeline->intervals.size()) return 0;
  return timeline->intervals[index].to_us;
}

crm_record* crm_field_timeline_value(crm_field_timeline* timeline,
                                     size_t index) {
  if (timeline == nullptr || index >= timeline->values.size()) return nullptr;
  return &timeline->values[index];
}

}  // extern "C"
