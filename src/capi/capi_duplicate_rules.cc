// crm.h "Duplicates": rule management (crm_duplicate_rule_*), for
// unrestricted handles only, and crm_duplicate_candidates.
#include "capi/capi_support.h"
#include "core/access.h"
#include "core/customer_service.h"
#include "core/duplicates/rule_service.h"

using crm::Rule;
using crm::capi::Call;
using crm::capi::CheckNotNull;
using crm::capi::CheckText;
using crm::capi::OnDb;
using crm::capi::Out;
using crm::core::Access;
using crm::core::Session;
using crm::store::ScopeKind;

extern "C" {

int crm_duplicate_rule_define(crm_db* db, const char* definition_json) {
  return Call([&] {
    CRM_RETURN_IF_ERROR(CheckText(definition_json, Rule::kDefinitionJson));
    return OnDb(db, ScopeKind::kWrite, [&](Session& session) -> absl::Status {
      CRM_RETURN_IF_ERROR(
          Access::Never(session.access(), "crm_duplicate_rule_define"));
      return crm::core::duplicates::DefineDuplicateRule(session,
                                                        definition_json);
    });
  });
}

int crm_duplicate_rule_get(char** out_json, crm_db* db, const char* name) {
  return Call(
      Out(out_json, Rule::kOutJson), [&]() -> absl::StatusOr<std::string> {
        CRM_RETURN_IF_ERROR(CheckText(name, Rule::kName));
        return OnDb(
            db, ScopeKind::kRead,
            [&](Session& session) -> absl::StatusOr<std::string> {
              CRM_RETURN_IF_ERROR(
                  Access::Never(session.access(), "crm_duplicate_rule_get"));
              return crm::core::duplicates::GetDuplicateRule(session, name);
            });
      });
}

int crm_duplicate_rule_list(char** out_json, crm_db* db) {
  return Call(
      Out(out_json, Rule::kOutJson), [&]() -> absl::StatusOr<std::string> {
        return OnDb(db, ScopeKind::kRead,
                    [&](Session& session) -> absl::StatusOr<std::string> {
                      CRM_RETURN_IF_ERROR(Access::Never(
                          session.access(), "crm_duplicate_rule_list"));
                      return crm::core::duplicates::ListDuplicateRules(session);
                    });
      });
}

int crm_duplicate_rule_drop(crm_db* db, const char* name) {
  return Call([&] {
    CRM_RETURN_IF_ERROR(CheckText(name, Rule::kName));
    return OnDb(db, ScopeKind::kWrite, [&](Session& session) -> absl::Status {
      CRM_RETURN_IF_ERROR(
          Access::Never(session.access(), "crm_duplicate_rule_drop"));
      return crm::core::duplicates::DropDuplicateRule(session, name);
    });
  });
}

int crm_duplicate_candidates(char** out_json, crm_db* db,
                             const crm_record* record) {
  return Call(
      Out(out_json, Rule::kOutJson), [&]() -> absl::StatusOr<std::string> {
        CRM_RETURN_IF_ERROR(CheckNotNull(record, Rule::kRecord));
        return OnDb(
            db, ScopeKind::kRead,
            [&](Session& session) -> absl::StatusOr<std::string> {
              CRM_ASSIGN_OR_RETURN(
                  auto candidates,
                  crm::core::DuplicateCandidatesOf(session, record->record));
              return crm::core::duplicates::CandidatesToJson(candidates);
            });
      });
}

}  // extern "C"
