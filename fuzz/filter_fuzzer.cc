// Fuzzes the filter language: any bytes as a filter over customers or
// events. Invariants: the call answers OK or names a bad argument or a
// validation error (never an internal error or a crash), a count agrees
// with the rows a run returns, a filter saved as a segment counts the same
// (saving refuses what cannot run), and nothing stored changes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.h"

namespace {

constexpr int64_t kCustomers = 6;

// One workspace for the whole run, with fields of every kind, customers and
// events (with a number, a text and a list as properties), so that filters
// have something to match.
const crm_fuzz::ProcessWorkspace& Workspace() {
  static const auto* workspace = new crm_fuzz::ProcessWorkspace([](crm_db* db) {
    const char* fields[] = {
        R"({"name": "ltv", "type": "decimal", "scale": 2, "indexed": true})",
        R"({"name": "seats", "type": "integer"})",
        R"({"name": "since", "type": "date"})",
        R"({"name": "vip", "type": "boolean"})",
        R"({"name": "plan", "type": "choice", "options": ["a", "b"]})",
        R"({"name": "labels", "type": "multi_choice", "options": ["x", "y"]})",
    };
    for (const char* field : fields) crm_fuzz::DefineField(db, field);
    for (int64_t i = 0; i < kCustomers; ++i) {
      crm_record* record = nullptr;
      crm_record_new(&record);
      std::string name = "customer " + std::to_string(i);
      crm_record_set_text(record, "name", name.c_str());
      crm_record_set_integer(record, "seats", i);
      crm_record_set_decimal(record, "ltv", i % 2 ? "10.50" : "99999.99");
      crm_record_set_text(record, "plan", i % 2 ? "a" : "b");
      int64_t id = 0;
      CRM_FUZZ_CHECK(crm_customer_create(&id, db, record, "fuzz") == CRM_OK);
      crm_record_free(record);
      crm_event* event = nullptr;
      crm_event_new(&event);
      crm_event_set_customer(event, id);
      crm_event_set_type(event, "call");
      crm_event_set_channel(event, "phone");
      crm_record* properties = crm_event_properties(event);
      crm_record_set_decimal(properties, "amount", i % 2 ? "12.50" : "3");
      crm_record_set_text(properties, "note", i % 2 ? "call back" : "[1]");
      const char* skus[] = {"a", "b"};
      crm_record_set_list(properties, "skus", skus, 1 + i % 2);
      int64_t seq = 0;
      CRM_FUZZ_CHECK(crm_event_append(&seq, nullptr, db, event) == CRM_OK);
      crm_event_free(event);
    }
  });
  return *workspace;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  crm_db* db = Workspace().get();
  int target = data[0] % 2 ? CRM_QUERY_EVENTS : CRM_QUERY_CUSTOMERS;
  std::string filter(reinterpret_cast<const char*>(data) + 1, size - 1);
  filter = filter.c_str();  // the C ABI takes NUL-terminated text
  crm_query* query = nullptr;
  CRM_FUZZ_CHECK(crm_query_new(&query, target) == CRM_OK);
  int rc = crm_query_set_filter(query, filter.c_str());
  CRM_FUZZ_CHECK(rc == CRM_OK || rc == CRM_E_INVALID_ARGUMENT);
  crm_record* params = crm_query_params(query);
  crm_record_set_integer(params, "1", 3);
  crm_record_set_text(params, "2", "a");
  crm_record_set_decimal(params, "min", "10.00");
  int64_t count = -1;
  rc = crm_query_count(&count, db, query);
  CRM_FUZZ_CHECK(rc == CRM_OK || rc == CRM_E_INVALID_ARGUMENT ||
                 rc == CRM_E_VALIDATION);
  if (rc == CRM_OK) {
    crm_query_set_page_size(query, 100);
    crm_rows* rows = nullptr;
    CRM_FUZZ_CHECK(crm_query_run(&rows, db, query) == CRM_OK);
    CRM_FUZZ_CHECK(static_cast<int64_t>(crm_rows_size(rows)) == count);
    crm_rows_free(rows);
  } else {
    CRM_FUZZ_CHECK(count == 0);
  }
  {
    // A segment runs whenever it could be saved (it has no parameters, so
    // it is the filter counted above).
    crm_fuzz::InputTransaction transaction(Workspace());
    int saved = crm_segment_save(db, "fuzz", target, filter.c_str());
    CRM_FUZZ_CHECK(saved == CRM_OK || saved == CRM_E_INVALID_ARGUMENT ||
                   saved == CRM_E_VALIDATION);
    if (saved == CRM_OK) {
      int64_t segment_count = -1;
      CRM_FUZZ_CHECK(crm_segment_count(&segment_count, db, "fuzz") == CRM_OK);
      CRM_FUZZ_CHECK(rc == CRM_OK && segment_count == count);
    }
  }
  crm_query_free(query);
  CRM_FUZZ_CHECK(crm_fuzz::Count(db) == kCustomers);
  return 0;
}
