// Fault injection: the Nth write or sync that libcrm's SQLite connection
// makes fails (I/O error or disk full), for every N the workload reaches.
// The failing call must report an error; after it, reopening the file with
// the real VFS must give a sound workspace that holds exactly the work of
// the calls that returned CRM_OK.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <vector>

#include "fault_vfs.h"
#include "reliability_support.h"

namespace crm_reliability {
namespace {

// What the workspace must hold: the effect of every call that returned OK.
struct Model {
  bool field_defined = false;
  std::map<std::string, int64_t> seats;  // external id -> seats (-1: none)
  std::map<std::string, int64_t> ids;    // external id -> customer id
  std::set<std::string> event_keys;
};

class Workload {
 public:
  Workload(crm_db* db, Model* model) : db_(db), model_(model) {}

  // Runs every step; a step whose call fails changes nothing in the model.
  void Run() {
    Call(crm_field_define(&field_id_, db_,
                          R"({"name": "seats", "type": "integer"})"),
         [&] { model_->field_defined = true; });
    for (int i = 0; i < 4; ++i) Create("c" + std::to_string(i), i);
    Update("c1", 10);
    AppendEvent("c0", "k1");
    CustomerBatch();
    EventBatch();
    if (model_->ids.count("c2")) {
      Call(crm_customer_delete(db_, model_->ids["c2"], 0, "faults"),
           [&] { model_->seats.erase("c2"), model_->ids.erase("c2"); });
    }
    Transaction();
  }

  int failed() const { return failed_; }
  bool fault_in_failed_call() const { return fault_in_failed_; }

 private:
  template <typename Apply>
  int Call(int rc, Apply apply) {
    if (rc == CRM_OK) {
      apply();
    } else {
      ++failed_;
      if (FaultsFired() > 0 && !fault_seen_) fault_in_failed_ = true;
    }
    fault_seen_ = FaultsFired() > 0;
    return rc;
  }

  void Create(const std::string& external_id, int64_t seats) {
    crm_record* record = nullptr;
    crm_record_new(&record);
    crm_record_set_text(record, "name", ("Customer " + external_id).c_str());
    crm_record_set_text(record, "external_id", external_id.c_str());
    if (model_->field_defined) crm_record_set_integer(record, "seats", seats);
    int64_t id = 0;
    Call(crm_customer_create(&id, db_, record, "faults"), [&] {
      model_->ids[external_id] = id;
      model_->seats[external_id] = model_->field_defined ? seats : -1;
    });
    crm_record_free(record);
  }

  void Update(const std::string& external_id, int64_t seats) {
    if (!model_->ids.count(external_id) || !model_->field_defined) return;
    crm_record* record = nullptr;
    crm_record_new(&record);
    crm_record_set_integer(record, "seats", seats);
    Call(crm_customer_update(nullptr, db_, model_->ids[external_id], 0, record,
                             "faults"),
         [&] { model_->seats[external_id] = seats; });
    crm_record_free(record);
  }

  void AppendEvent(const std::string& external_id, const std::string& key) {
    if (!model_->ids.count(external_id)) return;
    crm_event* event = nullptr;
    crm_event_new(&event);
    crm_event_set_customer(event, model_->ids[external_id]);
    crm_event_set_type(event, "call");
    crm_event_set_idempotency_key(event, key.c_str());
    int64_t seq = 0;
    Call(crm_event_append(&seq, nullptr, db_, event),
         [&] { model_->event_keys.insert(key); });
    crm_event_free(event);
  }

  void CustomerBatch() {
    crm::wire::CustomerBatch batch;
    batch.add_columns("name");
    batch.add_columns("external_id");
    for (int row = 0; row < 8; ++row) {
      crm::wire::CustomerRow* values = batch.add_rows();
      values->add_values()->set_text("Batch " + std::to_string(row));
      values->add_values()->set_text("bat-" + std::to_string(row));
    }
    std::string bytes = batch.SerializeAsString();
    crm_batch_report* report = nullptr;
    Call(crm_customer_write_batch(&report, db_, bytes.data(), bytes.size(),
                                  CRM_BATCH_CREATE),
         [&] {
           for (int row = 0; row < 8; ++row) {
             std::string id = "bat-" + std::to_string(row);
             model_->ids[id] = crm_batch_report_id(report, row);
             model_->seats[id] = -1;
           }
         });
    crm_batch_report_free(report);
  }

  void EventBatch() {
    if (!model_->ids.count("c0")) return;
    std::vector<int64_t> customers(4, model_->ids["c0"]);
    std::string bytes = EventBatchBytes(900, customers);
    Call(crm_event_append_batch(nullptr, db_, bytes.data(), bytes.size()), [&] {
      for (int row = 0; row < 4; ++row) {
        model_->event_keys.insert(EventKey(900, row));
      }
    });
  }

