#include "writer_mix.h"

#include <time.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "crm/crm.h"
#include "crm/crm.pb.h"
#include "crm_owned.h"

namespace crm_bench {
namespace {

using Db = std::unique_ptr<crm_db, DbClose>;

// Retries after CRM_E_BUSY at most this often per call: a writer waiting
// this long has been starved, which the run reports as an error.
constexpr int kMaxBusyRetries = 1000;
// Tries of one shared update (each a read, then an update at that version).
constexpr int kMaxUpdateTries = 1000;

std::string LastError(const char* what) {
  return std::string(what) + ": " + crm_status_name(crm_last_error_code()) +
         ": " + crm_last_error_message();
}

int64_t NowNs() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec;
}

Db Open(const std::string& location, bool server, int32_t busy_timeout_ms,
        std::string* error) {
  crm_open_options options = CRM_OPEN_OPTIONS_INIT;
  options.busy_timeout_ms = busy_timeout_ms;
  crm_db* raw = nullptr;
  int rc = server ? crm_open_url(&raw, location.c_str(), &options)
                  : crm_open(&raw, location.c_str(), &options);
  if (rc != CRM_OK) *error = LastError("open");
  return Db(raw);
}

// One writer's run: its handle, its counters, its next customer number.
class Writer {
 public:
  Writer(const WriterTask& task, crm_db* db, WriterResult* result)
      : task_(task), db_(db), result_(result) {}

  // Runs the mix until done or the first unexpected error.
  void Run() {
    for (int64_t i = 0; i < task_.iterations; ++i) {
      if (!CreateOne() || !AppendOne(i)) return;
      if (i % kBatchEvery == 0 && (!CreateBatch() || !AppendBatch(i))) return;
      if (i % kUpdateEvery == 0 && !UpdateShared(i)) return;
    }
  }

 private:
  // Makes `call` until it is not CRM_E_BUSY, timing it as one call of
  // `kind`. False, with the error kept, on any other failure.
  template <typename Call>
  bool Timed(CallKind kind, const char* what, Call call) {
    int64_t start = NowNs();
    int rc = call();
    for (int retry = 0; rc == CRM_E_BUSY && retry < kMaxBusyRetries; ++retry) {
      ++result_->busy;
      rc = call();
    }
    if (rc != CRM_OK) return Fail(what);
    result_->latency_us[kind].push_back(static_cast<float>(NowNs() - start) /
                                        1000.0f);
    ++result_->calls[kind];
    return true;
  }

  bool Fail(const char* what) {
    if (result_->error.empty()) result_->error = LastError(what);
    return false;
  }

  std::string NextEmail() {
    return WriterEmail(task_.writer,
                       static_cast<int64_t>(result_->ids.size()) + pending_);
  }

  bool CreateOne() {
    std::unique_ptr<crm_record, RecordFree> record(NewRecord());
    std::string email = NextEmail();
    crm_record_set_text(record.get(), "name", "Writer customer");
    crm_record_set_text(record.get(), "email", email.c_str());
    int64_t id = 0;
    if (!Timed(kCreateOne, "crm_customer_create", [&] {
          return crm_customer_create(&id, db_, record.get(), "bench");
        })) {
      return false;
    }
    result_->ids.push_back(id);
    ++result_->rows;
    return true;
  }

  bool AppendOne(int64_t iteration) {
    crm_event* raw = nullptr;
    crm_event_new(&raw);
    std::unique_ptr<crm_event, EventFree> event(raw);
    crm_event_set_customer(event.get(), result_->ids.back());
    crm_event_set_type(event.get(), kEventType);
    crm_event_set_channel(event.get(), "web");
    crm_record_set_integer(crm_event_properties(event.get()), "n", iteration);
    int64_t seq = 0;
    if (!Timed(kAppendOne, "crm_event_append", [&] {
          return crm_event_append(&seq, nullptr, db_, event.get());
        })) {
      return false;
    }
    result_->seqs.push_back(seq);
    ++result_->rows;
    return true;
  }

  bool CreateBatch() {
    crm::wire::CustomerBatch batch;
    batch.add_columns("name");
    batch.add_columns("email");
    for (pending_ = 0; pending_ < kBatchRows; ++pending_) {
      crm::wire::CustomerRow* row = batch.add_rows();
      row->add_values()->set_text("Batch customer");
      row->add_values()->set_text(NextEmail());
    }
    pending_ = 0;
    return WriteBatch(kCreateBatch, "crm_customer_write_batch",
                      batch.SerializeAsString(), &result_->ids);
  }

