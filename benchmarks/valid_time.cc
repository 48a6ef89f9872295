// What valid time costs (issue #21), in one run on one workspace:
//
//   get_at   crm_customer_get_at of a customer with `changes` changes, at a
//            valid time in the middle of its history, against
//            crm_customer_get of the same customer (the issue's target:
//            at most 1.3x)
//   as_of    crm_query_count with a filter as of a past valid time over
//            every customer, each with `changes` changes (target: under
//            1 s at 100,000 customers), against the same count now
//   series   crm_query_run_series of that count at 12 instants
//
// Every customer is created, then changed `changes` times (its "plan"
// alternating, its "visits" counting up), in transactions; the as-of
// instant lies between the 5th and 6th change of every customer. Each
// figure is the median over rounds of the mean time per operation.
//
//   crm_valid_time_costs [--customers=100000] [--changes=10] [--rounds=3]
//                        [--ops=200] [--path=FILE]
//
// Every answer is checked (the values read at the instant, the counts of
// the instant, twelve counts of the series); a wrong one fails the exit
// status. Nothing here asserts a time.
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
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
using Query = std::unique_ptr<crm_query, QueryFree>;
using Rows = std::unique_ptr<crm_rows, RowsFree>;
using Clock = std::chrono::steady_clock;

struct Flags {
  int customers = 100000;
  int changes = 10;
  int rounds = 3;
  int ops = 200;
  std::string path;
};

Flags ParseFlags(int argc, char** argv) {
  Flags flags;
  crm_bench::ParseFlags(argc, argv,
                        {{"--customers=", &flags.customers},
                         {"--changes=", &flags.changes},
                         {"--rounds=", &flags.rounds},
                         {"--ops=", &flags.ops}},
                        &flags.path);
  if (flags.changes < 2) flags.changes = 2;
  return flags;
}

int64_t WallMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// An instant after every write so far and before every later one.
int64_t Between() {
  int64_t at = WallMicros();
  while (WallMicros() <= at) {
  }
  return at;
}

// The plan a customer holds after change `change` (0: as created).
const char* PlanAfter(int change) { return change % 2 ? "premium" : "basic"; }

// Creates the customers, then gives each `changes` changes in rounds (every
// customer's k-th change in round k); returns the customers' ids and the
// instants after each round (instants[k]: after round k, 0 the creates).
std::vector<int64_t> Load(crm_db* db, const Flags& flags,
                          std::vector<int64_t>* instants) {
  int64_t id = 0;
  Check(crm_field_define(&id, db, R"({"name": "plan", "type": "text"})"),
        "plan");
  Check(crm_field_define(&id, db, R"({"name": "visits", "type": "integer"})"),
        "visits");
  std::vector<int64_t> ids;
  Check(crm_begin(db), "begin");
  for (int i = 0; i < flags.customers; ++i) {
    crm_record* raw = nullptr;
    crm_record_new(&raw);
    Record record(raw);
    std::string name = "customer " + std::to_string(i);
    crm_record_set_text(raw, "name", name.c_str());
    crm_record_set_text(raw, "plan", PlanAfter(0));
    crm_record_set_integer(raw, "visits", 0);
    Check(crm_customer_create(&id, db, raw, "bench"), "create");
    ids.push_back(id);
  }
  Check(crm_commit(db), "commit");
  instants->push_back(Between());
  for (int change = 1; change <= flags.changes; ++change) {
    Check(crm_begin(db), "begin");
    for (int64_t customer : ids) {
      crm_record* raw = nullptr;
      crm_record_new(&raw);
      Record record(raw);
      crm_record_set_text(raw, "plan", PlanAfter(change));
      crm_record_set_integer(raw, "visits", change);
      int64_t version = 0;
      Check(crm_customer_update(&version, db, customer, 0, raw, "bench"),
            "update");
    }
    Check(crm_commit(db), "commit");
    instants->push_back(Between());
  }
  return ids;
}

int64_t Visits(crm_record* record) {
  int64_t visits = -1;
  if (record != nullptr) crm_record_get_integer(&visits, record, "visits");
  return visits;
}

// The count of plan = 'premium' as of `valid_us` (CRM_TIME_MAX: now).
int64_t CountPremium(crm_db* db, int64_t valid_us) {
  crm_query* raw = nullptr;
  crm_query_new(&raw, CRM_QUERY_CUSTOMERS);
  Query query(raw);
  crm_query_set_filter(raw, "plan = 'premium'");
  Check(crm_query_set_as_of(raw, valid_us, CRM_TIME_MAX), "as of");
  int64_t count = -1;
  Check(crm_query_count(&count, db, raw), "count");
  return count;
}

