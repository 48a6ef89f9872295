// crm.h: access profiles (crm_profile_*) and restricted handles
// (crm_db_restrict, crm_db_profile). Profile management and restricting are
// the unrestricted host's: never allowed on a restricted handle.
#include "capi/capi_support.h"
#include "core/access.h"
#include "core/customer_service.h"
#include "core/profile_service.h"
#include "core/schema.h"

using crm::Rule;
using crm::capi::Call;
using crm::capi::CheckText;
using crm::capi::HandleOr;
using crm::capi::OnDb;
using crm::capi::Out;
using crm::core::Access;
using crm::core::Session;
using crm::store::ScopeKind;

extern "C" {

int crm_profile_define(crm_db* db, const char* definition_json) {
  return Call([&] {
    CRM_RETURN_IF_ERROR(CheckText(definition_json, Rule::kDefinitionJson));
    return OnDb(db, ScopeKind::kWrite, [&](Session& session) -> absl::Status {
      CRM_RETURN_IF_ERROR(
          Access::Never(session.access(), "crm_profile_define"));
      return crm::core::DefineProfile(session, definition_json);
    });
  });
}

int crm_profile_get(char** out_json, crm_db* db, const char* name) {
  return Call(
      Out(out_json, Rule::kOutJson), [&]() -> absl::StatusOr<std::string> {
        CRM_RETURN_IF_ERROR(CheckText(name, Rule::kName));
        return OnDb(db, ScopeKind::kRead,
                    [&](Session& session) -> absl::StatusOr<std::string> {
                      CRM_RETURN_IF_ERROR(
                          Access::Never(session.access(), "crm_profile_get"));
                      return crm::core::GetProfile(session, name);
                    });
      });
}

int crm_profile_list(char** out_json, crm_db* db) {
  return Call(
      Out(out_json, Rule::kOutJson), [&]() -> absl::StatusOr<std::string> {
        return OnDb(db, ScopeKind::kRead,
                    [&](Session& session) -> absl::StatusOr<std::string> {
                      CRM_RETURN_IF_ERROR(
                          Access::Never(session.access(), "crm_profile_list"));
                      return crm::core::ListProfiles(session);
                    });
      });
}

int crm_profile_drop(crm_db* db, const char* name) {
  return Call([&] {
    CRM_RETURN_IF_ERROR(CheckText(name, Rule::kName));
    return OnDb(db, ScopeKind::kWrite, [&](Session& session) -> absl::Status {
      CRM_RETURN_IF_ERROR(Access::Never(session.access(), "crm_profile_drop"));
      return crm::core::DropProfile(session, name);
    });
  });
}

int crm_db_restrict(crm_db** out_view, crm_db* db, const char* profile,
                    const char* actor) {
  return Call(Out(out_view, Rule::kOutView), [&]() -> HandleOr<crm_db> {
    CRM_RETURN_IF_ERROR(CheckText(profile, Rule::kProfile));
    CRM_RETURN_IF_ERROR(crm::capi::CheckOptionalText(actor, Rule::kActor));
    CRM_ASSIGN_OR_RETURN(std::string checked_actor,
                         crm::core::CheckActor(actor == nullptr ? "" : actor));
    CRM_RETURN_IF_ERROR(
        OnDb(db, ScopeKind::kRead, [&](Session& session) -> absl::Status {
          CRM_RETURN_IF_ERROR(
              Access::Never(session.access(), "crm_db_restrict"));
          if (session.schema().FindProfile(profile) == nullptr) {
            return crm::core::UnknownProfile(profile);
          }
          return absl::OkStatus();
        }));
    return std::make_unique<crm_db>(crm_db{
        db->workspace, crm::core::Viewer{profile, std::move(checked_actor)}});
  });
}

const char* crm_db_profile(const crm_db* db) {
  if (db == nullptr) return nullptr;
  return db->viewer ? db->viewer->profile.c_str() : "";
}

}  // extern "C"
