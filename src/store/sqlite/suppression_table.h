// Suppressed emails and phone numbers of a workspace file: their keyed
// hashes (crm_suppressions) and the workspace's key (crm_suppression_key,
// one row), migration 8. The SQLite backend's suppression methods forward
// here (store/backend.h states each contract); every function runs inside
// the caller's scope on `connection`.
#ifndef CRM_STORE_SQLITE_SUPPRESSION_TABLE_H_
#define CRM_STORE_SQLITE_SUPPRESSION_TABLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "store/rows.h"
#include "store/sqlite/connection.h"

namespace crm::store::sqlite {

absl::StatusOr<std::optional<std::string>> LoadSuppressionKey(
    Connection& connection);
absl::StatusOr<std::string> StoreSuppressionKey(Connection& connection,
                                                const std::string& key);
absl::StatusOr<bool> InsertSuppression(Connection& connection,
                                       const SuppressionRow& row);
absl::StatusOr<bool> HasSuppressions(Connection& connection);
absl::StatusOr<bool> FindSuppression(Connection& connection,
                                     const std::vector<std::string>& hashes);
absl::StatusOr<int64_t> DeleteSuppressions(
    Connection& connection, const std::vector<std::string>& hashes);
absl::StatusOr<int64_t> CountSuppressions(Connection& connection);
absl::StatusOr<std::vector<SuppressionRow>> LoadSuppressions(
    Connection& connection);

}  // namespace crm::store::sqlite

#endif  // CRM_STORE_SQLITE_SUPPRESSION_TABLE_H_
