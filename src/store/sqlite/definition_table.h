// Named definitions of a workspace file: tables of (name PRIMARY KEY,
// definition) holding each item's canonical JSON, crm_profiles (access
// profiles, core/access.h; migration 9) and crm_duplicate_rules (duplicate
// rules, core/duplicates/duplicate_rule.h; migration 10). The SQLite
// backend's profile and duplicate rule methods forward here
// (store/backend.h states each contract); every function runs inside the
// caller's scope.
#ifndef CRM_STORE_SQLITE_DEFINITION_TABLE_H_
#define CRM_STORE_SQLITE_DEFINITION_TABLE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "store/sqlite/connection.h"

namespace crm::store::sqlite {

// The tables of named definitions.
enum class DefinitionTable { kProfiles, kDuplicateRules };

// Every (name, definition), by name.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
LoadDefinitions(Connection& connection, DefinitionTable table);
// Stores `definition` under `name`, replacing one stored there.
absl::Status UpsertDefinition(Connection& connection, DefinitionTable table,
                              const std::string& name,
                              const std::string& definition);
// Removes the definition of `name`; false when there was none.
absl::StatusOr<bool> DeleteDefinition(Connection& connection,
                                      DefinitionTable table,
                                      const std::string& name);

}  // namespace crm::store::sqlite

#endif  // CRM_STORE_SQLITE_DEFINITION_TABLE_H_
