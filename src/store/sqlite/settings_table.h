// Settings of a workspace file (crm_settings, migration 10): a JSON text
// per setting key ("duplicates": core/duplicates/duplicate_settings.h). The
// SQLite backend's setting methods forward here (store/backend.h states
// each contract); every function runs inside the caller's scope.
#ifndef CRM_STORE_SQLITE_SETTINGS_TABLE_H_
#define CRM_STORE_SQLITE_SETTINGS_TABLE_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "store/sqlite/connection.h"

namespace crm::store::sqlite {

absl::StatusOr<std::optional<std::string>> LoadSetting(Connection& connection,
                                                       const std::string& key);
absl::Status StoreSetting(Connection& connection, const std::string& key,
                          const std::string& value);

}  // namespace crm::store::sqlite

#endif  // CRM_STORE_SQLITE_SETTINGS_TABLE_H_
