#include "fault_workload.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <utility>
#include <vector>

#include "capi/test_support.h"
#include "raw_db.h"
#include "reliability_support.h"

// After a failed call, expects `out` cleared as the header promises, and
// clears it, so that the caller does not free what it does not own.
#define EXPECT_CLEARED_ON_FAILURE(rc, out, where)                 \
  do {                                                            \
    if ((rc) != CRM_OK) {                                         \
      EXPECT_EQ(out, decltype(out){})                             \
          << (where) << #out << " not cleared by a failed call (" \
          << crm_status_name(rc) << ")";                          \
      out = decltype(out){};                                      \
    }                                                             \
  } while (false)

namespace crm_reliability {
namespace {

// A value no call hands out: after a failed call an out-parameter that
// still holds it was not cleared, as the header promises it is.
template <typename T>
T* Unset() {
  static char storage;
  return reinterpret_cast<T*>(&storage);
}
constexpr int64_t kUnsetId = -7;

// The value of `field` as text ("" for none) in *out.
int ValueText(const crm_record* record, const char* field, std::string* out) {
  const char* text = nullptr;
  int64_t number = 0;
  int rc = CRM_OK;
  switch (crm_record_kind(record, field)) {
    case CRM_VALUE_NULL:
      out->clear();
      return CRM_OK;
    case CRM_VALUE_INTEGER:
      rc = crm_record_get_integer(&number, record, field);
      *out = std::to_string(number);
      return rc;
    case CRM_VALUE_DECIMAL:
      rc = crm_record_get_decimal(&text, record, field);
      break;
    default:
      rc = crm_record_get_text(&text, record, field);
  }
  *out = text ? text : "";
  return rc;
}

// The customers with a value for seats, or the sum of their seats.
int64_t Seats(const Model& model, bool sum) {
  int64_t count = 0, total = 0;
  for (const auto& [id, seats] : model.seats) {
    if (seats >= 0) ++count, total += seats;
  }
  return sum ? total : count;
}

void RemoveWorkspace(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(path + suffix);
  }
}

}  // namespace

int Workload::Run(const std::string& location, const std::string& where) {
  where_ = where;
  location_ = location;
  step_ = "open";
  db_ = Unset<crm_db>();
  int rc =
      Call(Library([&] { return OpenWorkspace(&db_, location, nullptr); }));
  EXPECT_CLEARED_ON_FAILURE(rc, db_, where_);
  if (rc == CRM_OK) Steps();
  step_ = "close";
  Library([&] {
    crm_close(db_);
    return 0;
  });
  db_ = nullptr;
  return rc;
}

void Workload::Steps() {
  step_ = "define field";
  int64_t field_id = kUnsetId;
  int rc =
      Call(Library([&] {
             return crm_field_define(&field_id, db_,
                                     R"({"name": "seats", "type": "integer"})");
           }),
           [&] { model_->field_defined = true; });
  EXPECT_CLEARED_ON_FAILURE(rc, field_id, where_);
  for (int i = 0; i < 4; ++i) Create("c" + std::to_string(i), i);
  Update("c1", 10);
  LateChange("c1");
  AppendEvent("c0", "k1");
  CustomerBatch();
  Import();
  EventBatch();
  Delete("c2");
  Transaction();
  Restricted();
  Erase("c0");  // history, events with keys, the batch's events
  Erase("c2");  // deleted before: its history goes now
  EraseWhere();
  Checkpoint();
  Query();
  DumpAndLoad();
  Export();
  Duplicates();
  MergeAndUndo();
}

crm_record* Workload::NewRecord(const std::string& name,
                                const std::string& external_id, int64_t seats) {
  crm_record* record = Unset<crm_record>();
  int rc = Call(Library([&] { return crm_record_new(&record); }));
  EXPECT_CLEARED_ON_FAILURE(rc, record, where_);
  if (rc != CRM_OK) return nullptr;
  if (!name.empty()) {
    rc = Call(Library(
        [&] { return crm_record_set_text(record, "name", name.c_str()); }));
  }
  if (rc == CRM_OK && !external_id.empty()) {
    rc = Call(Library([&] {
      return crm_record_set_text(record, "external_id", external_id.c_str());
    }));
  }
  if (rc == CRM_OK && seats >= 0) {
    rc = Call(Library(
        [&] { return crm_record_set_integer(record, "seats", seats); }));
  }
  if (rc == CRM_OK) return record;
  Library([&] {
    crm_record_free(record);
    return 0;
  });
  return nullptr;
}

