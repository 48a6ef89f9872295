#include "core/duplicates/rule_service.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "core/duplicates/duplicate_rule.h"
#include "core/duplicates/pair_score.h"
#include "core/schema.h"

namespace crm::core::duplicates {
namespace {

absl::Status UnknownRule(absl::string_view name) {
  return MakeError(ErrorCode::kNotFound,
                   absl::StrCat("no duplicate rule is called '", name, "'"), "",
                   Rule::kDuplicate);
}

const DuplicateRule* FindRule(const Session& session, absl::string_view name) {
  for (const DuplicateRule& rule : session.schema().duplicate_rules().rules()) {
    if (rule.name == name) return &rule;
  }
  return nullptr;
}

}  // namespace

absl::Status DefineDuplicateRule(Session& session, absl::string_view json) {
  CRM_ASSIGN_OR_RETURN(DuplicateRule rule,
                       ParseDuplicateRule(json, session.schema()));
  const std::vector<DuplicateRule>& rules =
      session.schema().duplicate_rules().rules();
  if (FindRule(session, rule.name) == nullptr &&
      rules.size() >= static_cast<size_t>(kMaxDuplicateRules)) {
    return MakeError(ErrorCode::kValidation,
                     absl::StrCat("duplicate rule '", rule.name,
                                  "': a workspace holds at most ",
                                  kMaxDuplicateRules, " duplicate rules"),
                     "", Rule::kMaxItems);
  }
  CRM_RETURN_IF_ERROR(session.backend().UpsertDuplicateRule(
      rule.name, DuplicateRuleToJson(rule)));
  return session.SchemaChanged();
}

absl::StatusOr<std::string> GetDuplicateRule(Session& session,
                                             absl::string_view name) {
  const DuplicateRule* rule = FindRule(session, name);
  if (rule == nullptr) return UnknownRule(name);
  return DuplicateRuleToJson(*rule);
}

absl::StatusOr<std::string> ListDuplicateRules(Session& session) {
  std::string out = "[";
  for (const DuplicateRule& rule : session.schema().duplicate_rules().rules()) {
    if (out.size() > 1) out.push_back(',');
    out += DuplicateRuleToJson(rule);
  }
  out.push_back(']');
  return out;
}

absl::Status DropDuplicateRule(Session& session, absl::string_view name) {
  CRM_ASSIGN_OR_RETURN(
      bool dropped, session.backend().DeleteDuplicateRule(std::string(name)));
  if (!dropped) return UnknownRule(name);
  return session.SchemaChanged();
}

}  // namespace crm::core::duplicates
