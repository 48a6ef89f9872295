// Field definitions: arbitrary JSON to crm_field_define(), then arbitrary
// patches to crm_field_update() on a defined field holding a value.
#include <fuzzer/FuzzedDataProvider.h>

#include <string>

#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  std::string definition = input.ConsumeRandomLengthString(4096);
  std::string name = input.ConsumeRandomLengthString(64);
  std::string patch = input.ConsumeRemainingBytesAsString();

  crm_fuzz::MemoryDb db;
  int64_t seats = 0;
  CRM_FUZZ_CHECK(crm_field_define(&seats, db.get(),
                                  R"({"name": "seats", "type": "integer"})") ==
                 CRM_OK);
  crm_record* record = nullptr;
  crm_record_new(&record);
  crm_record_set_text(record, "name", "Acme");
  crm_record_set_integer(record, "seats", 7);
  int64_t id = 0;
  CRM_FUZZ_CHECK(crm_customer_create(&id, db.get(), record, "fuzz") == CRM_OK);
  crm_record_free(record);

  int64_t field_id = -1;
  int rc = crm_field_define(&field_id, db.get(), definition.c_str());
  // The header promises *out = 0 on any failure.
  CRM_FUZZ_CHECK(rc == CRM_OK ? field_id > 0 : field_id == 0);
  for (const char* target : {"seats", name.c_str(), "name"}) {
    crm_field_update(db.get(), target, patch.c_str());
    char* json = nullptr;
    if (crm_field_describe(&json, db.get(), target) == CRM_OK) {
      CRM_FUZZ_CHECK(json != nullptr && json[0] == '{');
    }
    crm_string_free(json);
  }
  crm_field_update(db.get(), name.c_str(), definition.c_str());
  char* list = nullptr;
  CRM_FUZZ_CHECK(crm_field_list(&list, db.get(), CRM_LIST_INCLUDE_ARCHIVED) ==
                 CRM_OK);
  crm_string_free(list);
  // The stored customer is still readable whatever the fields became.
  crm_record* got = nullptr;
  CRM_FUZZ_CHECK(crm_customer_get(&got, db.get(), id) == CRM_OK);
  crm_record_free(got);
  return 0;
}
