// Helpers shared by libcrm's reliability tests: building the batches a
// writer sends, and checking a workspace file with a raw SQLite connection.
#ifndef CRM_TESTS_RELIABILITY_RELIABILITY_SUPPORT_H_
#define CRM_TESTS_RELIABILITY_RELIABILITY_SUPPORT_H_

#include <sqlite3.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "crm/crm.h"
#include "crm/crm.pb.h"

namespace crm_reliability {

// Customers and events written per unit of work by the crash writer.
inline constexpr int kRowsPerBatch = 20;

inline std::string ExternalId(int64_t unit, int row) {
  return "b" + std::to_string(unit) + "-" + std::to_string(row);
}
inline std::string EventKey(int64_t unit, int row) {
  return "e" + std::to_string(unit) + "-" + std::to_string(row);
}

// A crm.wire.CustomerBatch of kRowsPerBatch customers of `unit`.
inline std::string CustomerBatchBytes(int64_t unit) {
  crm::wire::CustomerBatch batch;
  batch.add_columns("name");
  batch.add_columns("external_id");
  batch.add_columns("city");
  batch.set_actor("crash-writer");
  for (int row = 0; row < kRowsPerBatch; ++row) {
    crm::wire::CustomerRow* values = batch.add_rows();
    values->add_values()->set_text("Customer " + ExternalId(unit, row));
    values->add_values()->set_text(ExternalId(unit, row));
    values->add_values()->set_text(std::string(200, 'a' + row % 26));
  }
  return batch.SerializeAsString();
}

// A crm.wire.EventBatch with one keyed event per customer id.
inline std::string EventBatchBytes(int64_t unit,
                                   const std::vector<int64_t>& customers) {
  crm::wire::EventBatch batch;
  for (size_t row = 0; row < customers.size(); ++row) {
    crm::wire::EventInput* event = batch.add_events();
    event->set_customer_id(customers[row]);
    event->set_type("order.placed");
    event->set_channel("web");
    event->set_idempotency_key(EventKey(unit, static_cast<int>(row)));
    crm::wire::Property* property = event->add_properties();
    property->set_name("amount");
    property->mutable_value()->set_integer(static_cast<int64_t>(row) * 100);
  }
  return batch.SerializeAsString();
}

// A raw SQLite connection to a workspace file (through the default VFS).
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) !=
        SQLITE_OK) {
      error_ = db_ ? sqlite3_errmsg(db_) : "cannot open";
    }
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  // Every row's first column as text; sets error() on failure.
  std::vector<std::string> Column(const std::string& sql) {
    std::vector<std::string> out;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      error_ = sqlite3_errmsg(db_);
      return out;
    }
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      out.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
    }
    if (rc != SQLITE_DONE) error_ = sqlite3_errmsg(db_);
    sqlite3_finalize(stmt);
    return out;
  }

  // "ok" when the file passes PRAGMA integrity_check, else the problems.
  std::string IntegrityCheck() {
    std::string result;
    for (const std::string& line : Column("PRAGMA integrity_check")) {
      result += (result.empty() ? "" : "; ") + line;
    }
    return ok() ? result : "error: " + error_;
  }

  int64_t Count(const std::string& sql) {
    std::vector<std::string> rows = Column(sql);
    return rows.empty() ? -1 : std::strtoll(rows[0].c_str(), nullptr, 10);
  }

 private:
  sqlite3* db_ = nullptr;
  std::string error_;
};

// The crm.record.created history events in the workspace of `raw`: one per
// customer ever created, deleted ones included.
inline int64_t CreatedEvents(RawDb& raw) {
  return raw.Count(
      "SELECT count(*) FROM crm_events e JOIN crm_strings s ON s.id = "
      "e.type_id WHERE s.text = 'crm.record.created'");
}

// An integer from the environment, or `fallback`.
inline int EnvInt(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value && *value ? std::atoi(value) : fallback;
}

// Appends "key=value" to the file named by CRM_RELIABILITY_STATS, if set,
// so that scripts/reliability.sh can add up what the suite did.
inline void RecordStat(const std::string& key, int64_t value) {
  const char* path = std::getenv("CRM_RELIABILITY_STATS");
  if (path == nullptr || *path == '\0') return;
  std::ofstream(path, std::ios::app) << key << "=" << value << "\n";
}

}  // namespace crm_reliability

#endif  // CRM_TESTS_RELIABILITY_RELIABILITY_SUPPORT_H_
