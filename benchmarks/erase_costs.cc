// What erasure costs (issue #19), measured through libcrm's C ABI where it
// can be, each figure over several rounds with its median and spread:
//
//   crm_erase_costs search_rewrite [--customers=10000,100000,1000000]
//       FTS5 "optimize" (the search-index rewrite erase needs on SQLite 3.40,
//       which has no FTS5 secure-delete) by index size: on a copy of a
//       workspace of N customers, one customer deleted through libcrm, then
//       the rewrite through a raw connection (first as loading left the
//       index, then again after one more delete), and the checkpoint that
//       moves it into the file. Time, CPU, bytes written, index size.
//   crm_erase_costs secure_delete [--customers=N --events=N]
//       The write cost of PRAGMA secure_delete = ON against OFF: creates,
//       event appends, updates and deletes through libcrm, and creates and
//       appends through the same-work SQLite baseline (sqlite_store.cc) as a
//       same-run reference; ON and OFF alternate, in turn first per round.
//       The setting reaches every connection of the process, libcrm's
//       included, through sqlite3_auto_extension (libcrm links the same
//       shared libsqlite3); a libcrm that sets secure_delete itself after
//       opening overrides it, and then its OFF rows measure ON too.
//
//   crm_erase_costs dataset [--customers=N --events=N]
//       Builds the erase data set (erase_dataset.h; 100,000 customers and
//       1,000,000 events, 10,000 of them one person's) unless --dir holds
//       it, and says how long that took.
//
//   crm_erase_costs erase [--customers=N --events=N]
//       On a copy of the erase data set per round: crm_customer_erase of
//       the person (receipt checked: 1 customer, every one of its events),
//       then crm_customer_erase_where of 1,000 others (customers whose
//       segment is one of the last five; receipt checked against the data
//       set), each followed by crm_checkpoint. Total time, the search
//       rewrite and COMMIT apart (statement profile), CPU, bytes written,
//       the WAL and file sizes.
//   crm_erase_costs all ...   search_rewrite, secure_delete and erase.
//
// Common flags: --dir=DIR keeps the built workspaces there between runs
// (else a temporary directory removed at exit), --rounds=N (3).
// Every round checks its results (customers counted, rows deleted); a wrong
// one fails the exit status. Nothing here asserts a time.
#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "connection_hooks.h"
#include "cost_meter.h"
#include "crm/crm.h"
#include "crm_owned.h"
#include "dataset.h"
#include "erase_dataset.h"
#include "store.h"

namespace crm_bench {
namespace {

struct Flags {
  std::string measure;
  std::string dir;
  int rounds = 3;
  std::vector<int64_t> customers;
  int64_t events = 0;
};

Flags g_flags;
bool g_failed = false;

void Failure(const std::string& message) {
  std::fprintf(stderr, "FAILED: %s\n", message.c_str());
  g_failed = true;
}

std::string LastCrmError() {
  return std::string(crm_status_name(crm_last_error_code())) + ": " +
         crm_last_error_message();
}

// A raw SQLite connection to a workspace file, behind libcrm's back.
class RawFile {
 public:
  explicit RawFile(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) !=
        SQLITE_OK) {
      Failure("opening " + path + ": " + sqlite3_errmsg(db_));
    }
  }
  ~RawFile() { sqlite3_close(db_); }

  bool Exec(const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) == SQLITE_OK) {
      return true;
    }
    Failure(std::string(sql) + ": " + (message ? message : "?"));
    sqlite3_free(message);
    return false;
  }

  // The first column of the first row of `sql`, -1 on an error.
  int64_t Integer(const char* sql) {
    sqlite3_stmt* statement = nullptr;
    int64_t value = -1;
    if (sqlite3_prepare_v2(db_, sql, -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      value = sqlite3_column_int64(statement, 0);
    } else {
      Failure(std::string(sql) + ": " + sqlite3_errmsg(db_));
    }
    sqlite3_finalize(statement);
    return value;
  }

 private:
  sqlite3* db_ = nullptr;
};

