#include "core/retention.h"

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "base/json_text.h"
#include "core/erasure.h"
#include "core/legal_hold.h"
#include "core/schema.h"
#include "store/rows.h"

namespace crm::core {

absl::StatusOr<RetentionReport> ApplyRetention(Session& session,
                                               int64_t now_us) {
  RetentionReport report;
  // An event whose period of N days ended: now_us >= occurred_at + N days.
  auto ended_before = [&](int days) { return AddDays(now_us, -days) + 1; };
  for (const auto& [name, type] : session.schema().event_types()) {
    const int retention_days = type.definition.retention_days();
    const int hold_days = type.definition.hold_days();
    if (retention_days == 0 && hold_days == 0) continue;
    int64_t& removed = report.by_type[name];
    CRM_ASSIGN_OR_RETURN(std::optional<int64_t> type_id,
                         session.backend().FindString(name));
    // Never appended; and the fixed ids of history are never removed here.
    if (!type_id || *type_id <= store::kRecordDeletedTypeId) continue;
    if (retention_days > 0) {
      CRM_ASSIGN_OR_RETURN(int64_t count,
                           session.backend().DeleteEventsBefore(
                               *type_id, ended_before(retention_days),
                               /*of_stubs=*/false));
      removed += count;
    }
    if (hold_days > 0) {
      CRM_ASSIGN_OR_RETURN(int64_t count, session.backend().DeleteEventsBefore(
                                              *type_id, ended_before(hold_days),
                                              /*of_stubs=*/true));
      removed += count;
    }
    report.events_removed += removed;
  }
  CRM_ASSIGN_OR_RETURN(std::vector<int64_t> ended,
                       session.backend().EndedStubs(now_us));
  for (int64_t id : ended) {
    CRM_ASSIGN_OR_RETURN(int64_t events, session.backend().DeleteStub(id));
    // Followers of the log learn that the stub's data is gone, as after an
    // erase.
    CRM_RETURN_IF_ERROR(
        AppendTombstone(session, id, "retention", "legal hold ended", now_us)
            .status());
    report.stub_events_removed += events;
    ++report.stubs_removed;
  }
  return report;
}

std::string RetentionReportJson(const RetentionReport& report) {
  std::string json = absl::StrCat(
      "{\"events_removed\": ", report.events_removed, ", \"by_type\": {");
  bool first = true;
  for (const auto& [name, count] : report.by_type) {
    if (!first) json += ", ";
    first = false;
    AppendJsonString(name, &json);
    absl::StrAppend(&json, ": ", count);
  }
  absl::StrAppend(&json, "}, \"stubs_removed\": ", report.stubs_removed,
                  ", \"stub_events_removed\": ", report.stub_events_removed,
                  "}");
  return json;
}

}  // namespace crm::core
