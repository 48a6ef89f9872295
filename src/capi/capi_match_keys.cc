// crm.h "Duplicates": duplicate settings and a customer's match keys.
#include "capi/capi_support.h"
#include "core/duplicates/settings_service.h"

using crm::Rule;
using crm::capi::Call;
using crm::capi::CheckText;
using crm::capi::OnDb;
using crm::capi::Out;
using crm::core::Session;
using crm::store::ScopeKind;

namespace {

absl::Status CheckCustomerId(int64_t id) {
  if (id > 0) return absl::OkStatus();
  return crm::MakeError(crm::ErrorCode::kInvalidArgument,
                        "a customer id is a positive integer", "", Rule::kId);
}

}  // namespace

extern "C" {

int crm_duplicate_settings_set(crm_db* db, const char* settings_json) {
  return Call([&] {
    CRM_RETURN_IF_ERROR(CheckText(settings_json, Rule::kSettingsJson));
    return OnDb(db, ScopeKind::kWrite, [&](Session& session) {
      return crm::core::duplicates::SetDuplicateSettings(session,
                                                         settings_json);
    });
  });
}

int crm_duplicate_settings_get(char** out_json, crm_db* db) {
  return Call(
      Out(out_json, Rule::kOutJson), [&]() -> absl::StatusOr<std::string> {
        return OnDb(
            db, ScopeKind::kRead,
            [&](Session& session) -> absl::StatusOr<std::string> {
              return crm::core::duplicates::GetDuplicateSettings(session);
            });
      });
}

int crm_customer_match_keys(char** out_json, crm_db* db, int64_t id) {
  return Call(
      Out(out_json, Rule::kOutJson), [&]() -> absl::StatusOr<std::string> {
        CRM_RETURN_IF_ERROR(CheckCustomerId(id));
        return OnDb(db, ScopeKind::kRead,
                    [&](Session& session) -> absl::StatusOr<std::string> {
                      return crm::core::duplicates::CustomerMatchKeysJson(
                          session, id);
                    });
      });
}

}  // extern "C"