std::string Seconds(double s) {
  char text[32];
  if (s >= 1) {
    std::snprintf(text, sizeof text, "%.2f s", s);
  } else {
    std::snprintf(text, sizeof text, "%.1f ms", s * 1000);
  }
  return text;
}

std::string Megabytes(double bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", bytes / 1e6);
  return text;
}

std::string Percent(double fraction) {
  char text[16];
  std::snprintf(text, sizeof text, "%.0f%%", fraction * 100);
  return text;
}

// A fresh copy of `from` at `to` (its -wal and -shm removed).
bool CopyWorkspace(const std::string& from, const std::string& to) {
  RemoveWorkspace(to);
  std::error_code error;
  std::filesystem::copy_file(from, to, error);
  if (error) Failure("copying " + from + ": " + error.message());
  return !error;
}

std::unique_ptr<crm_db, DbClose> OpenWorkspace(const std::string& path) {
  crm_db* db = nullptr;
  if (crm_open(&db, path.c_str(), nullptr) != CRM_OK) {
    Failure("crm_open " + path + ": " + LastCrmError());
  }
  return std::unique_ptr<crm_db, DbClose>(db);
}

// The id of customer `index` of a dataset.h workspace, by its external id;
// 0 (and a failure) when it is not there.
int64_t CustomerId(crm_db* db, int64_t index) {
  crm_record* raw = nullptr;
  const std::string key = "ERP-" + std::to_string(index);
  std::unique_ptr<crm_record, RecordFree> record;
  if (crm_customer_get_by_external_id(&raw, db, key.c_str()) != CRM_OK) {
    Failure("reading " + key + ": " + LastCrmError());
    return 0;
  }
  record.reset(raw);
  return crm_record_id(record.get());
}

// ---------------------------------------------------------------- search

// One rewrite: what it cost, the WAL it left, the checkpoint after it.
struct Rewrite {
  Cost optimize;
  int64_t wal_bytes = 0;
  Cost checkpoint;
};

// Deletes customer `index` through libcrm, then rewrites the search index
// through a raw connection and checkpoints the WAL.
bool DeleteAndRewrite(const std::string& path, int64_t index, Rewrite* out) {
  {
    auto db = OpenWorkspace(path);
    if (db == nullptr) return false;
    const int64_t id = CustomerId(db.get(), index);
    if (id == 0 || crm_customer_delete(db.get(), id, 0, "bench") != CRM_OK) {
      Failure("deleting customer " + std::to_string(index) + ": " +
              LastCrmError());
      return false;
    }
  }
  RawFile raw(path);
  // As libcrm's erase rewrites it: freed pages overwritten.
  if (!raw.Exec("PRAGMA secure_delete = ON")) return false;
  CostMeter meter;
  if (!raw.Exec("INSERT INTO crm_customer_search(crm_customer_search) "
                "VALUES('optimize')")) {
    return false;
  }
  out->optimize = meter.Stop();
  out->wal_bytes = FileBytes(path + "-wal");
  CostMeter checkpoint;
  if (!raw.Exec("PRAGMA wal_checkpoint(TRUNCATE)")) return false;
  out->checkpoint = checkpoint.Stop();
  return true;
}

