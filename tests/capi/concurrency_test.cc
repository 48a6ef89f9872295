// One handle shared by threads; several processes on one file.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "test_support.h"

namespace crm_test {
namespace {

// Creates a customer as a worker thread does: its id, or minus the status.
int64_t CreateFromThread(crm_db* db, const std::string& name) {
  Record record = NewRecord();
  crm_record_set_text(record.get(), "name", name.c_str());
  int64_t id = 0;
  int rc = crm_customer_create(&id, db, record.get(), "thread");
  return rc == CRM_OK ? id : -rc;
}

TEST(Concurrency, ThreadsShareOneHandle) {
  TempDir dir;
  Db db = OpenDb(dir.File("threads.crm"));
  Define(db.get(), R"({"name": "counter", "type": "integer"})");
  constexpr int kThreads = 4, kPerThread = 200;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        int64_t id = CreateFromThread(
            db.get(), "t" + std::to_string(t) + "-" + std::to_string(i));
        if (id <= 0) {
          ++failures;
          continue;
        }
        crm_record* got = nullptr;
        if (crm_customer_get(&got, db.get(), id) != CRM_OK) ++failures;
        crm_record_free(got);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Count(db.get()), kThreads * kPerThread);
}

// Waits for forked test processes, expecting each to exit with 0.
void WaitForChildren(const std::vector<pid_t>& children) {
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
}

// Reads customer `id`'s "counter" and writes it back plus one, expecting
// the version read: the status of the read or of the update.
int TryIncrement(crm_db* db, int64_t id) {
  crm_record* current = nullptr;
  int rc = crm_customer_get(&current, db, id);
  if (rc != CRM_OK) return rc;
  int64_t value = 0;
  crm_record_get_integer(&value, current, "counter");
  int64_t version = crm_record_version(current);
  crm_record_free(current);
  Record change = NewRecord();
  crm_record_set_integer(change.get(), "counter", value + 1);
  return crm_customer_update(nullptr, db, id, version, change.get(), nullptr);
}

// Appends an event of `type` to `customer` with idempotency `key`; the seq
// and whether the key was there already, or minus the status.
int64_t AppendKeyed(crm_db* db, int64_t customer, const std::string& key,
                    int* duplicate) {
  crm_event* event = nullptr;
  if (crm_event_new(&event) != CRM_OK) return -CRM_E_NOMEM;
  crm_event_set_customer(event, customer);
  crm_event_set_type(event, "test.ping");
  crm_event_set_channel(event, "shared");
  crm_event_set_idempotency_key(event, key.c_str());
  int64_t seq = 0;
  int rc = crm_event_append(&seq, duplicate, db, event);
  crm_event_free(event);
  return rc == CRM_OK ? seq : -rc;
}

// Every event of the log, by following it from the start.
std::vector<std::pair<int64_t, std::string>> FollowAll(crm_db* db) {
  std::vector<std::pair<int64_t, std::string>> events;
  int64_t after = 0;
  for (;;) {
    crm_event_page* page = nullptr;
    EXPECT_EQ(crm_event_follow(&page, db, after, 1000), CRM_OK)
        << crm_last_error_message();
    size_t size = crm_event_page_size(page);
    for (size_t i = 0; i < size; ++i) {
      crm_event* event = crm_event_page_at(page, i);
      events.emplace_back(crm_event_seq(event),
                          crm_event_idempotency_key(event));
      after = crm_event_seq(event);
    }
    crm_event_page_free(page);
    if (size == 0) return events;
  }
}

// Threads with a handle each (on PostgreSQL: a connection each, writing
// truly at once) create customers, increment one shared counter with
// optimistic versions, and append events whose keys they partly share.
TEST(Concurrency, HandlesOfOneWorkspaceWriteAtOnce) {
  TempDir dir;
  const std::string path = dir.File("writers.crm");
  Db setup = OpenDb(path);
  Define(setup.get(), R"({"name": "counter", "type": "integer"})");
  Record initial = NewRecord();
  crm_record_set_integer(initial.get(), "counter", 0);
  const int64_t counter = Create(setup.get(), initial.get());
  constexpr int kThreads = 4, kRounds = 25;
  std::mutex mutex;
  std::vector<int64_t> created;                         // guarded by mutex
  std::map<std::string, std::vector<int64_t>> firsts;   // key -> seqs
  std::map<std::string, std::vector<int64_t>> repeats;  // key -> seqs
  std::atomic<int> failures{0}, increments{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      crm_db* raw = nullptr;
      if (OpenOn(&raw, path, nullptr) != CRM_OK) {
        ++failures;
        return;
      }
      Db db(raw);
      for (int i = 0; i < kRounds; ++i) {
        int64_t id = CreateFromThread(
            db.get(), "w" + std::to_string(t) + "-" + std::to_string(i));
        if (id <= 0) ++failures;
        for (;;) {
          int rc = TryIncrement(db.get(), counter);
          if (rc == CRM_OK) {
            ++increments;
            break;
          }
          if (rc != CRM_E_CONFLICT && rc != CRM_E_BUSY) {
            ++failures;
            break;
          }
        }
        // One key every thread appends, one of this thread's own.
        for (const std::string& key :
             {"shared-" + std::to_string(i),
              "own-" + std::to_string(t) + "-" + std::to_string(i)}) {
          int duplicate = -1;
          int64_t seq = AppendKeyed(db.get(), counter, key, &duplicate);
          std::lock_guard<std::mutex> lock(mutex);
          if (seq <= 0) {
            ++failures;
            ADD_FAILURE() << key << ": " << -seq << " "
                          << crm_last_error_message();
            continue;
          }
          (duplicate ? repeats : firsts)[key].push_back(seq);
        }
        std::lock_guard<std::mutex> lock(mutex);
        if (id > 0) created.push_back(id);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Count(setup.get()), 1 + kThreads * kRounds);
  std::sort(created.begin(), created.end());
  EXPECT_EQ(std::adjacent_find(created.begin(), created.end()), created.end());
  // Every successful increment counted: none lost to another writer.
  EXPECT_EQ(increments.load(), kThreads * kRounds);
  int64_t final_value = -1;
  crm_record_get_integer(&final_value, Get(setup.get(), counter).get(),
                         "counter");
  EXPECT_EQ(final_value, increments.load());
  // One event per key; those who came second got the first one's seq.
  EXPECT_EQ(firsts.size(), static_cast<size_t>(kRounds + kThreads * kRounds));
  for (const auto& [key, seqs] : firsts) {
    ASSERT_EQ(seqs.size(), 1u) << key;
    for (int64_t seq : repeats[key]) EXPECT_EQ(seq, seqs[0]) << key;
    EXPECT_EQ(seqs.size() + repeats[key].size(),
              key.rfind("shared-", 0) == 0 ? size_t{kThreads} : size_t{1})
        << key;
  }
  // The log, followed from the start once every writer ended: unique seqs
  // in order, each key once, and the mark at the last of them.
  std::vector<std::pair<int64_t, std::string>> log = FollowAll(setup.get());
  std::map<std::string, int> keys;
  for (size_t i = 0; i < log.size(); ++i) {
    if (i > 0) {
      EXPECT_LT(log[i - 1].first, log[i].first);
    }
    if (!log[i].second.empty()) ++keys[log[i].second];
  }
  EXPECT_EQ(keys.size(), firsts.size());
  for (const auto& [key, count] : keys) EXPECT_EQ(count, 1) << key;
  int64_t high_water = 0;
  ASSERT_EQ(crm_event_high_water(&high_water, setup.get()), CRM_OK);
  ASSERT_FALSE(log.empty());
  EXPECT_GE(high_water, log.back().first);
}

// The seqs crm_event_follow() returns from the start.
std::vector<int64_t> FollowedSeqs(crm_db* db) {
  std::vector<int64_t> seqs;
  for (const auto& [seq, key] : FollowAll(db)) seqs.push_back(seq);
  return seqs;
}

bool Contains(const std::vector<int64_t>& seqs, int64_t seq) {
  return std::find(seqs.begin(), seqs.end(), seq) != seqs.end();
}

// PostgreSQL: while one handle's transaction holds an appended event (seq
// s), another handle appends and creates without waiting for it, and a
// follower sees neither s nor the later committed seqs until that
// transaction ends; rolled back, s is a hole the mark passes.
TEST(Concurrency, WritersDoNotWaitAndFollowersStopBelowAnOpenOne) {
  // Registered for PostgreSQL only (tests/CMakeLists.txt): writers of a
  // file take turns.
  ASSERT_TRUE(OnPostgres());
  TempDir dir;
  const std::string path = dir.File("mark.crm");
  Db holder = OpenDb(path);
  Db follower = OpenDb(path);
  // Waiting 200 ms for the holder would fail this handle's calls as busy.
  crm_open_options quick = CRM_OPEN_OPTIONS_INIT;
  quick.busy_timeout_ms = 200;
  crm_db* raw = nullptr;
  ASSERT_EQ(OpenOn(&raw, path, &quick), CRM_OK) << crm_last_error_message();
  Db other(raw);
  const int64_t customer = CreateNamed(holder.get(), "Ada");
  // The event's type and channel are interned before: a string new in the
  // holder's transaction would make the other wait for it (its unique
  // index), as a new unique value does.
  int duplicate = 0;
  ASSERT_GT(AppendKeyed(holder.get(), customer, "warm", &duplicate), 0);
  for (const bool commit : {false, true}) {
    SCOPED_TRACE(commit ? "committed" : "rolled back");
    const std::string round = commit ? "c" : "r";
    ASSERT_EQ(crm_begin(holder.get()), CRM_OK);
    const int64_t held =
        AppendKeyed(holder.get(), customer, "held-" + round, &duplicate);
    ASSERT_GT(held, 0) << crm_last_error_message();
    const int64_t later =
        AppendKeyed(other.get(), customer, "later-" + round, &duplicate);
    ASSERT_GT(later, held) << crm_last_error_message();
    EXPECT_GT(CreateFromThread(other.get(), "Bob-" + round), 0)
        << crm_last_error_message();
    int64_t mark = 0;
    ASSERT_EQ(crm_event_high_water(&mark, follower.get()), CRM_OK);
    EXPECT_LT(mark, held);
    std::vector<int64_t> seen = FollowedSeqs(follower.get());
    ASSERT_FALSE(seen.empty());  // what committed before is there
    EXPECT_LT(seen.back(), held);
    EXPECT_FALSE(Contains(seen, later));
    ASSERT_EQ(commit ? crm_commit(holder.get()) : crm_rollback(holder.get()),
              CRM_OK);
    ASSERT_EQ(crm_event_high_water(&mark, follower.get()), CRM_OK);
    EXPECT_GE(mark, later);
    seen = FollowedSeqs(follower.get());
    EXPECT_TRUE(Contains(seen, later));
    EXPECT_EQ(Contains(seen, held), commit);
  }
}

TEST(Concurrency, OptimisticUpdatesFromThreadsLoseNothing) {
  Db db = OpenDb(":memory:");
  Define(db.get(), R"({"name": "counter", "type": "integer"})");
  Record initial = NewRecord();
  crm_record_set_integer(initial.get(), "counter", 0);
  int64_t id = Create(db.get(), initial.get());
  constexpr int kThreads = 4, kIncrements = 50;
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int done = 0; done < kIncrements;) {
        int rc = TryIncrement(db.get(), id);
        if (rc == CRM_OK) {
          ++done;
        } else {
          ASSERT_EQ(rc, CRM_E_CONFLICT);
          ++conflicts;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  Record final_record = Get(db.get(), id);
  int64_t value = 0;
  crm_record_get_integer(&value, final_record.get(), "counter");
  EXPECT_EQ(value, kThreads * kIncrements);
  EXPECT_EQ(crm_record_version(final_record.get()), 1 + kThreads * kIncrements);
}

TEST(Concurrency, TransactionBelongsToTheThreadThatBeganIt) {
  Db db = OpenDb(":memory:");
  ASSERT_EQ(crm_begin(db.get()), CRM_OK);
  CreateFromThread(db.get(), "inside");
  std::atomic<bool> other_done{false};
  int64_t seen_by_other = -1;
  std::thread other([&] {
    seen_by_other = Count(db.get());  // waits for the transaction to end
    other_done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(other_done.load());
  ASSERT_EQ(crm_rollback(db.get()), CRM_OK);
  other.join();
  EXPECT_EQ(seen_by_other, 0);
}

TEST(Concurrency, TwoProcessesWriteOneFile) {
  TempDir dir;
  std::string path = dir.File("shared.crm");
  OpenDb(path).reset();  // create the workspace before forking
  constexpr int kPerProcess = 150;
  std::vector<pid_t> children;
  for (int p = 0; p < 2; ++p) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      crm_db* db = nullptr;
      if (OpenOn(&db, path, nullptr) != CRM_OK) _exit(2);
      for (int i = 0; i < kPerProcess; ++i) {
        Record record;
        crm_record* raw = nullptr;
        crm_record_new(&raw);
        record.reset(raw);
        std::string name = "p" + std::to_string(p) + "-" + std::to_string(i);
        crm_record_set_text(raw, "name", name.c_str());
        int64_t id = 0;
        if (crm_customer_create(&id, db, raw, "process") != CRM_OK) _exit(3);
      }
      crm_close(db);
      _exit(0);
    }
    children.push_back(pid);
  }
  WaitForChildren(children);
  EXPECT_EQ(Count(OpenDb(path).get()), 2 * kPerProcess);
}

// Three processes create customers and append events to one workspace at
// once (on PostgreSQL truly at once, on a file in turns), some events under
// keys all of them use: counts exact, every key once, seqs unique.
TEST(Concurrency, ProcessesCreateAndAppendAtOnce) {
  TempDir dir;
  const std::string path = dir.File("processes.crm");
  int64_t customer = 0;
  {
    Db setup = OpenDb(path);
    customer = CreateNamed(setup.get(), "Ada");
    int duplicate = 0;
    ASSERT_GT(AppendKeyed(setup.get(), customer, "warm", &duplicate), 0);
  }
  constexpr int kProcesses = 3, kEach = 40;
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      crm_db* db = nullptr;
      if (OpenOn(&db, path, nullptr) != CRM_OK) _exit(2);
      for (int i = 0; i < kEach; ++i) {
        const std::string tag = std::to_string(p) + "-" + std::to_string(i);
        if (CreateFromThread(db, "p" + tag) <= 0) _exit(3);
        int duplicate = 0;
        if (AppendKeyed(db, customer, "own-" + tag, &duplicate) <= 0 ||
            duplicate) {
          _exit(4);
        }
        if (AppendKeyed(db, customer, "shared-" + std::to_string(i),
                        &duplicate) <= 0) {
          _exit(5);
        }
      }
      crm_close(db);
      _exit(0);
    }
    children.push_back(pid);
  }
  WaitForChildren(children);
  Db db = OpenDb(path);
  EXPECT_EQ(Count(db.get()), 1 + kProcesses * kEach);
  std::map<std::string, int> keys;
  int64_t last = 0;
  for (const auto& [seq, key] : FollowAll(db.get())) {
    EXPECT_GT(seq, last);
    last = seq;
    if (!key.empty()) ++keys[key];
  }
  EXPECT_EQ(keys.size(), static_cast<size_t>(1 + kProcesses * kEach + kEach));
  for (const auto& [key, count] : keys) EXPECT_EQ(count, 1) << key;
}

TEST(Concurrency, FieldDefinedInOneProcessIsSeenByAnother) {
  TempDir dir;
  std::string path = dir.File("schema.crm");
  Db reader = OpenDb(path);
  Db writer = OpenDb(path);  // a second handle behaves like another process
  Define(writer.get(), R"({"name": "plan", "type": "text"})");
  Record record = NewRecord();
  crm_record_set_text(record.get(), "plan", "gold");
  int64_t id = Create(reader.get(), record.get());
  EXPECT_EQ(Text(Get(writer.get(), id).get(), "plan"), "gold");
}

}  // namespace
}  // namespace crm_test
