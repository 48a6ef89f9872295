#include "core/event_service.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/decimal.h"
#include "base/error.h"
#include "base/utf8.h"
#include "core/history.h"
#include "core/json.h"
#include "core/time_text.h"
#include "store/rows.h"

namespace crm::core {
namespace {

constexpr size_t kMaxNameBytes = 64;
constexpr size_t kMaxTextBytes = 255;
constexpr size_t kMaxProperties = 256;
constexpr size_t kMaxBodyBytes = 1024 * 1024;
constexpr int64_t kMaxPageSize = 1000;
constexpr int64_t kMaxFollowLimit = 10000;
// Each type or channel a timeline asks for is a bound value of its SQL.
constexpr size_t kMaxTimelineNames = 1000;
constexpr char kCursorPrefix[] = "e1.";

absl::Status Invalid(absl::string_view what, Rule rule,
                     absl::string_view message) {
  return MakeError(ErrorCode::kValidation, absl::StrCat(what, ": ", message),
                   what, rule);
}

// Type and channel names: 1 to 64 bytes of letters, digits and . _ - : /
absl::Status CheckEventName(const std::string& name, absl::string_view what,
                            bool required) {
  if (name.empty()) {
    return required ? Invalid(what, Rule::kRequired, "must be given")
                    : absl::OkStatus();
  }
  bool ok = name.size() <= kMaxNameBytes;
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
                c == ':' || c == '/');
  }
  if (!ok) {
    return Invalid(what, Rule::kFormat,
                   "use 1 to 64 letters, digits and . _ - : /");
  }
  return absl::OkStatus();
}

// Types starting with "crm." in any case ("CRM.record.deleted") are
// libcrm's own (record history).
absl::Status RefuseReservedType(const std::string& name,
                                absl::string_view what) {
  if (!absl::StartsWithIgnoreCase(name, "crm.")) return absl::OkStatus();
  return Invalid(what, Rule::kReserved,
                 "types starting with 'crm.' (in any case) are written by "
                 "libcrm only");
}

absl::Status CheckFreeText(const std::string& text, absl::string_view what) {
  CRM_RETURN_IF_ERROR(
      ValidateText(text, what, [&] { return std::string(what); }));
  if (text.size() > kMaxTextBytes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat(what, " must be UTF-8 of at most 255 bytes"),
                     what, Rule::kUtf8);
  }
  return absl::OkStatus();
}

// Checks a property of an event whose type is not registered: the value
// must be well-formed for its own kind.
absl::StatusOr<Value> CheckFreeProperty(const std::string& name,
                                        const Value& value) {
  std::string where = absl::StrCat("property '", name, "'");
  auto invalid = [&](Rule rule, absl::string_view message) {
    return MakeError(ErrorCode::kValidation, absl::StrCat(where, ": ", message),
                     name, rule);
  };
  switch (value.kind) {
    case ValueKind::kText:
      CRM_RETURN_IF_ERROR(ValidateText(
          value.text, name, [&] { return absl::StrCat(where, ": value"); }));
      break;
    case ValueKind::kDecimal: {
      int scale = DecimalScale(value.text);
      if (scale > kMaxDecimalScale || !ParseDecimal(value.text, scale).ok()) {
        return invalid(Rule::kFormat, "not a decimal with at most 9 places");
      }
      break;
    }
    case ValueKind::kDate:
      if (!CheckDate(value.text).ok()) {
        return invalid(Rule::kFormat, "not a date of the form YYYY-MM-DD");
      }
      break;
    case ValueKind::kDateTime:
      if (!CheckDateTime(value.integer).ok()) {
        return invalid(Rule::kRange, "datetime outside the years 0001 to 9999");
      }
      break;
    case ValueKind::kList:
      for (const std::string& item : value.list) {
        CRM_RETURN_IF_ERROR(ValidateText(
            item, name, [&] { return absl::StrCat(where, ": an item"); }));
      }
      break;
    case ValueKind::kNull:
      return invalid(Rule::kRequired, "has no value");
    default:
      break;
  }
  return value;
}