void SearchRewrite(const std::string& dir) {
  std::printf(
      "\n## Search-index rewrite (FTS5 'optimize') by index size, %d rounds\n"
      "| customers | index (segment bytes) | file | rewrite, as loaded | "
      "spread | rewrite, after an optimize | spread | CPU | WAL after | "
      "written | checkpoint | spread |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|---|\n",
      g_flags.rounds);
  const std::vector<int64_t> sizes =
      g_flags.customers.empty() ? std::vector<int64_t>{10000, 100000, 1000000}
                                : g_flags.customers;
  for (int64_t customers : sizes) {
    std::string path;
    double generated_s = 0;
    if (std::string error =
            EnsureSearchDataset(dir, customers, &path, &generated_s);
        !error.empty()) {
      Failure(error);
      continue;
    }
    if (generated_s > 0) {
      std::fprintf(stderr, "built %s in %.1f s\n", path.c_str(), generated_s);
    }
    int64_t index_bytes = 0;
    {
      RawFile raw(path);
      index_bytes = raw.Integer(
          "SELECT sum(length(block)) FROM crm_customer_search_data");
    }
    const std::string work = dir + "/search-work.crm";
    std::vector<double> first, second, cpu, wal, written, checkpoint;
    for (int round = 0; round < g_flags.rounds && !g_failed; ++round) {
      if (!CopyWorkspace(path, work)) break;
      Rewrite a, b;
      if (!DeleteAndRewrite(work, 2 * round, &a) ||
          !DeleteAndRewrite(work, 2 * round + 1, &b)) {
        break;
      }
      first.push_back(a.optimize.wall_s);
      second.push_back(b.optimize.wall_s);
      cpu.push_back(b.optimize.cpu_s);
      wal.push_back(static_cast<double>(b.wal_bytes));
      written.push_back(static_cast<double>(b.optimize.written));
      checkpoint.push_back(b.checkpoint.wall_s);
      RawFile raw(work);
      if (raw.Integer("SELECT count(*) FROM crm_customer_search") !=
          customers - 2) {
        Failure("search rows after two deletes");
      }
    }
    RemoveWorkspace(work);
    Summary s1 = Summarize(first), s2 = Summarize(second),
            sc = Summarize(checkpoint);
    std::printf(
        "| %lld | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
        static_cast<long long>(customers),
        Megabytes(static_cast<double>(index_bytes)).c_str(),
        Megabytes(static_cast<double>(FileBytes(path))).c_str(),
        Seconds(s1.median).c_str(), Percent(s1.spread).c_str(),
        Seconds(s2.median).c_str(), Percent(s2.spread).c_str(),
        Seconds(Summarize(cpu).median).c_str(),
        Megabytes(Summarize(wal).median).c_str(),
        Megabytes(Summarize(written).median).c_str(),
        Seconds(sc.median).c_str(), Percent(sc.spread).c_str());
    std::fflush(stdout);
  }
}

// ---------------------------------------------------------- secure_delete

// The phases of one secure_delete run and their costs.
using PhaseCosts = std::map<std::string, Cost>;

// Creates, appends, then (libcrm only) updates a fifth of the customers and
// deletes another fifth, one call each; the costs by phase.
bool SecureDeleteRun(const std::string& path, bool libcrm, const Sizes& sizes,
                     PhaseCosts* costs) {
  std::unique_ptr<Store> store =
      libcrm ? NewLibcrmStore() : NewSqliteStore(SqliteLayout::kSameWork);
  if (!store->Open(path)) {
    Failure("opening " + path + ": " + store->error());
    return false;
  }
  // Generated before the clock starts, as the suite's write workloads do.
  std::vector<std::vector<Customer>> customers;
  for (int64_t at = 0; at < sizes.customers; at += sizes.batch) {
    customers.push_back(
        MakeCustomers(sizes, at, std::min(at + sizes.batch, sizes.customers)));
  }
  std::vector<std::vector<Event>> events;
  for (int64_t at = 0; at < sizes.events; at += sizes.batch) {
    events.push_back(
        MakeEvents(sizes, at, std::min(at + sizes.batch, sizes.events)));
  }
  CostMeter create;
  for (const std::vector<Customer>& rows : customers) {
    if (!store->CreateCustomers(rows)) {
      Failure("creating customers: " + store->error());
      return false;
    }
  }
  (*costs)["create"] = create.Stop();
  CostMeter append;
  for (const std::vector<Event>& rows : events) {
    if (!store->AppendEvents(rows)) {
      Failure("appending events: " + store->error());
      return false;
    }
  }
  (*costs)["append"] = append.Stop();
  if (!libcrm) return true;
  auto db = OpenWorkspace(path);
  if (db == nullptr) return false;
  const int64_t fifth = sizes.customers / 5;
  std::unique_ptr<crm_record, RecordFree> changes;
  {
    crm_record* raw = nullptr;
    crm_record_new(&raw);
    changes.reset(raw);
  }
  CostMeter update;
  for (int64_t k = 0; k < fifth; ++k) {
    const std::string notes =
        "Updated: moved to the new ERP, account " + std::to_string(k);
    crm_record_set_text(changes.get(), "notes", notes.c_str());
    crm_record_set_text(changes.get(), "city", k % 2 ? "Zurich" : "Oslo");
    if (crm_customer_update(nullptr, db.get(), store->id(k), 0, changes.get(),
                            "bench") != CRM_OK) {
      Failure("updating: " + LastCrmError());
      return false;
    }
  }
  (*costs)["update"] = update.Stop();
  CostMeter remove;
  for (int64_t k = fifth; k < 2 * fifth; ++k) {
    if (crm_customer_delete(db.get(), store->id(k), 0, "bench") != CRM_OK) {
      Failure("deleting: " + LastCrmError());
      return false;
    }
  }
  (*costs)["delete"] = remove.Stop();
  int64_t count = 0;
  if (crm_customer_count(&count, db.get()) != CRM_OK ||
      count != sizes.customers - fifth) {
    Failure("customers after the deletes: " + std::to_string(count));
    return false;
  }
  return true;
}

