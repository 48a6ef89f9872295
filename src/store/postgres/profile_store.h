// Access profiles of PostgreSQL workspaces (crm_profiles, layout 8): each
// profile's name and canonical JSON definition (core/access.h), keyed by
// workspace. The PostgreSQL backend's profile methods forward here
// (store/backend.h states each contract).
#ifndef CRM_STORE_POSTGRES_PROFILE_STORE_H_
#define CRM_STORE_POSTGRES_PROFILE_STORE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "store/postgres/connection.h"

namespace crm::store::postgres {

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> LoadProfiles(
    Connection& connection, int64_t workspace_id);
absl::Status UpsertProfile(Connection& connection, int64_t workspace_id,
                           const std::string& name,
                           const std::string& definition);
absl::StatusOr<bool> DeleteProfile(Connection& connection, int64_t workspace_id,
                                   const std::string& name);

}  // namespace crm::store::postgres

#endif  // CRM_STORE_POSTGRES_PROFILE_STORE_H_
