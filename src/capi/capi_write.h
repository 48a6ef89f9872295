// What the _v2 writes share: crm_write_options read into the core's
// WriteTime, and the crm_write_result handle.
#ifndef CRM_CAPI_CAPI_WRITE_H_
#define CRM_CAPI_CAPI_WRITE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "core/write_time.h"
#include "crm/crm.h"

struct crm_write_result {
  crm::core::WriteOutcome outcome;
  std::string candidates_json;  // outcome.candidates as JSON
};

namespace crm::capi {

// `options` (NULL: CRM_WRITE_OPTIONS_INIT) as the core takes them:
// CRM_EFFECTIVE_NOW becomes "not given", CRM_TIME_MAX "open". A
// struct_size below the first release's is CRM_E_INVALID_ARGUMENT, rule
// "struct_size"; a duplicate_check other than CRM_DUPLICATE_CHECK_* is
// CRM_E_INVALID_ARGUMENT, rule "duplicate_check".
absl::StatusOr<core::WriteTime> ReadWriteTime(const crm_write_options* options);

// A result handle holding `outcome`.
std::unique_ptr<crm_write_result> NewWriteResult(core::WriteOutcome outcome);

}  // namespace crm::capi

#endif  // CRM_CAPI_CAPI_WRITE_H_