void SecureDelete(const std::string& dir) {
  Sizes sizes{g_flags.customers.empty() ? 50000 : g_flags.customers[0],
              g_flags.events > 0 ? g_flags.events : 250000, 10000};
  sizes.batch = std::min<int64_t>(sizes.batch, sizes.customers);
  for (int on : {0, 1}) {  // the setting reaches a connection opened now
    SetSecureDeleteOnOpen(on);
    if (RawFile(":memory:").Integer("PRAGMA secure_delete") != on) {
      Failure("PRAGMA secure_delete not applied to new connections");
    }
  }
  SetSecureDeleteOnOpen(-1);
  // [engine][phase][on] -> CPU seconds, and bytes written
  std::map<std::string, std::map<std::string, std::vector<double>[2]>> cpu,
      written;
  std::vector<std::string> phase_order = {"create", "append", "update",
                                          "delete"};
  for (int round = 0; round < g_flags.rounds && !g_failed; ++round) {
    for (int turn = 0; turn < 2; ++turn) {
      const int on = (round + turn) % 2;
      for (bool libcrm : {true, false}) {
        const std::string engine = libcrm ? "libcrm" : "sqlite_same";
        const std::string path = dir + "/secure-" + engine + ".db";
        RemoveWorkspace(path);
        SetSecureDeleteOnOpen(on);
        PhaseCosts costs;
        const bool ok = SecureDeleteRun(path, libcrm, sizes, &costs);
        SetSecureDeleteOnOpen(-1);
        if (!ok) return;
        for (const auto& [phase, cost] : costs) {
          cpu[engine][phase][on].push_back(cost.cpu_s);
          written[engine][phase][on].push_back(
              static_cast<double>(cost.written));
        }
        RemoveWorkspace(path);
      }
    }
  }
  std::printf(
      "\n## secure_delete ON against OFF: %lld customers (a fifth updated, "
      "a fifth deleted, one call each), %lld events, %d rounds\n"
      "| engine | phase | CPU OFF | spread | CPU ON | spread | ON / OFF | "
      "written OFF | written ON |\n|---|---|---|---|---|---|---|---|---|\n",
      static_cast<long long>(sizes.customers),
      static_cast<long long>(sizes.events), g_flags.rounds);
  std::printf(
      "(this libcrm turns secure_delete on itself when it opens a file, "
      "after the hook: its OFF rows ran with it ON too; measure OFF on a "
      "libcrm without erase)\n");
  for (const std::string engine : {"libcrm", "sqlite_same"}) {
    for (const std::string& phase : phase_order) {
      auto& values = cpu[engine][phase];
      if (values[0].empty()) continue;
      Summary off = Summarize(values[0]), on = Summarize(values[1]);
      char ratio[16];
      std::snprintf(ratio, sizeof ratio, "%.2fx",
                    off.median > 0 ? on.median / off.median : 0);
      std::printf(
          "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", engine.c_str(),
          phase.c_str(), Seconds(off.median).c_str(),
          Percent(off.spread).c_str(), Seconds(on.median).c_str(),
          Percent(on.spread).c_str(), ratio,
          Megabytes(Summarize(written[engine][phase][0]).median).c_str(),
          Megabytes(Summarize(written[engine][phase][1]).median).c_str());
    }
  }
  std::fflush(stdout);
}

