// Merging customers and undoing merges (crm.h "Merging customers"). Each
// function runs inside the write scope of one call (a Session): on failure
// nothing it wrote remains. Unrestricted sessions only (kDenied, rule
// kOperation).
#ifndef CRM_CORE_MERGE_MERGE_SERVICE_H_
#define CRM_CORE_MERGE_MERGE_SERVICE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/value.h"
#include "core/workspace.h"

namespace crm::core::merge {

// Reserved event types (hosts cannot append "crm." types).
inline constexpr char kMergedEventType[] = "crm.record.merged";
inline constexpr char kUnmergedEventType[] = "crm.record.unmerged";

// The most customers one merge takes.
inline constexpr size_t kMaxMergedPerCall = 10000;

struct MergeRequest {
  int64_t survivor_id = 0;
  std::vector<int64_t> merged_ids;  // in the order "first_non_empty" reads
  std::string options_json;         // "": the defaults
  std::string actor;                // "" is "api"
  std::string reason;
};

struct MergeReceipt {
  int64_t merge_id = 0;
  int64_t survivor_id = 0;
  std::vector<int64_t> merged_ids;  // as requested
  int64_t version = 0;              // the survivor's after the merge
  std::vector<std::string> changed_fields;
  int64_t references_moved = 0;  // holders whose references were moved
};

absl::StatusOr<MergeReceipt> MergeCustomers(Session& session,
                                            const MergeRequest& request);

// A survivor field changed since the merge: kept, and reported.
struct MergeConflict {
  std::string field;
  Value current, merged, before;
};

struct UnmergeReceipt {
  int64_t merge_id = 0;
  int64_t survivor_id = 0;
  std::vector<int64_t> restored_ids;  // ascending
  int64_t version = 0;                // the survivor's after the undo
  std::vector<std::string> reverted_fields;
  std::vector<MergeConflict> conflicts;
  int64_t references_restored = 0;
  std::vector<int64_t> dropped_field_ids;  // deleted since the merge
};

absl::StatusOr<UnmergeReceipt> UnmergeCustomers(Session& session,
                                                int64_t merge_id,
                                                const std::string& actor,
                                                const std::string& reason);

// The receipts as crm.h documents them, keys in that order.
std::string MergeReceiptJson(const MergeReceipt& receipt);
std::string UnmergeReceiptJson(const UnmergeReceipt& receipt);

// crm_customer_merges' JSON for `id`.
absl::StatusOr<std::string> MergesJson(Session& session, int64_t id);

}  // namespace crm::core::merge

#endif  // CRM_CORE_MERGE_MERGE_SERVICE_H_
