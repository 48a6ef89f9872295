// RequireWholeWorkspace (core/dump/dump.h): whether a restricted handle may
// take everything a workspace holds (crm_dump, crm_backup).
#include <string>

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "core/access.h"
#include "core/dump/dump.h"
#include "core/query_access.h"
#include "core/schema.h"
#include "store/query_plan.h"

namespace crm::core {
namespace {

// Events libcrm writes itself, which follow the field rules.
constexpr char kHistoryPrefix[] = "crm.record.";

absl::Status Withholds(const Access& access, Operation operation,
                       absl::string_view what) {
  return MakeError(
      ErrorCode::kDenied,
      absl::StrCat("the access profile '", access.name(), "' ", what, "; a ",
                   OperationName(operation),
                   " holds everything, so it needs a profile that hides, "
                   "masks and scopes nothing"),
      "", Rule::kOperation);
}

// Whether the events `access` does not show are none: every stored event
// other than history is of a (type, channel) pair the profile reads, and
// no rule hides anything (a rule hiding a history type hides history).
absl::StatusOr<bool> ShowsEveryEvent(Session& session, const Access& access) {
  for (const EventRule& rule : access.definition().events) {
    if (rule.access == EventAccess::kHidden) return false;
  }
  store::Condition history;
  history.column = {store::Table::kEvents, "type_id", true, false, false, ""};
  history.op = store::Compare::kStartsWith;
  history.values = {std::string(kHistoryPrefix)};
  store::Condition not_history;
  not_history.kind = store::Condition::Kind::kNot;
  not_history.children.push_back(history);
  store::Backend& backend = session.backend();
  CRM_ASSIGN_OR_RETURN(int64_t others,
                       backend.RunCount(store::Table::kEvents, not_history));
  if (others == 0) return true;
  // Events of no history type the profile reads (its scope is empty here).
  CRM_ASSIGN_OR_RETURN(std::optional<store::Condition> shown,
                       AccessCondition(session, QueryTarget::kEvents));
  CRM_ASSIGN_OR_RETURN(int64_t visible,
                       backend.RunCount(store::Table::kEvents, shown));
  return visible == others;
}

}  // namespace

absl::Status RequireWholeWorkspace(Workspace& workspace, const Viewer* viewer,
                                   Operation operation) {
  if (viewer == nullptr) return absl::OkStatus();
  return workspace.Run(
      store::ScopeKind::kRead,
      [&](Session& session) -> absl::Status {
        const Access* access = session.access();
        if (access == nullptr) return absl::OkStatus();
        CRM_RETURN_IF_ERROR(Access::Require(access, operation));
        if (!access->scope().empty()) {
          return Withholds(*access, operation, "has a customer scope");
        }
        for (const auto& field : session.schema().fields()) {
          if (field->name() == "id" || access->ReadsPlain(*field)) continue;
          return Withholds(
              *access, operation,
              absl::StrCat(access->Reads(*field) ? "masks" : "hides",
                           " the field '", field->name(), "'"));
        }
        CRM_ASSIGN_OR_RETURN(bool every_event,
                             ShowsEveryEvent(session, *access));
        if (!every_event) {
          return Withholds(*access, operation, "hides events");
        }
        return absl::OkStatus();
      },
      viewer);
}

}  // namespace crm::core