// The properties to store, checked against the registered type if any.
absl::StatusOr<wire::EventBody> CheckedBody(const Schema& schema,
                                            const Event& event) {
  if (event.properties.values.size() > kMaxProperties) {
    return Invalid("properties", Rule::kMaxItems, "at most 256 properties");
  }
  const EventType* type = schema.FindEventType(event.type);
  wire::EventBody body;
  for (const FieldValue& property : event.properties.values) {
    CRM_RETURN_IF_ERROR(CheckFieldName(property.field));
    Value checked;
    if (type == nullptr) {
      CRM_ASSIGN_OR_RETURN(checked,
                           CheckFreeProperty(property.field, property.value));
    } else {
      const Field* definition = nullptr;
      for (const auto& candidate : type->properties) {
        if (candidate->name() == property.field) definition = candidate.get();
      }
      if (definition == nullptr) {
        return MakeError(
            ErrorCode::kValidation,
            absl::StrCat("event type '", event.type, "' has no property '",
                         property.field, "'"),
            property.field, Rule::kUnknownField);
      }
      CRM_ASSIGN_OR_RETURN(store::SqlValue stored,
                           definition->ToStored(property.value));
      CRM_ASSIGN_OR_RETURN(checked, definition->FromStored(stored));
    }
    wire::Property* stored = body.add_properties();
    stored->set_name(property.field);
    ValueToWire(checked, stored->mutable_value());
  }
  if (type != nullptr) {
    for (const auto& definition : type->properties) {
      if (definition->required() && !event.properties.Get(definition->name())) {
        return MakeError(
            ErrorCode::kValidation,
            absl::StrCat("event type '", event.type, "' requires property '",
                         definition->name(), "'"),
            definition->name(), Rule::kRequired);
      }
    }
  }
  if (body.ByteSizeLong() > kMaxBodyBytes) {
    return Invalid("properties", Rule::kMaxLength,
                   "the properties take more than 1 MiB");
  }
  return body;
}

Event EventFromRow(const Schema& schema, store::EventRow row) {
  Event event;
  event.seq = row.seq;
  event.customer_id = row.customer_id;
  event.occurred_at_us = row.occurred_at_us;
  event.recorded_at_us = row.recorded_at_us;
  event.type = std::move(row.type);
  event.channel = std::move(row.channel);
  event.actor = std::move(row.actor);
  event.source = std::move(row.source);
  event.idempotency_key = std::move(row.idempotency_key);
  // Reused per thread: parsing into a cleared message keeps its allocations.
  thread_local wire::EventBody body;
  body.ParseFromString(row.body);
  // Stored properties have distinct names (checked on append).
  event.properties.values.reserve(body.properties_size());
  for (const wire::Property& property : body.properties()) {
    event.properties.values.push_back(
        {property.name(), ValueFromWire(property.value())});
  }
  DecodeHistoryBody(schema, body, &event.before, &event.after);
  return event;
}

EventPage PageOf(const Schema& schema, std::vector<store::EventRow> rows,
                 size_t page_size) {
  EventPage page;
  bool more = rows.size() > page_size;
  if (more) rows.resize(page_size);
  if (more) {
    page.next_cursor = absl::StrCat(kCursorPrefix, rows.back().occurred_at_us,
                                    ".", rows.back().seq);
  }
  page.events.reserve(rows.size());
  for (store::EventRow& row : rows) {
    page.events.push_back(EventFromRow(schema, std::move(row)));
  }
  return page;
}

absl::Status ParseCursor(const std::string& cursor, int64_t* occurred_us,
                         int64_t* seq) {
  std::vector<std::string> parts = absl::StrSplit(cursor, '.');
  if (parts.size() != 3 || parts[0] + "." != kCursorPrefix ||
      !absl::SimpleAtoi(parts[1], occurred_us) ||
      !absl::SimpleAtoi(parts[2], seq) || *seq <= 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the cursor was not returned by libcrm", "",
                     Rule::kCursor);
  }
  return absl::OkStatus();
}

// Interned ids of `names`; names never interned match nothing (id -1).
absl::StatusOr<std::vector<int64_t>> IdsOf(
    Session& session, const std::vector<std::string>& names) {
  std::vector<int64_t> ids;
  for (const std::string& name : names) {
    CRM_ASSIGN_OR_RETURN(std::optional<int64_t> id,
                         session.backend().FindString(name));
    ids.push_back(id.value_or(-1));
  }
  return ids;
}

}  // namespace

