// crm.h: the export of everything held on one person.
#include "capi/capi_support.h"
#include "core/customer_export.h"
#include "core/time_text.h"

using crm::ErrorCode;
using crm::Rule;
using crm::capi::Call;
using crm::capi::OnDb;
using crm::capi::Out;
using crm::core::Session;
using crm::store::ScopeKind;

extern "C" {

int crm_customer_export(char** out_json, crm_db* db, int64_t id) {
  return Call(Out(out_json, Rule::kOutJson),
              [&]() -> absl::StatusOr<std::string> {
                if (id <= 0) {
                  return crm::MakeError(ErrorCode::kInvalidArgument,
                                        "a customer id is a positive integer",
                                        "", Rule::kId);
                }
                int64_t now_us = crm::core::NowMicros();
                return OnDb(db, ScopeKind::kRead, [&](Session& session) {
                  return crm::core::ExportCustomer(session, id, now_us);
                });
              });
}

}  // extern "C"
