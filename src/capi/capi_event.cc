// crm.h: the event log.
#include <cstddef>

#include "capi/capi_encode.h"
#include "capi/capi_support.h"
#include "core/event_service.h"

using crm::Rule;
using crm::capi::BatchWritten;
using crm::capi::Call;
using crm::capi::CallBatch;
using crm::capi::CheckDb;
using crm::capi::CheckNotNull;
using crm::capi::CheckOptionalText;
using crm::capi::CheckText;
using crm::capi::DecodeBatch;
using crm::capi::HandleOr;
using crm::capi::OnDb;
using crm::capi::Out;
using crm::capi::WriteBatch;
using crm::core::Session;
using crm::store::ScopeKind;

namespace {

// The size of crm_timeline_options in libcrm 0.2, its first release: up to
// and including `cursor`.
constexpr uint32_t kFirstTimelineOptionsSize =
    offsetof(crm_timeline_options, cursor) + sizeof(const char*);

// Sets an optional text member of a host-built event.
int SetEventText(crm_event* event, const char* text, Rule what,
                 std::string crm::core::Event::*member) {
  return Call([&] {
    CRM_RETURN_IF_ERROR(CheckNotNull(event, Rule::kEvent));
    CRM_RETURN_IF_ERROR(CheckOptionalText(text, what));
    event->event.*member = text == nullptr ? "" : text;
    return absl::OkStatus();
  });
}

// Moves a read event into the ABI object, its records into their members.
void Adopt(crm::core::Event event, crm_event* out) {
  out->properties.record = std::move(event.properties);
  out->before.record = std::move(event.before);
  out->after.record = std::move(event.after);
  out->event = std::move(event);
}

std::unique_ptr<crm_event_page> NewPage(crm::core::EventPage page) {
  auto out = std::make_unique<crm_event_page>();
  out->events.resize(page.events.size());
  for (size_t i = 0; i < page.events.size(); ++i) {
    Adopt(std::move(page.events[i]), &out->events[i]);
  }
  out->next_cursor = std::move(page.next_cursor);
  return out;
}

// The page `read` produces.
HandleOr<crm_event_page> ReadPage(
    crm_db* db,
    absl::FunctionRef<absl::StatusOr<crm::core::EventPage>(Session&)> read) {
  CRM_ASSIGN_OR_RETURN(crm::core::EventPage page,
                       OnDb(db, ScopeKind::kRead, read));
  return NewPage(std::move(page));
}

// The list of `count` strings at `items` (NULL allowed when count is 0).
absl::StatusOr<std::vector<std::string>> StringList(const char* const* items,
                                                    size_t count, Rule what) {
  std::vector<std::string> list;
  if (count == 0) return list;
  CRM_RETURN_IF_ERROR(CheckNotNull(items, what));
  for (size_t i = 0; i < count; ++i) {
    CRM_RETURN_IF_ERROR(CheckText(items[i], what));
    list.emplace_back(items[i]);
  }
  return list;
}

}  // namespace

