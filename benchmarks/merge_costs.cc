// What merging costs (issue #25), in one run:
//
//   merge     crm_customer_merge of `merged` customers, each with `events`
//             events, into one survivor (the target: under 1 s for
//             1,000 customers with 100 events each), and crm_customer_unmerge
//             of that merge
//   timeline  the first page (100 events) and the whole timeline of a
//             survivor into which `spread` customers were merged, the events
//             spread over the 1 + `spread` ids, against an unmerged customer
//             holding the same number of events at the same times (target:
//             within 1.3x)
//
// Each figure is the median over rounds; the timeline figures are the mean
// of `ops` reads each round. Every answer is checked (customer counts after
// the merge and its undo, the events each timeline holds); a wrong one
// fails the exit status. Nothing here asserts a time.
//
//   crm_merge_costs [--merged=1000] [--events=100] [--spread=10]
//                   [--rounds=3] [--ops=200] [--path=FILE|postgresql://...]
//
// With a PostgreSQL database URL as --path each round uses workspaces of
// that database ("workspace=merge_costs_merge_<round>", ...), dropped at the
// end.
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "checked_run.h"
#include "crm/crm.h"
#include "crm_owned.h"

namespace crm_bench {
namespace {

using Db = std::unique_ptr<crm_db, DbClose>;
using Record = std::unique_ptr<crm_record, RecordFree>;
using Event = std::unique_ptr<crm_event, EventFree>;
using Page = std::unique_ptr<crm_event_page, PageFree>;
using Clock = std::chrono::steady_clock;

struct Flags {
  int merged = 1000;
  int events = 100;
  int spread = 10;
  int rounds = 3;
  int ops = 200;
  std::string path;
};

bool IsUrl(const std::string& path) {
  return path.rfind("postgresql://", 0) == 0 ||
         path.rfind("postgres://", 0) == 0;
}

// The URL of workspace `name` in the database --path names.
std::string WorkspaceUrl(const Flags& flags, const std::string& name) {
  const char* separator = flags.path.find('?') == std::string::npos ? "?" : "&";
  return flags.path + separator + "workspace=merge_costs_" + name;
}

// A new, empty workspace for one part of one round: a file in `dir`, or a
// PostgreSQL workspace in the --path database (dropped first).
Db OpenNew(const Flags& flags, const std::string& dir,
           const std::string& name) {
  crm_db* db = nullptr;
  if (IsUrl(flags.path)) {
    const std::string url = WorkspaceUrl(flags, name);
    crm_workspace_drop(url.c_str());
    Check(crm_open_url(&db, url.c_str(), nullptr), "open " + url);
  } else {
    const std::string file = dir + "/" + name + ".crm";
    unlink(file.c_str());
    Check(crm_open(&db, file.c_str(), nullptr), "open " + file);
  }
  return Db(db);
}

void Drop(const Flags& flags, const std::string& name) {
  if (IsUrl(flags.path)) {
    crm_workspace_drop(WorkspaceUrl(flags, name).c_str());
  }
}

int64_t CreateCustomer(crm_db* db, const std::string& name) {
  crm_record* raw = nullptr;
  Check(crm_record_new(&raw), "record");
  Record record(raw);
  crm_record_set_text(raw, "name", name.c_str());
  crm_record_set_text(raw, "external_id", ("x-" + name).c_str());
  int64_t id = 0;
  Check(crm_customer_create(&id, db, raw, "bench"), "create " + name);
  return id;
}

// Appends `count` calls to `customer`, at `first_us`, `first_us + step_us`...
void AppendEvents(crm_db* db, int64_t customer, int count, int64_t first_us,
                  int64_t step_us) {
  for (int i = 0; i < count; ++i) {
    crm_event* raw = nullptr;
    Check(crm_event_new(&raw), "event");
    Event event(raw);
    crm_event_set_customer(raw, customer);
    crm_event_set_type(raw, "call");
    crm_event_set_channel(raw, "phone");
    crm_event_set_occurred_at(raw, first_us + i * step_us);
    int64_t seq = 0;
    Check(crm_event_append(&seq, nullptr, db, raw), "append");
  }
}

int64_t CountCustomers(crm_db* db) {
  int64_t count = -1;
  Check(crm_customer_count(&count, db), "count");
  return count;
}

// Calls on `id`'s timeline (the history events a merge adds left out): the
// first page only, or every page.
int64_t ReadTimeline(crm_db* db, int64_t id, bool whole) {
  static const char* const kCalls[] = {"call"};
  int64_t events = 0;
  std::string cursor;
  while (true) {
    crm_timeline_options options = CRM_TIMELINE_OPTIONS_INIT;
    options.types = kCalls;
    options.type_count = 1;
    options.page_size = 100;
    if (!cursor.empty()) options.cursor = cursor.c_str();
    crm_event_page* raw = nullptr;
    Check(crm_event_timeline(&raw, db, id, &options), "timeline");
    Page page(raw);
    events += static_cast<int64_t>(crm_event_page_size(raw));
    const char* next = crm_event_page_next_cursor(raw);
    if (!whole || raw == nullptr || next == nullptr || *next == '\0') {
      return events;
    }
    cursor = next;
  }
}

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// One round of the merge part: seconds to merge and to undo.
std::pair<double, double> MergeRound(const Flags& flags, const std::string& dir,
                                     int round) {
  const std::string name = "merge_" + std::to_string(round);
  Db db = OpenNew(flags, dir, name);
  Check(crm_begin(db.get()), "begin");
  const int64_t survivor = CreateCustomer(db.get(), "survivor");
  std::vector<int64_t> merged;
  const int64_t base_us = 1700000000000000;
  for (int i = 0; i < flags.merged; ++i) {
    merged.push_back(CreateCustomer(db.get(), "m" + std::to_string(i)));
    AppendEvents(db.get(), merged.back(), flags.events, base_us + i, 1000000);
  }
  Check(crm_commit(db.get()), "commit");

  auto start = Clock::now();
  char* receipt = nullptr;
  Check(crm_customer_merge(&receipt, db.get(), survivor, merged.data(),
                           merged.size(), nullptr, "bench", "benchmark"),
        "merge");
  const double merge_s = Seconds(start);
  std::string text = receipt != nullptr ? receipt : "";
  crm_string_free(receipt);
  if (CountCustomers(db.get()) != 1) Fail("customers after the merge");
  const std::string key = "\"merge_id\":";
  const size_t at = text.find(key);
  const int64_t merge_id =
      at == std::string::npos ? 0 : std::atoll(text.c_str() + at + key.size());

  start = Clock::now();
  char* undone = nullptr;
  Check(crm_customer_unmerge(&undone, db.get(), merge_id, "bench", "benchmark"),
        "unmerge");
  const double unmerge_s = Seconds(start);
  crm_string_free(undone);
  if (CountCustomers(db.get()) != flags.merged + 1) {
    Fail("customers after the undo");
  }
  db.reset();
  Drop(flags, name);
  return {merge_s, unmerge_s};
}

struct TimelineTimes {
  double merged_page_ns, plain_page_ns, merged_whole_ns, plain_whole_ns;
};

TimelineTimes TimelineRound(const Flags& flags, const std::string& dir,
                            int round) {
  const std::string name = "timeline_" + std::to_string(round);
  Db db = OpenNew(flags, dir, name);
  const int customers = flags.spread + 1;
  const int64_t base_us = 1700000000000000;
  Check(crm_begin(db.get()), "begin");
  const int64_t plain = CreateCustomer(db.get(), "plain");
  AppendEvents(db.get(), plain, customers * flags.events, base_us, 1000000);
  std::vector<int64_t> ids;
  for (int c = 0; c < customers; ++c) {
    ids.push_back(CreateCustomer(db.get(), "s" + std::to_string(c)));
    // Interleaved: customer c holds every customers-th second from c on.
    AppendEvents(db.get(), ids.back(), flags.events, base_us + c * 1000000,
                 customers * 1000000LL);
  }
  Check(crm_commit(db.get()), "commit");
  char* receipt = nullptr;
  Check(crm_customer_merge(&receipt, db.get(), ids[0], ids.data() + 1,
                           ids.size() - 1, nullptr, "bench", "benchmark"),
        "merge for the timeline");
  crm_string_free(receipt);
  const int64_t total = static_cast<int64_t>(customers) * flags.events;
  const int64_t page = std::min<int64_t>(100, total);
  if (ReadTimeline(db.get(), plain, true) != total) Fail("plain timeline");
  if (ReadTimeline(db.get(), ids[0], true) != total) Fail("merged timeline");
  TimelineTimes times;
  times.merged_page_ns = Time(flags.ops, [&](int) {
    if (ReadTimeline(db.get(), ids[0], false) != page) Fail("merged page");
  });
  times.plain_page_ns = Time(flags.ops, [&](int) {
    if (ReadTimeline(db.get(), plain, false) != page) Fail("plain page");
  });
  const int whole_ops = std::max(1, flags.ops / 10);
  times.merged_whole_ns =
      Time(whole_ops, [&](int) { ReadTimeline(db.get(), ids[0], true); });
  times.plain_whole_ns =
      Time(whole_ops, [&](int) { ReadTimeline(db.get(), plain, true); });
  db.reset();
  Drop(flags, name);
  return times;
}

int Main(int argc, char** argv) {
  Flags flags;
  ParseFlags(argc, argv,
             {{"--merged=", &flags.merged},
              {"--events=", &flags.events},
              {"--spread=", &flags.spread},
              {"--rounds=", &flags.rounds},
              {"--ops=", &flags.ops}},
             &flags.path);
  std::string dir = flags.path;
  if (!IsUrl(flags.path)) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "crm-merge-XXXXXX").string();
    dir = mkdtemp(pattern.data());
  }
  std::vector<double> merge_s, unmerge_s, merged_page, plain_page, merged_whole,
      plain_whole;
  for (int round = 0; round < flags.rounds; ++round) {
    auto [merged, unmerged] = MergeRound(flags, dir, round);
    merge_s.push_back(merged);
    unmerge_s.push_back(unmerged);
    TimelineTimes times = TimelineRound(flags, dir, round);
    merged_page.push_back(times.merged_page_ns);
    plain_page.push_back(times.plain_page_ns);
    merged_whole.push_back(times.merged_whole_ns);
    plain_whole.push_back(times.plain_whole_ns);
  }
  if (!IsUrl(flags.path)) std::filesystem::remove_all(dir);
  std::printf("backend: %s\n", IsUrl(flags.path) ? "postgresql" : "sqlite");
  std::printf(
      "merge %d customers x %d events: %.3f s (target < 1 s); undo: %.3f s\n",
      flags.merged, flags.events, Median(merge_s), Median(unmerge_s));
  const double page_ratio = Median(merged_page) / Median(plain_page);
  const double whole_ratio = Median(merged_whole) / Median(plain_whole);
  std::printf(
      "timeline of a survivor spanning %d merged customers (%d events), "
      "first page of 100: %.1f us vs %.1f us unmerged = %.2fx (target <= "
      "1.3x)\n",
      flags.spread, (flags.spread + 1) * flags.events,
      Median(merged_page) / 1000, Median(plain_page) / 1000, page_ratio);
  std::printf("  whole timeline: %.1f us vs %.1f us = %.2fx\n",
              Median(merged_whole) / 1000, Median(plain_whole) / 1000,
              whole_ratio);
  return Failed() ? 1 : 0;
}

}  // namespace
}  // namespace crm_bench

int main(int argc, char** argv) { return crm_bench::Main(argc, argv); }
