// Provisional: settings are parsed once issue #24's storage work lands.
#include "core/duplicates/duplicate_settings.h"

namespace crm::core::duplicates {

absl::StatusOr<DuplicateSettings> ParseDuplicateSettings(absl::string_view) {
  return DuplicateSettings{};
}

std::string DuplicateSettingsToJson(const DuplicateSettings&) { return "{}"; }

}  // namespace crm::core::duplicates
