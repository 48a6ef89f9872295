// crm.h "Duplicates": duplicate settings and a customer's match keys.
// Provisional stubs while issue #24 is built.
#include "capi/capi_support.h"

extern "C" {

int crm_duplicate_settings_set(crm_db*, const char*) {
  return CRM_E_UNSUPPORTED;
}
int crm_duplicate_settings_get(char** out_json, crm_db*) {
  if (out_json) *out_json = nullptr;
  return CRM_E_UNSUPPORTED;
}
int crm_customer_match_keys(char** out_json, crm_db*, int64_t) {
  if (out_json) *out_json = nullptr;
  return CRM_E_UNSUPPORTED;
}
}  // extern "C"
