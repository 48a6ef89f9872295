#include "core/visible_stamp.h"

#include <vector>

#include "core/access.h"
#include "core/wire.h"
#include "store/rows.h"

namespace crm::core {

bool ReadsEveryField(const Access& access, const Schema& schema) {
  for (const auto& field : schema.fields()) {
    // The bookkeeping fields (created_at, updated_at) never appear in a
    // history event's changes.
    if (field->read_only()) continue;
    if (!access.Reads(*field)) return false;
  }
  return true;
}

bool ShowsChange(const Access& access, const Schema& schema,
                 const store::EventRow& row) {
  if (row.type_id == store::kRecordCreatedTypeId) return true;
  if (row.type_id != store::kRecordUpdatedTypeId) return false;
  wire::EventBody body;
  if (!body.ParseFromString(row.body)) return false;
  for (const wire::FieldChange& change : body.changes()) {
    const Field* field = schema.FindById(change.field_id());
    if (field != nullptr && access.Reads(*field)) return true;
  }
  return false;
}

absl::StatusOr<VisibleStamp> VisibleStampOf(Session& session, int64_t id,
                                            int64_t stored_version,
                                            int64_t stored_updated_at_us) {
  const Access* access = session.access();
  if (access == nullptr || ReadsEveryField(*access, session.schema())) {
    return VisibleStamp{stored_version, stored_updated_at_us};
  }
  CRM_ASSIGN_OR_RETURN(
      std::vector<store::EventRow> rows,
      session.backend().SelectHistory(session.texts(), id, INT64_MAX));
  VisibleStamp stamp;
  for (const store::EventRow& row : rows) {
    if (!ShowsChange(*access, session.schema(), row)) continue;
    ++stamp.version;
    stamp.updated_at_us = row.recorded_at_us;
  }
  return stamp;
}

}  // namespace crm::core