void Workload::Create(const std::string& external_id, int64_t seats) {
  step_ = "create " + external_id;
  const int64_t stored = model_->field_defined ? seats : -1;
  crm_record* record =
      NewRecord("Customer " + external_id, external_id, stored);
  if (record == nullptr) return;
  int64_t id = kUnsetId;
  int rc = Call(
      Library([&] { return crm_customer_create(&id, db_, record, "faults"); }),
      [&] {
        model_->ids[external_id] = id;
        model_->seats[external_id] = stored;
        ++model_->created;
      });
  EXPECT_CLEARED_ON_FAILURE(rc, id, where_);
  Library([&] {
    crm_record_free(record);
    return 0;
  });
}

void Workload::Update(const std::string& external_id, int64_t seats) {
  if (!model_->ids.count(external_id) || !model_->field_defined) return;
  step_ = "update " + external_id;
  crm_record* record = NewRecord("", "", seats);
  if (record == nullptr) return;
  const int64_t id = model_->ids[external_id];
  Call(Library([&] {
         return crm_customer_update(nullptr, db_, id, 0, record, "faults");
       }),
       [&] { model_->seats[external_id] = seats; });
  Library([&] {
    crm_record_free(record);
    return 0;
  });
}

void Workload::LateChange(const std::string& external_id) {
  if (!model_->ids.count(external_id) || !model_->field_defined) return;
  step_ = "late change " + external_id;
  const int64_t id = model_->ids[external_id];
  crm_record* got = Unset<crm_record>();
  int rc = Call(Library([&] { return crm_customer_get(&got, db_, id); }));
  EXPECT_CLEARED_ON_FAILURE(rc, got, where_);
  if (rc != CRM_OK) return;
  int64_t created_at = 0;
  rc = Call(Library(
      [&] { return crm_record_get_datetime(&created_at, got, "created_at"); }));
  Library([&] {
    crm_record_free(got);
    return 0;
  });
  if (rc != CRM_OK) return;
  // Open from created_at (current only when no later change of seats was
  // stored), then bounded to its first microsecond (never current).
  const int64_t ends[] = {CRM_TIME_MAX, created_at + 1};
  for (int n = 0; n < 2; ++n) {
    crm_record* record = NewRecord("", "", 20 + n);
    if (record == nullptr) return;
    crm_write_options options = CRM_WRITE_OPTIONS_INIT;
    options.effective_at = created_at;
    options.effective_until = ends[n];
    crm_write_result* result = Unset<crm_write_result>();
    rc = Call(Library([&] {
                return crm_customer_update_v2(&result, db_, id, 0, record,
                                              &options, "faults");
              }),
              [&] {
                ++model_->late_changes;
                if (crm_write_result_changed_current(result)) {
                  model_->seats[external_id] = 20 + n;
                }
              });
    EXPECT_CLEARED_ON_FAILURE(rc, result, where_);
    Library([&] {
      crm_write_result_free(result);
      crm_record_free(record);
      return 0;
    });
  }
}

void Workload::AppendEvent(const std::string& external_id,
                           const std::string& key) {
  if (!model_->ids.count(external_id)) return;
  step_ = "append event " + key;
  const int64_t customer = model_->ids[external_id];
  crm_event* event = Unset<crm_event>();
  int rc = Call(Library([&] { return crm_event_new(&event); }));
  EXPECT_CLEARED_ON_FAILURE(rc, event, where_);
  if (rc != CRM_OK) return;
  rc = Call(Library([&] { return crm_event_set_customer(event, customer); }));
  if (rc == CRM_OK) {
    rc = Call(Library([&] { return crm_event_set_type(event, "call"); }));
  }
  if (rc == CRM_OK) {
    rc = Call(Library(
        [&] { return crm_event_set_idempotency_key(event, key.c_str()); }));
  }
  if (rc == CRM_OK) {
    int64_t seq = kUnsetId;
    rc = Call(
        Library([&] { return crm_event_append(&seq, nullptr, db_, event); }),
        [&] {
          model_->event_keys.insert(key);
          model_->key_owner[key] = external_id;
        });
    EXPECT_CLEARED_ON_FAILURE(rc, seq, where_);
  }
  Library([&] {
    crm_event_free(event);
    return 0;
  });
}

void Workload::CustomerBatch() {
  step_ = "customer batch";
  crm::wire::CustomerBatch batch;
  batch.add_columns("name");
  batch.add_columns("external_id");
  std::vector<std::string> external_ids;
  for (int row = 0; row < 8; ++row) {
    external_ids.push_back("bat-" + std::to_string(row));
    crm::wire::CustomerRow* values = batch.add_rows();
    values->add_values()->set_text("Batch " + std::to_string(row));
    values->add_values()->set_text(external_ids.back());
  }
  const std::string bytes = batch.SerializeAsString();
  crm_batch_report* report = nullptr;
  Call(Library([&] {
         return crm_customer_write_batch(&report, db_, bytes.data(),
                                         bytes.size(), CRM_BATCH_CREATE);
       }),
       [&] {
         for (size_t row = 0; row < external_ids.size(); ++row) {
           model_->ids[external_ids[row]] = crm_batch_report_id(report, row);
           model_->seats[external_ids[row]] = -1;
           ++model_->created;
         }
       });
  Library([&] {
    crm_batch_report_free(report);
    return 0;
  });
}

