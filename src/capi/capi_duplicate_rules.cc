// crm.h "Duplicates": rules and candidates.
// Provisional stubs while issue #24 is built.
#include "capi/capi_support.h"

extern "C" {

int crm_duplicate_rule_define(crm_db*, const char*) {
  return CRM_E_UNSUPPORTED;
}
int crm_duplicate_rule_get(char** out_json, crm_db*, const char*) {
  if (out_json) *out_json = nullptr;
  return CRM_E_UNSUPPORTED;
}
int crm_duplicate_rule_list(char** out_json, crm_db*) {
  if (out_json) *out_json = nullptr;
  return CRM_E_UNSUPPORTED;
}
int crm_duplicate_rule_drop(crm_db*, const char*) { return CRM_E_UNSUPPORTED; }
int crm_duplicate_candidates(char** out_json, crm_db*, const crm_record*) {
  if (out_json) *out_json = nullptr;
  return CRM_E_UNSUPPORTED;
}

}  // extern "C"