// ---------------------------------------------------------------- dataset

// The erase data set (erase_dataset.h) with the flags' sizes.
EraseDataset DatasetOfFlags() {
  EraseDataset dataset;
  if (!g_flags.customers.empty())
    dataset.sizes.customers = g_flags.customers[0];
  if (g_flags.events > 0) dataset.sizes.events = g_flags.events;
  dataset.sizes.batch = std::min(dataset.sizes.batch, dataset.sizes.customers);
  dataset.person_events =
      std::min(dataset.person_events, dataset.sizes.events / 100);
  return dataset;
}

// Builds the erase data set unless it is there, and says what it is.
bool Dataset(const std::string& dir, EraseDataset* dataset) {
  if (std::string error = EnsureEraseDataset(dir, dataset); !error.empty()) {
    Failure(error);
    return false;
  }
  std::printf(
      "\n## Erase data set: %lld customers, %lld events (%lld of one "
      "person): %s, %s\n",
      static_cast<long long>(dataset->sizes.customers),
      static_cast<long long>(dataset->sizes.events),
      static_cast<long long>(dataset->person_events),
      Megabytes(static_cast<double>(FileBytes(dataset->path))).c_str(),
      dataset->generated_s > 0
          ? ("built in " + Seconds(dataset->generated_s)).c_str()
          : "built before (kept)");
  std::fflush(stdout);
  return true;
}

// ------------------------------------------------------------------ erase

// The integer after "key": in a receipt (crm_customer_erase), -1 if absent.
int64_t ReceiptNumber(const std::string& receipt, const std::string& key) {
  const size_t at = receipt.find("\"" + key + "\":");
  if (at == std::string::npos) return -1;
  return std::atoll(receipt.c_str() + at + key.size() + 3);
}

// The number of ids in the receipt's "erased_ids" list.
int64_t ReceiptErasedIds(const std::string& receipt) {
  const size_t begin = receipt.find("\"erased_ids\":[");
  if (begin == std::string::npos) return -1;
  const size_t end = receipt.find(']', begin);
  const std::string list = receipt.substr(begin + 14, end - begin - 14);
  if (list.empty()) return 0;
  return 1 + static_cast<int64_t>(std::count(list.begin(), list.end(), ','));
}

// One erase call measured: its cost, the statements' times inside it, the
// write-ahead log and file it left, and the checkpoint after it.
struct EraseRun {
  Cost cost;
  StatementTimes times;
  int64_t file_before = 0, wal_after = 0, file_after = 0;
  Cost checkpoint;
  int64_t file_checkpointed = 0, wal_checkpointed = 0;
};

// Runs `erase` (which returns a status and sets the receipt), then
// crm_checkpoint, measuring both.
template <typename Erase>
bool MeasureErase(crm_db* db, const std::string& path, Erase erase,
                  std::string* receipt, EraseRun* run) {
  run->file_before = FileBytes(path);
  char* json = nullptr;
  ResetStatementTimes();
  CostMeter meter;
  const int rc = erase(&json);
  run->cost = meter.Stop();
  run->times = GetStatementTimes();
  if (rc != CRM_OK) {
    Failure("erase: " + LastCrmError());
    return false;
  }
  receipt->assign(json);
  crm_string_free(json);
  run->wal_after = FileBytes(path + "-wal");
  run->file_after = FileBytes(path);
  CostMeter checkpoint;
  if (crm_checkpoint(db) != CRM_OK) {
    Failure("checkpoint: " + LastCrmError());
    return false;
  }
  run->checkpoint = checkpoint.Stop();
  run->file_checkpointed = FileBytes(path);
  run->wal_checkpointed = FileBytes(path + "-wal");
  return true;
}