void Workload::Import() {
  step_ = "import";
  const std::string path =
      (std::filesystem::temp_directory_path() /
       ("crm-fault-import-" + std::to_string(getpid()) + ".csv"))
          .string();
  {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << "external_id,name,seats\r\n";
    for (int row = 0; row < 3; ++row) {
      file << "imp-" << row << ",Imported " << row << "," << 30 + row << "\r\n";
    }
  }
  crm_import_options options = CRM_IMPORT_OPTIONS_INIT;
  options.batch_rows = 0;
  // Without the seats field (its definition failed) the column is skipped.
  options.mapping_json = R"({"unmapped": "ignore"})";
  Call(
      Library([&] { return crm_import(nullptr, db_, path.c_str(), &options); }),
      [&] {
        for (int row = 0; row < 3; ++row) {
          const std::string external_id = "imp-" + std::to_string(row);
          model_->seats[external_id] = model_->field_defined ? 30 + row : -1;
          ++model_->created;
          // The ids the import gave, read outside the library's counted
          // calls (no fault fires in them).
          crm_record* record = nullptr;
          EXPECT_EQ(crm_customer_get_by_external_id(&record, db_,
                                                    external_id.c_str()),
                    CRM_OK)
              << where_ << "imported " << external_id;
          model_->ids[external_id] = crm_record_id(record);
          crm_record_free(record);
        }
      });
  std::filesystem::remove(path);
}

void Workload::EventBatch() {
  if (!model_->ids.count("c0")) return;
  step_ = "event batch";
  const std::vector<int64_t> customers(4, model_->ids["c0"]);
  const std::string bytes = EventBatchBytes(900, customers);
  std::vector<std::string> keys;
  for (int row = 0; row < 4; ++row) keys.push_back(EventKey(900, row));
  Call(Library([&] {
         return crm_event_append_batch(nullptr, db_, bytes.data(),
                                       bytes.size());
       }),
       [&] {
         for (const std::string& key : keys) {
           model_->event_keys.insert(key);
           model_->key_owner[key] = "c0";
         }
       });
}

void Workload::Delete(const std::string& external_id) {
  if (!model_->ids.count(external_id)) return;
  step_ = "delete " + external_id;
  const int64_t id = model_->ids[external_id];
  Call(Library([&] { return crm_customer_delete(db_, id, 0, "faults"); }), [&] {
    model_->seats.erase(external_id);
    model_->ids.erase(external_id);
    model_->deleted[external_id] = id;
  });
}

void Workload::Forget(const std::string& external_id, int64_t id) {
  model_->seats.erase(external_id);
  model_->ids.erase(external_id);
  model_->deleted.erase(external_id);
  for (auto owned = model_->key_owner.begin();
       owned != model_->key_owner.end();) {
    if (owned->second == external_id) {
      model_->event_keys.erase(owned->first);
      owned = model_->key_owner.erase(owned);
    } else {
      ++owned;
    }
  }
  --model_->created;
  model_->erased.insert(id);
}

void Workload::Erase(const std::string& external_id) {
  const bool live = model_->ids.count(external_id) > 0;
  if (!live && !model_->deleted.count(external_id)) return;
  step_ = "erase " + external_id;
  const int64_t id =
      live ? model_->ids[external_id] : model_->deleted[external_id];
  crm_erase_options options = CRM_ERASE_OPTIONS_INIT;
  options.actor = "faults";
  options.reason = "request 1";
  char* receipt = Unset<char>();
  int rc = Call(
      Library([&] { return crm_customer_erase(&receipt, db_, id, &options); }),
      [&] { Forget(external_id, id); });
  EXPECT_CLEARED_ON_FAILURE(rc, receipt, where_);
  Library([&] {
    crm_string_free(receipt);
    return 0;
  });
}

void Workload::EraseWhere() {
  step_ = "erase where";
  crm_query* query = Unset<crm_query>();
  int rc =
      Call(Library([&] { return crm_query_new(&query, CRM_QUERY_CUSTOMERS); }));
  EXPECT_CLEARED_ON_FAILURE(rc, query, where_);
  if (rc != CRM_OK) return;
  const std::vector<std::string> chosen = {"bat-4", "bat-5", "bat-6", "bat-7"};
  if (Call(Library([&] {
        return crm_query_set_filter(
            query, "external_id in ('bat-4', 'bat-5', 'bat-6', 'bat-7')");
      })) == CRM_OK) {
    char* receipt = Unset<char>();
    rc = Call(Library([&] {
                return crm_customer_erase_where(&receipt, db_, query, nullptr);
              }),
              [&] {
                for (const std::string& external_id : chosen) {
                  if (model_->ids.count(external_id)) {
                    Forget(external_id, model_->ids[external_id]);
                  }
                }
              });
    EXPECT_CLEARED_ON_FAILURE(rc, receipt, where_);
    Library([&] {
      crm_string_free(receipt);
      return 0;
    });
  }
  Library([&] {
    crm_query_free(query);
    return 0;
  });
}

