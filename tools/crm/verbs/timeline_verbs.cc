// timeline and history: a customer's events, and one field's values along
// valid time (crm_event_timeline, crm_field_timeline_get_v2).
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "crm/crm.h"
#include "event_table.h"
#include "failure.h"
#include "history_table.h"
#include "output.h"
#include "owned.h"
#include "time_text.h"
#include "verbs/verbs.h"
#include "workspace.h"

namespace crm::cli {
namespace {

struct TimelineOptions {
  int64_t id = 0;
  std::string from;  // ISO 8601, occurred_at >= from
  std::string to;    // ISO 8601, occurred_at < to
  std::vector<std::string> types;
  std::vector<std::string> channels;
  bool oldest_first = false;
  uint32_t limit = 50;
  std::string cursor;
  bool all = false;
};

std::vector<const char*> Pointers(const std::vector<std::string>& texts) {
  std::vector<const char*> pointers;
  for (const std::string& text : texts) pointers.push_back(text.c_str());
  return pointers;
}

void RunTimeline(const Globals& globals, const TimelineOptions& options) {
  crm_timeline_options request;
  Check(crm_timeline_options_init(&request, sizeof request),
        "cannot set up the timeline");
  if (!options.from.empty()) {
    request.from_us = MicrosOption("--from", options.from);
  }
  if (!options.to.empty()) request.to_us = MicrosOption("--to", options.to);
  std::vector<const char*> types = Pointers(options.types);
  std::vector<const char*> channels = Pointers(options.channels);
  if (!types.empty()) {
    request.types = types.data();
    request.type_count = types.size();
  }
  if (!channels.empty()) {
    request.channels = channels.data();
    request.channel_count = channels.size();
  }
  request.oldest_first = options.oldest_first ? 1 : 0;
  request.page_size = options.limit;
  Workspace workspace(globals, Access::kRead);
  Table table = EmptyEventsTable();
  std::string cursor = options.cursor;
  while (true) {
    request.cursor = cursor.empty() ? nullptr : cursor.c_str();
    crm_event_page* raw = nullptr;
    Check(crm_event_timeline(&raw, workspace.db(), options.id, &request),
          "cannot read the timeline of customer " + std::to_string(options.id));
    EventPagePtr page(raw);
    AppendEvents(page.get(), table);
    cursor = crm_event_page_next_cursor(page.get());
    if (!options.all || cursor.empty()) break;
  }
  // Every customer's timeline holds at least its crm.record.created event
  // (an erased one its tombstone), so a whole timeline that is empty is no
  // customer's.
  bool whole = options.cursor.empty() && options.from.empty() &&
               options.to.empty() && types.empty() && channels.empty();
  if (whole && table.rows.empty()) {
    throw Failure(static_cast<int>(kExitStatusBase) + CRM_E_NOT_FOUND,
                  "no customer " + std::to_string(options.id) +
                      ": it has no events (CRM_E_NOT_FOUND)");
  }
  PrintTable(table, globals.format, std::cout);
  if (!cursor.empty()) {
    std::cout.flush();
    std::cerr << "crm: more events: continue with --cursor " << cursor << '\n';
  }
}

void AddTimelineVerb(CLI::App& app, const Globals& globals) {
  auto options = std::make_shared<TimelineOptions>();
  auto* verb = app.add_subcommand(
      "timeline",
      "A customer's events, newest first: what happened, when, through "
      "which channel, by whom, with its properties (for libcrm's own "
      "crm.record.* events, the fields before and after the change)");
  verb->add_option("id", options->id, "The customer's id")->required();
  verb->add_option("--from", options->from,
                   "Events that occurred at or after this time (ISO 8601 "
                   "UTC)");
  verb->add_option("--to", options->to,
                   "Events that occurred before this time (ISO 8601 UTC)");
  verb->add_option("--type", options->types,
                   "Only events of these types (comma separated or "
                   "repeated)")
      ->delimiter(',')
      ->allow_extra_args(false);
  verb->add_option("--channel", options->channels,
                   "Only events on these channels (comma separated or "
                   "repeated)")
      ->delimiter(',')
      ->allow_extra_args(false);
  verb->add_flag("--oldest-first", options->oldest_first, "Oldest event first");
  verb->add_option("--limit", options->limit,
                   "Events per page, 1 to 1,000 (default 50)")
      ->check(CLI::Range(1u, 1000u));
  verb->add_option("--cursor", options->cursor,
                   "Continue where an earlier page ended (the cursor crm "
                   "printed on stderr)");
  verb->add_flag("--all", options->all,
                 "Every page, not only the first (pages of --limit events)");
  verb->footer(
      "Prints at most --limit events; when more remain, the cursor of the\n"
      "next page goes to stderr (\"crm: more events: continue with --cursor\n"
      "C\"). Exit 11 when the customer has no events at all (no such\n"
      "customer).\n"
      "Examples:\n"
      "  crm timeline 17\n"
      "  crm timeline 17 --type call,visit --from 2024-01-01 --to "
      "2024-04-01\n"
      "  crm timeline 17 --oldest-first --all --format jsonl");
  verb->callback([&globals, options] { RunTimeline(globals, *options); });
}

struct HistoryOptions {
  int64_t id = 0;
  std::string field;
  std::string known_at;
  std::string from;
  std::string to;
};

void RunHistory(const Globals& globals, const HistoryOptions& options) {
  int64_t known = options.known_at.empty()
                      ? CRM_TIME_MAX
                      : MicrosOption("--known-at", options.known_at);
  int64_t from = options.from.empty() ? CRM_TIME_MIN
                                      : MicrosOption("--from", options.from);
  int64_t to =
      options.to.empty() ? CRM_TIME_MAX : MicrosOption("--to", options.to);
  if (from > to) UsageError("--from is after --to");
  Workspace workspace(globals, Access::kRead);
  crm_field_timeline* raw = nullptr;
  Check(crm_field_timeline_get_v2(&raw, workspace.db(), options.id,
                                  options.field.c_str(), known),
        "cannot read the history of '" + options.field + "' of customer " +
            std::to_string(options.id));
  FieldTimelinePtr timeline(raw);
  PrintTable(HistoryTable(timeline.get(), from, to), globals.format, std::cout);
}

void AddHistoryVerb(CLI::App& app, const Globals& globals) {
  auto options = std::make_shared<HistoryOptions>();
  auto* verb = app.add_subcommand(
      "history",
      "The values one field of a customer held along valid time, oldest "
      "first: value, valid_from, valid_to (empty while current), "
      "recorded_at (when libcrm learned it) and held (how long, as an ISO "
      "8601 duration)");
  verb->add_option("id", options->id, "The customer's id")->required();
  verb->add_option("field", options->field, "The field, e.g. plan")->required();
  verb->add_option("--known-at", options->known_at,
                   "The history as libcrm knew it at this time (ISO 8601 "
                   "UTC); default: today's knowledge");
  verb->add_option("--from", options->from,
                   "Only the valid time from this time on (ISO 8601 UTC): "
                   "intervals that end before are left out, held counts "
                   "from here");
  verb->add_option("--to", options->to,
                   "Only the valid time before this time (ISO 8601 UTC): "
                   "intervals that start after are left out, held counts up "
                   "to here");
  verb->footer(
      "Stretches when the field was empty are left out; the current\n"
      "interval's held runs up to now. Exit 11 when nothing of the customer\n"
      "was recorded (by --known-at).\n"
      "Examples:\n"
      "  crm history 17 plan\n"
      "  crm history 17 plan --from 2024-01-01 --to 2025-01-01\n"
      "  crm history 17 plan --known-at 2024-04-09T00:00:00Z");
  verb->callback([&globals, options] { RunHistory(globals, *options); });
}

}  // namespace

void AddTimelineVerbs(CLI::App& app, const Globals& globals) {
  AddTimelineVerb(app, globals);
  AddHistoryVerb(app, globals);
}

}  // namespace crm::cli
