// Merges of a workspace file (crm_merges, migration 11): one row per
// customer merged into another, keyed by its id and indexed by merge, by
// survivor and by external id (NULL there when it had none, so that "" finds
// no row). The SQLite backend's merge methods forward here (store/backend.h
// states each contract); every function runs inside the caller's scope.
// Values read back are not trusted to be of their column's type: a snapshot
// that is no BLOB is read as the bytes SQLite gives for it, an id that is
// no integer as SQLite converts it (the core refuses what it cannot use).
#ifndef CRM_STORE_SQLITE_MERGE_TABLE_H_
#define CRM_STORE_SQLITE_MERGE_TABLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/rows.h"
#include "store/sqlite/connection.h"

namespace crm::store::sqlite {

// A second row for a merged id fails with kConstraint, rule "unique".
absl::Status InsertMerge(Connection& connection, const MergeRow& row);
absl::StatusOr<std::optional<MergeRow>> SelectMerge(Connection& connection,
                                                    int64_t merged_id);
absl::StatusOr<std::optional<MergeRow>> SelectMergeByExternalId(
    Connection& connection, const std::string& external_id);
absl::StatusOr<std::vector<MergeRow>> SelectMergeRows(Connection& connection,
                                                      int64_t merge_id);
// Without snapshots, their bytes are not read from the file.
absl::StatusOr<std::vector<MergeRow>> SelectMergesBySurvivor(
    Connection& connection, int64_t survivor_id, bool with_snapshots);
// A statement per id: in-process, one for all would cost the same.
absl::Status SetMergeSurvivor(Connection& connection,
                              const std::vector<int64_t>& merged_ids,
                              int64_t survivor_id);
// The rows go with SQLite's secure_delete as set on the connection.
absl::StatusOr<int64_t> DeleteMerge(Connection& connection, int64_t merge_id);
// A negative `limit` is none, as SQLite reads it.
absl::StatusOr<std::vector<MergeRow>> SelectMergesAfter(Connection& connection,
                                                        int64_t after_id,
                                                        int64_t limit);

}  // namespace crm::store::sqlite

#endif  // CRM_STORE_SQLITE_MERGE_TABLE_H_
