#include "failure.h"

#include <string>

#include "crm/crm.h"
#include "duplicate_candidates.h"

namespace crm::cli {

void Check(int status, std::string_view what) {
  if (status == CRM_OK) return;
  const crm_error* error = crm_last_error();
  std::string message(what);
  message += ": ";
  message += error->code == status && error->message[0] != '\0'
                 ? error->message
                 : crm_status_name(status);
  std::string details;
  if (error->code == status && error->field[0] != '\0') {
    details += "field ";
    details += error->field;
  }
  if (error->code == status && error->rule[0] != '\0') {
    if (!details.empty()) details += ", ";
    details += "rule ";
    details += error->rule;
  }
  if (error->code == status && error->position >= 0) {
    if (!details.empty()) details += ", ";
    details += "at byte " + std::to_string(error->position);
  }
  if (!details.empty()) message += " [" + details + "]";
  if (error->code == status && status == CRM_E_DUPLICATE) {
    std::string candidates = CandidatesText(error->candidates_json);
    message += "; candidates: " +
               (candidates.empty() ? "none you may see" : candidates);
  }
  if (error->code == status && status == CRM_E_MERGED &&
      error->survivor_id > 0) {
    message += "; survivor: " + std::to_string(error->survivor_id);
  }
  message += std::string(" (") + crm_status_name(status) + ")";
  throw Failure(static_cast<int>(kExitStatusBase) + status, message);
}

void UsageError(const std::string& message) {
  throw Failure(kExitUsage, message);
}

}  // namespace crm::cli
