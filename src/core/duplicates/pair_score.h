// Scoring a pair of customers under a workspace's duplicate rules: the one
// place that decides whether two customers are probably one, for the checks
// on writes (candidates.h) and for the scan (duplicate_scan.h).
#ifndef CRM_CORE_DUPLICATES_PAIR_SCORE_H_
#define CRM_CORE_DUPLICATES_PAIR_SCORE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "core/duplicates/duplicate_rule.h"
#include "core/duplicates/match_keys.h"

namespace crm::core::duplicates {

// What rules compare of one customer. Views: the caller keeps the texts
// alive while the side is used. Not thread-safe to modify; cheap to copy.
struct PairSide {
  int64_t id = 0;
  bool is_company = false;
  // The key of each kind (indexed by KeyKind; at most one per kind: a
  // customer has one email, phone, name and company); "" = absent.
  // kNameToken is not compared and stays "".
  std::array<absl::string_view, kKeyKindCount> keys{};
  // The values of RuleSet::fields(), aligned with it: text folded with
  // FoldText(), other types in their stored text; "" = empty. May be null
  // when the rule set compares no field.
  const std::vector<std::string>* fields = nullptr;
};

// Sets side->keys from `keys` (a customer's keys; name tokens skipped).
// `keys` must outlive `side`'s use.
void SetSideKeys(const std::vector<MatchKey>& keys, PairSide* side);

// Why a pair matched: one entry per comparison of the rule, in its order.
struct Reason {
  std::string compare;  // Comparison::Label()
  double score = 0;     // 1 for equal; the similarity for a fuzzy name
};

struct Match {
  std::string rule;  // the rule's name
  double score = 0;  // mean of the reasons' scores
  std::vector<Reason> reasons;
};

// A customer that matched another, with the best rule's match.
struct Candidate {
  int64_t id = 0;
  Match match;
};

// The rules of a workspace, ready to score pairs. Immutable after
// construction; safe to share between threads.
class RuleSet {
 public:
  RuleSet() = default;
  explicit RuleSet(std::vector<DuplicateRule> rules);

  const std::vector<DuplicateRule>& rules() const { return rules_; }
  bool empty() const { return rules_.empty(); }
  // Names of the fields any rule compares, each once, in first-use order.
  const std::vector<std::string>& fields() const { return fields_; }
  // The key kinds whose shared keys find candidates: per rule, the kind of
  // its first exact key comparison (a pair it matches shares that key), or
  // kNameToken for a rule whose key comparisons are all fuzzy names.
  // Ascending.
  std::vector<KeyKind> FindingKinds() const;
  // The rules whose action for `operation` is `action`.
  RuleSet WithAction(Operation operation, Action action) const;
  // The rules named in `names` (each must exist: else nullopt naming the
  // first unknown in *unknown).
  std::optional<RuleSet> Named(const std::vector<std::string>& names,
                               std::string* unknown) const;

  // The best-scoring rule that matches `a` and `b` (ties: the first rule
  // by name); nullopt when none does.
  std::optional<Match> Best(const PairSide& a, const PairSide& b) const;

 private:
  std::optional<Match> Score(const DuplicateRule& rule, const PairSide& a,
                             const PairSide& b) const;

  std::vector<DuplicateRule> rules_;  // by name
  std::vector<std::string> fields_;
  // Per rule, per comparison: the index in fields_ of a field comparison.
  std::vector<std::vector<int>> field_index_;
};

// At most this many candidates are reported per record.
constexpr int kMaxCandidates = 20;

// Sorts candidates best first (score, then id ascending) and keeps the
// first kMaxCandidates.
void RankCandidates(std::vector<Candidate>* candidates);

// The candidates as crm.h's JSON array ("[]" when none).
std::string CandidatesToJson(const std::vector<Candidate>& candidates);
// A score as JSON: 4 significant digits, so that equal scores print alike
// on every platform.
void AppendScore(double score, std::string* out);
// One match's members ("score", "rule", "reasons") into a JSON object text
// being built: `out` ends with '{' or ','; the members are appended.
void AppendMatchMembers(const Match& match, std::string* out);

}  // namespace crm::core::duplicates

#endif  // CRM_CORE_DUPLICATES_PAIR_SCORE_H_
