#include "core/event_service.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/decimal.h"
#include "base/error.h"
#include "base/utf8.h"
#include "core/access.h"
#include "core/customer_view.h"
#include "core/event_access.h"
#include "core/history.h"
#include "core/json.h"
#include "core/merge/merge_map.h"
#include "core/time_text.h"
#include "store/rows.h"

namespace crm::core {
namespace {

constexpr size_t kMaxNameBytes = 64;
constexpr size_t kMaxTextBytes = 255;
constexpr size_t kMaxProperties = 256;
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

}  // namespace

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

namespace {

// Types starting with "crm." in any case ("CRM.record.deleted") are
// libcrm's own (record history).
absl::Status RefuseReservedType(const std::string& name,
                                absl::string_view what) {
  if (!absl::StartsWithIgnoreCase(name, "crm.")) return absl::OkStatus();
  return Invalid(what, Rule::kReserved,
                 "types starting with 'crm.' (in any case) are written by "
                 "libcrm only");
}

}  // namespace

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

namespace {

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
  if (body.ByteSizeLong() > kMaxEventBodyBytes) {
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
  if (body.has_valid_until_us()) event.valid_until_us = body.valid_until_us();
  return event;
}

// The page of `rows` (page_size and one more, when there is a next page),
// each event as `view` shows it.
EventPage PageOf(const Schema& schema, std::vector<store::EventRow> rows,
                 size_t page_size, const EventView& view) {
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
    view.Shape(&page.events.back());
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

// The next number of rows a restricted read asks the store for, after
// `last`: twice as many, up to `most`, so that a page of rare visible events
// takes few reads and none is larger than an unrestricted one may be.
int64_t NextChunk(int64_t last, int64_t most) {
  return std::min(most, std::max(last, last * 2));
}

// The first `query.limit` (page size and one) rows of a timeline that
// `view` sees, reading on past the rows it does not see. The keyset
// position of the next page is that of the last row returned, so hidden
// rows between two pages are read again, never skipped.
absl::StatusOr<std::vector<store::EventRow>> VisibleTimelineRows(
    Session& session, EventView& view, store::TimelineQuery query) {
  const size_t wanted = static_cast<size_t>(query.limit);
  std::vector<store::EventRow> kept;
  while (true) {
    CRM_ASSIGN_OR_RETURN(
        std::vector<store::EventRow> rows,
        session.backend().SelectTimeline(session.texts(), query));
    bool exhausted = rows.size() < static_cast<size_t>(query.limit);
    if (!rows.empty()) {
      query.after_occurred_us = rows.back().occurred_at_us;
      query.after_seq = rows.back().seq;
    }
    for (store::EventRow& row : rows) {
      CRM_ASSIGN_OR_RETURN(bool seen, view.Sees(row));
      if (!seen) continue;
      kept.push_back(std::move(row));
      if (kept.size() == wanted) return kept;
    }
    if (exhausted) return kept;
    query.limit = NextChunk(query.limit, kMaxPageSize + 1);
  }
}

// Up to `limit` rows with seq above `after_seq` and at most `high_water`
// that `view` sees, by seq, reading on past the rows it does not see until
// the page is full or the mark is reached: so a page shorter than `limit`
// means, as for an unrestricted session, that nothing visible lies between
// its last event and the mark, and a follower that passes the last seq it
// saw never skips nor repeats an event.
absl::StatusOr<std::vector<store::EventRow>> VisibleRowsAfter(
    Session& session, EventView& view, int64_t after_seq, int64_t limit,
    int64_t high_water) {
  std::vector<store::EventRow> kept;
  int64_t chunk = limit;
  while (true) {
    CRM_ASSIGN_OR_RETURN(
        std::vector<store::EventRow> rows,
        session.backend().SelectEventsAfter(session.texts(), after_seq, chunk));
    bool exhausted = rows.size() < static_cast<size_t>(chunk);
    for (store::EventRow& row : rows) {
      if (row.seq > high_water) return kept;
      after_seq = row.seq;
      CRM_ASSIGN_OR_RETURN(bool seen, view.Sees(row));
      if (!seen) continue;
      kept.push_back(std::move(row));
      if (kept.size() == static_cast<size_t>(limit)) return kept;
    }
    if (exhausted) return kept;
    chunk = NextChunk(chunk, kMaxFollowLimit);
  }
}

}  // namespace

namespace {

// The error of an event naming customer `id` that does not exist (or lies
// outside the scope of a restricted session).
absl::Status NoCustomer(int64_t id) {
  return MakeError(ErrorCode::kNotFound,
                   absl::StrCat("no customer with id ", id), "customer_id");
}

// The error of an idempotency key that an event the restricted session
// cannot see holds: like a taken unique value, it names neither that event
// nor its seq.
absl::Status KeyTaken() {
  return MakeError(ErrorCode::kConstraint,
                   "idempotency_key is already used by another event",
                   "idempotency_key", Rule::kUnique);
}

// The result of an append whose idempotency key event `first` holds: that
// event's seq, if the session may see it.
absl::StatusOr<AppendResult> DuplicateOf(Session& session, EventView& view,
                                         int64_t first) {
  if (view.restricted()) {
    CRM_ASSIGN_OR_RETURN(auto row,
                         session.backend().SelectEvent(session.texts(), first));
    bool seen = false;
    if (row) {
      CRM_ASSIGN_OR_RETURN(seen, view.Sees(*row));
    }
    if (!seen) return KeyTaken();
  }
  return AppendResult{first, true};
}

// Appends one event. `known_customers`, if given, holds ids this call has
// already found, so a batch looks each customer up once; it is filled in.
// Through a restricted handle (crm.h): the profile must grant appending the
// type on the channel and the customer must be in scope, which are checked
// before the idempotency key is looked up (so that the key reveals nothing
// to a session that may not append); the actor and source are the handle's.
absl::StatusOr<AppendResult> AppendOne(
    Session& session, const Event& event, EventView& view,
    absl::flat_hash_set<int64_t>* known_customers) {
  const std::string& actor = WritingActor(session, event.actor);
  std::string view_source;
  if (view.restricted()) view_source = WritingSource(session);
  const std::string& source = view.restricted() ? view_source : event.source;
  if (!event.idempotency_key.empty()) {
    CRM_RETURN_IF_ERROR(
        ValidateText(event.idempotency_key, "idempotency_key",
                     [] { return std::string("idempotency_key"); }));
    if (event.idempotency_key.size() > kMaxTextBytes) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "idempotency_key must be UTF-8 of at most 255 bytes",
                       "idempotency_key", Rule::kMaxLength);
    }
    if (!view.restricted()) {
      CRM_ASSIGN_OR_RETURN(
          std::optional<int64_t> first,
          session.backend().FindEventByKey(event.idempotency_key));
      if (first) return AppendResult{*first, true};
    }
  }
  if (event.customer_id <= 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "an event needs the id of its customer (> 0)",
                     "customer_id", Rule::kRequired);
  }
  CRM_RETURN_IF_ERROR(CheckEventName(event.type, "type", true));
  CRM_RETURN_IF_ERROR(RefuseReservedType(event.type, "type"));
  CRM_RETURN_IF_ERROR(CheckEventName(event.channel, "channel", false));
  CRM_RETURN_IF_ERROR(CheckFreeText(actor, "actor"));
  CRM_RETURN_IF_ERROR(CheckFreeText(source, "source"));
  CRM_RETURN_IF_ERROR(view.CheckAppend(event.type, event.channel));
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
      return merge::MissingCustomer(session, event.customer_id, "customer_id",
                                    NoCustomer(event.customer_id));
    }
    if (known_customers) known_customers->insert(event.customer_id);
  }
  if (view.restricted()) {
    CRM_ASSIGN_OR_RETURN(bool covered, view.CoversCustomer(event.customer_id));
    if (!covered) return NoCustomer(event.customer_id);
    if (!event.idempotency_key.empty()) {
      CRM_ASSIGN_OR_RETURN(
          std::optional<int64_t> first,
          session.backend().FindEventByKey(event.idempotency_key));
      if (first) return DuplicateOf(session, view, *first);
    }
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
  if (!actor.empty()) {
    CRM_ASSIGN_OR_RETURN(ids.actor, session.Intern(actor));
  }
  if (!source.empty()) {
    CRM_ASSIGN_OR_RETURN(ids.source, session.Intern(source));
  }
  absl::StatusOr<int64_t> seq = session.backend().InsertEvent(row, ids);
  if (!row.idempotency_key.empty() && RuleIdOf(seq.status()) == Rule::kUnique &&
      FieldOf(seq.status()) == "idempotency_key") {
    // Another writer appended the key since the check above.
    CRM_ASSIGN_OR_RETURN(std::optional<int64_t> first,
                         session.backend().FindEventByKey(row.idempotency_key));
    if (first) return DuplicateOf(session, view, *first);
  }
  if (!seq.ok()) return seq.status();
  return AppendResult{*seq, false};
}

}  // namespace