void PrintEraseRow(const std::string& what, const std::string& removed,
                   const std::vector<EraseRun>& runs) {
  std::vector<double> total, rewrite, commit, rest, cpu, written, wal,
      checkpoint;
  for (const EraseRun& run : runs) {
    total.push_back(run.cost.wall_s);
    rewrite.push_back(static_cast<double>(run.times.search_rewrite_ns) / 1e9);
    commit.push_back(static_cast<double>(run.times.commit_ns) / 1e9);
    rest.push_back(run.cost.wall_s - rewrite.back());
    cpu.push_back(run.cost.cpu_s);
    written.push_back(static_cast<double>(run.cost.written));
    wal.push_back(static_cast<double>(run.wal_after));
    checkpoint.push_back(run.checkpoint.wall_s);
  }
  if (runs.empty()) return;
  const EraseRun& last = runs.back();
  Summary t = Summarize(total), r = Summarize(rest), w = Summarize(rewrite),
          c = Summarize(checkpoint);
  std::printf(
      "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | "
      "%s -> %s -> %s | %s | %s |\n",
      what.c_str(), removed.c_str(), Seconds(t.median).c_str(),
      Percent(t.spread).c_str(), Seconds(r.median).c_str(),
      Percent(r.spread).c_str(), Seconds(w.median).c_str(),
      Percent(w.spread).c_str(), Seconds(Summarize(commit).median).c_str(),
      Seconds(Summarize(cpu).median).c_str(),
      Megabytes(Summarize(written).median).c_str(),
      Megabytes(Summarize(wal).median).c_str(),
      std::to_string(last.wal_checkpointed).c_str(),
      Megabytes(static_cast<double>(last.file_before)).c_str(),
      Megabytes(static_cast<double>(last.file_after)).c_str(),
      Megabytes(static_cast<double>(last.file_checkpointed)).c_str(),
      Seconds(c.median).c_str(), Percent(c.spread).c_str());
}

void Erase(const std::string& dir) {
  EraseDataset dataset = DatasetOfFlags();
  if (!Dataset(dir, &dataset)) return;
  const Sizes& sizes = dataset.sizes;
  // erase_where's people: customers whose segment is one of the last five
  // (5 x 200 = 1,000 at the default size), the person (segment 0) aside.
  const int64_t first_segment = std::max<int64_t>(1, sizes.segments() - 5);
  std::vector<bool> chosen(sizes.customers, false);
  int64_t people = 0, people_events = 0;
  for (int64_t k = 1; k < sizes.customers; ++k) {
    chosen[k] = k % sizes.segments() >= first_segment;
    people += chosen[k];
  }
  for (int64_t i = 0; i < sizes.events; ++i) {
    people_events += chosen[EraseDatasetEventCustomer(dataset, i)];
  }
  const std::string work = dir + "/erase-work.crm";
  crm_erase_options options = CRM_ERASE_OPTIONS_INIT;
  options.actor = "bench";
  options.reason = "ticket 19";
  std::vector<EraseRun> one, many;
  for (int round = 0; round < g_flags.rounds && !g_failed; ++round) {
    if (!CopyWorkspace(dataset.path, work)) break;
    auto db = OpenWorkspace(work);
    if (db == nullptr) break;
    const int64_t person = CustomerId(db.get(), 0);
    std::string receipt;
    EraseRun run;
    if (!MeasureErase(
            db.get(), work,
            [&](char** json) {
              return crm_customer_erase(json, db.get(), person, &options);
            },
            &receipt, &run)) {
      break;
    }
    if (ReceiptNumber(receipt, "customers") != 1 ||
        ReceiptNumber(receipt, "events") != dataset.person_events ||
        ReceiptNumber(receipt, "history_events") < 1) {
      Failure("receipt of the person's erase: " + receipt);
      break;
    }
    one.push_back(run);
    std::unique_ptr<crm_query, QueryFree> query;
    {
      crm_query* raw = nullptr;
      crm_query_new(&raw, CRM_QUERY_CUSTOMERS);
      query.reset(raw);
    }
    crm_query_set_filter(query.get(), "segment >= ?");
    crm_record_set_integer(crm_query_params(query.get()), "1", first_segment);
    if (!MeasureErase(
            db.get(), work,
            [&](char** json) {
              return crm_customer_erase_where(json, db.get(), query.get(),
                                              &options);
            },
            &receipt, &run)) {
      break;
    }
    if (ReceiptErasedIds(receipt) != people ||
        ReceiptNumber(receipt, "customers") != people ||
        ReceiptNumber(receipt, "events") != people_events) {
      Failure("receipt of erase_where: expected " + std::to_string(people) +
              " people, " + std::to_string(people_events) +
              " events: " + receipt.substr(0, 300));
      break;
    }
    many.push_back(run);
    int64_t count = 0;
    if (crm_customer_count(&count, db.get()) != CRM_OK ||
        count != sizes.customers - 1 - people) {
      Failure("customers after the erases: " + std::to_string(count));
    }
  }
  RemoveWorkspace(work);
  std::printf(
      "\n## Erase on the data set above, %d rounds (a fresh copy each)\n"
      "| call | removed | total | spread | without the search rewrite | "
      "spread | search rewrite | spread | of which COMMIT | CPU | written | "
      "WAL after | WAL after checkpoint | file before -> after -> "
      "checkpointed | checkpoint | spread |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
      g_flags.rounds);
  PrintEraseRow(
      "crm_customer_erase",
      "1 person, " + std::to_string(dataset.person_events) + " events", one);
  PrintEraseRow("crm_customer_erase_where",
                std::to_string(people) + " people, " +
                    std::to_string(people_events) + " events",
                many);
  std::fflush(stdout);
}

