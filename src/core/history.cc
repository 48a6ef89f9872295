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

// Replays history events in order into field values by field id; returns
// false when the customer was deleted by the last event.
bool Replay(const std::vector<store::EventRow>& rows,
            std::map<int64_t, Value>* values, int64_t* last_change_us) {
  bool exists = false;
  for (const store::EventRow& row : rows) {
    wire::EventBody body;
    body.ParseFromString(row.body);
    if (row.type_id == store::kRecordDeletedTypeId) {
      values->clear();
      exists = false;
    } else {
      exists = true;
      for (const wire::FieldChange& change : body.changes()) {
        Value value = ValueFromWire(change.new_value());
        if (value.kind == ValueKind::kNull) {
          values->erase(change.field_id());
        } else {
          (*values)[change.field_id()] = std::move(value);
        }
      }
    }
    *last_change_us = row.occurred_at_us;
  }
  return exists;
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
                                          int64_t at_us) {
  const Access* access = session.access();
  // Outside a restricted handle's scope a customer is as absent.
  if (access != nullptr) {
    CRM_RETURN_IF_ERROR(CheckInScope(session, id));
  }
  CRM_ASSIGN_OR_RETURN(
      std::vector<store::EventRow> rows,
      session.backend().SelectHistory(session.texts(), id, INT64_MAX));
  rows.erase(std::remove_if(rows.begin(), rows.end(),
                            [&](const store::EventRow& row) {
                              return row.occurred_at_us > at_us;
                            }),
             rows.end());
  std::map<int64_t, Value> values;
  int64_t last_change_us = 0;
  if (rows.empty() || !Replay(rows, &values, &last_change_us)) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat("customer ", id, " did not exist at ",
                                  FormatDateTime(at_us)));
  }
  CustomerRecord record;
  record.id = id;
  record.version = static_cast<int64_t>(rows.size());
  for (const Field* field : session.schema().stored_fields()) {
    auto it = values.find(field->id());
    if (it != values.end())
      record.values.push_back({field->name(), it->second});
  }
  record.values.push_back(
      {"created_at", Value::DateTime(rows.front().occurred_at_us)});
  record.values.push_back({"updated_at", Value::DateTime(last_change_us)});
  if (access == nullptr) return record;
  // The version and time of the last change up to `at_us` the profile sees.
  VisibleStamp stamp;
  for (const store::EventRow& row : rows) {
    if (!ShowsChange(*access, session.schema(), row)) continue;
    ++stamp.version;
    stamp.updated_at_us = row.occurred_at_us;
  }
  return FilterWithStamp(session, record, stamp);
}

absl::StatusOr<std::vector<FieldInterval>> FieldTimeline(
    Session& session, int64_t id, absl::string_view field_name) {
  const Field* field = session.schema().Find(field_name);
  if (field == nullptr) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat("no field named '", field_name, "'"),
                     field_name, Rule::kUnknownField);
  }
  const Access* access = session.access();
  if (access != nullptr) {
    if (!access->Reads(*field)) return Access::Hidden(field->name());
    CRM_RETURN_IF_ERROR(CheckInScope(session, id));
  }
  CRM_ASSIGN_OR_RETURN(
      std::vector<store::EventRow> rows,
      session.backend().SelectHistory(session.texts(), id, INT64_MAX));
  if (rows.empty()) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat("customer ", id, " has no history"));
  }
  std::vector<FieldInterval> intervals;
  auto close_open_interval = [&](int64_t at_us) {
    if (!intervals.empty() && intervals.back().to_us == INT64_MAX) {
      intervals.back().to_us = at_us;
    }
  };
  for (const store::EventRow& row : rows) {
    if (row.type_id == store::kRecordDeletedTypeId) {
      close_open_interval(row.occurred_at_us);
      continue;
    }
    wire::EventBody body;
    body.ParseFromString(row.body);
    for (const wire::FieldChange& change : body.changes()) {
      if (change.field_id() != field->id()) continue;
      close_open_interval(row.occurred_at_us);
      Value value = ValueFromWire(change.new_value());
      if (value.kind != ValueKind::kNull) {
        intervals.push_back({row.occurred_at_us, INT64_MAX, std::move(value)});
      }
    }
  }
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

}  // namespace crm::core
