#include "core/history.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "core/access.h"
#include "core/customer_view.h"
#include "core/record_scope.h"
#include "core/time_text.h"
#include "core/visible_stamp.h"
#include "store/rows.h"

namespace crm::core {
namespace {

int64_t TypeIdOf(HistoryKind kind) {
  switch (kind) {
    case HistoryKind::kCreated:
      return store::kRecordCreatedTypeId;
    case HistoryKind::kUpdated:
      return store::kRecordUpdatedTypeId;
    case HistoryKind::kDeleted:
      return store::kRecordDeletedTypeId;
  }
  return store::kRecordUpdatedTypeId;
}

// "customer <id> did not exist at <valid time>[ as known at <time>]".
absl::Status NotExistingAt(int64_t id, int64_t valid_us, int64_t known_at_us) {
  std::string message = absl::StrCat(
      "customer ", id, " did not exist ",
      valid_us == INT64_MAX ? "now" : "at " + FormatDateTime(valid_us));
  if (known_at_us != INT64_MAX) {
    absl::StrAppend(&message, " as known at ", FormatDateTime(known_at_us));
  }
  return MakeError(ErrorCode::kNotFound, message);
}

// The version and updated_at a restricted session sees of the customer at
// valid time `valid_us`: of the history `rows` known (recorded up to
// `known_at_us`) whose valid time is at or before it, those showing
// `access` a change; updated_at the latest of their valid times.
VisibleStamp VisibleStampAt(const Access& access, const Schema& schema,
                            const std::vector<store::EventRow>& rows,
                            int64_t valid_us, int64_t known_at_us) {
  VisibleStamp stamp;
  for (const store::EventRow& row : rows) {
    if (row.recorded_at_us > known_at_us || row.occurred_at_us > valid_us) {
      continue;
    }
    if (!ShowsChange(access, schema, row)) continue;
    ++stamp.version;
    stamp.updated_at_us = std::max(stamp.updated_at_us, row.occurred_at_us);
  }
  return stamp;
}

}  // namespace

absl::Status RecordHistory(Session& session, int64_t customer_id,
                           HistoryKind kind,
                           const std::vector<FieldChangeValue>& changes,
                           const std::string& actor, const HistoryTime& time) {
  // Reused per thread: a cleared message keeps its allocations.
  thread_local wire::EventBody body;
  body.Clear();
  for (const FieldChangeValue& change : changes) {
    wire::FieldChange* stored = body.add_changes();
    stored->set_field_id(change.field->id());
    // An absent value reads back as null (see ValueFromWire).
    if (change.old_value.kind != ValueKind::kNull) {
      ValueToWire(change.old_value, stored->mutable_old_value());
    }
    if (change.new_value.kind != ValueKind::kNull) {
      ValueToWire(change.new_value, stored->mutable_new_value());
    }
  }
  if (time.valid_until_us != INT64_MAX) {
    body.set_valid_until_us(time.valid_until_us);
  }
  store::EventRow row;
  row.customer_id = customer_id;
  row.occurred_at_us = time.valid_from_us;
  row.recorded_at_us = time.recorded_at_us;
  row.body = body.SerializeAsString();
  store::EventIds ids;
  ids.type = TypeIdOf(kind);
  ids.channel = store::kSystemChannelId;
  // Through a restricted handle: its actor, whatever the call said, and its
  // profile as the source. The event itself is stored whole.
  CRM_ASSIGN_OR_RETURN(ids.actor, session.Intern(WritingActor(session, actor)));
  std::string source = WritingSource(session);
  if (!source.empty()) {
    CRM_ASSIGN_OR_RETURN(ids.source, session.Intern(source));
  }
  return session.backend().InsertEvent(row, ids).status();
}

absl::StatusOr<CustomerRecord> CustomerAt(Session& session, int64_t id,
                                          int64_t valid_us,
                                          int64_t known_at_us) {
  const Access* access = session.access();
  // Outside a restricted handle's scope a customer is as absent.
  CRM_RETURN_IF_ERROR(CheckInViewScope(session, id));
  CRM_ASSIGN_OR_RETURN(
      std::vector<store::EventRow> rows,
      session.backend().SelectHistory(session.texts(), id, known_at_us));
  const RecordTimeline timeline = ReplayHistory(rows, known_at_us);
  if (!timeline.ExistsAt(valid_us)) {
    return NotExistingAt(id, valid_us, known_at_us);
  }
  CustomerRecord record;
  record.id = id;
  record.version = timeline.VersionAt(valid_us);
  for (const Field* field : session.schema().stored_fields()) {
    auto it = timeline.fields.find(field->id());
    if (it == timeline.fields.end()) continue;
    Value value = it->second.At(valid_us);
    if (value.kind != ValueKind::kNull) {
      record.values.push_back({field->name(), std::move(value)});
    }
  }
  record.values.push_back(
      {"created_at", Value::DateTime(timeline.created_at_us)});
  record.values.push_back(
      {"updated_at", Value::DateTime(timeline.UpdatedAt(valid_us))});
  if (access == nullptr) return record;
  return FilterWithStamp(
      session, record,
      VisibleStampAt(*access, session.schema(), rows, valid_us, known_at_us));
}

absl::StatusOr<std::vector<FieldInterval>> FieldTimeline(
    Session& session, int64_t id, absl::string_view field_name,
    int64_t known_at_us) {
  const Field* field = session.schema().Find(field_name);
  if (field == nullptr) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat("no field named '", field_name, "'"),
                     field_name, Rule::kUnknownField);
  }
  const Access* access = session.access();
  if (access != nullptr && !access->Reads(*field)) {
    return Access::Hidden(field->name());
  }
  CRM_RETURN_IF_ERROR(CheckInViewScope(session, id));
  CRM_ASSIGN_OR_RETURN(
      std::vector<store::EventRow> rows,
      session.backend().SelectHistory(session.texts(), id, known_at_us));
  const RecordTimeline timeline = ReplayHistory(rows, known_at_us);
  if (!timeline.exists) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat("customer ", id, " has no history"));
  }
  auto it = timeline.fields.find(field->id());
  if (it == timeline.fields.end()) return std::vector<FieldInterval>();
  std::vector<FieldInterval> intervals =
      it->second.Intervals(timeline.deleted_at_us);
  if (access != nullptr && !access->ReadsPlain(*field)) {
    for (FieldInterval& interval : intervals) {
      interval.value = MaskValue(*field, interval.value);
    }
  }
  return intervals;
}

