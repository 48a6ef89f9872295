// Finding duplicates across a workspace (crm.h crm_duplicates_find): the
// pairs of customers a rule set matches, their clusters, one page at a time.
//
// Candidates come from shared match keys: every two customers holding one
// key of a finding kind (RuleSet::FindingKinds()) are scored with
// RuleSet::Best. Memory is compact: customers are int32 indexes into the
// sorted ids, keys are interned per kind (a customer holds at most one key of
// a compared kind), only kName keys keep their text (for NameSimilarity).
#ifndef CRM_CORE_DUPLICATES_DUPLICATE_SCAN_H_
#define CRM_CORE_DUPLICATES_DUPLICATE_SCAN_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/duplicates/pair_score.h"
#include "core/progress.h"

namespace crm::core {
class Session;
}

namespace crm::core::duplicates {

// A key held by more customers than this pairs none of them.
constexpr int64_t kMaxKeyHolders = 1000;

// What the scan reads. Implementations read one snapshot; used by one scan
// on one thread.
class ScanSource {
 public:
  virtual ~ScanSource() = default;
  // Every live customer, by id ascending: its id and whether it is a
  // company.
  virtual absl::Status ForEachCustomer(
      absl::FunctionRef<void(int64_t id, bool is_company)> visit) = 0;
  // As store::Backend::ForEachMatchKeyGroup.
  virtual absl::Status ForEachMatchKeyGroup(
      const std::vector<int>& kinds, int64_t after_id,
      absl::FunctionRef<absl::Status(int kind, const std::string& key,
                                     const std::vector<int64_t>& ids)>
          visit) = 0;
  // The non-empty values of field `name` as rules compare them (text folded
  // with FoldText, other types as stored text), by customer id.
  virtual absl::StatusOr<std::vector<std::pair<int64_t, std::string>>>
  FieldValues(const std::string& name) = 0;
};

// The ScanSource of a session's workspace (its backend and schema). The
// session must outlive it.
std::unique_ptr<ScanSource> SessionScanSource(Session& session);

struct ScanRequest {
  // Only pairs whose higher id is above this (crm.h `after_id`).
  int64_t after_id = 0;
  // Customers above after_id the page covers; 0 for all.
  int64_t page_customers = 0;
  // Items are customers covered; empty for none.
  ProgressFn progress;
};

struct ScanPair {
  int64_t a = 0, b = 0;  // a < b
  Match match;
};

struct ScanCluster {
  std::vector<int64_t> ids;  // ascending
  double score = 0;          // the lowest score among its pairs
};

struct ScanResult {
  std::vector<ScanPair> pairs;        // by b, then a
  std::vector<ScanCluster> clusters;  // by lowest id
  int64_t customers = 0;
  int64_t next_after_id = 0;
  int64_t skipped_keys = 0;
};

// Scans one page. kCancelled when the progress callback stops it.
absl::StatusOr<ScanResult> ScanDuplicates(ScanSource& source,
                                          const RuleSet& rules,
                                          const ScanRequest& request);

// The result as crm.h's JSON object.
std::string ScanResultToJson(const ScanResult& result);

}  // namespace crm::core::duplicates

#endif  // CRM_CORE_DUPLICATES_DUPLICATE_SCAN_H_
