#include "core/customer_export.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "base/json_text.h"
#include "base/utf8.h"
#include "core/access.h"
#include "core/erasure.h"
#include "core/event.h"
#include "core/event_access.h"
#include "core/merge/merge_map.h"
#include "core/query_checker.h"
#include "core/record_scope.h"
#include "core/value_json.h"
#include "core/visible_stamp.h"
#include "core/wire.h"
#include "store/rows.h"

namespace crm::core {
namespace {

// Events per read of the store's timeline (its page size).
constexpr int64_t kPageSize = 1000;
// The tombstone erasure leaves in the log under the erased id (issue #19).

// The members of one JSON object, written to `out` in the order they are
// added. Close() ends the object.
class JsonObject {
 public:
  explicit JsonObject(std::string* out) : out_(out) { out_->push_back('{'); }
  // Starts member `key`; its value goes to the returned string.
  std::string* Key(absl::string_view key) {
    if (!first_) out_->push_back(',');
    first_ = false;
    AppendJsonString(key, out_);
    out_->push_back(':');
    return out_;
  }
  void Integer(absl::string_view key, int64_t number) {
    absl::StrAppend(Key(key), number);
  }
  void Boolean(absl::string_view key, bool value) {
    Key(key)->append(value ? "true" : "false");
  }
  void Text(absl::string_view key, absl::string_view text) {
    AppendJsonString(text, Key(key));
  }
  // null for "": an event's absent channel, actor, source or key.
  void TextOrNull(absl::string_view key, absl::string_view text) {
    if (text.empty()) {
      Key(key)->append("null");
    } else {
      Text(key, text);
    }
  }
  void Close() { out_->push_back('}'); }

