// The thread-local last error behind crm_last_error_*().
#ifndef CRM_CAPI_CAPI_ERROR_H_
#define CRM_CAPI_CAPI_ERROR_H_

#include <cstdint>
#include <string>

namespace crm::capi {

// `candidates_json`: the duplicate candidates of a CRM_E_DUPLICATE ("[]"
// otherwise), as crm_error.candidates_json hands them out; `survivor_id`:
// the survivor of a CRM_E_MERGED (0 otherwise), crm_error.survivor_id.
void SetLastError(int code, std::string message, std::string field,
                  std::string rule, int64_t position,
                  std::string candidates_json = "[]", int64_t survivor_id = 0);

}  // namespace crm::capi

#endif  // CRM_CAPI_CAPI_ERROR_H_
