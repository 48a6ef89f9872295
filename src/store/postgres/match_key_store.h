// Match keys, duplicate rules and settings of PostgreSQL workspaces (layout
// 9: crm_match_keys, crm_duplicate_rules, crm_settings, keyed by workspace).
// The PostgreSQL backend's duplicates methods forward here (store/backend.h
// states each contract). Values the server sends are untrusted: a kind or id
// that is no number is a damaged-value error.
#ifndef CRM_STORE_POSTGRES_MATCH_KEY_STORE_H_
#define CRM_STORE_POSTGRES_MATCH_KEY_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "store/postgres/connection.h"
#include "store/rows.h"

namespace crm::store::postgres {

absl::Status ReplaceMatchKeys(Connection& connection, int64_t workspace_id,
                              int64_t id, const std::vector<MatchKeyRow>& keys);
absl::StatusOr<std::vector<MatchKeyRow>> SelectMatchKeys(Connection& connection,
                                                         int64_t workspace_id,
                                                         int64_t id);
// The match keys of the customers `ids`, as (customer id, key) by customer
// id, kind and key; one statement.
absl::StatusOr<std::vector<std::pair<int64_t, MatchKeyRow>>> SelectMatchKeysOf(
    Connection& connection, int64_t workspace_id,
    const std::vector<int64_t>& ids);
// One statement whatever the number of keys.
absl::StatusOr<std::vector<MatchKeyHolder>> FindMatchKeyHolders(
    Connection& connection, int64_t workspace_id,
    const std::vector<MatchKeyRow>& keys, int64_t exclude_id,
    int64_t limit_per_key);
// Reads the keys in pages of (kind, key, customer) order (keyset paging):
// one page and one group in memory.
absl::Status ForEachMatchKeyGroup(
    Connection& connection, int64_t workspace_id, const std::vector<int>& kinds,
    int64_t after_id,
    absl::FunctionRef<absl::Status(int, const std::string&,
                                   const std::vector<int64_t>&)>
        visit);

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
LoadDuplicateRules(Connection& connection, int64_t workspace_id);
absl::Status UpsertDuplicateRule(Connection& connection, int64_t workspace_id,
                                 const std::string& name,
                                 const std::string& definition);
absl::StatusOr<bool> DeleteDuplicateRule(Connection& connection,
                                         int64_t workspace_id,
                                         const std::string& name);
absl::StatusOr<std::optional<std::string>> LoadSetting(Connection& connection,
                                                       int64_t workspace_id,
                                                       const std::string& key);
absl::Status StoreSetting(Connection& connection, int64_t workspace_id,
                          const std::string& key, const std::string& value);

// The one-off flags of a workspace (crm_workspace_flags): true when `key`
// was set, removing it.
absl::StatusOr<bool> TakeWorkspaceFlag(Connection& connection,
                                       int64_t workspace_id,
                                       const std::string& key);

}  // namespace crm::store::postgres

#endif  // CRM_STORE_POSTGRES_MATCH_KEY_STORE_H_
