#include "core/record_scope.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "core/access.h"
#include "core/filter_cache.h"
#include "core/schema.h"
#include "core/time_text.h"

namespace crm::core {

absl::StatusOr<std::optional<store::Condition>> ScopeCondition(
    Session& session) {
  const Access* access = session.access();
  if (access == nullptr || access->scope().empty()) return std::nullopt;
  // The host wrote the scope: it is checked against every field, archived
  // ones too, and never against the profile it restricts.
  return session.filters().Check(session.schema(), QueryTarget::kCustomers,
                                 access->scope(),
                                 Access::ScopeParams(session.viewer()->actor),
                                 /*include_archived=*/true, NowMicros());
}

absl::StatusOr<bool> InScope(Session& session, int64_t id) {
  CRM_ASSIGN_OR_RETURN(std::optional<store::Condition> scope,
                       ScopeCondition(session));
  store::Condition where;
  where.column = {store::Table::kCustomers, "id", false, false, false, ""};
  where.op = store::Compare::kEq;
  where.values.push_back(store::SqlValue(id));
  if (scope) {
    store::Condition both;
    both.kind = store::Condition::Kind::kAnd;
    both.children.push_back(std::move(where));
    both.children.push_back(*std::move(scope));
    where = std::move(both);
  }
  CRM_ASSIGN_OR_RETURN(int64_t count, session.backend().RunCount(
                                          store::Table::kCustomers, where));
  return count > 0;
}

absl::Status CheckInScope(Session& session, int64_t id) {
  CRM_ASSIGN_OR_RETURN(bool in_scope, InScope(session, id));
  if (in_scope) return absl::OkStatus();
  return MakeError(ErrorCode::kNotFound,
                   absl::StrCat("no customer with id ", id));
}

absl::Status CheckInViewScope(Session& session, int64_t id) {
  if (session.access() == nullptr) return absl::OkStatus();
  return CheckInScope(session, id);
}

absl::StatusOr<bool> OutsideViewScope(Session& session, int64_t id) {
  if (session.access() == nullptr) return false;
  CRM_ASSIGN_OR_RETURN(bool in_scope, InScope(session, id));
  return !in_scope;
}

}  // namespace crm::core