absl::StatusOr<AppendResult> AppendEvent(Session& session, const Event& event) {
  EventView view(session);
  return AppendOne(session, event, view, nullptr);
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
  EventView view(session);
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
        AppendOne(session, event, view, &known_customers);
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
  EventView view(session);
  bool seen = false;
  if (row) {
    CRM_ASSIGN_OR_RETURN(seen, view.Sees(*row));
  }
  // An event the session may not see is absent, with the same error.
  if (!seen) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat("no event with seq ", seq));
  }
  Event event = EventFromRow(session.schema(), *std::move(row));
  view.Shape(&event);
  return event;
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
  // A survivor's timeline holds the events of the customers merged into it.
  CRM_ASSIGN_OR_RETURN(query.merged_ids,
                       merge::MergedInto(session, request.customer_id));
  query.from_us = request.from_us;
  query.to_us = request.to_us;
  query.newest_first = request.newest_first;
  query.limit = request.page_size + 1;  // one more tells whether a next exists
  if (!request.cursor.empty()) {
    CRM_RETURN_IF_ERROR(ParseCursor(request.cursor, &query.after_occurred_us,
                                    &query.after_seq));
  }
  EventView view(session);
  if (view.restricted()) {
    CRM_RETURN_IF_ERROR(view.CheckNamed(request.types, request.channels));
    // Outside the scope the customer's timeline is that of a missing one.
    CRM_ASSIGN_OR_RETURN(bool covered,
                         view.CoversCustomer(request.customer_id));
    if (!covered) return EventPage();
  }
  CRM_ASSIGN_OR_RETURN(query.type_ids, IdsOf(session, request.types));
  CRM_ASSIGN_OR_RETURN(query.channel_ids, IdsOf(session, request.channels));
  if (view.restricted()) {
    CRM_ASSIGN_OR_RETURN(std::vector<store::EventRow> rows,
                         VisibleTimelineRows(session, view, query));
    return PageOf(session.schema(), std::move(rows), request.page_size, view);
  }
  CRM_ASSIGN_OR_RETURN(
      std::vector<store::EventRow> rows,
      session.backend().SelectTimeline(session.texts(), query));
  return PageOf(session.schema(), std::move(rows), request.page_size, view);
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
  EventView view(session);
  if (view.restricted()) {
    CRM_ASSIGN_OR_RETURN(
        std::vector<store::EventRow> rows,
        VisibleRowsAfter(session, view, after_seq, limit, high_water));
    return PageOf(session.schema(), std::move(rows), limit, view);
  }
  CRM_ASSIGN_OR_RETURN(
      std::vector<store::EventRow> rows,
      session.backend().SelectEventsAfter(session.texts(), after_seq, limit));
  // By seq: those above the mark are the tail.
  while (!rows.empty() && rows.back().seq > high_water) rows.pop_back();
  EventPage page = PageOf(session.schema(), std::move(rows), limit, view);
  return page;
}

absl::Status DefineEventType(Session& session, absl::string_view json) {
  CRM_RETURN_IF_ERROR(
      Access::Require(session.access(), Operation::kDefineEventTypes));
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