// Truncates the write-ahead log (on PostgreSQL: VACUUM); stores nothing.
// CRM_E_BUSY means another connection held what the checkpoint needs (on
// PostgreSQL: another workspace's VACUUM or field change on the tables all
// workspaces of the database share) and is retried as a host would; it
// says nothing about the fault.
void Workload::Checkpoint() {
  step_ = "checkpoint";
  int rc = CRM_E_BUSY;
  for (int attempt = 0; attempt < 5 && rc == CRM_E_BUSY; ++attempt) {
    rc = Library([&] { return crm_checkpoint(db_); });
  }
  Call(rc);
}

namespace {

// The content checksum of `db` (crm_workspace_checksum), or "" when the
// call failed.
std::string ChecksumOf(crm_db* db) {
  char* hex = nullptr;
  if (crm_workspace_checksum(&hex, db) != CRM_OK) return "";
  std::string sum = hex;
  crm_string_free(hex);
  return sum;
}

}  // namespace

void Workload::DumpAndLoad() {
  step_ = "dump";
  const std::string path =
      (std::filesystem::temp_directory_path() /
       ("crm-fault-" + std::to_string(getpid()) + ".crmdump"))
          .string();
  if (Call(Library([&] { return crm_dump(db_, path.c_str(), nullptr); })) !=
      CRM_OK) {
    return;
  }
  step_ = "load";
  crm_db* target = nullptr;
  crm_db* empty = nullptr;
  if (Call(Library([&] { return crm_open(&target, ":memory:", nullptr); })) ==
      CRM_OK) {
    const int rc =
        Call(Library([&] { return crm_load(target, path.c_str(), nullptr); }));
    std::string source_sum, target_sum, empty_sum;
    Library([&] {
      target_sum = ChecksumOf(target);
      if (rc == CRM_OK) {
        source_sum = ChecksumOf(db_);
      } else if (crm_open(&empty, ":memory:", nullptr) == CRM_OK) {
        empty_sum = ChecksumOf(empty);
      }
      return 0;
    });
    // A checksum call the fault made fail proves nothing either way.
    if (rc == CRM_OK && !source_sum.empty() && !target_sum.empty()) {
      EXPECT_EQ(target_sum, source_sum) << where_ << "the loaded dump differs";
    } else if (rc != CRM_OK && !empty_sum.empty() && !target_sum.empty()) {
      EXPECT_EQ(target_sum, empty_sum)
          << where_ << "a failed load left something in its workspace";
    }
  }
  Library([&] {
    crm_close(empty);
    crm_close(target);
    return 0;
  });
  std::filesystem::remove(path);
}

void Workload::Restricted() {
  step_ = "define profile";
  if (Call(Library([&] {
        return crm_profile_define(
            db_, R"({"name": "desk", "groups": {"": "read_write",
                     "standard": "read_only"}})");
      })) != CRM_OK) {
    return;
  }
  step_ = "restrict";
  crm_db* view = Unset<crm_db>();
  int rc = Call(
      Library([&] { return crm_db_restrict(&view, db_, "desk", "desk"); }));
  EXPECT_CLEARED_ON_FAILURE(rc, view, where_);
  if (rc != CRM_OK) return;
  // The steps below run on the restricted handle.
  std::swap(db_, view);
  if (model_->ids.count("c3")) {
    step_ = "restricted read c3";
    crm_record* record = Unset<crm_record>();
    rc = Call(Library(
        [&] { return crm_customer_get(&record, db_, model_->ids["c3"]); }));
    EXPECT_CLEARED_ON_FAILURE(rc, record, where_);
    Library([&] {
      crm_record_free(record);
      return 0;
    });
  }
  Update("c3", 6);
  std::swap(db_, view);
  step_ = "close restricted handle";
  Library([&] {
    crm_close(view);
    return 0;
  });
}

// A host transaction: its calls count only if the commit succeeds.
void Workload::Transaction() {
  step_ = "begin";
  if (Call(Library([&] { return crm_begin(db_); })) != CRM_OK) return;
  in_transaction_ = true;
  const Model before = *model_;
  Create("c4", 4);
  Update("c0", 7);
  AppendEvent("c3", "k2");
  step_ = "commit";
  if (Call(Library([&] { return crm_commit(db_); })) != CRM_OK) {
    Call(Library([&] { return crm_rollback(db_); }));
    *model_ = before;
  }
  in_transaction_ = false;
}