// ------------------------------------------------------------------ main

std::vector<int64_t> ParseList(const char* text) {
  std::vector<int64_t> values;
  for (const char* p = text; *p != '\0';) {
    char* end = nullptr;
    values.push_back(std::strtoll(p, &end, 10));
    p = *end == ',' ? end + 1 : end;
    if (end == p && *p != '\0') break;
  }
  return values;
}

bool ParseFlags(int argc, char** argv) {
  if (argc < 2) return false;
  g_flags.measure = argv[1];
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const char* flag) -> const char* {
      const size_t n = std::strlen(flag);
      return arg.compare(0, n, flag) == 0 ? argv[i] + n : nullptr;
    };
    if (const char* v = value("--dir=")) {
      g_flags.dir = v;
    } else if (const char* v = value("--rounds=")) {
      g_flags.rounds = std::atoi(v);
    } else if (const char* v = value("--customers=")) {
      g_flags.customers = ParseList(v);
    } else if (const char* v = value("--events=")) {
      g_flags.events = std::atoll(v);
    } else {
      return false;
    }
  }
  return g_flags.rounds > 0;
}

}  // namespace
}  // namespace crm_bench

int main(int argc, char** argv) {
  using namespace crm_bench;
  if (!ParseFlags(argc, argv)) {
    std::fprintf(
        stderr,
        "usage: %s search_rewrite|secure_delete|dataset|all [--dir=DIR] "
        "[--rounds=N] [--customers=N,...] [--events=N]\n",
        argv[0]);
    return 2;
  }
  InstallConnectionHooks();
  const bool temporary = g_flags.dir.empty();
  std::string dir = g_flags.dir;
  if (temporary) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "crm-erase-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) return 2;
    dir = pattern;
  } else {
    std::filesystem::create_directories(dir);
  }
  const std::vector<std::string> measures =
      g_flags.measure == "all"
          ? std::vector<std::string>{"search_rewrite", "secure_delete", "erase"}
          : std::vector<std::string>{g_flags.measure};
  for (const std::string& measure : measures) {
    if (measure == "search_rewrite") {
      SearchRewrite(dir);
    } else if (measure == "secure_delete") {
      SecureDelete(dir);
    } else if (measure == "erase") {
      Erase(dir);
    } else if (measure == "dataset") {
      EraseDataset dataset = DatasetOfFlags();
      Dataset(dir, &dataset);
    } else {
      std::fprintf(stderr, "unknown measure %s\n", measure.c_str());
      g_failed = true;
    }
  }
  if (temporary) std::filesystem::remove_all(dir);
  return g_failed ? 1 : 0;
}
