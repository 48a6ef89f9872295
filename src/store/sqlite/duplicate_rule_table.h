// Duplicate rules and settings of a workspace file (crm_duplicate_rules,
// crm_settings, migration 10): each rule's name and canonical JSON
// definition (core/duplicates/duplicate_rule.h), and a JSON text per setting
// key. The SQLite backend's methods forward here (store/backend.h states
// each contract); every function runs inside the caller's scope.
#ifndef CRM_STORE_SQLITE_DUPLICATE_RULE_TABLE_H_
#define CRM_STORE_SQLITE_DUPLICATE_RULE_TABLE_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "store/sqlite/connection.h"

namespace crm::store::sqlite {

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
LoadDuplicateRules(Connection& connection);
absl::Status UpsertDuplicateRule(Connection& connection,
                                 const std::string& name,
                                 const std::string& definition);
absl::StatusOr<bool> DeleteDuplicateRule(Connection& connection,
                                         const std::string& name);
absl::StatusOr<std::optional<std::string>> LoadSetting(Connection& connection,
                                                       const std::string& key);
absl::Status StoreSetting(Connection& connection, const std::string& key,
                          const std::string& value);

}  // namespace crm::store::sqlite

#endif  // CRM_STORE_SQLITE_DUPLICATE_RULE_TABLE_H_
