// Import files: arbitrary CSV or JSON Lines bytes and an arbitrary mapping
// to crm_import() (customers or events) on an in-memory workspace. The call
// never crashes nor fails with CRM_E_INTERNAL; a failed call hands out no
// report, a successful one a report whose rows add up (created + updated +
// unchanged + rejected = rows). Each input runs in a host transaction that
// is rolled back (fuzz_support.h).
//
// Input: one byte (bit 0: events, bit 1: JSON Lines, bit 2: empty cells
// cleared, bits 3-4: batch rows 0/1/3/10000), a random-length string (the
// mapping; empty: the defaults), then the file's bytes.
#include <fuzzer/FuzzedDataProvider.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "fuzz_support.h"

namespace {

const crm_fuzz::ProcessWorkspace& Workspace() {
  static const auto* workspace = new crm_fuzz::ProcessWorkspace([](crm_db* db) {
    crm_fuzz::DefineField(db, R"({"name": "balance", "type": "decimal",
                                  "scale": 2})");
    crm_fuzz::DefineField(db, R"({"name": "visits", "type": "integer"})");
    crm_fuzz::DefineField(db, R"({"name": "active", "type": "boolean"})");
    crm_fuzz::DefineField(db, R"({"name": "joined", "type": "date"})");
    crm_fuzz::DefineField(db, R"({"name": "seen", "type": "datetime"})");
    crm_fuzz::DefineField(db, R"({"name": "labels", "type": "tags"})");
    crm_record* record = nullptr;
    crm_record_new(&record);
    crm_record_set_text(record, "name", "Acme");
    crm_record_set_text(record, "external_id", "k1");
    crm_record_set_text(record, "email", "acme@example.com");
    int64_t id = 0;
    CRM_FUZZ_CHECK(crm_customer_create(&id, db, record, "fuzz") == CRM_OK);
    crm_record_free(record);
  });
  return *workspace;
}

// The number after "key": in a compact report, or -1.
int64_t Number(const std::string& report, const char* key) {
  std::string marker = std::string("\"") + key + "\":";
  size_t at = report.find(marker);
  if (at == std::string::npos) return -1;
  return std::strtoll(report.c_str() + at + marker.size(), nullptr, 10);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  const uint8_t flags = input.ConsumeIntegral<uint8_t>();
  std::string mapping = input.ConsumeRandomLengthString(512);
  std::string file = input.ConsumeRemainingBytesAsString();
  static const std::string csv_path =
      "/tmp/crm-import-fuzz-" + std::to_string(getpid()) + ".csv";
  static const std::string jsonl_path =
      "/tmp/crm-import-fuzz-" + std::to_string(getpid()) + ".jsonl";
  const std::string& path = (flags & 2) ? jsonl_path : csv_path;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << file;

  crm_fuzz::InputTransaction transaction(Workspace());
  crm_import_options options = CRM_IMPORT_OPTIONS_INIT;
  options.target = (flags & 1) ? CRM_DATA_EVENTS : CRM_DATA_CUSTOMERS;
  if (!mapping.empty()) options.mapping_json = mapping.c_str();
  static const int64_t kBatchRows[] = {0, 1, 3, 10000};
  options.batch_rows = kBatchRows[(flags >> 3) & 3];
  char* json = nullptr;
  int rc = crm_import(&json, Workspace().get(), path.c_str(), &options);
  CRM_FUZZ_CHECK(rc != CRM_E_INTERNAL);
  if (rc != CRM_OK) {
    CRM_FUZZ_CHECK(json == nullptr);
    CRM_FUZZ_CHECK(rc == CRM_E_INVALID_ARGUMENT || rc == CRM_E_NOT_FOUND ||
                   rc == CRM_E_VALIDATION || rc == CRM_E_NOMEM);
    return 0;
  }
  CRM_FUZZ_CHECK(json != nullptr);
  std::string report = json;
  crm_string_free(json);
  CRM_FUZZ_CHECK(report.rfind("{\"rows\":", 0) == 0);
  CRM_FUZZ_CHECK(Number(report, "rows") ==
                 Number(report, "created") + Number(report, "updated") +
                     Number(report, "unchanged") + Number(report, "rejected"));
  return 0;
}
