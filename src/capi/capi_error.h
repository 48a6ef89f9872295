// The thread-local last error behind crm_last_error_*().
#ifndef CRM_CAPI_CAPI_ERROR_H_
#define CRM_CAPI_CAPI_ERROR_H_

#include <cstdint>
#include <string>

namespace crm::capi {

void SetLastError(int code, std::string message, std::string field,
                  std::string rule, int64_t position);

}  // namespace crm::capi

#endif  // CRM_CAPI_CAPI_ERROR_H_
