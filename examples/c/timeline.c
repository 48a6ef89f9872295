/*
 * libcrm interaction log: one customer's calls, emails and visits on one
 * timeline, and the history of a field.
 *
 *   timeline [workspace-file]      (default: timeline.crm)
 */
#include <crm/crm.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void check(int status, const char* what) {
  if (status == CRM_OK) return;
  fprintf(stderr, "%s failed: %s: %s\n", what, crm_status_name(status),
          crm_last_error_message());
  exit(1);
}

/* UTC microseconds as "2024-03-01 09:30". */
static const char* when(int64_t us, char* buffer, size_t size) {
  time_t seconds = (time_t)(us / 1000000);
  struct tm utc;
  gmtime_r(&seconds, &utc);
  strftime(buffer, size, "%Y-%m-%d %H:%M", &utc);
  return buffer;
}

static void log_event(crm_db* db, int64_t customer, const char* type,
                      const char* channel, const char* actor, int64_t at_us,
                      const char* note) {
  crm_event* event = NULL;
  int64_t seq = 0;
  check(crm_event_new(&event), "new event");
  check(crm_event_set_customer(event, customer), "set customer");
  check(crm_event_set_type(event, type), "set type");
  check(crm_event_set_channel(event, channel), "set channel");
  check(crm_event_set_actor(event, actor), "set actor");
  check(crm_event_set_occurred_at(event, at_us), "set time");
  check(crm_record_set_text(crm_event_properties(event), "note", note),
        "set note");
  check(crm_event_append(&seq, NULL, db, event), "append");
  crm_event_free(event);
}

static void set_plan(crm_db* db, int64_t id, const char* plan) {
  crm_record* change = NULL;
  check(crm_record_new(&change), "new record");
  check(crm_record_set_text(change, "plan", plan), "set plan");
  check(crm_customer_update(NULL, db, id, 0, change, "billing"), "update");
  crm_record_free(change);
}

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : "timeline.crm";
  const int64_t day = 86400LL * 1000000;
  const int64_t march_2024 = 1709251200LL * 1000000; /* 2024-03-01 */
  crm_db* db = NULL;
  crm_record* record = NULL;
  crm_event_page* page = NULL;
  crm_field_timeline* history = NULL;
  crm_timeline_options options = CRM_TIMELINE_OPTIONS_INIT;
  int64_t field_id = 0, id = 0;
  size_t i;
  char from[32], to[32];

  remove(path);
  check(crm_open(&db, path, NULL), "open");
  check(crm_field_define(&field_id, db,
                         "{\"name\": \"plan\", \"type\": \"choice\", "
                         "\"options\": [\"basic\", \"premium\"]}"),
        "define plan");
  check(crm_record_new(&record), "new record");
  check(crm_record_set_text(record, "name", "Grace Hopper"), "set");
  check(crm_record_set_text(record, "plan", "basic"), "set");
  check(crm_customer_create(&id, db, record, "signup-form"), "create");
  crm_record_free(record);

  /* Interactions arrive from three channels, not in time order. */
  log_event(db, id, "email.sent", "email", "alice", march_2024 + 2 * day,
            "Welcome pack");
  log_event(db, id, "call", "phone", "bob", march_2024 + 9 * day,
            "Asked about premium support");
  log_event(db, id, "visit", "store", "carol", march_2024 + 5 * day,
            "Picked up hardware");
  set_plan(db, id, "premium");
  set_plan(db, id, "basic");

  options.oldest_first = 1;
  check(crm_event_timeline(&page, db, id, &options), "timeline");
  printf("Timeline of customer %lld:\n", (long long)id);
  for (i = 0; i < crm_event_page_size(page); ++i) {
    crm_event* event = crm_event_page_at(page, i);
    const char* note = "";
    if (crm_record_get_text(&note, crm_event_properties(event), "note") !=
        CRM_OK) {
      note = "";
    }
    printf("  %s  %-20s %-6s %-12s %s\n",
           when(crm_event_occurred_at(event), from, sizeof from),
           crm_event_type(event), crm_event_channel(event),
           crm_event_actor(event), note);
  }
  crm_event_page_free(page);

  check(crm_field_timeline_get(&history, db, id, "plan"), "field timeline");
  printf("History of 'plan':\n");
  for (i = 0; i < crm_field_timeline_size(history); ++i) {
    const char* plan = "";
    int64_t end = crm_field_timeline_to(history, i);
    crm_record_get_text(&plan, crm_field_timeline_value(history, i), "plan");
    printf("  %-8s from %s to %s\n", plan,
           when(crm_field_timeline_from(history, i), from, sizeof from),
           end == CRM_TIME_MAX ? "now" : when(end, to, sizeof to));
  }
  crm_field_timeline_free(history);
  crm_close(db);
  return 0;
}