absl::Status WriteHistoryBaseline(Session& session) {
  CRM_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                       session.backend().CustomersWithoutHistory());
  const Schema& schema = session.schema();
  for (int64_t id : ids) {
    CRM_ASSIGN_OR_RETURN(auto row, session.backend().SelectCustomer(
                                       schema.stored_columns(), "id",
                                       store::SqlValue(id), false));
    if (!row) continue;
    std::vector<FieldChangeValue> changes;
    for (size_t i = 0; i < row->values.size(); ++i) {
      if (store::IsNull(row->values[i])) continue;
      const Field* field = schema.stored_fields()[i];
      CRM_ASSIGN_OR_RETURN(Value value, field->FromStored(row->values[i]));
      changes.push_back({field, Value::Null(), std::move(value)});
    }
    CRM_RETURN_IF_ERROR(RecordHistory(session, id, HistoryKind::kCreated,
                                      changes, "migration",
                                      HistoryTime::Live(row->created_at_us)));
  }
  return absl::OkStatus();
}

void DecodeHistoryBody(const Schema& schema, const wire::EventBody& body,
                       CustomerRecord* before, CustomerRecord* after) {
  for (const wire::FieldChange& change : body.changes()) {
    const Field* field = schema.FindById(change.field_id());
    if (field == nullptr) continue;
    // An empty side is left out: absent from `before` means the field was
    // empty, absent from `after` that it was cleared.
    Value old_value = ValueFromWire(change.old_value());
    Value new_value = ValueFromWire(change.new_value());
    if (old_value.kind != ValueKind::kNull) {
      before->Set(field->name(), std::move(old_value));
    }
    if (new_value.kind != ValueKind::kNull) {
      after->Set(field->name(), std::move(new_value));
    }
  }
}

absl::StatusOr<int64_t> AppendSystemEvent(
    Session& session, int64_t customer_id, const std::string& type,
    const std::vector<std::pair<std::string, Value>>& properties,
    const std::string& actor, int64_t now_us) {
  wire::EventBody body;
  for (const auto& [name, value] : properties) {
    wire::Property* property = body.add_properties();
    property->set_name(name);
    ValueToWire(value, property->mutable_value());
  }
  store::EventRow row;
  row.customer_id = customer_id;
  row.occurred_at_us = now_us;
  row.recorded_at_us = now_us;
  row.body = body.SerializeAsString();
  store::EventIds ids;
  CRM_ASSIGN_OR_RETURN(ids.type, session.Intern(type));
  ids.channel = store::kSystemChannelId;
  CRM_ASSIGN_OR_RETURN(ids.actor, session.Intern(actor));
  return session.backend().InsertEvent(row, ids);
}

}  // namespace crm::core
