// Managing the access profiles stored in a workspace (crm_profile_*): the
// unrestricted host defines, reads and drops them; restricted handles use
// them through Session::access().
#ifndef CRM_CORE_PROFILE_SERVICE_H_
#define CRM_CORE_PROFILE_SERVICE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/workspace.h"

namespace crm::core {

// Parses `json` (ParseProfile), checks it against the session's schema (the
// fields it names exist; its scope checks as a customer filter, with
// `:actor` bound) and stores it, replacing a profile of the same name. A
// schema change: restricted handles apply it from their next call.
// Validation errors have rule kProfile and name the key at fault.
absl::Status DefineProfile(Session& session, absl::string_view json);
// The canonical JSON of profile `name` (ProfileToJson); kNotFound, rule
// kProfile, when there is none.
absl::StatusOr<std::string> GetProfile(Session& session,
                                       absl::string_view name);
// The names of every profile as a JSON array of strings, by name.
absl::StatusOr<std::string> ListProfiles(Session& session);
// Drops profile `name`; kNotFound, rule kProfile, when there is none.
absl::Status DropProfile(Session& session, absl::string_view name);

// kNotFound, rule kProfile, naming profile `name`.
absl::Status UnknownProfile(absl::string_view name);

}  // namespace crm::core

#endif  // CRM_CORE_PROFILE_SERVICE_H_
