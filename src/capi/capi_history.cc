// crm.h: the history of customer records.
#include "capi/capi_support.h"
#include "core/history.h"

using crm::Rule;
using crm::capi::Call;
using crm::capi::CheckText;
using crm::capi::HandleOr;
using crm::capi::OnDb;
using crm::capi::Out;
using crm::core::Session;
using crm::store::ScopeKind;

extern "C" {

int crm_customer_get_at(crm_record** out, crm_db* db, int64_t id,
                        int64_t at_us) {
  return Call(Out(out, Rule::kOut), [&]() -> HandleOr<crm_record> {
    CRM_ASSIGN_OR_RETURN(crm::core::CustomerRecord record,
                         OnDb(db, ScopeKind::kRead, [&](Session& session) {
                           return crm::core::CustomerAt(session, id, at_us);
                         }));
    return crm::capi::NewRecord(std::move(record));
  });
}

int crm_field_timeline_get(crm_field_timeline** out, crm_db* db,
                           int64_t customer_id, const char* field) {
  return Call(Out(out, Rule::kOut), [&]() -> HandleOr<crm_field_timeline> {
    CRM_RETURN_IF_ERROR(CheckText(field, Rule::kField));
    auto timeline = std::make_unique<crm_field_timeline>();
    CRM_ASSIGN_OR_RETURN(
        timeline->intervals, OnDb(db, ScopeKind::kRead, [&](Session& session) {
          return crm::core::FieldTimeline(session, customer_id, field);
        }));
    timeline->values.resize(timeline->intervals.size());
    for (size_t i = 0; i < timeline->intervals.size(); ++i) {
      timeline->values[i].record.Set(field, timeline->intervals[i].value);
    }
    return timeline;
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
