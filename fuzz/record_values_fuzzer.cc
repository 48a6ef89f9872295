// Record values: the input picks fields (of every type, or made-up names),
// value kinds and values for crm_record_set_*(), then creates a customer
// with them and updates it with more; whatever is stored must read back.
// Each input runs in a host transaction that is rolled back
// (fuzz_support.h).
#include <fuzzer/FuzzedDataProvider.h>

#include <string>
#include <vector>

#include "fuzz_support.h"

namespace {

const char* const kDefinitions[] = {
    R"({"name": "note", "type": "text", "max_length": "40"})",
    R"({"name": "bio", "type": "long_text"})",
    R"({"name": "seats", "type": "integer", "min": "0", "max": "1000"})",
    R"({"name": "budget", "type": "decimal", "scale": 2})",
    R"({"name": "vip", "type": "boolean"})",
    R"({"name": "renewal", "type": "date", "min": "2000-01-01"})",
    R"({"name": "seen", "type": "datetime"})",
    R"({"name": "plan", "type": "choice", "options": ["basic", "premium"]})",
    R"({"name": "modules", "type": "multi_choice", "options": ["a", "b"]})",
    R"({"name": "labels", "type": "tags"})",
    R"({"name": "billing", "type": "email", "unique": true})",
    R"({"name": "site", "type": "url"})",
    R"({"name": "parent", "type": "reference"})",
    R"({"name": "code", "type": "text", "pattern": "[A-Z]{2}[0-9]+"})",
};
const char* const kFields[] = {
    "name", "email",   "stage",     "tags",    "external_id", "note",
    "bio",  "seats",   "budget",    "vip",     "renewal",     "seen",
    "plan", "modules", "labels",    "billing", "site",        "parent",
    "code", "kind",    "created_at"};

void SetValues(FuzzedDataProvider& input, crm_record* record) {
  int values = input.ConsumeIntegralInRange(0, 12);
  for (int i = 0; i < values && input.remaining_bytes() > 0; ++i) {
    std::string field = input.ConsumeBool()
                            ? input.PickValueInArray(kFields)
                            : input.ConsumeRandomLengthString(16);
    const char* name = field.c_str();
    switch (input.ConsumeIntegralInRange(0, 8)) {
      case 0:
        crm_record_set_text(record, name,
                            input.ConsumeRandomLengthString(64).c_str());
        break;
      case 1:
        crm_record_set_integer(record, name, input.ConsumeIntegral<int64_t>());
        break;
      case 2:
        crm_record_set_decimal(record, name,
                               input.ConsumeRandomLengthString(24).c_str());
        break;
      case 3:
        crm_record_set_boolean(record, name, input.ConsumeIntegral<int>());
        break;
      case 4:
        crm_record_set_date(record, name,
                            input.ConsumeRandomLengthString(12).c_str());
        break;
      case 5:
        crm_record_set_datetime(record, name, input.ConsumeIntegral<int64_t>());
        break;
      case 6: {
        std::vector<std::string> items(input.ConsumeIntegralInRange(0, 4));
        for (std::string& item : items) {
          item = input.ConsumeRandomLengthString(12);
        }
        std::vector<const char*> pointers;
        for (const std::string& item : items) pointers.push_back(item.c_str());
        crm_record_set_list(record, name, pointers.data(), pointers.size());
        break;
      }
      case 7:
        crm_record_set_null(record, name);
        break;
      default:
        crm_record_set_list(record, name, nullptr, 0);
    }
  }
}

// Reads every field of `record` with the getter of its kind.
void ReadBack(const crm_record* record) {
  for (size_t i = 0; i < crm_record_field_count(record); ++i) {
    const char* field = crm_record_field_name(record, i);
    CRM_FUZZ_CHECK(field != nullptr);
    const char* text = nullptr;
    int64_t number = 0;
    size_t size = 0;
    switch (crm_record_kind(record, field)) {
      case CRM_VALUE_TEXT:
        CRM_FUZZ_CHECK(crm_record_get_text(&text, record, field) == CRM_OK);
        break;
      case CRM_VALUE_INTEGER:
        CRM_FUZZ_CHECK(crm_record_get_integer(&number, record, field) ==
                       CRM_OK);
        break;
      case CRM_VALUE_LIST:
        CRM_FUZZ_CHECK(crm_record_get_list_size(&size, record, field) ==
                       CRM_OK);
        for (size_t j = 0; j < size; ++j) {
          CRM_FUZZ_CHECK(crm_record_get_list_item(&text, record, field, j) ==
                         CRM_OK);
        }
        break;
      default:
        break;
    }
  }
}

// A field of every type, set up once per process.
const crm_fuzz::ProcessWorkspace& Workspace() {
  static const auto* workspace = new crm_fuzz::ProcessWorkspace([](crm_db* db) {
    for (const char* definition : kDefinitions) {
      crm_fuzz::DefineField(db, definition);
    }
  });
  return *workspace;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  crm_fuzz::InputTransaction transaction(Workspace());
  crm_db* db = Workspace().get();
  crm_record* record = nullptr;
  crm_record_new(&record);
  SetValues(input, record);
  int64_t id = 0;
  int rc = crm_customer_create(&id, db, record, "fuzz");
  crm_record_free(record);
  CRM_FUZZ_CHECK(crm_fuzz::Count(db) == (rc == CRM_OK ? 1 : 0));
  if (rc != CRM_OK) return 0;

  crm_record* changes = nullptr;
  crm_record_new(&changes);
  SetValues(input, changes);
  int64_t version = 0;
  rc = crm_customer_update(&version, db, id, 1, changes, "fuzz");
  crm_record_free(changes);
  crm_record* got = nullptr;
  CRM_FUZZ_CHECK(crm_customer_get(&got, db, id) == CRM_OK);
  CRM_FUZZ_CHECK(crm_record_version(got) == (rc == CRM_OK ? version : 1));
  ReadBack(got);
  crm_record_free(got);
  return 0;
}
