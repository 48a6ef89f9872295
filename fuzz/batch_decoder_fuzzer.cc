// The bulk decoders: raw bytes as a crm.wire.CustomerBatch (create or
// upsert), as a record (crm_record_decode: a CustomerBatch of one row, then
// encoded back and written), as one event (crm_event_decode, then appended),
// and as a crm.wire.EventBatch. A batch is all or
// nothing: on failure the customer count and the log do not move. Each input
// runs in a host transaction that is rolled back (fuzz_support.h).
#include <string>

#include "fuzz_support.h"

namespace {

// A field and two customers, set up once per process.
const crm_fuzz::ProcessWorkspace& Workspace() {
  static const auto* workspace = new crm_fuzz::ProcessWorkspace([](crm_db* db) {
    crm_fuzz::DefineField(db, R"({"name": "seats", "type": "integer"})");
    crm_fuzz::CreateNamed(db, "First");
    crm_fuzz::CreateNamed(db, "Second");
  });
  return *workspace;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int mode = data[0] % 3;  // 0 is not a valid mode: must be refused
  const void* bytes = data + 1;
  const size_t length = size - 1;

  crm_fuzz::InputTransaction transaction(Workspace());
  crm_db* db = Workspace().get();

  crm_batch_report* report = nullptr;
  int rc = crm_customer_write_batch(&report, db, bytes, length, mode);
  int64_t count = crm_fuzz::Count(db);
  if (rc == CRM_OK) {
    CRM_FUZZ_CHECK(mode != 0);
    CRM_FUZZ_CHECK(crm_batch_report_rejected(report) == 0);
    size_t created = 0;
    for (size_t row = 0; row < crm_batch_report_size(report); ++row) {
      CRM_FUZZ_CHECK(crm_batch_report_status(report, row) == CRM_OK);
      CRM_FUZZ_CHECK(crm_batch_report_id(report, row) > 0);
      created += crm_batch_report_created(report, row) == 1;
    }
    CRM_FUZZ_CHECK(count == 2 + static_cast<int64_t>(created));
  } else {
    CRM_FUZZ_CHECK(count == 2);
    for (size_t row = 0; report && row < crm_batch_report_size(report); ++row) {
      CRM_FUZZ_CHECK(crm_batch_report_id(report, row) == 0);
      CRM_FUZZ_CHECK(crm_batch_report_message(report, row) != nullptr);
    }
  }
  crm_batch_report_free(report);

  crm_record* record = nullptr;
  rc = crm_record_decode(&record, bytes, length);
  CRM_FUZZ_CHECK(rc == CRM_OK || rc == CRM_E_INVALID_ARGUMENT);
  CRM_FUZZ_CHECK((rc == CRM_OK) == (record != nullptr));
  if (record != nullptr) {
    const void* encoded = nullptr;
    size_t encoded_size = 0;
    CRM_FUZZ_CHECK(crm_record_encode(&encoded, &encoded_size, record) ==
                   CRM_OK);
    CRM_FUZZ_CHECK(encoded != nullptr && encoded_size > 0);
    const char* json = nullptr;
    CRM_FUZZ_CHECK(crm_record_encode_json(&json, &encoded_size, record) ==
                   CRM_OK);
    CRM_FUZZ_CHECK(json != nullptr && json[encoded_size] == '\0');
    int64_t id = 0;
    rc = crm_customer_create(&id, db, record, nullptr);
    CRM_FUZZ_CHECK(rc != CRM_E_INTERNAL);
    CRM_FUZZ_CHECK(crm_fuzz::Count(db) == count + (rc == CRM_OK ? 1 : 0));
    crm_record_free(record);
  }

  int64_t before = 0;
  crm_event_page* page = nullptr;
  CRM_FUZZ_CHECK(crm_event_follow(&page, db, 0, 10000) == CRM_OK);
  before = static_cast<int64_t>(crm_event_page_size(page));
  crm_event_page_free(page);
  crm_event* event = nullptr;
  rc = crm_event_decode(&event, bytes, length);
  CRM_FUZZ_CHECK(rc == CRM_OK || rc == CRM_E_INVALID_ARGUMENT);
  CRM_FUZZ_CHECK((rc == CRM_OK) == (event != nullptr));
  if (event != nullptr) {
    int64_t seq = 0;
    int duplicate = 0;
    rc = crm_event_append(&seq, &duplicate, db, event);
    CRM_FUZZ_CHECK(rc != CRM_E_INTERNAL);
    crm_event_free(event);
    CRM_FUZZ_CHECK(crm_event_follow(&page, db, 0, 10000) == CRM_OK);
    int64_t now = static_cast<int64_t>(crm_event_page_size(page));
    crm_event_page_free(page);
    CRM_FUZZ_CHECK(now == before + (rc == CRM_OK && duplicate == 0 ? 1 : 0));
  }

  CRM_FUZZ_CHECK(crm_event_follow(&page, db, 0, 10000) == CRM_OK);
  before = static_cast<int64_t>(crm_event_page_size(page));
  crm_event_page_free(page);
  report = nullptr;
  rc = crm_event_append_batch(&report, db, bytes, length);
  size_t appended = 0;
  for (size_t row = 0; rc == CRM_OK && row < crm_batch_report_size(report);
       ++row) {
    appended += crm_batch_report_created(report, row) == 1;
  }
  crm_batch_report_free(report);
  CRM_FUZZ_CHECK(crm_event_follow(&page, db, 0, 10000) == CRM_OK);
  int64_t after = static_cast<int64_t>(crm_event_page_size(page));
  crm_event_page_free(page);
  CRM_FUZZ_CHECK(after == before + static_cast<int64_t>(appended));
  return 0;
}
