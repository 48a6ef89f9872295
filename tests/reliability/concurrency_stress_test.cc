// Concurrency stress: threads share one handle and mix every kind of write
// (creates, optimistic updates, events, batches, host transactions) while
// other processes write batches to the same workspace: a file, and a
// PostgreSQL workspace. Nothing may be lost, duplicated or torn.
// CRM_STRESS_OPS scales the work per thread.
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <vector>

#include "backends.h"
#include "fault_workload.h"
#include "workspace_check.h"

extern char** environ;

namespace crm_reliability {
namespace {

constexpr int kThreads = 4;
constexpr int kProcesses = 2;
constexpr int kUnitsPerProcess = 4;

struct Counters {
  std::atomic<int64_t> ops{0};
  std::atomic<int64_t> customers{0};
  std::atomic<int64_t> events{0};
  std::atomic<int64_t> increments{0};
  std::atomic<int64_t> failures{0};
};

int64_t CreateOne(crm_db* db, const std::string& external_id) {
  crm_record* record = nullptr;
  crm_record_new(&record);
  crm_record_set_text(record, "name", external_id.c_str());
  crm_record_set_text(record, "external_id", external_id.c_str());
  crm_record_set_integer(record, "counter", 0);
  int64_t id = 0;
  int rc = crm_customer_create(&id, db, record, "stress");
  crm_record_free(record);
  return rc == CRM_OK ? id : 0;
}

// One optimistic increment of `counter`, retried on conflict.
bool Increment(crm_db* db, int64_t id) {
  for (int attempt = 0; attempt < 1000; ++attempt) {
    crm_record* current = nullptr;
    if (crm_customer_get(&current, db, id) != CRM_OK) return false;
    int64_t value = 0;
    crm_record_get_integer(&value, current, "counter");
    int64_t version = crm_record_version(current);
    crm_record_free(current);
    crm_record* change = nullptr;
    crm_record_new(&change);
    crm_record_set_integer(change, "counter", value + 1);
    int rc = crm_customer_update(nullptr, db, id, version, change, "stress");
    crm_record_free(change);
    if (rc == CRM_OK) return true;
    if (rc != CRM_E_CONFLICT) return false;
  }
  return false;
}

void Worker(crm_db* db, int thread, int rounds, int64_t shared_id,
            Counters* counters) {
  auto check = [&](bool ok) {
    ++counters->ops;
    if (!ok) ++counters->failures;
  };
  for (int i = 0; i < rounds; ++i) {
    std::string prefix = "t" + std::to_string(thread) + "-" + std::to_string(i);
    int64_t id = CreateOne(db, prefix);
    check(id > 0);
    if (id > 0) ++counters->customers;
    bool incremented = Increment(db, shared_id);
    check(incremented);
    if (incremented) ++counters->increments;
    if (id > 0) {
      crm_event* event = nullptr;
      crm_event_new(&event);
      crm_event_set_customer(event, id);
      crm_event_set_type(event, "call");
      crm_event_set_idempotency_key(event, (prefix + "-k").c_str());
      int64_t seq = 0;
      bool appended = crm_event_append(&seq, nullptr, db, event) == CRM_OK;
      crm_event_free(event);
      check(appended);
      if (appended) ++counters->events;
    }
    if (i % 5 == 0) {  // a batch of customers and one of events
      int64_t unit = 1000 + thread * 1000 + i;
      std::string bytes = CustomerBatchBytes(unit);
      crm_batch_report* report = nullptr;
      bool stored =
          crm_customer_write_batch(&report, db, bytes.data(), bytes.size(),
                                   CRM_BATCH_CREATE) == CRM_OK;
      check(stored);
      std::vector<int64_t> ids;
      for (size_t row = 0; stored && row < crm_batch_report_size(report);
           ++row) {
        ids.push_back(crm_batch_report_id(report, row));
      }
      crm_batch_report_free(report);
      if (stored) counters->customers += kRowsPerBatch;
      std::string events = EventBatchBytes(unit, ids);
      bool appended =
          stored && crm_event_append_batch(nullptr, db, events.data(),
                                           events.size()) == CRM_OK;
      check(appended);
      if (appended) counters->events += kRowsPerBatch;
    }
    if (i % 7 == 0) {  // a host transaction, committed or rolled back
      bool keep = i % 14 == 0;
      check(crm_begin(db) == CRM_OK);
      check(CreateOne(db, prefix + "-tx1") > 0);
      check(CreateOne(db, prefix + "-tx2") > 0);
      check((keep ? crm_commit(db) : crm_rollback(db)) == CRM_OK);
      if (keep) counters->customers += 2;
    }
  }
}

class ReliabilityConcurrency : public testing::TestWithParam<Backend> {};

TEST_P(ReliabilityConcurrency, ThreadsAndProcessesLoseNothing) {
  const bool postgres = GetParam() == Backend::kPostgres;
  const int rounds = EnvInt("CRM_STRESS_OPS", 40);
  const std::string dir = MakeTempDir("crm-stress");
  const std::string path = NewWorkspace(GetParam(), dir, "stress");
  if (path.empty()) GTEST_SKIP() << "CRM_TEST_BACKEND_URL is not set";
  crm_open_options options = CRM_OPEN_OPTIONS_INIT;
  options.busy_timeout_ms = 60000;
  crm_db* db = nullptr;
  ASSERT_EQ(OpenWorkspace(&db, path, &options), CRM_OK)
      << crm_last_error_message();
  int64_t field = 0;
  ASSERT_EQ(
      crm_field_define(&field, db, R"({"name": "counter", "type": "integer"})"),
      CRM_OK);
  int64_t shared_id = CreateOne(db, "shared");
  ASSERT_GT(shared_id, 0);

  std::vector<pid_t> writers;
  for (int p = 0; p < kProcesses; ++p) {
    std::string report = dir + "/report-" + std::to_string(p);
    std::string first = std::to_string(100000 * (p + 1));
    std::string units = std::to_string(kUnitsPerProcess);
    const char* argv[] = {CRM_CRASH_WRITER, path.c_str(),  report.c_str(),
                          first.c_str(),    units.c_str(), "normal",
                          nullptr};
    pid_t pid = -1;
    ASSERT_EQ(posix_spawn(&pid, CRM_CRASH_WRITER, nullptr, nullptr,
                          const_cast<char**>(argv), environ),
              0);
    writers.push_back(pid);
  }
  Counters counters;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back(Worker, db, t, rounds, shared_id, &counters);
  }
  for (std::thread& thread : threads) thread.join();
  for (pid_t pid : writers) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "writer process failed, status " << status;
  }
  EXPECT_EQ(counters.failures.load(), 0);