extern "C" {

int crm_event_new(crm_event** out) {
  return Call(Out(out, Rule::kOut), []() -> HandleOr<crm_event> {
    return std::make_unique<crm_event>();
  });
}

void crm_event_free(crm_event* event) { delete event; }

int crm_event_set_customer(crm_event* event, int64_t customer_id) {
  return Call([&] {
    CRM_RETURN_IF_ERROR(CheckNotNull(event, Rule::kEvent));
    event->event.customer_id = customer_id;
    return absl::OkStatus();
  });
}

int crm_event_set_type(crm_event* event, const char* type) {
  return SetEventText(event, type, Rule::kType, &crm::core::Event::type);
}

int crm_event_set_channel(crm_event* event, const char* channel) {
  return SetEventText(event, channel, Rule::kChannel,
                      &crm::core::Event::channel);
}

int crm_event_set_actor(crm_event* event, const char* actor) {
  return SetEventText(event, actor, Rule::kActor, &crm::core::Event::actor);
}

int crm_event_set_source(crm_event* event, const char* source) {
  return SetEventText(event, source, Rule::kSource, &crm::core::Event::source);
}

int crm_event_set_idempotency_key(crm_event* event, const char* key) {
  return SetEventText(event, key, Rule::kIdempotencyKey,
                      &crm::core::Event::idempotency_key);
}

int crm_event_set_occurred_at(crm_event* event, int64_t occurred_us) {
  return Call([&] {
    CRM_RETURN_IF_ERROR(CheckNotNull(event, Rule::kEvent));
    event->event.occurred_at_us = occurred_us;
    return absl::OkStatus();
  });
}

crm_record* crm_event_properties(crm_event* event) {
  return event ? &event->properties : nullptr;
}

crm_record* crm_event_before(crm_event* event) {
  return event ? &event->before : nullptr;
}

crm_record* crm_event_after(crm_event* event) {
  return event ? &event->after : nullptr;
}

int64_t crm_event_seq(const crm_event* event) {
  return event ? event->event.seq : 0;
}

int64_t crm_event_customer(const crm_event* event) {
  return event ? event->event.customer_id : 0;
}

int64_t crm_event_occurred_at(const crm_event* event) {
  return event ? event->event.occurred_at_us.value_or(0) : 0;
}

int64_t crm_event_recorded_at(const crm_event* event) {
  return event ? event->event.recorded_at_us : 0;
}

int64_t crm_event_valid_until(const crm_event* event) {
  return event ? event->event.valid_until_us : 0;
}

const char* crm_event_type(const crm_event* event) {
  return event ? event->event.type.c_str() : "";
}

const char* crm_event_channel(const crm_event* event) {
  return event ? event->event.channel.c_str() : "";
}

const char* crm_event_actor(const crm_event* event) {
  return event ? event->event.actor.c_str() : "";
}

const char* crm_event_source(const crm_event* event) {
  return event ? event->event.source.c_str() : "";
}

const char* crm_event_idempotency_key(const crm_event* event) {
  return event ? event->event.idempotency_key.c_str() : "";
}

int crm_event_append(int64_t* out_seq, int* out_duplicate, crm_db* db,
                     const crm_event* event) {
  return Call(
      Out(out_seq, Rule::kOutSeq), Out(out_duplicate),
      [&]() -> absl::StatusOr<std::pair<int64_t, int>> {
        CRM_RETURN_IF_ERROR(CheckNotNull(event, Rule::kEvent));
        crm::core::Event input = event->event;
        input.properties = event->properties.record;
        CRM_ASSIGN_OR_RETURN(crm::core::AppendResult result,
                             OnDb(db, ScopeKind::kWrite, [&](Session& session) {
                               return crm::core::AppendEvent(session, input);
                             }));
        return std::pair<int64_t, int>(result.seq, result.duplicate ? 1 : 0);
      });
}

int crm_event_decode(crm_event** out, const void* batch, size_t batch_size) {
  return Call(Out(out, Rule::kOut), [&]() -> HandleOr<crm_event> {
    if (batch_size > 0) CRM_RETURN_IF_ERROR(CheckNotNull(batch, Rule::kBatch));
    CRM_ASSIGN_OR_RETURN(crm::core::Event event,
                         crm::capi::DecodeEvent(batch, batch_size));
    auto handle = std::make_unique<crm_event>();
    Adopt(std::move(event), handle.get());
    return handle;
  });
}

int crm_event_append_batch(crm_batch_report** out_report, crm_db* db,
                           const void* batch, size_t batch_size) {
  return CallBatch(out_report, [&]() -> absl::StatusOr<BatchWritten> {
    CRM_RETURN_IF_ERROR(CheckDb(db));
    if (batch_size > 0) CRM_RETURN_IF_ERROR(CheckNotNull(batch, Rule::kBatch));
    CRM_ASSIGN_OR_RETURN(crm::wire::EventBatch decoded,
                         DecodeBatch<crm::wire::EventBatch>(
                             batch, batch_size, "crm.wire.EventBatch"));
    return WriteBatch(
        db, [&](Session& session, crm::core::BatchOutcome* outcome) {
          return crm::core::AppendEventBatch(session, decoded, outcome);
        });
  });
}

int crm_event_get(crm_event** out, crm_db* db, int64_t seq) {
  return Call(Out(out, Rule::kOut), [&]() -> HandleOr<crm_event> {
    CRM_ASSIGN_OR_RETURN(crm::core::Event event,
                         OnDb(db, ScopeKind::kRead, [&](Session& session) {
                           return crm::core::GetEvent(session, seq);
                         }));
    auto handle = std::make_unique<crm_event>();
    Adopt(std::move(event), handle.get());
    return handle;
  });
}

int crm_event_type_define(crm_db* db, const char* definition_json) {
  return Call([&] {
    CRM_RETURN_IF_ERROR(CheckText(definition_json, Rule::kDefinitionJson));
    return OnDb(db, ScopeKind::kWrite, [&](Session& session) {
      return crm::core::DefineEventType(session, definition_json);
    });
  });
}

void crm_event_page_free(crm_event_page* page) { delete page; }

size_t crm_event_page_size(const crm_event_page* page) {
  return page ? page->events.size() : 0;
}

crm_event* crm_event_page_at(crm_event_page* page, size_t index) {
  if (page == nullptr || index >= page->events.size()) return nullptr;
  return &page->events[index];
}

const char* crm_event_page_next_cursor(const crm_event_page* page) {
  return page ? page->next_cursor.c_str() : "";
}

// The NULL check of `out` follows the options', as in libcrm 0.2.
int crm_event_timeline(crm_event_page** out, crm_db* db, int64_t customer_id,
                       const crm_timeline_options* options) {
  return Call(Out(out), [&]() -> HandleOr<crm_event_page> {
    CRM_ASSIGN_OR_RETURN(
        const crm_timeline_options chosen,
        crm::capi::ReadOptions(
            options, crm_timeline_options(CRM_TIMELINE_OPTIONS_INIT),
            kFirstTimelineOptionsSize, "CRM_TIMELINE_OPTIONS_INIT"));
    crm::core::TimelineRequest request;
    request.customer_id = customer_id;
    request.from_us = chosen.from_us;
    request.to_us = chosen.to_us;
    request.newest_first = chosen.oldest_first == 0;
    request.page_size = chosen.page_size;
    CRM_RETURN_IF_ERROR(CheckOptionalText(chosen.cursor, Rule::kCursor));
    if (chosen.cursor != nullptr) request.cursor = chosen.cursor;
    CRM_ASSIGN_OR_RETURN(
        request.types,
        StringList(chosen.types, chosen.type_count, Rule::kTypes));
    CRM_ASSIGN_OR_RETURN(
        request.channels,
        StringList(chosen.channels, chosen.channel_count, Rule::kChannels));
    CRM_RETURN_IF_ERROR(CheckNotNull(out, Rule::kOut));
    return ReadPage(db, [&](Session& session) {
      return crm::core::Timeline(session, request);
    });
  });
}

int crm_timeline_options_init(crm_timeline_options* options,
                              size_t struct_size) {
  return Call([&] {
    return crm::capi::InitOptions(
        options, struct_size, crm_timeline_options(CRM_TIMELINE_OPTIONS_INIT),
        kFirstTimelineOptionsSize);
  });
}

int crm_event_follow(crm_event_page** out, crm_db* db, int64_t after_seq,
                     uint32_t limit) {
  return Call(Out(out, Rule::kOut), [&]() -> HandleOr<crm_event_page> {
    // The mark in a scope of its own, the events in a later one: its
    // snapshot sees every event up to the mark (store/backend.h).
    CRM_ASSIGN_OR_RETURN(int64_t high_water,
                         OnDb(db, ScopeKind::kRead, crm::core::EventHighWater));
    return ReadPage(db, [&](Session& session) {
      return crm::core::EventsAfter(session, after_seq, limit, high_water);
    });
  });
}

int crm_event_high_water(int64_t* out_seq, crm_db* db) {
  return Call(Out(out_seq, Rule::kOut), [&]() -> absl::StatusOr<int64_t> {
    return OnDb(db, ScopeKind::kRead, crm::core::EventHighWater);
  });
}

}  // extern "C"