namespace {

// Appends one event. `known_customers`, if given, holds ids this call has
// already found, so a batch looks each customer up once; it is filled in.
absl::StatusOr<AppendResult> AppendOne(
    Session& session, const Event& event,
    absl::flat_hash_set<int64_t>* known_customers) {
  if (!event.idempotency_key.empty()) {
    CRM_RETURN_IF_ERROR(
        ValidateText(event.idempotency_key, "idempotency_key",
                     [] { return std::string("idempotency_key"); }));
    if (event.idempotency_key.size() > kMaxTextBytes) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "idempotency_key must be UTF-8 of at most 255 bytes",
                       "idempotency_key", Rule::kMaxLength);
    }
    CRM_ASSIGN_OR_RETURN(
        std::optional<int64_t> first,
        session.backend().FindEventByKey(event.idempotency_key));
    if (first) return AppendResult{*first, true};
  }
  if (event.customer_id <= 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "an event needs the id of its customer (> 0)",
                     "customer_id", Rule::kRequired);
  }
  CRM_RETURN_IF_ERROR(CheckEventName(event.type, "type", true));
  CRM_RETURN_IF_ERROR(RefuseReservedType(event.type, "type"));
  CRM_RETURN_IF_ERROR(CheckEventName(event.channel, "channel", false));
  CRM_RETURN_IF_ERROR(CheckFreeText(event.actor, "actor"));
  CRM_RETURN_IF_ERROR(CheckFreeText(event.source, "source"));
  int64_t now = NowMicros();
  int64_t occurred = event.occurred_at_us.value_or(now);
  if (!CheckDateTime(occurred).ok()) {
    return Invalid("occurred_at", Rule::kRange,
                   "outside the years 0001 to 9999");
  }
  if (known_customers == nullptr ||
      !known_customers->contains(event.customer_id)) {
    CRM_ASSIGN_OR_RETURN(
        auto customer,
        session.backend().SelectCustomer(
            {}, "id", store::SqlValue(event.customer_id), false));
    if (!customer) {
      return MakeError(ErrorCode::kNotFound,
                       absl::StrCat("no customer with id ", event.customer_id),
                       "customer_id");
    }
    if (known_customers) known_customers->insert(event.customer_id);
  }
  CRM_ASSIGN_OR_RETURN(wire::EventBody body,
                       CheckedBody(session.schema(), event));
  store::EventRow row;
  row.customer_id = event.customer_id;
  row.occurred_at_us = occurred;
  row.recorded_at_us = now;
  row.idempotency_key = event.idempotency_key;
  row.body = body.SerializeAsString();
  store::EventIds ids;
  CRM_ASSIGN_OR_RETURN(ids.type, session.Intern(event.type));
  if (!event.channel.empty()) {
    CRM_ASSIGN_OR_RETURN(ids.channel, session.Intern(event.channel));
  }
  if (!event.actor.empty()) {
    CRM_ASSIGN_OR_RETURN(ids.actor, session.Intern(event.actor));
  }
  if (!event.source.empty()) {
    CRM_ASSIGN_OR_RETURN(ids.source, session.Intern(event.source));
  }
  absl::StatusOr<int64_t> seq = session.backend().InsertEvent(row, ids);
  if (!row.idempotency_key.empty() && RuleIdOf(seq.status()) == Rule::kUnique &&
      FieldOf(seq.status()) == "idempotency_key") {
    // Another writer appended the key since the check above.
    CRM_ASSIGN_OR_RETURN(std::optional<int64_t> first,
                         session.backend().FindEventByKey(row.idempotency_key));
    if (first) return AppendResult{*first, true};
  }
  if (!seq.ok()) return seq.status();
  return AppendResult{*seq, false};
}

}  // namespace

absl::StatusOr<AppendResult> AppendEvent(Session& session, const Event& event) {
  return AppendOne(session, event, nullptr);
}

absl::Status AppendEventBatch(Session& session, const wire::EventBatch& batch,
                              BatchOutcome* outcome) {
  outcome->rows.assign(batch.events_size(), RowOutcome());
  outcome->rejected = 0;
  absl::Status first_error;
  // The batch runs in one transaction, so a customer found stays there. The
  // customers the batch names are looked up first, in one ascending pass
  // (rows naming a missing customer are looked up again, and fail, in turn).
  absl::flat_hash_set<int64_t> known_customers;
  std::vector<int64_t> named;
  named.reserve(batch.events_size());
  for (const wire::EventInput& input : batch.events()) {
    if (input.customer_id() > 0) named.push_back(input.customer_id());
  }
  CRM_ASSIGN_OR_RETURN(std::vector<int64_t> existing,
                       session.backend().ExistingCustomers(std::move(named)));
  known_customers.reserve(existing.size());
  known_customers.insert(existing.begin(), existing.end());
  for (int r = 0; r < batch.events_size(); ++r) {
    const wire::EventInput& input = batch.events(r);
    Event event;
    event.customer_id = input.customer_id();
    event.type = input.type();
    event.channel = input.channel();
    event.actor = input.actor();
    event.source = input.source();
    if (input.has_occurred_at_us())
      event.occurred_at_us = input.occurred_at_us();
    event.idempotency_key = input.idempotency_key();
    for (const wire::Property& property : input.properties()) {
      event.properties.Set(property.name(), ValueFromWire(property.value()));
    }
    absl::StatusOr<AppendResult> appended =
        AppendOne(session, event, &known_customers);
    RowOutcome& result = outcome->rows[r];
    if (appended.ok()) {
      result.id = appended->seq;
      result.created = !appended->duplicate;
      continue;
    }
    result.code = CodeOf(appended.status());
    result.message = absl::StrCat("row ", r, ": ", appended.status().message());
    result.field = FieldOf(appended.status());
    result.rule = RuleOf(appended.status());
    if (outcome->rejected++ == 0) {
      first_error = MakeError(result.code, result.message, result.field,
                              RuleIdOf(appended.status()));
    }
    // Out of memory or I/O can make the storage roll back the whole
    // transaction;
    // events after that would be stored on their own, so stop here.
    if (!session.backend().InTransaction()) break;
  }
  if (outcome->rejected == 0) return absl::OkStatus();
  for (RowOutcome& row : outcome->rows) {
    row.id = 0;
    row.created = false;
  }
  return first_error;
}

