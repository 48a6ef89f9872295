// A libcrm host that writes units of work to one workspace (a file, or a
// PostgreSQL workspace URL) until it is killed (or has written the number
// of units it was asked for).
//
// Unit u writes kRowsPerBatch customers with crm_customer_write_batch()
// (created a day ago: a created_at column) and one keyed event per customer
// with crm_event_append_batch(). These are steps 2u and 2u+1. Every third
// unit wraps both in crm_begin()/crm_commit(), and there also changes the
// city of its first customer late (crm_customer_update_v2 from 12 hours
// ago) and corrects it for a closed stretch before (20 to 16 hours ago).
// After each commit the writer appends the committed step numbers, one per
// line, to the report file and fsyncs it, so whoever reads the report knows
// what libcrm said was committed.
//
// Usage: crm_crash_writer PATH|URL REPORT FIRST_UNIT UNITS(0 = no end)
//                         normal|full
//
// Or, to be killed during an erase: crm_crash_writer PATH|URL REPORT erase
// normal|full erases every customer with one crm_customer_erase_where()
// (filter "id > 0"), reporting "ready" before the call and "erased
// <microseconds>" after it returns, then waits to be killed.
//
// Or, to be killed during a merge: crm_crash_writer PATH|URL REPORT merge
// normal|full merges every customer into the one with the lowest id with one
// crm_customer_merge(), reporting "ready" before the call and "merged
// <microseconds>" after it returns, then waits to be killed.
//
// Or, to be killed during an import: crm_crash_writer PATH|URL REPORT import
// CUSTOMERS_CSV EVENTS_CSV normal|full imports the customers (key
// external_id) and then their events (customer by external_id, type
// "visit") with crm_import in batches of kImportBatchRows rows, reporting
// "ready" before and "imported <microseconds>" after, then waits to be
// killed.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
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

