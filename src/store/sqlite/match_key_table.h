// Match keys of a workspace file (crm_match_keys, migration 10): one row per
// (kind, key, customer), keyed in that order (FindMatchKeyHolders and
// ForEachMatchKeyGroup read it in key order) and indexed by customer
// (ReplaceMatchKeys). The SQLite backend's match key methods forward here
// (store/backend.h states each contract); every function runs inside the
// caller's scope.
#ifndef CRM_STORE_SQLITE_MATCH_KEY_TABLE_H_
#define CRM_STORE_SQLITE_MATCH_KEY_TABLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "store/rows.h"
#include "store/sqlite/connection.h"

namespace crm::store::sqlite {

absl::Status ReplaceMatchKeys(Connection& connection, int64_t id,
                              const std::vector<MatchKeyRow>& keys);
absl::StatusOr<std::vector<MatchKeyRow>> SelectMatchKeys(Connection& connection,
                                                         int64_t id);
absl::StatusOr<std::vector<MatchKeyHolder>> FindMatchKeyHolders(
    Connection& connection, const std::vector<MatchKeyRow>& keys,
    int64_t exclude_id, int64_t limit_per_key);
// Streams the table in (kind, key, customer) order: one group in memory.
absl::Status ForEachMatchKeyGroup(
    Connection& connection, const std::vector<int>& kinds, int64_t after_id,
    absl::FunctionRef<absl::Status(int, const std::string&,
                                   const std::vector<int64_t>&)>
        visit);

}  // namespace crm::store::sqlite

#endif  // CRM_STORE_SQLITE_MATCH_KEY_TABLE_H_