  // One event for each customer of the last batch.
  bool AppendBatch(int64_t iteration) {
    crm::wire::EventBatch batch;
    for (int r = 0; r < kBatchRows; ++r) {
      crm::wire::EventInput* input = batch.add_events();
      input->set_customer_id(result_->ids[result_->ids.size() - 1 - r]);
      input->set_type(kEventType);
      input->set_channel("email");
      crm::wire::Property* n = input->add_properties();
      n->set_name("n");
      n->mutable_value()->set_integer(iteration);
    }
    return WriteBatch(kAppendBatch, "crm_event_append_batch",
                      batch.SerializeAsString(), &result_->seqs);
  }

  // Writes one batch of kBatchRows (customers for kCreateBatch, else
  // events) and appends the ids or seqs its report gives to `out`.
  bool WriteBatch(CallKind kind, const char* what, const std::string& bytes,
                  std::vector<int64_t>* out) {
    crm_batch_report* raw = nullptr;
    bool ok = Timed(kind, what, [&] {
      crm_batch_report_free(raw);
      raw = nullptr;
      return kind == kCreateBatch
                 ? crm_customer_write_batch(&raw, db_, bytes.data(),
                                            bytes.size(), CRM_BATCH_CREATE)
                 : crm_event_append_batch(&raw, db_, bytes.data(),
                                          bytes.size());
    });
    std::unique_ptr<crm_batch_report, ReportFree> report(raw);
    if (!ok) return false;
    for (int r = 0; r < kBatchRows; ++r) {
      out->push_back(crm_batch_report_id(report.get(), r));
    }
    result_->rows += kBatchRows;
    return true;
  }

  // Read, then update at the version read; after CRM_E_CONFLICT (another
  // writer updated it in between) read again. Timed as one call.
  bool UpdateShared(int64_t iteration) {
    std::unique_ptr<crm_record, RecordFree> changes(NewRecord());
    std::string city = std::to_string(task_.writer);
    city.append("-").append(std::to_string(iteration));
    crm_record_set_text(changes.get(), "city", city.c_str());
    return Timed(kUpdateShared, "shared update", [&] {
      for (int attempt = 0; attempt < kMaxUpdateTries; ++attempt) {
        crm_record* raw = nullptr;
        int rc = crm_customer_get(&raw, db_, task_.shared_id);
        std::unique_ptr<crm_record, RecordFree> current(raw);
        if (rc != CRM_OK) return rc;
        rc = crm_customer_update(nullptr, db_, task_.shared_id,
                                 crm_record_version(current.get()),
                                 changes.get(), "bench");
        if (rc != CRM_E_CONFLICT) {
          if (rc == CRM_OK) {
            ++result_->updates;
            ++result_->rows;
          }
          return rc;
        }
        ++result_->conflicts;
      }
      return static_cast<int>(CRM_E_CONFLICT);
    });
  }

  static crm_record* NewRecord() {
    crm_record* record = nullptr;
    crm_record_new(&record);
    return record;
  }

  const WriterTask& task_;
  crm_db* db_;
  WriterResult* result_;
  int64_t pending_ = 0;  // rows of the batch being built, not yet in ids
};

}  // namespace

int64_t CallsOf(CallKind kind, int64_t iterations) {
  switch (kind) {
    case kCreateOne:
    case kAppendOne:
      return iterations;
    case kCreateBatch:
    case kAppendBatch:
      return (iterations + kBatchEvery - 1) / kBatchEvery;
    case kUpdateShared:
    case kCallKinds:
      break;
  }
  return (iterations + kUpdateEvery - 1) / kUpdateEvery;
}

int64_t CustomersOf(int64_t iterations) {
  return CallsOf(kCreateOne, iterations) +
         kBatchRows * CallsOf(kCreateBatch, iterations);
}

std::string WriterEmail(int writer, int64_t k) {
  // Appended, not concatenated: GCC 12 warns (-Wrestrict) on "w" + string.
  std::string email = "w";
  email.append(std::to_string(writer)).append(".c");
  return email.append(std::to_string(k)).append("@bench.test");
}

void RunWriter(const WriterTask& task, void (*ready)(bool opened),
               void (*start)(), WriterResult* result) {
  Db db =
      Open(task.location, task.server, task.busy_timeout_ms, &result->error);
  ready(db != nullptr);
  start();
  if (db == nullptr) return;
  Writer(task, db.get(), result).Run();
}

std::string PrepareWorkspace(const std::string& location, bool server,
                             int64_t* shared_id) {
  std::string error;
  Db db = Open(location, server, 5000, &error);
  if (db == nullptr) return error;
  crm_record* raw = nullptr;
  crm_record_new(&raw);
  std::unique_ptr<crm_record, RecordFree> record(raw);
  crm_record_set_text(record.get(), "name", "Shared customer");
  crm_record_set_text(record.get(), "email", "shared@bench.test");
  if (crm_customer_create(shared_id, db.get(), record.get(), "bench") !=
      CRM_OK) {
    return LastError("crm_customer_create");
  }
  return "";
}