absl::StatusOr<Event> GetEvent(Session& session, int64_t seq) {
  CRM_ASSIGN_OR_RETURN(auto row,
                       session.backend().SelectEvent(session.texts(), seq));
  if (!row) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat("no event with seq ", seq));
  }
  return EventFromRow(session.schema(), *std::move(row));
}

absl::StatusOr<EventPage> Timeline(Session& session,
                                   const TimelineRequest& request) {
  if (request.customer_id <= 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a timeline needs a customer id (> 0)", "",
                     Rule::kCustomerId);
  }
  if (request.page_size < 1 || request.page_size > kMaxPageSize) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "page_size must be 1 to 1,000", "", Rule::kPageSize);
  }
  if (request.types.size() > kMaxTimelineNames) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a timeline takes at most 1,000 types", "", Rule::kTypes);
  }
  if (request.channels.size() > kMaxTimelineNames) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a timeline takes at most 1,000 channels", "",
                     Rule::kChannels);
  }
  store::TimelineQuery query;
  query.customer_id = request.customer_id;
  query.from_us = request.from_us;
  query.to_us = request.to_us;
  query.newest_first = request.newest_first;
  query.limit = request.page_size + 1;  // one more tells whether a next exists
  if (!request.cursor.empty()) {
    CRM_RETURN_IF_ERROR(ParseCursor(request.cursor, &query.after_occurred_us,
                                    &query.after_seq));
  }
  CRM_ASSIGN_OR_RETURN(query.type_ids, IdsOf(session, request.types));
  CRM_ASSIGN_OR_RETURN(query.channel_ids, IdsOf(session, request.channels));
  CRM_ASSIGN_OR_RETURN(
      std::vector<store::EventRow> rows,
      session.backend().SelectTimeline(session.texts(), query));
  return PageOf(session.schema(), std::move(rows), request.page_size);
}

absl::StatusOr<int64_t> EventHighWater(Session& session) {
  return session.backend().EventHighWater();
}

absl::StatusOr<EventPage> EventsAfter(Session& session, int64_t after_seq,
                                      int64_t limit, int64_t high_water) {
  if (after_seq < 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "after_seq must be 0 (from the start) or a seq", "",
                     Rule::kAfterSeq);
  }
  if (limit < 1 || limit > kMaxFollowLimit) {
    return MakeError(ErrorCode::kInvalidArgument, "limit must be 1 to 10,000",
                     "", Rule::kLimit);
  }
  CRM_ASSIGN_OR_RETURN(
      std::vector<store::EventRow> rows,
      session.backend().SelectEventsAfter(session.texts(), after_seq, limit));
  // By seq: those above the mark are the tail.
  while (!rows.empty() && rows.back().seq > high_water) rows.pop_back();
  EventPage page = PageOf(session.schema(), std::move(rows), limit);
  return page;
}

absl::Status DefineEventType(Session& session, absl::string_view json) {
  wire::EventTypeDefinition definition;
  CRM_RETURN_IF_ERROR(
      MessageFromJson(json, "event type definition", &definition));
  CRM_RETURN_IF_ERROR(CheckEventName(definition.name(), "name", true));
  CRM_RETURN_IF_ERROR(RefuseReservedType(definition.name(), "name"));
  for (const wire::FieldDefinition& property : definition.properties()) {
    if (property.id() != 0 || property.builtin() || property.read_only() ||
        !property.status().empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "id, builtin, read_only and status are not part of a "
                       "property definition");
    }
  }
  CRM_ASSIGN_OR_RETURN(EventType compiled, CompileEventType(definition));
  CRM_RETURN_IF_ERROR(session.backend().UpsertEventType(
      definition.name(), MessageToJson(definition)));
  return session.SchemaChanged();
}

}  // namespace crm::core
