#include "core/legal_hold.h"

#include <algorithm>
#include <limits>

#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "core/customer_service.h"
#include "core/history.h"
#include "core/schema.h"
#include "core/value.h"
#include "core/wire.h"
#include "store/rows.h"

namespace crm::core {
namespace {

constexpr int64_t kEventPage = 1000;

// The fields a hold applies to: those with hold_days that hold a value of
// their own, archived ones too.
std::vector<const Field*> HeldFields(const Schema& schema) {
  std::vector<const Field*> fields;
  for (const auto& field : schema.fields()) {
    if (field->hold_days() > 0 && !field->read_only()) {
      fields.push_back(field.get());
    }
  }
  return fields;
}

// The held fields of customer `id` that hold a value, with their stored
// values; kNotFound when there is no such customer.
absl::StatusOr<std::vector<std::pair<const Field*, store::SqlValue>>>
HeldValues(Session& session, int64_t id) {
  std::vector<const Field*> fields = HeldFields(session.schema());
  std::vector<std::string> columns;
  for (const Field* field : fields) columns.push_back(field->column());
  CRM_ASSIGN_OR_RETURN(std::optional<store::CustomerRow> row,
                       session.backend().SelectCustomer(
                           columns, "id", store::SqlValue(id), false));
  if (!row) {
    return MakeError(ErrorCode::kNotFound, absl::StrCat("no customer ", id), "",
                     Rule::kId);
  }
  std::vector<std::pair<const Field*, store::SqlValue>> held;
  for (size_t i = 0; i < fields.size() && i < row->values.size(); ++i) {
    if (store::IsNull(row->values[i])) continue;
    held.emplace_back(fields[i], std::move(row->values[i]));
  }
  return held;
}

// Calls `visit` with each event of customer `id` that a hold keeps at
// `now_us`, its type and when its hold ends, type by type (by name), oldest
// first. `visit` may relink the event it is given.
absl::Status ForEachHeldEvent(
    Session& session, int64_t id, int64_t now_us,
    absl::FunctionRef<absl::Status(const EventType&, const store::EventRow&,
                                   int64_t)>
        visit) {
  std::vector<std::string> names;
  for (const auto& [name, type] : session.schema().event_types()) {
    if (type.definition.hold_days() > 0) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    const EventType& type = *session.schema().FindEventType(name);
    const int hold_days = type.definition.hold_days();
    CRM_ASSIGN_OR_RETURN(std::optional<int64_t> type_id,
                         session.backend().FindString(name));
    if (!type_id) continue;  // no event of the type was ever appended
    store::TimelineQuery query;
    query.customer_id = id;
    // Held while now_us < occurred_at + hold_days.
    query.from_us = AddDays(now_us, -hold_days) + 1;
    query.type_ids = {*type_id};
    query.newest_first = false;
    query.limit = kEventPage;
    while (true) {
      CRM_ASSIGN_OR_RETURN(
          std::vector<store::EventRow> rows,
          session.backend().SelectTimeline(session.texts(), query));
      for (const store::EventRow& row : rows) {
        CRM_RETURN_IF_ERROR(
            visit(type, row, AddDays(row.occurred_at_us, hold_days)));
      }
      if (static_cast<int64_t>(rows.size()) < kEventPage) break;
      query.after_occurred_us = rows.back().occurred_at_us;
      query.after_seq = rows.back().seq;
    }
  }
  return absl::OkStatus();
}

// `body` with only the properties of `type` that it holds.
std::string HeldBody(const EventType& type, const std::string& body) {
  absl::flat_hash_set<std::string> held(
      type.definition.held_properties().begin(),
      type.definition.held_properties().end());
  wire::EventBody parsed;
  // A body that does not parse (damage) keeps no property.
  if (!parsed.ParseFromString(body)) return std::string();
  wire::EventBody kept;
  for (const wire::Property& property : parsed.properties()) {
    if (held.contains(property.name())) *kept.add_properties() = property;
  }
  return kept.SerializeAsString();
}

}  // namespace

int64_t AddDays(int64_t at_us, int days) {
  const int64_t span = kMicrosPerDay * days;  // |days| <= 36,500: no overflow
  if (span > 0 && at_us > std::numeric_limits<int64_t>::max() - span) {
    return std::numeric_limits<int64_t>::max();
  }
  if (span < 0 && at_us < std::numeric_limits<int64_t>::min() - span) {
    return std::numeric_limits<int64_t>::min();
  }
  return at_us + span;
}

absl::StatusOr<HeldData> FindHeld(Session& session, int64_t id,
                                  int64_t now_us) {
  HeldData held;
  CRM_ASSIGN_OR_RETURN(auto values, HeldValues(session, id));
  for (const auto& [field, value] : values) {
    held.fields.push_back(field->name());
    held.held_until_us =
        std::max(held.held_until_us, AddDays(now_us, field->hold_days()));
  }
  CRM_RETURN_IF_ERROR(ForEachHeldEvent(
      session, id, now_us,
      [&](const EventType&, const store::EventRow&, int64_t held_until) {
        ++held.events;
        held.held_until_us = std::max(held.held_until_us, held_until);
        return absl::OkStatus();
      }));
  return held;
}

absl::StatusOr<int64_t> MoveHeldToStub(Session& session, int64_t id,
                                       const HeldData& held, int64_t now_us,
                                       absl::string_view actor) {
  if (held.empty()) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        absl::StrCat("customer ", id, ": nothing is held, so no stub is made"),
        "", Rule::kHold);
  }
  CRM_ASSIGN_OR_RETURN(std::string checked_actor, CheckActor(actor));
  CRM_ASSIGN_OR_RETURN(auto values, HeldValues(session, id));
  store::ColumnValues columns;
  std::vector<FieldChangeValue> changes;
  for (auto& [field, stored] : values) {
    CRM_ASSIGN_OR_RETURN(Value value, field->FromStored(stored));
    // Cleared first: a unique value (an email) moves to the stub.
    CRM_RETURN_IF_ERROR(session.backend().WriteColumnValue(field->column(), id,
                                                           store::SqlValue()));
    columns.columns.push_back(field->column());
    columns.values.push_back(std::move(stored));
    changes.push_back({field, Value::Null(), std::move(value)});
  }
  CRM_ASSIGN_OR_RETURN(int64_t stub_id, session.backend().InsertCustomer(
                                            now_us, now_us, columns));
  CRM_RETURN_IF_ERROR(session.backend().InsertStub(
      stub_id, std::max(held.held_until_us, now_us)));
  CRM_RETURN_IF_ERROR(RecordHistory(session, stub_id, HistoryKind::kCreated,
                                    changes, checked_actor,
                                    HistoryTime::Live(now_us)));
  // Relinked a page at a time: one statement per page on a server.
  std::vector<std::pair<int64_t, std::string>> page;
  CRM_RETURN_IF_ERROR(ForEachHeldEvent(
      session, id, now_us,
      [&](const EventType& type, const store::EventRow& row, int64_t) {
        page.emplace_back(row.seq, HeldBody(type, row.body));
        if (static_cast<int64_t>(page.size()) < kEventPage) {
          return absl::OkStatus();
        }
        absl::Status relinked = session.backend().RelinkEvents(stub_id, page);
        page.clear();
        return relinked;
      }));
  CRM_RETURN_IF_ERROR(session.backend().RelinkEvents(stub_id, page));
  return stub_id;
}

absl::StatusOr<std::optional<int64_t>> StubHeldUntil(Session& session,
                                                     int64_t id) {
  CRM_ASSIGN_OR_RETURN(
      auto customer,
      session.backend().SelectCustomer({}, "id", store::SqlValue(id), false));
  if (!customer) {
    return MakeError(ErrorCode::kNotFound, absl::StrCat("no customer ", id), "",
                     Rule::kId);
  }
  return session.backend().StubHeldUntil(id);
}

}  // namespace crm::core
