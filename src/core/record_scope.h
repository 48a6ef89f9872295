// The record scope of a restricted session (access.h, Access::scope()):
// the customers its profile lets it see at all. Outside the scope a
// customer behaves as if absent.
#ifndef CRM_CORE_RECORD_SCOPE_H_
#define CRM_CORE_RECORD_SCOPE_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "core/workspace.h"
#include "store/query_plan.h"

namespace crm::core {

// The condition on customers of the session's scope, with `:actor` bound to
// the session's actor, to AND into a customer query; nullopt when the
// session is unrestricted or its profile has no scope. Checked against the
// session's schema with no profile applied (the host wrote it).
absl::StatusOr<std::optional<store::Condition>> ScopeCondition(
    Session& session);

// Whether customer `id` exists and lies in the session's scope (for an
// unrestricted session or a profile without scope: whether it exists).
absl::StatusOr<bool> InScope(Session& session, int64_t id);

// kNotFound naming customer `id` (the same error as for a customer that
// does not exist) unless InScope(session, id).
absl::Status CheckInScope(Session& session, int64_t id);

// For reads and erasure that take any id from an unrestricted session (a
// deleted customer's history included): on a restricted session
// CheckInScope(session, id), on an unrestricted one OK without a query.
absl::Status CheckInViewScope(Session& session, int64_t id);

// Whether existing customer `id` lies outside a restricted session's scope
// (never for an unrestricted session, without a query).
absl::StatusOr<bool> OutsideViewScope(Session& session, int64_t id);

}  // namespace crm::core

#endif  // CRM_CORE_RECORD_SCOPE_H_
