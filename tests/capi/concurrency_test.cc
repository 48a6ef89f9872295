// One handle shared by threads; several processes on one file.
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
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
        crm_record* current = nullptr;
        ASSERT_EQ(crm_customer_get(&current, db.get(), id), CRM_OK);
        int64_t value = 0;
        crm_record_get_integer(&value, current, "counter");
        int64_t version = crm_record_version(current);
        crm_record_free(current);
        Record change = NewRecord();
        crm_record_set_integer(change.get(), "counter", value + 1);
        int rc = crm_customer_update(nullptr, db.get(), id, version,
                                     change.get(), nullptr);
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
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
  EXPECT_EQ(Count(OpenDb(path).get()), 2 * kPerProcess);
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
