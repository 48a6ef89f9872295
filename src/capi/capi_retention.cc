// crm.h: retention and legal hold.
#include "capi/capi_support.h"
#include "core/access.h"
#include "core/legal_hold.h"
#include "core/record_scope.h"
#include "core/retention.h"
#include "core/time_text.h"

using crm::ErrorCode;
using crm::Rule;
using crm::capi::Call;
using crm::capi::OnDb;
using crm::capi::Out;
using crm::core::Access;
using crm::core::Operation;
using crm::core::Session;
using crm::store::ScopeKind;

extern "C" {

int crm_retention_apply(char** out_json, crm_db* db, int64_t now_us) {
  return Call(Out(out_json, Rule::kOut), [&]() -> absl::StatusOr<std::string> {
    if (!crm::core::CheckDateTime(now_us).ok()) {
      return crm::MakeError(ErrorCode::kInvalidArgument,
                            "now_us must be a time in the years 0001 to 9999",
                            "", Rule::kNowUs);
    }
    return OnDb(db, ScopeKind::kWrite,
                [&](Session& session) -> absl::StatusOr<std::string> {
                  CRM_RETURN_IF_ERROR(
                      Access::Require(session.access(), Operation::kRetention));
                  CRM_ASSIGN_OR_RETURN(
                      crm::core::RetentionReport report,
                      crm::core::ApplyRetention(session, now_us));
                  return crm::core::RetentionReportJson(report);
                });
  });
}

int crm_customer_held_until(int64_t* out_us, crm_db* db, int64_t id) {
  return Call(Out(out_us, Rule::kOut), [&]() -> absl::StatusOr<int64_t> {
    if (id <= 0) {
      return crm::MakeError(ErrorCode::kInvalidArgument,
                            "a customer id is a positive integer", "",
                            Rule::kId);
    }
    CRM_ASSIGN_OR_RETURN(
        std::optional<int64_t> held_until,
        OnDb(db, ScopeKind::kRead,
             [&](Session& session) -> absl::StatusOr<std::optional<int64_t>> {
               // A read: outside a restricted handle's
               // scope the customer is not there.
               if (session.access() != nullptr) {
                 CRM_RETURN_IF_ERROR(crm::core::CheckInScope(session, id));
               }
               return crm::core::StubHeldUntil(session, id);
             }));
    return held_until.value_or(0);
  });
}

}  // extern "C"