  int64_t process_customers = kProcesses * kUnitsPerProcess * kRowsPerBatch;
  int64_t count = -1;
  EXPECT_EQ(crm_customer_count(&count, db), CRM_OK);
  EXPECT_EQ(count, 1 + counters.customers.load() + process_customers);
  crm_record* shared = nullptr;
  ASSERT_EQ(crm_customer_get(&shared, db, shared_id), CRM_OK);
  int64_t counter = -1;
  crm_record_get_integer(&counter, shared, "counter");
  EXPECT_EQ(counter, counters.increments.load());
  EXPECT_EQ(crm_record_version(shared), 1 + counters.increments.load());
  crm_record_free(shared);
  crm_close(db);

  RawDb raw(path);
  EXPECT_EQ(raw.IntegrityCheck(), "ok");
  EXPECT_EQ(CreatedEvents(raw), count) << "one crm.record.created each";
  EXPECT_EQ(raw.Count("SELECT count(*) FROM crm_events WHERE "
                      "idempotency_key IS NOT NULL"),
            counters.events.load() + process_customers);
  std::filesystem::remove_all(dir);
  int64_t ops = counters.ops.load() + kProcesses * kUnitsPerProcess * 2;
  std::printf(
      "concurrency stress (%s): %lld operations from %d threads and %d "
      "processes\n",
      postgres ? "PostgreSQL" : "SQLite", static_cast<long long>(ops), kThreads,
      kProcesses);
  RecordStat(postgres ? "pg_concurrent_ops" : "concurrent_ops", ops);
  if (postgres) crm_workspace_drop(path.c_str());
}

INSTANTIATE_TEST_SUITE_P(Backends, ReliabilityConcurrency,
                         testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendName);

}  // namespace
}  // namespace crm_reliability
