// The queries of a restricted session (crm.h, "Access profiles and
// restricted handles"): a query through a view answers what the same query
// would answer, unrestricted, on a copy of the workspace without the fields
// the profile hides and the customers outside its scope, or it fails with
// kDenied when it names something hidden. Every function here is for a
// session whose access() is set; unrestricted calls never reach them.
#ifndef CRM_CORE_QUERY_ACCESS_H_
#define CRM_CORE_QUERY_ACCESS_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/access.h"
#include "core/customer_record.h"
#include "core/query_checker.h"
#include "core/schema.h"
#include "core/workspace.h"
#include "query/ast.h"
#include "store/query_plan.h"

namespace crm::core {

// How a query uses a field it names.
enum class FieldUse {
  kRead,     // a selected column: shown (masked where the profile masks)
  kCompare,  // sorted, grouped or aggregated on: the stored value orders
};

// kDenied naming the field when `access` does not let a query use `field`
// that way: rule "hidden" for a hidden field (and for updated_at compared
// on a profile that hides any field: it moves with changes of hidden
// fields), rule "masked" for a masked field compared.
absl::Status CheckFieldUse(const Access& access, const Schema& schema,
                           const QueryField& field, FieldUse use);

// CheckFieldUse() for every comparison of a parsed filter, at the
// comparison's position: masked fields only by whole-value equality (=, !=,
// in, not in, is empty, is not empty) and only where "masked_match" allows
// it; "search matches" only when the profile reads every textual field
// unmasked (the index holds all of a customer's text). Names the filter
// does not resolve are left to the checker, which reports them.
absl::Status CheckFilterAccess(const Access& access, const Schema& schema,
                               QueryTarget target, const query::Expr& filter,
                               bool include_archived);

// What a restricted session ANDs into every query of `target`: its record
// scope (record_scope.h), and for events that their customer is in scope,
// that the profile reads their (type, channel) pair, and that they are no
// history events (crm.record.*, whose visibility depends on their body:
// event-target queries on a restricted handle leave them out). nullopt when
// nothing applies.
absl::StatusOr<std::optional<store::Condition>> AccessCondition(
    Session& session, QueryTarget target);

// `a` AND `b`, either of which may be absent.
std::optional<store::Condition> AndConditions(
    std::optional<store::Condition> a, std::optional<store::Condition> b);

// The (type, channel) pairs `access` reads as a condition on events (type
// and channel interned). Exact for every pair: the rules only tell apart the
// types and channels they name, so each named one, and one standing for all
// others, is asked of Access::OfEvent().
std::optional<store::Condition> ReadableEvents(const Access& access);

// kDenied, rule "hidden" naming `type`, unless `access` reads events of
// `type` on every channel (a cohort counts them all); history types
// (crm.record.*) never.
absl::Status CheckEventTypeReadable(const Access& access,
                                    absl::string_view type);

// Whether `access` hides a field of `schema` (updated_at aside).
bool HidesAnyField(const Access& access, const Schema& schema);

}  // namespace crm::core

#endif  // CRM_CORE_QUERY_ACCESS_H_
