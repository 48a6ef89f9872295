// Merges of PostgreSQL workspaces (crm_merges, layout 10): one row per
// customer merged into another, keyed by (workspace, its id) and indexed by
// merge, by survivor and by external id (NULL there when it had none, so
// that "" finds no row). The PostgreSQL backend's merge methods forward
// here (store/backend.h states each contract); every function takes the
// workspace's id, which leads every key it reads or writes, and runs inside
// the transaction the caller opened on `connection`. Values the server
// sends are untrusted: an id that is no number, or a snapshot that is no
// bytes, is a damaged-value error.
#ifndef CRM_STORE_POSTGRES_MERGE_STORE_H_
#define CRM_STORE_POSTGRES_MERGE_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/postgres/connection.h"
#include "store/rows.h"

namespace crm::store::postgres {

// A second row for a merged id fails with kConstraint, rule "unique", and
// (as any failed statement) aborts the caller's transaction. An external id
// that is not UTF-8 text is refused before it is sent (kInvalidArgument).
absl::Status InsertMerge(Connection& connection, int64_t workspace_id,
                         const MergeRow& row);
absl::StatusOr<std::optional<MergeRow>> SelectMerge(Connection& connection,
                                                    int64_t workspace_id,
                                                    int64_t merged_id);
absl::StatusOr<std::optional<MergeRow>> SelectMergeByExternalId(
    Connection& connection, int64_t workspace_id,
    const std::string& external_id);
absl::StatusOr<std::vector<MergeRow>> SelectMergeRows(Connection& connection,
                                                      int64_t workspace_id,
                                                      int64_t merge_id);
// Without snapshots, their bytes are not sent.
absl::StatusOr<std::vector<MergeRow>> SelectMergesBySurvivor(
    Connection& connection, int64_t workspace_id, int64_t survivor_id,
    bool with_snapshots);
// One statement whatever the number of ids.
absl::Status SetMergeSurvivor(Connection& connection, int64_t workspace_id,
                              const std::vector<int64_t>& merged_ids,
                              int64_t survivor_id);
// Removed rows stay in the server's files as dead row versions until VACUUM
// (crm.h, "Backends: what differs").
absl::StatusOr<int64_t> DeleteMerge(Connection& connection,
                                    int64_t workspace_id, int64_t merge_id);
// A negative `limit` is none, as on SQLite.
absl::StatusOr<std::vector<MergeRow>> SelectMergesAfter(Connection& connection,
                                                        int64_t workspace_id,
                                                        int64_t after_id,
                                                        int64_t limit);

}  // namespace crm::store::postgres

#endif  // CRM_STORE_POSTGRES_MERGE_STORE_H_
