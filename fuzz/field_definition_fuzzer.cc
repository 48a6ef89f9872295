// Field definitions: arbitrary JSON to crm_field_define(), then arbitrary
// patches to crm_field_update() on a defined field holding a value. Each
// input runs in a host transaction that is rolled back (fuzz_support.h).
#include <fuzzer/FuzzedDataProvider.h>

#include <string>

#include "fuzz_support.h"

namespace {

int64_t customer = 0;  // holds a value of the field "seats"

const crm_fuzz::ProcessWorkspace& Workspace() {
  static const auto* workspace = new crm_fuzz::ProcessWorkspace([](crm_db* db) {
    crm_fuzz::DefineField(db, R"({"name": "seats", "type": "integer"})");
    crm_record* record = nullptr;
    crm_record_new(&record);
    crm_record_set_text(record, "name", "Acme");
    crm_record_set_integer(record, "seats", 7);
    CRM_FUZZ_CHECK(crm_customer_create(&customer, db, record, "fuzz") ==
                   CRM_OK);
    crm_record_free(record);
  });
  return *workspace;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  std::string definition = input.ConsumeRandomLengthString(4096);
  std::string name = input.ConsumeRandomLengthString(64);
  std::string patch = input.ConsumeRemainingBytesAsString();

  crm_fuzz::InputTransaction transaction(Workspace(),
                                         /*fields_may_change=*/true);
  crm_db* db = Workspace().get();
  int64_t field_id = -1;
  int rc = crm_field_define(&field_id, db, definition.c_str());
  // The header promises *out = 0 on any failure.
  CRM_FUZZ_CHECK(rc == CRM_OK ? field_id > 0 : field_id == 0);
  for (const char* target : {"seats", name.c_str(), "name"}) {
    crm_field_update(db, target, patch.c_str());
    char* json = nullptr;
    if (crm_field_describe(&json, db, target) == CRM_OK) {
      CRM_FUZZ_CHECK(json != nullptr && json[0] == '{');
    }
    crm_string_free(json);
  }
  crm_field_update(db, name.c_str(), definition.c_str());
  char* list = nullptr;
  CRM_FUZZ_CHECK(crm_field_list(&list, db, CRM_LIST_INCLUDE_ARCHIVED) ==
                 CRM_OK);
  crm_string_free(list);
  // The stored customer is still readable whatever the fields became.
  crm_record* got = nullptr;
  CRM_FUZZ_CHECK(crm_customer_get(&got, db, customer) == CRM_OK);
  crm_record_free(got);
  return 0;
}