  // A host transaction: its calls count only if the commit succeeds.
  void Transaction() {
    if (Call(crm_begin(db_), [] {}) != CRM_OK) return;
    Model before = *model_;
    Create("c4", 4);
    Update("c0", 7);
    AppendEvent("c3", "k2");
    if (Call(crm_commit(db_), [] {}) != CRM_OK) {
      crm_rollback(db_);
      *model_ = before;
    }
  }

  crm_db* db_;
  Model* model_;
  int64_t field_id_ = 0;
  int failed_ = 0;
  bool fault_seen_ = false;
  bool fault_in_failed_ = false;
};

// Checks the file against the model through the real VFS.
void ExpectHolds(const std::string& path, const Model& model,
                 const std::string& where) {
  {
    RawDb raw(path);
    ASSERT_TRUE(raw.ok()) << where << raw.error();
    ASSERT_EQ(raw.IntegrityCheck(), "ok") << where;
    std::vector<std::string> keys = raw.Column(
        "SELECT idempotency_key FROM crm_events WHERE idempotency_key IS NOT "
        "NULL ORDER BY 1");
    EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()), model.event_keys)
        << where;
  }
  crm_db* db = nullptr;
  ASSERT_EQ(crm_open(&db, path.c_str(), nullptr), CRM_OK)
      << where << crm_last_error_message();
  int64_t count = -1;
  EXPECT_EQ(crm_customer_count(&count, db), CRM_OK);
  EXPECT_EQ(count, static_cast<int64_t>(model.seats.size())) << where;
  char* json = nullptr;
  EXPECT_EQ(crm_field_describe(&json, db, "seats") == CRM_OK,
            model.field_defined)
      << where;
  crm_string_free(json);
  for (const auto& [external_id, seats] : model.seats) {
    crm_record* record = nullptr;
    ASSERT_EQ(crm_customer_get_by_external_id(&record, db, external_id.c_str()),
              CRM_OK)
        << where << external_id;
    int64_t stored = -1;
    if (crm_record_kind(record, "seats") == CRM_VALUE_INTEGER) {
      crm_record_get_integer(&stored, record, "seats");
    }
    EXPECT_EQ(stored, seats) << where << external_id;
    crm_record_free(record);
  }
  crm_close(db);
}

const char* KindName(FaultKind kind) {
  switch (kind) {
    case FaultKind::kWriteIoError:
      return "write I/O error";
    case FaultKind::kSyncIoError:
      return "sync I/O error";
    case FaultKind::kWriteDiskFull:
      return "disk full";
  }
  return "?";
}

TEST(FaultInjection, EveryFailedWriteOrSyncLeavesExactlyTheSucceededWork) {
  ASSERT_TRUE(InstallFaultVfs());
  const int max_points = EnvInt("CRM_FAULT_MAX_POINTS", 400);
  std::string dir_pattern =
      (std::filesystem::temp_directory_path() / "crm-fault-XXXXXX").string();
  const std::string dir = mkdtemp(dir_pattern.data());
  int injected = 0, reported = 0, absorbed = 0;
  for (FaultKind kind : {FaultKind::kWriteIoError, FaultKind::kSyncIoError,
                         FaultKind::kWriteDiskFull}) {
    for (int64_t nth = 0; nth <= max_points; ++nth) {
      const std::string path = dir + "/w" +
                               std::to_string(static_cast<int>(kind)) + "-" +
                               std::to_string(nth) + ".crm";
      std::string where = std::string(KindName(kind)) + " at call " +
                          std::to_string(nth) + ": ";
      ASSERT_TRUE(InstallFaultVfs());
      ArmFault(kind, nth);
      Model model;
      crm_db* db = nullptr;
      int open_rc = crm_open(&db, path.c_str(), nullptr);
      Workload workload(db, &model);
      if (open_rc == CRM_OK) workload.Run();
      crm_close(db);
      int64_t fired = FaultsFired(), calls = FaultCalls();
      UninstallFaultVfs();
      if (nth == 0) {
        // libcrm's connection really goes through the VFS of this process.
        ASSERT_GT(calls, 0) << where << "libcrm did not use the fault VFS";
        ASSERT_EQ(workload.failed(), 0) << where << crm_last_error_message();
      } else if (fired == 0) {
        break;  // the workload makes fewer calls than nth
      } else {
        ++injected;
        bool reported_here =
            open_rc != CRM_OK || workload.fault_in_failed_call();
        reported_here ? ++reported : ++absorbed;
      }
      if (open_rc != CRM_OK && !std::filesystem::exists(path)) continue;
      ExpectHolds(path, model, where);
      if (HasFatalFailure()) return;
    }
  }
  std::filesystem::remove_all(dir);
  std::printf(
      "fault injection: %d fault points injected; %d made a call fail, %d "
      "were absorbed by SQLite (e.g. a checkpoint after a commit)\n",
      injected, reported, absorbed);
  EXPECT_GT(reported, 0);
  RecordStat("fault_points", injected);
  RecordStat("fault_points_reported", reported);
}

}  // namespace
}  // namespace crm_reliability