 private:
  std::string* out_;
  bool first_ = true;
};

// Whether a restricted session reads the bookkeeping field `name` (created_at,
// updated_at) as stored; always for an unrestricted one.
bool ReadsTime(const Session& session, absl::string_view name) {
  const Access* access = session.access();
  if (access == nullptr) return true;
  const Field* field = session.schema().Find(name);
  return field != nullptr && access->ReadsPlain(*field);
}

// "record": the customer's values of every field that is not deleted
// (archived ones too), by name; null when it has no record. Returns whether
// it has one. Through a restricted handle: only the fields its profile reads
// (masked ones masked), the visible version and updated_at (visible_stamp.h),
// and null for a time the profile does not read as stored.
absl::StatusOr<bool> AppendRecord(Session& session, int64_t id,
                                  std::string* out) {
  const Access* access = session.access();
  std::vector<const Field*> fields;
  std::vector<std::string> columns;
  for (const auto& field : session.schema().fields()) {
    // created_at and updated_at: the row's own times, below.
    if (field->read_only()) continue;
    if (access != nullptr && !access->Reads(*field)) continue;
    fields.push_back(field.get());
    columns.push_back(field->column());
  }
  CRM_ASSIGN_OR_RETURN(std::optional<store::CustomerRow> row,
                       session.backend().SelectCustomer(
                           columns, "id", store::SqlValue(id), false));
  if (!row) {
    out->append("null");
    return false;
  }
  std::vector<std::pair<const Field*, Value>> held;
  for (size_t i = 0; i < fields.size() && i < row->values.size(); ++i) {
    if (store::IsNull(row->values[i])) continue;
    CRM_ASSIGN_OR_RETURN(Value value, fields[i]->FromStored(row->values[i]));
    if (access != nullptr && !access->ReadsPlain(*fields[i])) {
      value = MaskValue(*fields[i], value);
    }
    held.emplace_back(fields[i], std::move(value));
  }
  std::sort(held.begin(), held.end(), [](const auto& a, const auto& b) {
    return a.first->name() < b.first->name();
  });
  CRM_ASSIGN_OR_RETURN(
      VisibleStamp stamp,
      VisibleStampOf(session, id, row->version, row->updated_at_us));
  JsonObject record(out);
  record.Integer("version", stamp.version);
  if (ReadsTime(session, "created_at")) {
    record.Integer("created_at", row->created_at_us);
  } else {
    record.Key("created_at")->append("null");
  }
  if (ReadsTime(session, "updated_at")) {
    record.Integer("updated_at", stamp.updated_at_us);
  } else {
    record.Key("updated_at")->append("null");
  }
  std::string* list = record.Key("fields");
  list->push_back('[');
  for (size_t i = 0; i < held.size(); ++i) {
    const Field& field = *held[i].first;
    if (i > 0) list->push_back(',');
    JsonObject entry(list);
    entry.Text("name", field.name());
    entry.Text("label", field.definition().label());
    entry.Text("group", field.definition().group());
    entry.Text("type", field.definition().type());
    entry.Text("status", field.archived() ? "archived" : "active");
    AppendValueJson(held[i].second, entry.Key("value"));
    entry.Close();
  }
  list->push_back(']');
  record.Close();
  return true;
}

// Field names by id, deleted fields included: history names a field by id,
// and keeps changes of fields deleted since.
using FieldNames = absl::flat_hash_map<int64_t, std::string>;

absl::StatusOr<FieldNames> LoadFieldNames(Session& session) {
  // The one read of deleted field rows the store offers.
  CRM_ASSIGN_OR_RETURN(auto seam, session.backend().CopySeam());
  CRM_ASSIGN_OR_RETURN(std::vector<store::FieldRow> rows,
                       seam->LoadAllFields());
  FieldNames names;
  for (store::FieldRow& row : rows) names[row.id] = std::move(row.name);
  return names;
}

absl::StatusOr<wire::EventBody> BodyOf(const store::EventRow& row) {
  wire::EventBody body;
  if (!body.ParseFromString(row.body)) {
    return DamagedValue(
        absl::StrCat("event ", row.seq, " holds a body libcrm never writes"));
  }
  return body;
}

// One history event: the changed fields' values before and after, by name.
// Through a restricted session only the changes of fields its profile reads
// (masked ones masked); "" for an update none of whose changes it reads.
absl::StatusOr<std::string> HistoryJson(const Session& session,
                                        const store::EventRow& row,
                                        const FieldNames& names) {
  CRM_ASSIGN_OR_RETURN(wire::EventBody body, BodyOf(row));
  const Access* access = session.access();
  NamedValues before, after;
  bool shown = false;
  for (const wire::FieldChange& change : body.changes()) {
    auto name = names.find(change.field_id());
    if (name == names.end()) {
      return DamagedValue(absl::StrCat("history event ", row.seq,
                                       " names a field the workspace never "
                                       "had (id ",
                                       change.field_id(), ")"));
    }
    // An empty side is left out, as crm_event_before() / _after() do.
    Value old_value = ValueFromWire(change.old_value());
    Value new_value = ValueFromWire(change.new_value());
    if (access != nullptr) {
      // A field deleted since is read by no profile.
      const Field* field = session.schema().FindById(change.field_id());
      if (field == nullptr || !access->Reads(*field)) continue;
      if (!access->ReadsPlain(*field)) {
        if (old_value.kind != ValueKind::kNull) {
          old_value = MaskValue(*field, old_value);
        }
        if (new_value.kind != ValueKind::kNull) {
          new_value = MaskValue(*field, new_value);
        }
      }
    }
    shown = true;
    if (old_value.kind != ValueKind::kNull) {
      before.emplace_back(name->second, std::move(old_value));
    }
    if (new_value.kind != ValueKind::kNull) {
      after.emplace_back(name->second, std::move(new_value));
    }
  }
  if (access != nullptr && !shown &&
      row.type_id == store::kRecordUpdatedTypeId) {
    return std::string();
  }
  std::string json;
  JsonObject entry(&json);
  entry.Integer("seq", row.seq);
  entry.Text("type", row.type);
  entry.Integer("recorded_at", row.recorded_at_us);
  entry.Integer("occurred_at", row.occurred_at_us);
  entry.TextOrNull("actor", row.actor);
  entry.TextOrNull("source", row.source);
  AppendNamedValuesJson(std::move(before), entry.Key("before"));
  AppendNamedValuesJson(std::move(after), entry.Key("after"));
  entry.Close();
  return json;
}

NamedValues PropertiesOf(const wire::EventBody& body) {
  NamedValues properties;
  properties.reserve(body.properties_size());
  for (const wire::Property& property : body.properties()) {
    properties.emplace_back(property.name(), ValueFromWire(property.value()));
  }
  return properties;
}

absl::StatusOr<std::string> EventJson(const store::EventRow& row) {
  CRM_ASSIGN_OR_RETURN(wire::EventBody body, BodyOf(row));
  std::string json;
  JsonObject entry(&json);
  entry.Integer("seq", row.seq);
  entry.Text("type", row.type);
  entry.TextOrNull("channel", row.channel);
  entry.Integer("occurred_at", row.occurred_at_us);
  entry.Integer("recorded_at", row.recorded_at_us);
  entry.TextOrNull("actor", row.actor);
  entry.TextOrNull("source", row.source);
  entry.TextOrNull("idempotency_key", row.idempotency_key);
  AppendNamedValuesJson(PropertiesOf(body), entry.Key("properties"));
  entry.Close();
  return json;
}

// The "erased" marker of an erasure tombstone: its seq, time, actor and the
// reason it carries as its text property "reason" (null without one).
absl::StatusOr<std::string> ErasedJson(const store::EventRow& row) {
  CRM_ASSIGN_OR_RETURN(wire::EventBody body, BodyOf(row));
  std::string json;
  JsonObject marker(&json);
  marker.Integer("seq", row.seq);
  marker.Integer("erased_at", row.occurred_at_us);
  marker.TextOrNull("actor", row.actor);
  std::optional<Value> reason;
  for (auto& [name, value] : PropertiesOf(body)) {
    if (name == "reason" && value.kind == ValueKind::kText) reason = value;
  }
  if (reason) {
    AppendValueJson(*reason, marker.Key("reason"));
  } else {
    marker.Key("reason")->append("null");
  }
  marker.Close();
  return json;
}

// An entry of "history" or "events", rendered, until the entries are put in
// seq order (the timeline pages by occurrence time).
struct Rendered {
  int64_t seq = 0;
  std::string json;
};

// Everything the log holds of one customer, rendered.
struct CustomerLog {
  std::vector<Rendered> history, events;
  std::string erased;  // the last tombstone's marker; "" when none
  size_t bytes = 0;    // of all the entries' JSON
};

absl::StatusOr<CustomerLog> ReadLog(Session& session, int64_t id) {
  CRM_ASSIGN_OR_RETURN(FieldNames names, LoadFieldNames(session));
  CustomerLog log;
  EventView events(session);  // what a restricted session may see
  int64_t erased_seq = 0;
  store::TimelineQuery query;
  query.customer_id = id;
  // A person's export holds the log of every customer merged into them.
  CRM_ASSIGN_OR_RETURN(query.merged_ids, merge::MergedInto(session, id));
  query.newest_first = false;
  query.limit = kPageSize;
  while (true) {
    CRM_ASSIGN_OR_RETURN(
        std::vector<store::EventRow> rows,
        session.backend().SelectTimeline(session.texts(), query));
    for (const store::EventRow& row : rows) {
      if (row.type_id >= store::kRecordCreatedTypeId &&
          row.type_id <= store::kRecordDeletedTypeId) {
        // An events rule may hide history whatever its fields (crm.h: the
        // stricter holds); HistoryJson() keeps the readable fields.
        if (events.restricted()) {
          CRM_ASSIGN_OR_RETURN(bool seen, events.Sees(row));
          if (!seen) continue;
        }
        CRM_ASSIGN_OR_RETURN(std::string json,
                             HistoryJson(session, row, names));
        if (json.empty()) continue;
        log.bytes += json.size();
        log.history.push_back({row.seq, std::move(json)});
      } else if (row.type == kErasedEventType) {
        if (row.seq < erased_seq) continue;
        erased_seq = row.seq;
        CRM_ASSIGN_OR_RETURN(log.erased, ErasedJson(row));
      } else {
        if (events.restricted()) {
          CRM_ASSIGN_OR_RETURN(bool seen, events.Sees(row));
          if (!seen) continue;
        }
        CRM_ASSIGN_OR_RETURN(std::string json, EventJson(row));
        log.bytes += json.size();
        log.events.push_back({row.seq, std::move(json)});
      }
    }
    if (static_cast<int64_t>(rows.size()) < kPageSize) break;
    query.after_occurred_us = rows.back().occurred_at_us;
    query.after_seq = rows.back().seq;
    // Also as the lower bound: SQLite seeks its index by it (the keyset
    // alone left every page scanning from the customer's first event).
    query.from_us = query.after_occurred_us;
  }
  return log;
}

// `entries` as a JSON array by seq, each freed once appended.
void AppendBySeq(std::vector<Rendered> entries, std::string* out) {
  std::sort(entries.begin(), entries.end(),
            [](const Rendered& a, const Rendered& b) { return a.seq < b.seq; });
  out->push_back('[');
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) out->push_back(',');
    out->append(entries[i].json);
    std::string().swap(entries[i].json);
  }
  out->push_back(']');
}

