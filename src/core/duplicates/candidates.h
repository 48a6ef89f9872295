// The duplicate check of a write (crm.h "Duplicates"): the candidates of a
// customer about to be stored, and what the rules' actions make of them.
// Runs inside the caller's scope, on its snapshot.
#ifndef CRM_CORE_DUPLICATES_CANDIDATES_H_
#define CRM_CORE_DUPLICATES_CANDIDATES_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/duplicates/duplicate_rule.h"
#include "core/duplicates/pair_score.h"
#include "core/workspace.h"
#include "store/sql_value.h"

namespace crm::core::duplicates {

// The customers (other than `exclude_id`; 0: none) that `rules` match with
// a customer whose stored values would be `row` (aligned with
// schema.stored_fields()), ranked (RankCandidates). On a restricted
// session, also those outside its scope: the caller filters them.
absl::StatusOr<std::vector<Candidate>> FindCandidates(
    Session& session, const RuleSet& rules,
    const std::vector<store::SqlValue>& row, int64_t exclude_id);

// `candidates` without the customers outside a restricted session's scope.
absl::StatusOr<std::vector<Candidate>> InScopeCandidates(
    Session& session, std::vector<Candidate> candidates);

// The check of a write of `operation` storing `row` for customer
// `exclude_id` (0 for a new one): a "block" rule's match fails with
// kDuplicate, rule kDuplicate, field the rule's name, the candidates in
// scope attached (WithCandidates); the candidates of "warn" rules go into
// *warnings (in scope only). No work when no rule acts on `operation`.
absl::Status CheckDuplicates(Session& session, Operation operation,
                             const std::vector<store::SqlValue>& row,
                             int64_t exclude_id,
                             std::vector<Candidate>* warnings);

// Whether `fields` (an update's changed fields) hold one the match keys come
// from (kind, name, email, phone, company) or one a rule compares: else an
// update needs no check.
bool ChangesComparedField(const Schema& schema,
                          const std::vector<const Field*>& fields);

// Whether a rule acts on `operation` (warns or blocks).
bool AnyRuleActsOn(const RuleSet& rules, Operation operation);

}  // namespace crm::core::duplicates

#endif  // CRM_CORE_DUPLICATES_CANDIDATES_H_
