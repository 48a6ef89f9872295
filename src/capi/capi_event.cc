// crm.h: the event log.
#include <cstddef>
#include <limits>

#include "capi/capi_support.h"
#include "core/event_service.h"

using crm::ErrorCode;
using crm::capi::CheckNotNull;
using crm::capi::CheckText;
using crm::capi::Fail;
using crm::capi::Guard;
using crm::capi::RunOn;
using crm::core::Session;
using crm::store::ScopeKind;

namespace {

// The size of crm_timeline_options in libcrm 0.2, its first release: up to
// and including `cursor`.
constexpr uint32_t kFirstTimelineOptionsSize =
    offsetof(crm_timeline_options, cursor) + sizeof(const char*);

// Sets an optional text member of a host-built event.
int SetEventText(crm_event* event, const char* text, absl::string_view what,
                 std::string crm::core::Event::*member) {
  return Guard([&] {
    absl::Status status = CheckNotNull(event, "event");
    if (status.ok() && text != nullptr) status = CheckText(text, what);
    if (!status.ok()) return Fail(status);
    event->event.*member = text == nullptr ? "" : text;
    return static_cast<int>(CRM_OK);
  });
}

// Moves a read event into the ABI object, its records into their members.
void Adopt(crm::core::Event event, crm_event* out) {
  out->properties.record = std::move(event.properties);
  out->before.record = std::move(event.before);
  out->after.record = std::move(event.after);
  out->event = std::move(event);
}

crm_event_page* NewPage(crm::core::EventPage page) {
  auto* out = new crm_event_page();
  out->events.resize(page.events.size());
  for (size_t i = 0; i < page.events.size(); ++i) {
    Adopt(std::move(page.events[i]), &out->events[i]);
  }
  out->next_cursor = std::move(page.next_cursor);
  return out;
}

// Runs a read that produces a page into *out.
int ReadPage(
    crm_event_page** out, crm_db* db,
    absl::FunctionRef<absl::StatusOr<crm::core::EventPage>(Session&)> read) {
  absl::Status status = CheckNotNull(out, "out");
  if (!status.ok()) return Fail(status);
  *out = nullptr;
  crm::core::EventPage page;
  int rc = RunOn(db, ScopeKind::kRead, [&](Session& session) {
    CRM_ASSIGN_OR_RETURN(page, read(session));
    return absl::OkStatus();
  });
  if (rc == CRM_OK) *out = NewPage(std::move(page));
  return rc;
}

// The list of `count` strings at `items` (NULL allowed when count is 0).
absl::StatusOr<std::vector<std::string>> StringList(const char* const* items,
                                                    size_t count,
                                                    absl::string_view what) {
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
  return Guard([&] {
    absl::Status status = CheckNotNull(out, "out");
    if (!status.ok()) return Fail(status);
    *out = nullptr;  // stays NULL if the allocation throws
    *out = new crm_event();
    return static_cast<int>(CRM_OK);
  });
}

void crm_event_free(crm_event* event) { delete event; }

int crm_event_set_customer(crm_event* event, int64_t customer_id) {
  return Guard([&] {
    absl::Status status = CheckNotNull(event, "event");
    if (!status.ok()) return Fail(status);
    event->event.customer_id = customer_id;
    return static_cast<int>(CRM_OK);
  });
}

int crm_event_set_type(crm_event* event, const char* type) {
  return SetEventText(event, type, "type", &crm::core::Event::type);
}

int crm_event_set_channel(crm_event* event, const char* channel) {
  return SetEventText(event, channel, "channel", &crm::core::Event::channel);
}

int crm_event_set_actor(crm_event* event, const char* actor) {
  return SetEventText(event, actor, "actor", &crm::core::Event::actor);
}

int crm_event_set_source(crm_event* event, const char* source) {
  return SetEventText(event, source, "source", &crm::core::Event::source);
}

int crm_event_set_idempotency_key(crm_event* event, const char* key) {
  return SetEventText(event, key, "idempotency_key",
                      &crm::core::Event::idempotency_key);
}

int crm_event_set_occurred_at(crm_event* event, int64_t occurred_us) {
  return Guard([&] {
    absl::Status status = CheckNotNull(event, "event");
    if (!status.ok()) return Fail(status);
    event->event.occurred_at_us = occurred_us;
    return static_cast<int>(CRM_OK);
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
  return Guard([&] {
    if (out_duplicate != nullptr) *out_duplicate = 0;
    absl::Status status = CheckNotNull(out_seq, "out_seq");
    if (!status.ok()) return Fail(status);
    *out_seq = 0;
    status = CheckNotNull(event, "event");
    if (!status.ok()) return Fail(status);
    crm::core::Event input = event->event;
    input.properties = event->properties.record;
    crm::core::AppendResult result;
    int rc = RunOn(db, ScopeKind::kWrite, [&](Session& session) {
      CRM_ASSIGN_OR_RETURN(result, crm::core::AppendEvent(session, input));
      return absl::OkStatus();
    });
    if (rc == CRM_OK) {
      *out_seq = result.seq;
      if (out_duplicate != nullptr) *out_duplicate = result.duplicate ? 1 : 0;
    }
    return rc;
  });
}

int crm_event_append_batch(crm_batch_report** out_report, crm_db* db,
                           const void* batch, size_t batch_size) {
  return Guard([&] {
    if (out_report != nullptr) *out_report = nullptr;
    absl::Status status = crm::capi::CheckDb(db);
    if (status.ok() && batch_size > 0) status = CheckNotNull(batch, "batch");
    if (!status.ok()) return Fail(status);
    if (batch_size > static_cast<size_t>(std::numeric_limits<int>::max())) {
      return Fail(ErrorCode::kInvalidArgument, "batch is larger than 2 GiB", "",
                  "batch_size");
    }
    crm::wire::EventBatch decoded;
    if (!decoded.ParseFromArray(batch, static_cast<int>(batch_size))) {
      return Fail(ErrorCode::kInvalidArgument,
                  "batch is not a valid crm.wire.EventBatch message (or holds "
                  "text that is not UTF-8)",
                  "", "batch");
    }
    auto report = std::make_unique<crm_batch_report>();
    int rc = RunOn(db, ScopeKind::kWrite, [&](Session& session) {
      return crm::core::AppendEventBatch(session, decoded, &report->outcome);
    });
    if (out_report != nullptr) *out_report = report.release();
    return rc;
  });
}

int crm_event_get(crm_event** out, crm_db* db, int64_t seq) {
  return Guard([&] {
    absl::Status status = CheckNotNull(out, "out");
    if (!status.ok()) return Fail(status);
    *out = nullptr;
    crm::core::Event event;
    int rc = RunOn(db, ScopeKind::kRead, [&](Session& session) {
      CRM_ASSIGN_OR_RETURN(event, crm::core::GetEvent(session, seq));
      return absl::OkStatus();
    });
    if (rc == CRM_OK) {
      *out = new crm_event();
      Adopt(std::move(event), *out);
    }
    return rc;
  });
}

int crm_event_type_define(crm_db* db, const char* definition_json) {
  return Guard([&] {
    absl::Status status = CheckText(definition_json, "definition_json");
    if (!status.ok()) return Fail(status);
    return RunOn(db, ScopeKind::kWrite, [&](Session& session) {
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

int crm_event_timeline(crm_event_page** out, crm_db* db, int64_t customer_id,
                       const crm_timeline_options* options) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    absl::StatusOr<crm_timeline_options> read = crm::capi::ReadOptions(
        options, crm_timeline_options(CRM_TIMELINE_OPTIONS_INIT),
        kFirstTimelineOptionsSize, "CRM_TIMELINE_OPTIONS_INIT");
    if (!read.ok()) return Fail(read.status());
    const crm_timeline_options& chosen = *read;
    crm::core::TimelineRequest request;
    request.customer_id = customer_id;
    request.from_us = chosen.from_us;
    request.to_us = chosen.to_us;
    request.newest_first = chosen.oldest_first == 0;
    request.page_size = chosen.page_size;
    absl::Status status = absl::OkStatus();
    if (chosen.cursor != nullptr) {
      status = CheckText(chosen.cursor, "cursor");
      if (status.ok()) request.cursor = chosen.cursor;
    }
    absl::StatusOr<std::vector<std::string>> types =
        StringList(chosen.types, chosen.type_count, "types");
    absl::StatusOr<std::vector<std::string>> channels =
        StringList(chosen.channels, chosen.channel_count, "channels");
    if (status.ok()) status = types.status();
    if (status.ok()) status = channels.status();
    if (!status.ok()) return Fail(status);
    request.types = *std::move(types);
    request.channels = *std::move(channels);
    return ReadPage(out, db, [&](Session& session) {
      return crm::core::Timeline(session, request);
    });
  });
}

int crm_timeline_options_init(crm_timeline_options* options,
                              size_t struct_size) {
  return Guard([&] {
    absl::Status status = crm::capi::InitOptions(
        options, struct_size, crm_timeline_options(CRM_TIMELINE_OPTIONS_INIT),
        kFirstTimelineOptionsSize);
    return status.ok() ? static_cast<int>(CRM_OK) : Fail(status);
  });
}

int crm_event_follow(crm_event_page** out, crm_db* db, int64_t after_seq,
                     uint32_t limit) {
  return Guard([&] {
    return ReadPage(out, db, [&](Session& session) {
      return crm::core::EventsAfter(session, after_seq, limit);
    });
  });
}

}  // extern "C"