// "segments": the names of the customer segments whose filter matches
// customer `id` (the segment's count with the extra condition id = `id`);
// "segments_failed": those whose filter cannot run, with the error
// crm_segment_count() gives, as crm_segment_list() lists them. Both by name.
// Through a restricted session: only segments whose filter names no field
// its profile hides, and no failed ones (their error may name any field).
absl::Status AppendSegments(Session& session, int64_t id, int64_t now_us,
                            JsonObject* document) {
  CRM_ASSIGN_OR_RETURN(std::vector<store::SegmentRow> segments,
                       session.backend().LoadSegments());
  std::sort(segments.begin(), segments.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  CRM_ASSIGN_OR_RETURN(QueryField id_field,
                       ResolveQueryField(session.schema(),
                                         QueryTarget::kCustomers, "id", false));
  store::Condition is_customer;
  is_customer.column = id_field.column;
  is_customer.op = store::Compare::kEq;
  is_customer.values = {store::SqlValue(id)};
  const Access* access = session.access();
  std::string in = "[", failed = "[";
  for (const store::SegmentRow& segment : segments) {
    if (segment.target == "events") continue;
    absl::StatusOr<int64_t> count = [&]() -> absl::StatusOr<int64_t> {
      if (segment.target != "customers") {
        return MakeError(ErrorCode::kValidation,
                         absl::StrCat("segment '", segment.name,
                                      "' is stored with an unknown target"),
                         "", Rule::kTarget);
      }
      absl::StatusOr<std::optional<store::Condition>> checked =
          session.filters().Check(session.schema(), QueryTarget::kCustomers,
                                  segment.filter, {}, false, now_us, access);
      // A segment the profile may not run (it names a hidden field, or
      // compares a masked one) is left out, as from crm_segment_list.
      if (!checked.ok() && CodeOf(checked.status()) == ErrorCode::kDenied) {
        return 0;
      }
      CRM_ASSIGN_OR_RETURN(std::optional<store::Condition> where,
                           std::move(checked));
      store::Condition condition = is_customer;
      if (where) {
        condition = store::Condition();
        condition.kind = store::Condition::Kind::kAnd;
        condition.children = {is_customer, *std::move(where)};
      }
      return session.backend().RunCount(store::Table::kCustomers, condition);
    }();
    if (count.ok()) {
      if (*count == 0) continue;
      if (in.size() > 1) in.push_back(',');
      AppendJsonString(segment.name, &in);
      continue;
    }
    // As crm_segment_list(): only a segment's own error is listed.
    ErrorCode code = CodeOf(count.status());
    if (code != ErrorCode::kValidation && code != ErrorCode::kInvalidArgument) {
      return count.status();
    }
    if (access != nullptr) continue;
    if (failed.size() > 1) failed.push_back(',');
    JsonObject entry(&failed);
    entry.Text("name", segment.name);
    entry.Text("message", count.status().message());
    entry.TextOrNull("field", FieldOf(count.status()));
    entry.TextOrNull("rule", RuleOf(count.status()));
    entry.Close();
  }
  in.push_back(']');
  failed.push_back(']');
  document->Key("segments")->append(in);
  document->Key("segments_failed")->append(failed);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> ExportCustomer(Session& session, int64_t id,
                                           int64_t now_us) {
  // Outside a restricted handle's scope a customer is as absent.
  CRM_RETURN_IF_ERROR(CheckInViewScope(session, id));
  std::string out;
  JsonObject document(&out);
  document.Text("format", "libcrm.customer_export");
  document.Integer("version", kCustomerExportVersion);
  document.Integer("exported_at", now_us);
  document.Integer("customer_id", id);
  CRM_ASSIGN_OR_RETURN(bool has_record,
                       AppendRecord(session, id, document.Key("record")));
  CRM_ASSIGN_OR_RETURN(CustomerLog log, ReadLog(session, id));
  if (!has_record && log.history.empty() && log.events.empty() &&
      log.erased.empty()) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat("the workspace holds nothing of customer ",
                                  id, ": no record and no event"));
  }
  out.reserve(out.size() + log.bytes + log.history.size() + log.events.size() +
              1024);
  AppendBySeq(std::move(log.history), document.Key("history"));
  AppendBySeq(std::move(log.events), document.Key("events"));
  if (has_record) {
    CRM_RETURN_IF_ERROR(AppendSegments(session, id, now_us, &document));
  } else {
    // A customer without a record is in no segment.
    document.Key("segments")->append("[]");
    document.Key("segments_failed")->append("[]");
  }
  JsonObject markers(document.Key("markers"));
  markers.Boolean("deleted", !has_record);
  markers.Key("erased")->append(log.erased.empty() ? "null" : log.erased);
  // Merges (issue #25) will fill these in.
  markers.Key("merged_into")->append("null");
  markers.Key("merged")->append("[]");
  markers.Close();
  document.Close();
  // Stored text is untrusted: the document must be JSON a reader can decode.
  if (!IsValidUtf8(out)) {
    return DamagedValue(
        absl::StrCat("customer ", id, "'s stored text is not UTF-8"));
  }
  return out;
}

}  // namespace crm::core
