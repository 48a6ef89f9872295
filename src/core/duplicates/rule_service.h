// Managing the duplicate rules stored in a workspace (crm_duplicate_rule_*):
// the unrestricted host defines, reads and drops them; writes apply them
// through Schema::duplicate_rules(). Every change is a schema change that
// other handles apply from their next call.
#ifndef CRM_CORE_DUPLICATES_RULE_SERVICE_H_
#define CRM_CORE_DUPLICATES_RULE_SERVICE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/workspace.h"

namespace crm::core::duplicates {

// Parses `json` (ParseDuplicateRule) against the session's schema and
// stores it, replacing a rule of the same name. A new rule beyond
// kMaxDuplicateRules is kValidation, rule kMaxItems.
absl::Status DefineDuplicateRule(Session& session, absl::string_view json);
// The canonical JSON of rule `name`; kNotFound, rule kDuplicate, when there
// is none.
absl::StatusOr<std::string> GetDuplicateRule(Session& session,
                                             absl::string_view name);
// Every rule's canonical JSON as a JSON array, by name.
absl::StatusOr<std::string> ListDuplicateRules(Session& session);
// Drops rule `name`; kNotFound, rule kDuplicate, when there is none.
absl::Status DropDuplicateRule(Session& session, absl::string_view name);

}  // namespace crm::core::duplicates

#endif  // CRM_CORE_DUPLICATES_RULE_SERVICE_H_
