// crm_transfer_options as crm_dump, crm_load, crm_backup and crm_restore
// read them (one reader for the four calls).
#ifndef CRM_CAPI_TRANSFER_OPTIONS_H_
#define CRM_CAPI_TRANSFER_OPTIONS_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "capi/capi_support.h"

namespace crm::capi {

// The size of crm_transfer_options in its first release (0.3.0): all of it.
inline constexpr uint32_t kFirstTransferOptionsSize =
    sizeof(crm_transfer_options);

// The caller's options completed with CRM_TRANSFER_OPTIONS_INIT's values
// (ReadOptions); NULL means the defaults.
inline absl::StatusOr<crm_transfer_options> ReadTransferOptions(
    const crm_transfer_options* options) {
  return ReadOptions(options, crm_transfer_options(CRM_TRANSFER_OPTIONS_INIT),
                     kFirstTransferOptionsSize, "CRM_TRANSFER_OPTIONS_INIT");
}

}  // namespace crm::capi

#endif  // CRM_CAPI_TRANSFER_OPTIONS_H_