// Counts the customers with seats and sums their seats, and the orders and
// their amounts (an exact sum over event properties, which SQLite adds up
// through a function of libcrm's): a query must see exactly the committed
// work too.
void Workload::Query() {
  if (model_->field_defined) {
    step_ = "query customers";
    const int64_t count = Seats(*model_, false);
    QueryTotals(CRM_QUERY_CUSTOMERS, "seats >= 0", "seats", count,
                count ? std::to_string(Seats(*model_, true)) : "");
  }
  step_ = "query events";
  const bool orders = model_->event_keys.count(EventKey(900, 0)) > 0;
  QueryTotals(CRM_QUERY_EVENTS, "type = 'order.placed'", "properties.amount",
              orders ? 4 : 0, orders ? "600" : "");
}

void Workload::Export() {
  step_ = "export";
  const bool on_server = location_.rfind("postgres", 0) == 0;
  const std::filesystem::path path =
      on_server ? std::filesystem::temp_directory_path() /
                      ("crm-fault-export-" + std::to_string(getpid()) + ".csv")
                : std::filesystem::path(location_ + ".export.csv");
  std::filesystem::remove(path);
  // The model's customers by id: external id and seats (empty for none).
  std::map<int64_t, std::string> lines;
  for (const auto& [external_id, id] : model_->ids) {
    std::string line = external_id;
    if (model_->field_defined) {
      const int64_t seats = model_->seats[external_id];
      line += "," + (seats >= 0 ? std::to_string(seats) : std::string());
    }
    lines[id] = line + "\r\n";
  }
  std::string expected =
      model_->field_defined ? "external_id,seats\r\n" : "external_id\r\n";
  for (const auto& [id, line] : lines) expected += line;
  crm_export_options options = CRM_EXPORT_OPTIONS_INIT;
  options.fields = model_->field_defined ? "external_id,seats" : "external_id";
  int64_t rows = kUnsetId;
  int rc = Call(
      Library([&] { return crm_export(&rows, db_, path.c_str(), &options); }),
      [&] {
        EXPECT_EQ(rows, static_cast<int64_t>(lines.size())) << where_ << step_;
        std::ifstream in(path, std::ios::binary);
        std::string text((std::istreambuf_iterator<char>(in)),
                         std::istreambuf_iterator<char>());
        EXPECT_EQ(text, expected) << where_ << step_;
      });
  EXPECT_CLEARED_ON_FAILURE(rc, rows, where_);
  if (rc != CRM_OK) {
    EXPECT_FALSE(std::filesystem::exists(path))
        << where_ << "a failed export left its file";
  }
  // Nothing half-written beside it, whatever the outcome.
  const std::string name = path.filename().string() + ".tmp-";
  for (const auto& entry :
       std::filesystem::directory_iterator(path.parent_path())) {
    EXPECT_NE(entry.path().filename().string().rfind(name, 0), 0u)
        << where_ << "left " << entry.path();
  }
  std::filesystem::remove(path);
}

