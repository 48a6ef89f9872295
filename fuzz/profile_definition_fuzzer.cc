// Access profile definitions: arbitrary JSON to crm_profile_define(); a
// definition that is accepted reads back in its canonical form, which
// defines the same profile again, and a handle restricted to it neither
// crashes nor reaches what no profile grants. Each input runs in a host
// transaction that is rolled back (fuzz_support.h).
#include <fuzzer/FuzzedDataProvider.h>

#include <cstring>
#include <string>

#include "fuzz_support.h"

namespace {

int64_t customer = 0;

const crm_fuzz::ProcessWorkspace& Workspace() {
  static const auto* workspace = new crm_fuzz::ProcessWorkspace([](crm_db* db) {
    crm_fuzz::DefineField(
        db, R"({"name": "balance", "type": "decimal", "group": "finance"})");
    crm_record* record = nullptr;
    crm_record_new(&record);
    crm_record_set_text(record, "name", "Acme");
    crm_record_set_text(record, "owner", "alice");
    CRM_FUZZ_CHECK(crm_customer_create(&customer, db, record, "fuzz") ==
                   CRM_OK);
    crm_record_free(record);
  });
  return *workspace;
}

// The stored definition of `name`, or "" when there is none.
std::string Stored(crm_db* db, const char* name) {
  char* json = nullptr;
  int rc = crm_profile_get(&json, db, name);
  CRM_FUZZ_CHECK(rc == CRM_OK ? json != nullptr : json == nullptr);
  std::string stored = json != nullptr ? json : "";
  crm_string_free(json);
  return stored;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  std::string actor = input.ConsumeRandomLengthString(64);
  std::string definition = input.ConsumeRemainingBytesAsString();

  crm_fuzz::InputTransaction transaction(Workspace());
  crm_db* db = Workspace().get();
  int rc = crm_profile_define(db, definition.c_str());
  if (rc != CRM_OK) {
    // A refused definition is a validation error (or bad text), never more.
    CRM_FUZZ_CHECK(rc == CRM_E_VALIDATION || rc == CRM_E_INVALID_ARGUMENT);
    if (rc == CRM_E_VALIDATION) {
      CRM_FUZZ_CHECK(std::strcmp(crm_last_error_rule(), "profile") == 0);
    }
    return 0;
  }
  char* list = nullptr;
  CRM_FUZZ_CHECK(crm_profile_list(&list, db) == CRM_OK);
  std::string names = list;
  crm_string_free(list);
  // The name is the first member of the canonical form: {"name":"...",
  size_t start = std::strlen("[\"");
  size_t end = names.find('"', start);
  CRM_FUZZ_CHECK(names.rfind("[\"", 0) == 0 && end != std::string::npos);
  std::string name = names.substr(start, end - start);
  std::string canonical = Stored(db, name.c_str());
  CRM_FUZZ_CHECK(!canonical.empty());
  CRM_FUZZ_CHECK(crm_profile_define(db, canonical.c_str()) == CRM_OK);
  CRM_FUZZ_CHECK(Stored(db, name.c_str()) == canonical);

  crm_db* view = nullptr;
  rc = crm_db_restrict(&view, db, name.c_str(), actor.c_str());
  CRM_FUZZ_CHECK(rc == CRM_OK || rc == CRM_E_INVALID_ARGUMENT);
  if (rc != CRM_OK) return 0;
  // Never an unrestricted handle, never profile management.
  crm_db* again = nullptr;
  CRM_FUZZ_CHECK(crm_db_restrict(&again, view, name.c_str(), "x") ==
                     CRM_E_DENIED &&
                 again == nullptr);
  CRM_FUZZ_CHECK(crm_profile_drop(view, name.c_str()) == CRM_E_DENIED);
  CRM_FUZZ_CHECK(crm_checkpoint(view) == CRM_E_DENIED);
  char* fields = nullptr;
  CRM_FUZZ_CHECK(crm_field_list(&fields, view, CRM_LIST_INCLUDE_ARCHIVED) ==
                 CRM_OK);
  crm_string_free(fields);
  int64_t count = -1;
  rc = crm_customer_count(&count, view);
  CRM_FUZZ_CHECK(rc == CRM_OK || rc == CRM_E_DENIED);
  crm_close(view);
  CRM_FUZZ_CHECK(crm_profile_drop(db, name.c_str()) == CRM_OK);
  return 0;
}