// Opens the report file (for appending) and the workspace; 0, or the exit
// status to return.
int OpenBoth(const char* path, const char* report_path, bool full_sync,
             int* report, crm_db** db) {
  *report = open(report_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (*report < 0) {
    std::perror("crash_writer: open report");
    return 3;
  }
  crm_open_options options = CRM_OPEN_OPTIONS_INIT;
  options.busy_timeout_ms = 60000;
  options.sync = full_sync ? CRM_SYNC_FULL : CRM_SYNC_NORMAL;
  int rc = OpenWorkspace(db, path, &options);
  return rc == CRM_OK ? 0 : Fail("open", rc);
}

int Run(const char* path, const char* report_path, int64_t first, int64_t units,
        bool full_sync) {
  int report = -1;
  crm_db* db = nullptr;
  if (int status = OpenBoth(path, report_path, full_sync, &report, &db)) {
    return status;
  }
  int rc = CRM_OK;
  for (int64_t unit = first; units == 0 || unit < first + units; ++unit) {
    bool in_transaction = unit % 3 == 0;
    if (in_transaction && (rc = crm_begin(db)) != CRM_OK) {
      return Fail("begin", rc);
    }
    std::string customers =
        CustomerBatchBytes(unit, NowMicros() - 86400LL * 1000000);
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
    if (in_transaction && !ids.empty()) {
      if ((rc = ChangeLate(db, ids[0])) != CRM_OK) {
        return Fail("late change", rc);
      }
    }
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

int RunErase(const char* path, const char* report_path, bool full_sync) {
  int report = -1;
  crm_db* db = nullptr;
  if (int status = OpenBoth(path, report_path, full_sync, &report, &db)) {
    return status;
  }
  int rc = CRM_OK;
  crm_query* query = nullptr;
  if ((rc = crm_query_new(&query, CRM_QUERY_CUSTOMERS)) != CRM_OK ||
      (rc = crm_query_set_filter(query, "id > 0")) != CRM_OK) {
    return Fail("query", rc);
  }
  Report(report, "ready\n");
  const auto start = std::chrono::steady_clock::now();
  char* receipt = nullptr;
  rc = crm_customer_erase_where(&receipt, db, query, nullptr);
  if (rc != CRM_OK) return Fail("erase where", rc);
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  Report(report, "erased " + std::to_string(us) + "\n");
  crm_string_free(receipt);
  crm_query_free(query);
  for (;;) pause();  // until the test kills it
}

int RunMerge(const char* path, const char* report_path, bool full_sync) {
  int report = -1;
  crm_db* db = nullptr;
  if (int status = OpenBoth(path, report_path, full_sync, &report, &db)) {
    return status;
  }
  // Every customer's id, ascending (the default order of a customer query).
  std::vector<int64_t> ids;
  crm_query* query = nullptr;
  int rc = CRM_OK;
  if ((rc = crm_query_new(&query, CRM_QUERY_CUSTOMERS)) != CRM_OK ||
      (rc = crm_query_select(query, "id")) != CRM_OK ||
      (rc = crm_query_set_page_size(query, 10000)) != CRM_OK) {
    return Fail("query", rc);
  }
  crm_rows* rows = nullptr;
  if ((rc = crm_query_run(&rows, db, query)) != CRM_OK) {
    return Fail("query run", rc);
  }
  for (size_t i = 0; i < crm_rows_size(rows); ++i) {
    ids.push_back(crm_record_id(crm_rows_at(rows, i)));
  }
  crm_rows_free(rows);
  crm_query_free(query);
  if (ids.size() < 2) return Fail("too few customers", CRM_E_NOT_FOUND);
  Report(report, "ready\n");
  const auto start = std::chrono::steady_clock::now();
  char* receipt = nullptr;
  rc = crm_customer_merge(&receipt, db, ids[0], ids.data() + 1, ids.size() - 1,
                          nullptr, "crash", "crash test");
  if (rc != CRM_OK) return Fail("merge", rc);
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  Report(report, "merged " + std::to_string(us) + "\n");
  crm_string_free(receipt);
  for (;;) pause();  // until the test kills it
}

// The batch size of the import mode: rows per transaction, small so that a
// kill finds some batches committed and some not.
constexpr int64_t kImportBatchRows = 97;

int RunImport(const char* path, const char* report_path, const char* customers,
              const char* events, bool full_sync) {
  int report = -1;
  crm_db* db = nullptr;
  if (int status = OpenBoth(path, report_path, full_sync, &report, &db)) {
    return status;
  }
  Report(report, "ready\n");
  const auto start = std::chrono::steady_clock::now();
  crm_import_options options = CRM_IMPORT_OPTIONS_INIT;
  options.batch_rows = kImportBatchRows;
  int rc = crm_import(nullptr, db, customers, &options);
  if (rc != CRM_OK) return Fail("import customers", rc);
  options.target = CRM_DATA_EVENTS;
  options.mapping_json =
      R"({"customer": {"column": "customer", "by": "external_id"},
          "type": "visit"})";
  rc = crm_import(nullptr, db, events, &options);
  if (rc != CRM_OK) return Fail("import events", rc);
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  Report(report, "imported " + std::to_string(us) + "\n");
  for (;;) pause();  // until the test kills it
}

}  // namespace
}  // namespace crm_reliability

int main(int argc, char** argv) {
  if (argc == 7 && std::string(argv[3]) == "import") {
    return crm_reliability::RunImport(argv[1], argv[2], argv[4], argv[5],
                                      std::string(argv[6]) == "full");
  }
  if (argc == 5 && std::string(argv[3]) == "merge") {
    return crm_reliability::RunMerge(argv[1], argv[2],
                                     std::string(argv[4]) == "full");
  }
  if (argc == 5 && std::string(argv[3]) == "erase") {
    return crm_reliability::RunErase(argv[1], argv[2],
                                     std::string(argv[4]) == "full");
  }
  if (argc != 6) {
    std::fprintf(stderr,
                 "usage: %s WORKSPACE REPORT FIRST_UNIT UNITS normal|full\n"
                 "       %s WORKSPACE REPORT erase|merge normal|full\n"
                 "       %s WORKSPACE REPORT import CUSTOMERS EVENTS "
                 "normal|full\n",
                 argv[0], argv[0], argv[0]);
    return 64;
  }
  return crm_reliability::Run(argv[1], argv[2], std::atoll(argv[3]),
                              std::atoll(argv[4]),
                              std::string(argv[5]) == "full");
}