void Workload::Duplicates() {
  step_ = "duplicate settings";
  Call(Library([&] {
    return crm_duplicate_settings_set(db_, R"({"default_region": "NO"})");
  }));
  step_ = "duplicate rule";
  Call(Library([&] {
         return crm_duplicate_rule_define(
             db_, R"({"name": "same_name", "compare": [{"key": "name"}],
                      "action": "block"})");
       }),
       [&] { model_->duplicate_rule = true; });
  if (!model_->ids.count("c1")) return;
  const int64_t original = model_->ids["c1"];
  // A record named as c1 is: the rule blocks its create.
  crm_record* record =
      NewRecord("Customer c1", "dup-1", model_->field_defined ? 1 : -1);
  if (record == nullptr) return;
  step_ = "duplicate blocked";
  int64_t id = kUnsetId;
  int rc =
      Library([&] { return crm_customer_create(&id, db_, record, "faults"); });
  if (rc == CRM_E_DUPLICATE && model_->duplicate_rule) {
    const std::string candidates = crm_last_error()->candidates_json;
    EXPECT_NE(candidates.find("\"id\":" + std::to_string(original)),
              std::string::npos)
        << where_ << step_ << ": " << candidates;
    EXPECT_EQ(id, 0) << where_ << step_;
    Call(CRM_OK);  // the block is the call's expected outcome
  } else {
    // A fault (the block is then not seen) or, without the rule, a create.
    Call(rc, [&] {
      model_->ids["dup-1"] = id;
      model_->seats["dup-1"] = model_->field_defined ? 1 : -1;
      ++model_->created;
    });
    EXPECT_CLEARED_ON_FAILURE(rc, id, where_);
  }
  if (!model_->ids.count("dup-1")) {
    step_ = "duplicate candidates";
    char* json = Unset<char>();
    rc = Call(
        Library([&] { return crm_duplicate_candidates(&json, db_, record); }),
        [&] {
          EXPECT_EQ(std::string(json).find(std::to_string(original)) !=
                        std::string::npos,
                    model_->duplicate_rule)
              << where_ << step_ << ": " << json;
        });
    EXPECT_CLEARED_ON_FAILURE(rc, json, where_);
    Library([&] {
      crm_string_free(json);
      return 0;
    });
    step_ = "duplicate saved anyway";
    crm_write_options options = CRM_WRITE_OPTIONS_INIT;
    options.duplicate_check = CRM_DUPLICATE_CHECK_SKIP;
    crm_write_result* result = Unset<crm_write_result>();
    rc = Call(Library([&] {
                return crm_customer_create_v2(&result, db_, record, &options,
                                              "faults");
              }),
              [&] {
                model_->ids["dup-1"] = crm_write_result_id(result);
                model_->seats["dup-1"] = model_->field_defined ? 1 : -1;
                ++model_->created;
              });
    EXPECT_CLEARED_ON_FAILURE(rc, result, where_);
    Library([&] {
      crm_write_result_free(result);
      return 0;
    });
  }
  Library([&] {
    crm_record_free(record);
    return 0;
  });
  if (!model_->duplicate_rule || !model_->ids.count("dup-1")) return;
  step_ = "duplicates find";
  char* page = Unset<char>();
  rc = Call(Library([&] { return crm_duplicates_find(&page, db_, nullptr); }),
            [&] {
              const std::string pair =
                  "\"a\":" + std::to_string(original) +
                  ",\"b\":" + std::to_string(model_->ids["dup-1"]);
              EXPECT_NE(std::string(page).find(pair), std::string::npos)
                  << where_ << step_ << ": " << page;
            });
  EXPECT_CLEARED_ON_FAILURE(rc, page, where_);
  Library([&] {
    crm_string_free(page);
    return 0;
  });
}

void Workload::MergeAndUndo() {
  if (!model_->seats.count("dup-1") || !model_->seats.count("c1")) return;
  const int64_t merged = model_->ids.at("dup-1");
  const int64_t survivor = model_->ids.at("c1");
  const int64_t merged_seats = model_->seats.at("dup-1");
  step_ = "merge";
  char* receipt = Unset<char>();
  int64_t merge_id = 0;
  // "survivor": the survivor keeps every value, as the model has it.
  int rc = Call(Library([&] {
                  return crm_customer_merge(&receipt, db_, survivor, &merged, 1,
                                            R"({"default": "survivor"})",
                                            "steward", "same person");
                }),
                [&] {
                  const std::string text = receipt;
                  const std::string key = "\"merge_id\":";
                  size_t at = text.find(key);
                  ASSERT_NE(at, std::string::npos) << where_ << text;
                  merge_id = std::stoll(text.substr(at + key.size()));
                  model_->seats.erase("dup-1");
                });
  EXPECT_CLEARED_ON_FAILURE(rc, receipt, where_);
  Library([&] {
    crm_string_free(receipt);
    return 0;
  });
  if (rc != CRM_OK) return;
  step_ = "unmerge";
  char* undone = Unset<char>();
  rc = Call(Library([&] {
              return crm_customer_unmerge(&undone, db_, merge_id, "steward",
                                          "not the same person");
            }),
            [&] {
              model_->seats["dup-1"] = merged_seats;
              ++model_->created;  // the restored customer's history
            });
  EXPECT_CLEARED_ON_FAILURE(rc, undone, where_);
  Library([&] {
    crm_string_free(undone);
    return 0;
  });
}

void Workload::QueryTotals(int target, const char* filter, const char* field,
                           int64_t count, const std::string& sum) {
  crm_query* query = Unset<crm_query>();
  int rc = Call(Library([&] { return crm_query_new(&query, target); }));
  EXPECT_CLEARED_ON_FAILURE(rc, query, where_);
  if (rc != CRM_OK) return;
  if (Call(Library([&] { return crm_query_set_filter(query, filter); })) ==
      CRM_OK) {
    int64_t counted = kUnsetId;
    rc = Call(Library([&] { return crm_query_count(&counted, db_, query); }),
              [&] { EXPECT_EQ(counted, count) << where_ << step_; });
    EXPECT_CLEARED_ON_FAILURE(rc, counted, where_);
  }
  if (Call(Library([&] {
        return crm_query_aggregate(query, CRM_AGG_SUM, field, "total");
      })) == CRM_OK) {
    crm_rows* rows = Unset<crm_rows>();
    rc = Call(
        Library([&] { return crm_query_run_aggregate(&rows, db_, query); }));
    EXPECT_CLEARED_ON_FAILURE(rc, rows, where_);
    if (rc == CRM_OK) {
      std::string total;
      if (Call(Library([&] {
            return ValueText(crm_rows_at(rows, 0), "total", &total);
          })) == CRM_OK) {
        EXPECT_EQ(total, sum) << where_ << step_;
      }
    }
    Library([&] {
      crm_rows_free(rows);
      return 0;
    });
  }
  Library([&] {
    crm_query_free(query);
    return 0;
  });
}

