// The merge map (crm.h "Merging customers"): which ids were merged into
// which survivor. Reads follow it (an old id or external id finds the
// survivor), writes are refused by it (kMerged), and a survivor's timeline
// spans the ids merged into it. Each function runs inside a Session's
// scope.
#ifndef CRM_CORE_MERGE_MERGE_MAP_H_
#define CRM_CORE_MERGE_MERGE_MAP_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/schema.h"
#include "core/wire.h"
#include "core/workspace.h"
#include "store/rows.h"

namespace crm::core::merge {

// The merge row of `id`; nullopt when it was not merged (or its merge was
// undone).
absl::StatusOr<std::optional<store::MergeRow>> FindMerge(Session& session,
                                                         int64_t id);

// kMerged, rule kMerge, naming `field` ("id", "customer_id") and the
// survivor, for a write that names merged id `id`.
absl::Status MergedError(const store::MergeRow& row, absl::string_view field);

// For a write naming `id`, which is no customer: MergedError() when it was
// merged, else `not_found`.
absl::Status MissingCustomer(Session& session, int64_t id,
                             absl::string_view field, absl::Status not_found);

// The ids whose chains of merges end at customer `survivor_id`, ascending.
absl::StatusOr<std::vector<int64_t>> MergedInto(Session& session,
                                                int64_t survivor_id);

// The snapshot of merged customer `row`: damage (kIo, rule "damaged") when
// it does not parse, names another customer or holds misaligned values.
absl::StatusOr<wire::MergedRecord> ParseSnapshot(const store::MergeRow& row);

// Where a chain of merges starting at `id` ends: the first id on it that
// `into` (merged id -> the id it went into) does not map. Chains are
// acyclic; a damaged map stops after as many steps as it has entries.
int64_t ChainEnd(const absl::flat_hash_map<int64_t, int64_t>& into, int64_t id);

// The text merged customer `row`'s snapshot holds in the standard field
// `name` ("email", "phone"), if any. Damage (kIo) when the snapshot does not
// parse.
absl::StatusOr<std::optional<std::string>> SnapshotText(
    const Schema& schema, const store::MergeRow& row, absl::string_view name);

// crm_verify's "merges" check: every merged id is no customer, its
// snapshot parses and names it, and its chain of into_ids ends at its
// survivor_id, a customer. Calls `problem` with the merged id and a
// sentence for each row at fault; returns the rows checked. Runs in a read
// scope.
absl::StatusOr<int64_t> CheckMerges(
    Session& session,
    absl::FunctionRef<void(int64_t merged_id, std::string message)> problem);

}  // namespace crm::core::merge

#endif  // CRM_CORE_MERGE_MERGE_MAP_H_
