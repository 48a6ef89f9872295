// Crash safety: a writer process is killed with SIGKILL at random moments;
// after every kill the workspace must be sound (RawDb::IntegrityCheck: on a
// file PRAGMA integrity_check), hold every step the writer reported
// committed, each one whole, and nothing beyond the one commit that was in
// flight. On both backends: a file, and a PostgreSQL workspace (whose server
// must keep running). CRM_CRASH_ITERATIONS runs more iterations,
// CRM_CRASH_SEED replays one run.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "backends.h"
#include "workspace_check.h"

extern char** environ;

namespace crm_reliability {
namespace {

// Starts crm_crash_writer with `args` (see crash_writer.cc); -1 on failure.
pid_t Spawn(const std::vector<std::string>& args) {
  std::vector<const char*> argv = {CRM_CRASH_WRITER};
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, CRM_CRASH_WRITER, nullptr, nullptr,
                  const_cast<char**>(argv.data()), environ) != 0) {
    return -1;
  }
  return pid;
}

pid_t SpawnWriter(const std::string& workspace, const std::string& report,
                  int64_t first_unit, int64_t units, bool full_sync) {
  return Spawn({workspace, report, std::to_string(first_unit),
                std::to_string(units), full_sync ? "full" : "normal"});
}

// Waits (at most 20 s) until the writer reported a commit.
void WaitForFirstCommit(const std::string& report) {
  for (int i = 0; i < 20000; ++i) {
    std::error_code error;
    if (std::filesystem::file_size(report, error) > 0 && !error) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "crm-crash-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A new workspace of `backend` named `name` ("" without a server for
// PostgreSQL), and where the writer opens it: with an application name on
// a server, by which its sessions are found (they must be gone before a
// check).
struct WriterTarget {
  WriterTarget(Backend backend, const TempDir& dir, const std::string& name)
      : workspace(NewWorkspace(backend, dir.path(), name)),
        writer_name("crm_" + name + "_writer_" + std::to_string(getpid())),
        writer_location(Marked(workspace, writer_name)) {}
  const std::string workspace;
  const std::string writer_name;
  const std::string writer_location;
};

class CrashSafety : public testing::TestWithParam<Backend> {};

// The time the server started (on SQLite ""): a server that restarted
// (after a crash of one of its processes) shows another.
std::string ServerStart(const std::string& location) {
  if (!IsWorkspaceUrl(location)) return "";
  RawDb raw(location);
  std::vector<std::string> start =
      raw.Column("SELECT pg_postmaster_start_time()");
  return raw.ok() && start.size() == 1 ? start[0] : "error: " + raw.error();
}

// The kill times' seed: CRM_CRASH_SEED, else the clock; printed under `what`.
unsigned Seed(const char* what) {
  const unsigned seed = static_cast<unsigned>(EnvInt(
      "CRM_CRASH_SEED",
      static_cast<int>(std::chrono::steady_clock::now().time_since_epoch() /
                       std::chrono::microseconds(1))));
  std::printf("%s: seed %u (CRM_CRASH_SEED to replay)\n", what, seed);
  return seed;
}

// Kills the writer `pid` with SIGKILL and reaps it; false (and a gtest
// failure) when it had ended by itself.
bool KillWriter(pid_t pid) {
  kill(pid, SIGKILL);
  int status = 0;
  EXPECT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the writer ended by itself (status " << status
      << "): see its message above";
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

TEST_P(CrashSafety, KilledWriterLeavesEveryReportedStepWholeAndNothingMore) {
  const bool postgres = GetParam() == Backend::kPostgres;
  const int iterations = EnvInt("CRM_CRASH_ITERATIONS", postgres ? 20 : 30);
  std::mt19937 random(Seed("crash safety"));
  TempDir dir;
  const WriterTarget target(GetParam(), dir, "crash");
  const std::string& workspace = target.workspace;
  if (workspace.empty()) GTEST_SKIP() << "CRM_TEST_BACKEND_URL is not set";
  const std::string& writer_name = target.writer_name;
  {
    crm_db* db = nullptr;
    ASSERT_EQ(OpenWorkspace(&db, workspace, nullptr), CRM_OK)
        << crm_last_error_message();
    crm_close(db);
  }
  const std::string server_start = ServerStart(workspace);
  std::set<int64_t> reported, expected;  // expected: reported + in flight
  int64_t next_unit = 0;
  int kills = 0, in_flight_applied = 0;
  for (int i = 0; i < iterations; ++i) {
    const std::string report = dir.File("report-" + std::to_string(i));
    const bool full_sync = i % 2 == 1;
    pid_t pid =
        SpawnWriter(target.writer_location, report, next_unit, 0, full_sync);
    ASSERT_GT(pid, 0) << "cannot start " << CRM_CRASH_WRITER;
    // Every fifth kill lands early (open, recovery of the last crash); the
    // others once the writer is committing, so that slow builds (sanitizers)
    // are killed mid-write too.
    if (i % 5 != 0) WaitForFirstCommit(report);
    std::this_thread::sleep_for(std::chrono::milliseconds(
        std::uniform_int_distribution<int>(0, 150)(random)));
    ASSERT_TRUE(KillWriter(pid));
    ++kills;
    // On PostgreSQL the server ends the killed writer's session and its
    // transaction, or finishes the COMMIT it had received: wait for it.
    ASSERT_TRUE(WaitForSessionsToEnd(workspace, writer_name))
        << "iteration " << i << ": the killed writer's session lives on";
    ASSERT_EQ(ServerStart(workspace), server_start)
        << "iteration " << i << ": the server restarted";

    std::set<int64_t> committed = ReadReport(report);
    int64_t last = committed.empty() ? -1 : *committed.rbegin();
    std::set<int64_t> may_be_stored = NextCommit(next_unit, last);
    reported.insert(committed.begin(), committed.end());
    expected.insert(committed.begin(), committed.end());

    WorkspaceContents contents = ReadContents(workspace);
    ASSERT_EQ(contents.error, "") << "iteration " << i;
    ASSERT_EQ(contents.integrity, "ok") << "iteration " << i;
    ASSERT_TRUE(contents.torn.empty())
        << "iteration " << i << ": " << contents.torn.front();
    for (int64_t step : reported) {
      ASSERT_TRUE(contents.steps.count(step))
          << "iteration " << i << ": step " << step
          << " was reported committed but is not stored";
    }
    for (int64_t step : contents.steps) {
      if (expected.count(step)) continue;
      ASSERT_TRUE(may_be_stored.count(step))
          << "iteration " << i << ": step " << step
          << " is stored but was neither reported nor in flight";
      expected.insert(step);
      ++in_flight_applied;
    }
    ASSERT_EQ(contents.created_events, contents.customers)
        << "every stored customer has its crm.record.created event";

    // libcrm opens the file the crash left and agrees with the raw view.
    crm_db* db = nullptr;
    ASSERT_EQ(OpenWorkspace(&db, workspace, nullptr), CRM_OK)
        << crm_last_error_message();
    int64_t count = -1;
    EXPECT_EQ(crm_customer_count(&count, db), CRM_OK);
    EXPECT_EQ(count, contents.customers);
    if (!contents.steps.empty()) {
      int64_t unit = *contents.steps.rbegin() / 2;
      crm_record* record = nullptr;
      EXPECT_EQ(crm_customer_get_by_external_id(&record, db,
                                                ExternalId(unit, 0).c_str()),
                CRM_OK);
      crm_record_free(record);
    }
    crm_close(db);
    next_unit =
        contents.steps.empty() ? next_unit : *contents.steps.rbegin() / 2 + 1;
  }
  std::printf(
      "crash safety (%s): %d iterations, %d SIGKILLs, %zu steps reported "
      "committed, %d in-flight commits found stored, %lld customers\n",
      postgres ? "PostgreSQL" : "SQLite", iterations, kills, reported.size(),
      in_flight_applied,
      static_cast<long long>(ReadContents(workspace).customers));
  EXPECT_GT(reported.size(), 0u) << "the writer never committed anything";
  const std::string prefix = postgres ? "pg_" : "";
  RecordStat(prefix + "crash_iterations", iterations);
  RecordStat(prefix + "crash_kills", kills);
  RecordStat(prefix + "crash_steps_committed",
             static_cast<int64_t>(reported.size()));
  if (postgres) crm_workspace_drop(workspace.c_str());
}

// Writes units [first, first + units) as the crash writer does, in this
// process; false (and a gtest failure) when a call fails.
bool WriteUnits(const std::string& workspace, int64_t first, int64_t units) {
  crm_db* db = nullptr;
  EXPECT_EQ(OpenWorkspace(&db, workspace, nullptr), CRM_OK)
      << crm_last_error_message();
  bool ok = db != nullptr;
  for (int64_t unit = first; ok && unit < first + units; ++unit) {
    const std::string customers =
        CustomerBatchBytes(unit, NowMicros() - 86400LL * 1000000);
    crm_batch_report* batch = nullptr;
    ok = crm_customer_write_batch(&batch, db, customers.data(),
                                  customers.size(), CRM_BATCH_CREATE) == CRM_OK;
    std::vector<int64_t> ids;
    for (size_t row = 0; ok && row < crm_batch_report_size(batch); ++row) {
      ids.push_back(crm_batch_report_id(batch, row));
    }
    crm_batch_report_free(batch);
    const std::string events = EventBatchBytes(unit, ids);
    ok = ok && crm_event_append_batch(nullptr, db, events.data(),
                                      events.size()) == CRM_OK;
    // As the writer: every third unit's first customer changes late.
    ok = ok && (unit % 3 != 0 || ChangeLate(db, ids[0]) == CRM_OK);
    EXPECT_TRUE(ok) << "unit " << unit << ": " << crm_last_error_message();
  }
  crm_close(db);
  return ok;
}

// Starts the writer in `mode` ("erase", "merge") on `target`, kills it 0
// to *window_us microseconds after it reported "ready", and waits for its
// session to end. Returns whether its call had returned (it reported
// "<done_word> <microseconds>"); adapts *window_us to the call's duration
// (1.5 times it), or doubles it when no call finished, so that kills fall
// both inside the call and after it. Fails the test when the writer cannot
// start or its session lives on.
bool KillDuringCall(const WriterTarget& target, const std::string& report,
                    const char* mode, bool full, const char* done_word,
                    std::mt19937& random, int* window_us) {
  pid_t pid =
      Spawn({target.writer_location, report, mode, full ? "full" : "normal"});
  EXPECT_GT(pid, 0) << "cannot start " << CRM_CRASH_WRITER;
  if (pid <= 0) return false;
  WaitForFirstCommit(report);  // "ready"
  std::this_thread::sleep_for(std::chrono::microseconds(
      std::uniform_int_distribution<int>(0, *window_us)(random)));
  EXPECT_TRUE(KillWriter(pid));
  EXPECT_TRUE(WaitForSessionsToEnd(target.workspace, target.writer_name))
      << "the killed writer's session lives on";
  std::ifstream lines(report);
  std::string line;
  const std::string prefix = std::string(done_word) + " ";
  bool done = false;
  while (std::getline(lines, line)) {
    if (line.rfind(prefix, 0) == 0) {
      done = true;
      *window_us =
          std::max(2000, std::atoi(line.c_str() + prefix.size()) * 3 / 2);
    }
  }
  if (!done) *window_us = std::min(*window_us * 2, 5000000);
  return done;
}

// A writer killed while crm_customer_erase_where() erases every customer
// (each with its history and a keyed event) leaves all of them erased, each
// with its tombstone, or none: the workspace sound, libcrm opening it and
// counting what the raw view counts. The kill lands 0 to 1.5 times the
// last finished erase's duration after the writer reported it was about to
// call (the window doubles after a kill that found none finished), so that
// kills fall both inside the call and after it.
TEST_P(CrashSafety, KilledEraseWhereErasesAllOrNone) {
  const bool postgres = GetParam() == Backend::kPostgres;
  const int iterations =
      EnvInt("CRM_CRASH_ERASE_ITERATIONS", postgres ? 8 : 12);
  const int64_t units = 10;  // 200 customers and 200 events an iteration
  std::mt19937 random(Seed("crash during erase"));
  TempDir dir;
  const WriterTarget target(GetParam(), dir, "erase");
  const std::string& workspace = target.workspace;
  if (workspace.empty()) GTEST_SKIP() << "CRM_TEST_BACKEND_URL is not set";
  std::string server_start;  // once the workspace exists
  int64_t next_unit = 0, alive = 0, tombstones = 0;
  int none = 0, all = 0, reported_done = 0;
  int window_us = 50000;  // adapted to the erase's duration
  for (int i = 0; i < iterations; ++i) {
    ASSERT_TRUE(WriteUnits(workspace, next_unit, units));
    if (i == 0) server_start = ServerStart(workspace);
    next_unit += units;
    alive += units * kRowsPerBatch;
    const std::string report = dir.File("erase-" + std::to_string(i));
    const bool done = KillDuringCall(target, report, "erase", i % 2 == 1,
                                     "erased", random, &window_us);
    if (HasFailure()) break;

    WorkspaceContents contents = ReadContents(workspace);
    ASSERT_EQ(contents.error, "") << "iteration " << i;
    ASSERT_EQ(contents.integrity, "ok") << "iteration " << i;
    ASSERT_TRUE(contents.torn.empty())
        << "iteration " << i << ": " << contents.torn.front();
    RawDb raw(workspace);
    const int64_t added = TombstoneEvents(raw) - tombstones;
    if (contents.customers == 0) {
      EXPECT_EQ(added, alive) << "iteration " << i << ": all erased, but "
                              << added << " tombstones for " << alive;
      EXPECT_TRUE(contents.steps.empty()) << "iteration " << i;
      ++all;
      tombstones += added;
      alive = 0;
    } else {
      EXPECT_FALSE(done) << "iteration " << i
                         << ": the erase returned, but customers are left";
      EXPECT_EQ(contents.customers, alive)
          << "iteration " << i << ": some customers erased, not all";
      EXPECT_EQ(added, 0) << "iteration " << i << ": tombstones of a "
                          << "rolled-back erase";
      EXPECT_EQ(static_cast<int64_t>(contents.steps.size()),
                2 * alive / kRowsPerBatch)
          << "iteration " << i << ": events of some customers gone";
      ++none;
    }
    reported_done += done;
    ASSERT_EQ(contents.created_events, contents.customers) << "iteration " << i;
    crm_db* db = nullptr;
    ASSERT_EQ(OpenWorkspace(&db, workspace, nullptr), CRM_OK)
        << crm_last_error_message();
    int64_t count = -1;
    EXPECT_EQ(crm_customer_count(&count, db), CRM_OK);
    EXPECT_EQ(count, contents.customers);
    crm_close(db);
    if (HasFailure()) break;
  }
  EXPECT_EQ(ServerStart(workspace), server_start) << "the server restarted";
  std::printf(
      "crash during erase (%s): %d SIGKILLs during or after "
      "crm_customer_erase_where: %d left every customer erased (%d after "
      "the call returned), %d left none erased\n",
      postgres ? "PostgreSQL" : "SQLite", iterations, all, reported_done, none);
  const std::string prefix = postgres ? "pg_" : "";
  RecordStat(prefix + "crash_erase_kills", iterations);
  if (postgres) crm_workspace_drop(workspace.c_str());
}

// A writer killed while crm_customer_merge() merges every customer into
// the first leaves all of them merged (one customer left, a merge row for
// each other one) or none: the workspace sound, libcrm opening it and
// counting what the raw view counts. Kills are timed as for the erase.
TEST_P(CrashSafety, KilledMergeMergesAllOrNone) {
  const bool postgres = GetParam() == Backend::kPostgres;
  const int iterations =
      EnvInt("CRM_CRASH_MERGE_ITERATIONS", postgres ? 6 : 10);
  const int64_t units = 10;  // 200 customers an iteration
  std::mt19937 random(Seed("crash during merge"));
  TempDir dir;
  const WriterTarget target(GetParam(), dir, "merge");
  const std::string& workspace = target.workspace;
  if (workspace.empty()) GTEST_SKIP() << "CRM_TEST_BACKEND_URL is not set";
  int64_t next_unit = 0, alive = 0, merge_rows = 0;
  int none = 0, all = 0, reported_done = 0;
  int window_us = 50000;  // adapted to the merge's duration
  for (int i = 0; i < iterations; ++i) {
    ASSERT_TRUE(WriteUnits(workspace, next_unit, units));
    next_unit += units;
    alive += units * kRowsPerBatch;
    const std::string report = dir.File("merge-" + std::to_string(i));
    const bool done = KillDuringCall(target, report, "merge", i % 2 == 1,
                                     "merged", random, &window_us);
    if (HasFailure()) break;

    RawDb raw(workspace);
    ASSERT_EQ(raw.IntegrityCheck(), "ok") << "iteration " << i;
    const int64_t customers = raw.Count("SELECT count(*) FROM crm_customers");
    const int64_t rows = raw.Count("SELECT count(*) FROM crm_merges");
    if (customers == 1) {
      EXPECT_EQ(rows, merge_rows + alive - 1)
          << "iteration " << i << ": all merged, but not every merge row";
      ++all;
      merge_rows = rows;
      alive = 1;
    } else {
      EXPECT_FALSE(done) << "iteration " << i
                         << ": the merge returned, but customers are left";
      EXPECT_EQ(customers, alive)
          << "iteration " << i << ": some customers merged, not all";
      EXPECT_EQ(rows, merge_rows)
          << "iteration " << i << ": merge rows of a rolled-back merge";
      ++none;
    }
    reported_done += done;
    crm_db* db = nullptr;
    ASSERT_EQ(OpenWorkspace(&db, workspace, nullptr), CRM_OK)
        << crm_last_error_message();
    int64_t count = -1;
    EXPECT_EQ(crm_customer_count(&count, db), CRM_OK);
    EXPECT_EQ(count, customers);
    char* verified = nullptr;
    ASSERT_EQ(crm_verify(&verified, db), CRM_OK);
    EXPECT_NE(std::string(verified).find("\"ok\":true"), std::string::npos)
        << "iteration " << i << ": " << verified;
    crm_string_free(verified);
    crm_close(db);
    if (HasFailure()) break;
  }
  std::printf(
      "crash during merge (%s): %d SIGKILLs during or after "
      "crm_customer_merge: %d left every customer merged (%d after the call "
      "returned), %d left none merged\n",
      postgres ? "PostgreSQL" : "SQLite", iterations, all, reported_done, none);
  const std::string prefix = postgres ? "pg_" : "";
  RecordStat(prefix + "crash_merge_kills", iterations);
  if (postgres) crm_workspace_drop(workspace.c_str());
}

// The number of customers of the import files, each with one event.
constexpr int kImportRows = 1500;

// Writes the files the import mode reads: kImportRows customers
// (external_id, name, city) and one event each (customer, occurred_at,
// note).
void WriteImportFiles(const std::string& customers, const std::string& events) {
  std::ofstream people(customers, std::ios::binary);
  std::ofstream visits(events, std::ios::binary);
  people << "external_id,name,city\r\n";
  visits << "customer,occurred_at,note\r\n";
  for (int i = 0; i < kImportRows; ++i) {
    people << "imp-" << i << ",\"Person " << i << "\",City " << i % 7 << "\r\n";
    visits << "imp-" << i << ",2024-05-0" << 1 + i % 9 << "T10:00:00Z,visit "
           << i << "\r\n";
  }
}

// A writer killed while crm_import imports customers and then their events
// (in batches of 97 rows), at 0 to 1.5 times the last finished import's
// duration after it reported it was about to start: the workspace is sound,
// and importing the same files again to completion ends with exactly one
// complete import's customers and events (none lost, none doubled).
TEST_P(CrashSafety, KilledImportCompletesWhenRunAgain) {
  const bool postgres = GetParam() == Backend::kPostgres;
  const int iterations =
      EnvInt("CRM_CRASH_IMPORT_ITERATIONS", postgres ? 5 : 8);
  std::mt19937 random(Seed("crash during import"));
  TempDir dir;
  const std::string customers = dir.File("customers.csv");
  const std::string events = dir.File("events.csv");
  WriteImportFiles(customers, events);
  int window_us = 200000;  // adapted to the import's duration
  int finished = 0, killed_inside = 0;
  for (int i = 0; i < iterations; ++i) {
    const WriterTarget target(GetParam(), dir, "import" + std::to_string(i));
    const std::string& workspace = target.workspace;
    if (workspace.empty()) GTEST_SKIP() << "CRM_TEST_BACKEND_URL is not set";
    const std::string report = dir.File("import-" + std::to_string(i));
    pid_t pid = Spawn({target.writer_location, report, "import", customers,
                       events, i % 2 == 1 ? "full" : "normal"});
    ASSERT_GT(pid, 0) << "cannot start " << CRM_CRASH_WRITER;
    WaitForFirstCommit(report);  // "ready"
    std::this_thread::sleep_for(std::chrono::microseconds(
        std::uniform_int_distribution<int>(0, window_us)(random)));
    ASSERT_TRUE(KillWriter(pid));
    ASSERT_TRUE(WaitForSessionsToEnd(workspace, target.writer_name))
        << "iteration " << i << ": the killed writer's session lives on";
    std::ifstream lines(report);
    std::string line;
    bool done = false;
    while (std::getline(lines, line)) {
      if (line.rfind("imported ", 0) == 0) {
        done = true;
        window_us = std::max(2000, std::atoi(line.c_str() + 9) * 3 / 2);
      }
    }
    if (!done) window_us = std::min(window_us * 2, 5000000);
    finished += done;
    killed_inside += !done;

    WorkspaceContents contents = ReadContents(workspace);
    ASSERT_EQ(contents.error, "") << "iteration " << i;
    ASSERT_EQ(contents.integrity, "ok") << "iteration " << i;
    crm_db* db = nullptr;
    ASSERT_EQ(OpenWorkspace(&db, workspace, nullptr), CRM_OK)
        << crm_last_error_message();
    int64_t before = -1;
    EXPECT_EQ(crm_customer_count(&before, db), CRM_OK);
    EXPECT_LE(before, kImportRows) << "iteration " << i;
    // Run again to completion with the same files.
    crm_import_options options = CRM_IMPORT_OPTIONS_INIT;
    EXPECT_EQ(crm_import(nullptr, db, customers.c_str(), &options), CRM_OK)
        << crm_last_error_message();
    options.target = CRM_DATA_EVENTS;
    options.mapping_json =
        R"({"customer": {"column": "customer", "by": "external_id"},
            "type": "visit"})";
    char* json = nullptr;
    EXPECT_EQ(crm_import(&json, db, events.c_str(), &options), CRM_OK)
        << crm_last_error_message();
    const std::string events_report = json ? json : "";
    crm_string_free(json);
    EXPECT_NE(events_report.find("\"rejected\":0,"), std::string::npos)
        << events_report;
    int64_t count = -1;
    EXPECT_EQ(crm_customer_count(&count, db), CRM_OK);
    EXPECT_EQ(count, kImportRows) << "iteration " << i;
    // Every customer once, with exactly one visit.
    int64_t visits = 0, after_seq = 0;
    std::set<int64_t> visited;
    for (;;) {
      crm_event_page* page = nullptr;
      ASSERT_EQ(crm_event_follow(&page, db, after_seq, 10000), CRM_OK);
      size_t size = crm_event_page_size(page);
      for (size_t e = 0; e < size; ++e) {
        crm_event* event = crm_event_page_at(page, e);
        after_seq = crm_event_seq(event);
        if (std::string(crm_event_type(event)) != "visit") continue;
        ++visits;
        visited.insert(crm_event_customer(event));
      }
      crm_event_page_free(page);
      if (size == 0) break;
    }
    EXPECT_EQ(visits, kImportRows) << "iteration " << i;
    EXPECT_EQ(static_cast<int64_t>(visited.size()), kImportRows)
        << "iteration " << i;
    crm_close(db);
    if (postgres) crm_workspace_drop(workspace.c_str());
    if (HasFailure()) break;
  }
  std::printf(
      "crash during import (%s): %d SIGKILLs, %d during the import, %d "
      "after it; every rerun completed it exactly\n",
      postgres ? "PostgreSQL" : "SQLite", iterations, killed_inside, finished);
  RecordStat(std::string(postgres ? "pg_" : "") + "crash_import_kills",
             iterations);
}

INSTANTIATE_TEST_SUITE_P(Backends, CrashSafety,
                         testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendName);

}  // namespace
}  // namespace crm_reliability