namespace {

// The customers, their ids and values, and the field, read through libcrm.
void ExpectHoldsThroughLibcrm(crm_db* db, const Model& model,
                              const std::string& where) {
  int64_t count = -1;
  EXPECT_EQ(crm_customer_count(&count, db), CRM_OK);
  EXPECT_EQ(count, static_cast<int64_t>(model.seats.size()))
      << where << "customers stored vs. created by calls that returned OK";
  char* json = nullptr;
  EXPECT_EQ(crm_field_describe(&json, db, "seats") == CRM_OK,
            model.field_defined)
      << where << "field stored vs. defined by a call that returned OK";
  crm_string_free(json);
  for (const auto& [external_id, seats] : model.seats) {
    crm_record* got = nullptr;
    ASSERT_EQ(crm_customer_get_by_external_id(&got, db, external_id.c_str()),
              CRM_OK)
        << where << external_id;
    crm_test::Record record(got);
    EXPECT_EQ(crm_record_id(record.get()), model.ids.at(external_id))
        << where << external_id;
    int64_t stored = -1;
    if (crm_record_kind(record.get(), "seats") == CRM_VALUE_INTEGER) {
      crm_record_get_integer(&stored, record.get(), "seats");
    }
    EXPECT_EQ(stored, seats) << where << "seats of " << external_id;
  }
}

}  // namespace

void ExpectHolds(const std::string& location, const Model& model,
                 const std::string& where) {
  {
    RawDb raw(location);
    ASSERT_TRUE(raw.ok()) << where << raw.error();
    ASSERT_EQ(raw.IntegrityCheck(), "ok") << where;
  }
  {
    // libcrm opens it (a file whose creation failed is created now).
    crm_db* opened = nullptr;
    EXPECT_EQ(OpenWorkspace(&opened, location, nullptr), CRM_OK)
        << where << crm_last_error_message();
    crm_test::Db db(opened);
    ASSERT_NE(db, nullptr) << where;
    ExpectHoldsThroughLibcrm(db.get(), model, where);
  }
  RawDb raw(location);
  std::vector<std::string> keys = raw.Column(
      "SELECT idempotency_key FROM crm_events WHERE idempotency_key IS NOT "
      "NULL ORDER BY 1");
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()), model.event_keys)
      << where << "event keys stored vs. appended by calls that returned OK";
  // Every customer ever created has its history event, and no other.
  EXPECT_EQ(CreatedEvents(raw), model.created)
      << where << "crm.record.created events vs. customers created";
  // An erased customer is gone whole: no record, no event but its
  // tombstone, no search entry; one that was not erased is there whole
  // (above: its record, values, keys and created event).
  EXPECT_EQ(LateUpdateEvents(raw), model.late_changes)
      << where << "late crm.record.updated events vs. late changes made";
  EXPECT_EQ(TombstoneEvents(raw), static_cast<int64_t>(model.erased.size()))
      << where << "crm.record.erased tombstones vs. customers erased";
  const std::string search_id = raw.on_postgres() ? "customer_id" : "rowid";
  for (int64_t id : model.erased) {
    const std::string erased = std::to_string(id);
    EXPECT_EQ(
        raw.Count("SELECT count(*) FROM crm_customers WHERE id = " + erased) +
            raw.Count("SELECT count(*) FROM crm_customer_search WHERE " +
                      search_id + " = " + erased) +
            raw.Count("SELECT count(*) FROM crm_events e JOIN "
                      "crm_strings s ON s.id = e.type_id WHERE "
                      "e.customer_id = " +
                      erased + " AND s.text != 'crm.record.erased'"),
        0)
        << where << "what is left of erased customer " << id;
  }
  EXPECT_TRUE(raw.ok()) << where << raw.error();
}

FaultWorkspaces FilesIn(const std::string& dir,
                        const std::string& template_path) {
  FaultWorkspaces files;
  files.prepare = [dir, template_path](int64_t nth) {
    const std::string path = dir + "/" + std::to_string(nth) + ".crm";
    RemoveWorkspace(path);
    if (!template_path.empty()) {
      std::filesystem::copy_file(template_path, path);
    }
    return path;
  };
  files.exists = [](const std::string& path) {
    return std::filesystem::exists(path);
  };
  files.remove = RemoveWorkspace;
  return files;
}

