// Helpers shared by libcrm's reliability tests and the crash writer: the
// batches a writer sends, opening a workspace on either backend, the
// environment and the statistics file. raw_db.h checks what is stored.
#ifndef CRM_TESTS_RELIABILITY_RELIABILITY_SUPPORT_H_
#define CRM_TESTS_RELIABILITY_RELIABILITY_SUPPORT_H_

#include <chrono>
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

// UTC microseconds now.
inline int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A crm.wire.CustomerBatch of kRowsPerBatch customers of `unit`; with
// `created_at_us` (not 0) each starts then (a "created_at" column).
inline std::string CustomerBatchBytes(int64_t unit, int64_t created_at_us = 0) {
  crm::wire::CustomerBatch batch;
  batch.add_columns("name");
  batch.add_columns("external_id");
  batch.add_columns("city");
  if (created_at_us != 0) batch.add_columns("created_at");
  batch.set_actor("crash-writer");
  for (int row = 0; row < kRowsPerBatch; ++row) {
    crm::wire::CustomerRow* values = batch.add_rows();
    values->add_values()->set_text("Customer " + ExternalId(unit, row));
    values->add_values()->set_text(ExternalId(unit, row));
    values->add_values()->set_text(std::string(200, 'a' + row % 26));
    if (created_at_us != 0)
      values->add_values()->set_datetime_us(created_at_us);
  }
  return batch.SerializeAsString();
}

// Changes the city of customer `id` late: "late" from 12 hours ago on
// (crm_customer_update_v2), then "fixed" for 20 to 16 hours ago (a bounded
// correction). The crash writer does it in every third unit, for the
// unit's first customer, inside its host transaction. CRM_OK or the status
// of the call that failed.
inline int ChangeLate(crm_db* db, int64_t id) {
  const int64_t now = NowMicros();
  const int64_t hour = 3600LL * 1000000;
  const struct {
    const char* city;
    int64_t from, until;
  } changes[] = {{"late", now - 12 * hour, CRM_TIME_MAX},
                 {"fixed", now - 20 * hour, now - 16 * hour}};
  for (const auto& change : changes) {
    crm_record* record = nullptr;
    int rc = crm_record_new(&record);
    if (rc == CRM_OK) rc = crm_record_set_text(record, "city", change.city);
    crm_write_options options = CRM_WRITE_OPTIONS_INIT;
    options.effective_at = change.from;
    options.effective_until = change.until;
    if (rc == CRM_OK) {
      rc = crm_customer_update_v2(nullptr, db, id, 0, record, &options,
                                  "crash-writer");
    }
    crm_record_free(record);
    if (rc != CRM_OK) return rc;
  }
  return CRM_OK;
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

// Whether `location` is a PostgreSQL workspace URL rather than a file path.
inline bool IsWorkspaceUrl(const std::string& location) {
  return location.rfind("postgresql:", 0) == 0 ||
         location.rfind("postgres:", 0) == 0;
}

// Opens the workspace at `location`: crm_open_url() for a URL, crm_open()
// for a path (crm_open never reads a URL).
inline int OpenWorkspace(crm_db** out, const std::string& location,
                         const crm_open_options* options) {
  return IsWorkspaceUrl(location) ? crm_open_url(out, location.c_str(), options)
                                  : crm_open(out, location.c_str(), options);
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
