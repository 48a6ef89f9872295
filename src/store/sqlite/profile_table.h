// Access profiles of a workspace file (crm_profiles, migration 9): each
// profile's name and canonical JSON definition (core/access.h). The SQLite
// backend's profile methods forward here (store/backend.h states each
// contract); every function runs inside the caller's scope.
#ifndef CRM_STORE_SQLITE_PROFILE_TABLE_H_
#define CRM_STORE_SQLITE_PROFILE_TABLE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "store/sqlite/connection.h"

namespace crm::store::sqlite {

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> LoadProfiles(
    Connection& connection);
absl::Status UpsertProfile(Connection& connection, const std::string& name,
                           const std::string& definition);
absl::StatusOr<bool> DeleteProfile(Connection& connection,
                                   const std::string& name);

}  // namespace crm::store::sqlite

#endif  // CRM_STORE_SQLITE_PROFILE_TABLE_H_