FaultPointStats RunFaultPoints(FaultSource* source, const std::string& name,
                               const FaultWorkspaces& workspaces,
                               int max_points,
                               const std::vector<std::string>& focus) {
  FaultPointStats stats;
  // Stop at the first point that fails a check, unless asked to go on.
  const bool keep_going = EnvInt("CRM_FAULT_KEEP_GOING", 0) != 0;
  // One run with the Nth call failing; false to stop.
  auto run = [&](int64_t nth) {
    const std::string where = name + " at call " + std::to_string(nth) + ": ";
    const std::string path = workspaces.prepare(nth);
    Model model;
    Workload workload(source, &model);
    source->Arm(nth);
    const int open_rc = workload.Run(path, where);
    source->Disarm();
    const int64_t calls = source->Calls(), fired = source->Fired();
    if (nth == 0) {
      stats.calls = calls;
      stats.last = calls;
      if (!focus.empty()) {
        stats.first = calls + 1;
        stats.last = 0;
        for (const auto& [step, range] : workload.step_calls()) {
          for (const std::string& prefix : focus) {
            if (step.rfind(prefix, 0) != 0) continue;
            stats.first = std::min(stats.first, range.first);
            stats.last = std::max(stats.last, range.second);
          }
        }
        EXPECT_LE(stats.first, stats.last)
            << where << "no step of the focus made a call to fail";
      }
      EXPECT_GT(calls, 0) << where << "the workload made no call to fail";
      EXPECT_EQ(workload.failed(), 0) << where << crm_last_error_message();
    } else if (fired > 0) {
      ++stats.injected;
      if (workload.failed_after_fault() > 0) ++stats.failed_after;
      if (workload.fault_in_failed_call()) {
        ++stats.reported;
        ++stats.failures[{workload.fault_status(), workload.fault_step()}];
        ++stats.rules[workload.fault_rule()];
      } else {
        ++stats.absorbed;
      }
    }
    if (open_rc == CRM_OK || workspaces.exists(path)) {
      std::string fault;
      if (!workload.fault_step().empty()) {
        fault = "(fault in " + workload.fault_step() + ", which returned " +
                crm_status_name(workload.fault_status()) + ") ";
      }
      ExpectHolds(path, model, where + fault);
    }
    if (testing::Test::HasFailure()) return keep_going && nth > 0;
    workspaces.remove(path);
    return true;
  };
  if (!run(0)) return stats;
  // The first run in a process makes calls later ones do not (SQLite and
  // libcrm set up what they keep for the process): with a focus, whose
  // points are call numbers, count them on a second run.
  if (!focus.empty() && !run(0)) return stats;
  // One point only, to reproduce a failure (after the same run without a
  // fault, so that the calls are counted as in the whole loop).
  if (const int64_t only = EnvInt("CRM_FAULT_POINT", 0); only > 0) {
    run(only);
    return stats;
  }
  const int64_t points = stats.last - stats.first + 1;
  stats.stride =
      std::max<int64_t>(1, (points + max_points - 1) / std::max(1, max_points));
  const int64_t start = focus.empty() ? stats.stride : stats.first;
  for (int64_t nth = start; nth <= stats.last; nth += stats.stride) {
    if (!run(nth)) break;
  }
  return stats;
}

void ReportFaultPoints(const std::string& name, const char* calls,
                       const FaultPointStats& stats, int expected_status) {
  std::printf(
      "%s: %lld %s in the workload, one in %lld made to fail: %d fault points "
      "injected; %d made a call fail, %d were absorbed\n",
      name.c_str(), static_cast<long long>(stats.calls), calls,
      static_cast<long long>(stats.stride), stats.injected, stats.reported,
      stats.absorbed);
  if (stats.first > 1 || stats.last < stats.calls) {
    std::printf("  (points only in calls %lld to %lld: the focus's steps)\n",
                static_cast<long long>(stats.first),
                static_cast<long long>(stats.last));
  }
  for (const auto& [failure, runs] : stats.failures) {
    const auto& [status, step] = failure;
    std::printf("  %d failing calls in %s returned %s\n", runs, step.c_str(),
                crm_status_name(status));
    EXPECT_EQ(status, expected_status)
        << name << ": " << runs << " failing calls in " << step << " returned "
        << crm_status_name(status);
  }
  if (EnvInt("CRM_FAULT_POINT", 0) == 0) {
    EXPECT_GT(stats.reported, 0) << name;  // (one point alone need not)
  }
}

std::string MakeTempDir(const std::string& prefix) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  return mkdtemp(pattern.data());
}

}  // namespace crm_reliability
