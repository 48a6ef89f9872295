// The calls of crm.h "Duplicates" on settings and match keys: the
// workspace's duplicate settings, and a customer's stored keys. Each runs in
// the caller's scope (a write scope for SetDuplicateSettings).
#ifndef CRM_CORE_DUPLICATES_SETTINGS_SERVICE_H_
#define CRM_CORE_DUPLICATES_SETTINGS_SERVICE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/workspace.h"

namespace crm::core::duplicates {

// Stores the settings `json` (ParseDuplicateSettings), reloads the schema
// and, when the default region changed, rebuilds every customer's keys.
// Unrestricted sessions only (kDenied, rule kOperation).
absl::Status SetDuplicateSettings(Session& session, absl::string_view json);

// The settings in effect, as JSON with every key.
std::string GetDuplicateSettings(const Session& session);

// The stored keys of customer `id` as a JSON array by kind then key;
// kNotFound as GetCustomer (also outside a restricted session's scope). A
// restricted session gets no key of a field it hides or masks. A stored
// kind libcrm does not know is left out.
absl::StatusOr<std::string> CustomerMatchKeysJson(Session& session, int64_t id);

}  // namespace crm::core::duplicates

#endif  // CRM_CORE_DUPLICATES_SETTINGS_SERVICE_H_