int Main(int argc, char** argv) {
  Flags flags = ParseFlags(argc, argv);
  std::string dir;
  crm_db* raw = OpenWorkspace(flags.path, "valid_time.crm", &dir);
  if (raw == nullptr) return 1;
  Db db(raw);
  auto load_start = Clock::now();
  std::vector<int64_t> instants;
  std::vector<int64_t> ids = Load(db.get(), flags, &instants);
  std::printf("%d customers with %d changes each loaded in %.1f s\n",
              flags.customers, flags.changes,
              std::chrono::duration<double>(Clock::now() - load_start).count());
  if (Failed()) return 1;
  // Between the middle change and the next one.
  int middle = flags.changes / 2;
  int64_t at = instants[middle];
  int64_t premium_then = middle % 2 ? flags.customers : 0;
  int64_t premium_now = flags.changes % 2 ? flags.customers : 0;

  std::vector<double> get, get_at, count_now, as_of, series;
  std::vector<int64_t> twelve;
  for (int i = 0; i < 12; ++i) {
    twelve.push_back(instants[i % instants.size()]);
  }
  for (int round = 0; round < flags.rounds; ++round) {
    get.push_back(Time(flags.ops, [&](int i) {
      crm_record* record = nullptr;
      Check(crm_customer_get(&record, db.get(), ids[(i * 7919) % ids.size()]),
            "get");
      Record owned(record);
      if (Visits(record) != flags.changes) Fail("get: visits");
    }));
    get_at.push_back(Time(flags.ops, [&](int i) {
      crm_record* record = nullptr;
      Check(crm_customer_get_at(&record, db.get(), ids[(i * 7919) % ids.size()],
                                at),
            "get_at");
      Record owned(record);
      if (Visits(record) != middle) Fail("get_at: visits");
    }));
    count_now.push_back(Time(1, [&](int) {
      if (CountPremium(db.get(), CRM_TIME_MAX) != premium_now) {
        Fail("count now");
      }
    }));
    as_of.push_back(Time(1, [&](int) {
      if (CountPremium(db.get(), at) != premium_then) Fail("count as of");
    }));
    series.push_back(Time(1, [&](int) {
      crm_query* raw_query = nullptr;
      crm_query_new(&raw_query, CRM_QUERY_CUSTOMERS);
      Query query(raw_query);
      crm_query_set_filter(raw_query, "plan = 'premium'");
      crm_rows* rows = nullptr;
      Check(crm_query_run_series(&rows, db.get(), raw_query, twelve.data(),
                                 twelve.size()),
            "series");
      Rows owned(rows);
      for (size_t i = 0; rows != nullptr && i < twelve.size(); ++i) {
        int64_t count = -1;
        crm_record_get_integer(&count, crm_rows_at(rows, i), "count");
        int change = static_cast<int>(i % instants.size());
        if (count != (change % 2 ? flags.customers : 0)) Fail("series count");
      }
    }));
  }
  double get_us = Median(get) / 1000, get_at_us = Median(get_at) / 1000;
  std::printf("\n%-28s%14s%10s\n", "operation", "time", "ratio");
  std::printf("%-28s%11.1f us\n", "get", get_us);
  std::printf("%-28s%11.1f us%9.2fx  (target <= 1.3x)\n", "get_at", get_at_us,
              get_at_us / get_us);
  std::printf("%-28s%11.1f ms\n", "count now", Median(count_now) / 1e6);
  std::printf("%-28s%11.1f ms  (target < 1000 ms at 100,000)\n", "count as of",
              Median(as_of) / 1e6);
  std::printf("%-28s%11.1f ms\n", "series of 12 instants",
              Median(series) / 1e6);
  std::printf(
      "(%d rounds; get and get_at: %d operations per figure; median "
      "of the rounds)\n",
      flags.rounds, flags.ops);
  db.reset();
  if (!dir.empty()) std::filesystem::remove_all(dir);
  if (Failed()) std::fprintf(stderr, "some answers were wrong: see above\n");
  return Failed() ? 1 : 0;
}

}  // namespace
}  // namespace crm_bench

int main(int argc, char** argv) { return crm_bench::Main(argc, argv); }
