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
#include <random>
#include <thread>

#include "backends.h"
#include "workspace_check.h"

extern char** environ;

namespace crm_reliability {
namespace {

pid_t SpawnWriter(const std::string& workspace, const std::string& report,
                  int64_t first_unit, int64_t units, bool full_sync) {
  std::string first = std::to_string(first_unit), count = std::to_string(units);
  std::string sync = full_sync ? "full" : "normal";
  const char* argv[] = {CRM_CRASH_WRITER, workspace.c_str(), report.c_str(),
                        first.c_str(),    count.c_str(),     sync.c_str(),
                        nullptr};
  pid_t pid = -1;
  if (posix_spawn(&pid, CRM_CRASH_WRITER, nullptr, nullptr,
                  const_cast<char**>(argv), environ) != 0) {
    return -1;
  }
  return pid;
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

TEST_P(CrashSafety, KilledWriterLeavesEveryReportedStepWholeAndNothingMore) {
  const bool postgres = GetParam() == Backend::kPostgres;
  const int iterations = EnvInt("CRM_CRASH_ITERATIONS", postgres ? 20 : 30);
  const unsigned seed = static_cast<unsigned>(EnvInt(
      "CRM_CRASH_SEED",
      static_cast<int>(std::chrono::steady_clock::now().time_since_epoch() /
                       std::chrono::microseconds(1))));
  std::printf("crash safety: seed %u (CRM_CRASH_SEED to replay)\n", seed);
  std::mt19937 random(seed);
  TempDir dir;
  const std::string workspace = NewWorkspace(GetParam(), dir.path(), "crash");
  if (workspace.empty()) GTEST_SKIP() << "CRM_TEST_BACKEND_URL is not set";
  // The writer's sessions on the server, which must be gone before a check.
  const std::string writer_name =
      "crm_crash_writer_" + std::to_string(getpid());
  const std::string writer_location = Marked(workspace, writer_name);
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
    pid_t pid = SpawnWriter(writer_location, report, next_unit, 0, full_sync);
    ASSERT_GT(pid, 0) << "cannot start " << CRM_CRASH_WRITER;
    // Every fifth kill lands early (open, recovery of the last crash); the
    // others once the writer is committing, so that slow builds (sanitizers)
    // are killed mid-write too.
    if (i % 5 != 0) WaitForFirstCommit(report);
    std::this_thread::sleep_for(std::chrono::milliseconds(
        std::uniform_int_distribution<int>(0, 150)(random)));
    kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the writer ended by itself (status " << status
        << "): see its message above";
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

INSTANTIATE_TEST_SUITE_P(Backends, CrashSafety,
                         testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendName);

}  // namespace
}  // namespace crm_reliability