std::string VerifyWorkspace(const std::string& location, bool server,
                            int64_t shared_id, const std::vector<int>& writers,
                            const std::vector<const WriterResult*>& results) {
  std::string error;
  Db db = Open(location, server, 5000, &error);
  if (db == nullptr) return error;
  // What the writers reported.
  std::map<int64_t, std::string> expected_customers;
  std::set<int64_t> expected_seqs;
  int64_t updates = 0;
  for (size_t w = 0; w < results.size(); ++w) {
    const WriterResult& r = *results[w];
    for (size_t k = 0; k < r.ids.size(); ++k) {
      if (!expected_customers.emplace(r.ids[k], WriterEmail(writers[w], k))
               .second ||
          r.ids[k] == shared_id) {
        return "customer id " + std::to_string(r.ids[k]) + " reported twice";
      }
    }
    for (int64_t seq : r.seqs) {
      if (!expected_seqs.insert(seq).second) {
        return "event seq " + std::to_string(seq) + " reported twice";
      }
    }
    updates += r.updates;
  }
  // Every stored customer, its email.
  crm_query* raw_query = nullptr;
  crm_query_new(&raw_query, CRM_QUERY_CUSTOMERS);
  std::unique_ptr<crm_query, QueryFree> query(raw_query);
  crm_query_select(query.get(), "email");
  crm_query_set_page_size(query.get(), 10000);
  std::string cursor;
  int64_t stored = 0;
  do {
    crm_rows* raw = nullptr;
    if (crm_query_set_cursor(query.get(), cursor.c_str()) != CRM_OK ||
        crm_query_run(&raw, db.get(), query.get()) != CRM_OK) {
      return LastError("crm_query_run");
    }
    std::unique_ptr<crm_rows, RowsFree> rows(raw);
    for (size_t i = 0; i < crm_rows_size(rows.get()); ++i) {
      const crm_record* row = crm_rows_at(rows.get(), i);
      int64_t id = crm_record_id(row);
      const char* email = "";
      crm_record_get_text(&email, row, "email");
      ++stored;
      if (id == shared_id) continue;
      auto it = expected_customers.find(id);
      if (it == expected_customers.end()) {
        return "customer " + std::to_string(id) + " stored, never reported";
      }
      if (it->second != email) {
        return "customer " + std::to_string(id) + " has email " + email +
               ", reported " + it->second;
      }
    }
    cursor = crm_rows_next_cursor(rows.get());
  } while (!cursor.empty());
  if (stored != static_cast<int64_t>(expected_customers.size()) + 1) {
    return std::to_string(stored) + " customers stored, " +
           std::to_string(expected_customers.size() + 1) + " reported";
  }
  // The whole log in seq order.
  int64_t last_seq = 0, created = 0, shared_updates = 0, notes = 0;
  for (;;) {
    crm_event_page* raw = nullptr;
    if (crm_event_follow(&raw, db.get(), last_seq, 10000) != CRM_OK) {
      return LastError("crm_event_follow");
    }
    std::unique_ptr<crm_event_page, PageFree> page(raw);
    size_t size = crm_event_page_size(page.get());
    if (size == 0) break;
    for (size_t i = 0; i < size; ++i) {
      const crm_event* event = crm_event_page_at(page.get(), i);
      int64_t seq = crm_event_seq(event);
      if (seq <= last_seq) return "event seqs out of order or repeated";
      last_seq = seq;
      std::string type = crm_event_type(event);
      if (type == kEventType) {
        ++notes;
        if (expected_seqs.count(seq) == 0) {
          return "event " + std::to_string(seq) + " stored, never reported";
        }
      } else if (type == "crm.record.created") {
        ++created;
      } else if (type == "crm.record.updated" &&
                 crm_event_customer(event) == shared_id) {
        ++shared_updates;
      } else {
        return "unexpected event " + type + " at seq " + std::to_string(seq);
      }
    }
  }
  if (notes != static_cast<int64_t>(expected_seqs.size())) {
    return std::to_string(notes) + " events stored, " +
           std::to_string(expected_seqs.size()) + " reported";
  }
  if (created != stored) {
    return std::to_string(created) + " created-history events for " +
           std::to_string(stored) + " customers";
  }
  if (shared_updates != updates) {
    return std::to_string(shared_updates) + " updated-history events, " +
           std::to_string(updates) + " updates reported";
  }
  crm_record* raw = nullptr;
  if (crm_customer_get(&raw, db.get(), shared_id) != CRM_OK) {
    return LastError("crm_customer_get");
  }
  std::unique_ptr<crm_record, RecordFree> shared(raw);
  if (crm_record_version(shared.get()) != 1 + updates) {
    return "shared customer at version " +
           std::to_string(crm_record_version(shared.get())) + " after " +
           std::to_string(updates) + " updates";
  }
  return "";
}

}  // namespace crm_bench
