// The workspace's duplicate settings (crm_duplicate_settings_set), stored
// as JSON under the setting key "duplicates" and loaded with the schema.
#ifndef CRM_CORE_DUPLICATES_DUPLICATE_SETTINGS_H_
#define CRM_CORE_DUPLICATES_DUPLICATE_SETTINGS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::core::duplicates {

// The setting key they are stored under (store::Backend::StoreSetting).
inline constexpr char kSettingsKey[] = "duplicates";

struct DuplicateSettings {
  std::string default_region;  // "" or a region IsRegionCode() knows
};

// kValidation rule kDuplicate naming the key; kInvalidArgument rule
// kSettingsJson for text that is not a JSON object.
absl::StatusOr<DuplicateSettings> ParseDuplicateSettings(
    absl::string_view json);
std::string DuplicateSettingsToJson(const DuplicateSettings& settings);

}  // namespace crm::core::duplicates

#endif  // CRM_CORE_DUPLICATES_DUPLICATE_SETTINGS_H_
