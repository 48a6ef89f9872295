// Suppressed emails and phone numbers of PostgreSQL workspaces: their keyed
// hashes (crm_suppressions) and each workspace's key
// (crm_suppression_keys), layout 7. The PostgreSQL backend's suppression
// methods forward here (store/backend.h states each contract); every
// function takes the workspace's id and runs inside the transaction the
// caller opened on `connection`.
#ifndef CRM_STORE_POSTGRES_SUPPRESSION_STORE_H_
#define CRM_STORE_POSTGRES_SUPPRESSION_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "store/postgres/connection.h"
#include "store/rows.h"

namespace crm::store::postgres {

absl::StatusOr<std::optional<std::string>> LoadSuppressionKey(
    Connection& connection, int64_t workspace_id);
// Two writers storing a key at once: the second waits for the first's
// commit on the primary key, stores nothing and returns the first's key.
absl::StatusOr<std::string> StoreSuppressionKey(Connection& connection,
                                                int64_t workspace_id,
                                                const std::string& key);
absl::StatusOr<bool> InsertSuppression(Connection& connection,
                                       int64_t workspace_id,
                                       const SuppressionRow& row);
absl::StatusOr<bool> HasSuppressions(Connection& connection,
                                     int64_t workspace_id);
absl::StatusOr<bool> FindSuppression(Connection& connection,
                                     int64_t workspace_id,
                                     const std::vector<std::string>& hashes);
absl::StatusOr<int64_t> DeleteSuppressions(
    Connection& connection, int64_t workspace_id,
    const std::vector<std::string>& hashes);
absl::StatusOr<int64_t> CountSuppressions(Connection& connection,
                                          int64_t workspace_id);
absl::StatusOr<std::vector<SuppressionRow>> LoadSuppressions(
    Connection& connection, int64_t workspace_id);

}  // namespace crm::store::postgres

#endif  // CRM_STORE_POSTGRES_SUPPRESSION_STORE_H_
