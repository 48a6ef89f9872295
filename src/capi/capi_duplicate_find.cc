// crm.h "Duplicates": crm_duplicates_find. Provisional stubs while issue #24
// is built.
#include "capi/capi_support.h"

extern "C" {

int crm_duplicate_find_options_init(crm_duplicate_find_options*, size_t) {
  return CRM_E_UNSUPPORTED;
}
int crm_duplicates_find(char** out_json, crm_db*,
                        const crm_duplicate_find_options*) {
  if (out_json) *out_json = nullptr;
  return CRM_E_UNSUPPORTED;
}

}  // extern "C"
