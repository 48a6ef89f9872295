// A libcrm host that writes units of work to one workspace (a file, or a
// PostgreSQL workspace URL) until it is killed (or has written the number
// of units it was asked for).
//
// Unit u writes kRowsPerBatch customers with crm_customer_write_batch() and
// one keyed event per customer with crm_event_append_batch(). These are
// steps 2u and 2u+1. Every third unit wraps both in crm_begin()/crm_commit().
// After each commit the writer appends the committed step numbers, one per
// line, to the report file and fsyncs it, so whoever reads the report knows
// what libcrm said was committed.
//
// Usage: crm_crash_writer PATH|URL REPORT FIRST_UNIT UNITS(0 = no end)
//                         normal|full
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "reliability_support.h"

namespace crm_reliability {
namespace {

int Fail(const char* what, int rc) {
  std::fprintf(stderr, "crash_writer: %s: %s: %s\n", what, crm_status_name(rc),
               crm_last_error_message());
  return 2;
}

void Report(int fd, const std::string& lines) {
  if (write(fd, lines.data(), lines.size()) !=
          static_cast<ssize_t>(lines.size()) ||
      fsync(fd) != 0) {
    std::perror("crash_writer: report");
    std::exit(3);
  }
}

int Run(const char* path, const char* report_path, int64_t first, int64_t units,
        bool full_sync) {
  int report = open(report_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (report < 0) {
    std::perror("crash_writer: open report");
    return 3;
  }
  crm_open_options options = CRM_OPEN_OPTIONS_INIT;
  options.busy_timeout_ms = 60000;
  options.sync = full_sync ? CRM_SYNC_FULL : CRM_SYNC_NORMAL;
  crm_db* db = nullptr;
  int rc = OpenWorkspace(&db, path, &options);
  if (rc != CRM_OK) return Fail("open", rc);
  for (int64_t unit = first; units == 0 || unit < first + units; ++unit) {
    bool in_transaction = unit % 3 == 0;
    if (in_transaction && (rc = crm_begin(db)) != CRM_OK) {
      return Fail("begin", rc);
    }
    std::string customers = CustomerBatchBytes(unit);
    crm_batch_report* batch = nullptr;
    rc = crm_customer_write_batch(&batch, db, customers.data(),
                                  customers.size(), CRM_BATCH_CREATE);
    if (rc != CRM_OK) return Fail("customer batch", rc);
    std::vector<int64_t> ids;
    for (size_t row = 0; row < crm_batch_report_size(batch); ++row) {
      ids.push_back(crm_batch_report_id(batch, row));
    }
    crm_batch_report_free(batch);
    std::string step = std::to_string(2 * unit) + "\n";
    if (!in_transaction) Report(report, step);
    std::string events = EventBatchBytes(unit, ids);
    rc = crm_event_append_batch(nullptr, db, events.data(), events.size());
    if (rc != CRM_OK) return Fail("event batch", rc);
    if (in_transaction && (rc = crm_commit(db)) != CRM_OK) {
      return Fail("commit", rc);
    }
    Report(report, (in_transaction ? step : std::string()) +
                       std::to_string(2 * unit + 1) + "\n");
  }
  crm_close(db);
  close(report);
  return 0;
}

}  // namespace
}  // namespace crm_reliability

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr,
                 "usage: %s WORKSPACE REPORT FIRST_UNIT UNITS normal|full\n",
                 argv[0]);
    return 64;
  }
  return crm_reliability::Run(argv[1], argv[2], std::atoll(argv[3]),
                              std::atoll(argv[4]),
                              std::string(argv[5]) == "full");
}
