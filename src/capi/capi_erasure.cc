// crm.h: erasure (crm_customer_erase, crm_customer_erase_where,
// crm_checkpoint).
#include <cstddef>

#include "capi/capi_support.h"
#include "core/access.h"
#include "core/erasure.h"

using crm::Rule;
using crm::capi::Call;
using crm::capi::CheckDb;
using crm::capi::CheckNotNull;
using crm::capi::CheckOptionalText;
using crm::capi::OnDb;
using crm::capi::Out;
using crm::core::Access;
using crm::core::EraseReceipt;
using crm::core::EraseRequest;
using crm::core::Operation;
using crm::core::Session;
using crm::store::ScopeKind;

static_assert(static_cast<int>(crm::core::kEraseKeepHeld) ==
              static_cast<int>(CRM_ERASE_KEEP_HELD));
static_assert(static_cast<int>(crm::core::kEraseOverrideHold) ==
              static_cast<int>(CRM_ERASE_OVERRIDE_HOLD));
static_assert(static_cast<int>(crm::core::kEraseSuppress) ==
              static_cast<int>(CRM_ERASE_SUPPRESS));

namespace {

// The size of crm_erase_options in its first release: up to and including
// `flags`.
constexpr uint32_t kFirstEraseOptionsSize =
    offsetof(crm_erase_options, flags) + sizeof(int);

// `options` (NULL for the defaults) as the core takes them.
absl::StatusOr<EraseRequest> RequestOf(const crm_erase_options* options) {
  CRM_ASSIGN_OR_RETURN(
      const crm_erase_options chosen,
      crm::capi::ReadOptions(options, crm_erase_options(CRM_ERASE_OPTIONS_INIT),
                             kFirstEraseOptionsSize, "CRM_ERASE_OPTIONS_INIT"));
  CRM_RETURN_IF_ERROR(CheckOptionalText(chosen.actor, Rule::kActor));
  // The reason's text is checked by the core, which names it "reason" for
  // bad UTF-8 as for its length.
  EraseRequest request;
  if (chosen.actor != nullptr) request.actor = chosen.actor;
  if (chosen.reason != nullptr) request.reason = chosen.reason;
  request.flags = chosen.flags;
  return request;
}

absl::Status CheckId(int64_t id) {
  if (id > 0) return absl::OkStatus();
  return crm::MakeError(crm::ErrorCode::kInvalidArgument,
                        "a customer id is a positive integer", "", Rule::kId);
}

// The receipt of `erase`, run in a write scope on `db` with `options`
// checked, once `argument` (the check of the call's own argument) is OK.
absl::StatusOr<std::string> Erase(
    const absl::Status& argument, crm_db* db, const crm_erase_options* options,
    absl::FunctionRef<absl::StatusOr<EraseReceipt>(Session&,
                                                   const EraseRequest&)>
        erase) {
  CRM_RETURN_IF_ERROR(argument);
  CRM_ASSIGN_OR_RETURN(EraseRequest request, RequestOf(options));
  CRM_ASSIGN_OR_RETURN(
      EraseReceipt receipt,
      OnDb(db, ScopeKind::kWrite,
           [&](Session& session) -> absl::StatusOr<EraseReceipt> {
             CRM_RETURN_IF_ERROR(
                 Access::Require(session.access(), Operation::kErase));
             return erase(session, request);
           }));
  return crm::core::ReceiptJson(receipt);
}

}  // namespace

extern "C" {

int crm_erase_options_init(crm_erase_options* options, size_t struct_size) {
  return Call([&] {
    return crm::capi::InitOptions(options, struct_size,
                                  crm_erase_options(CRM_ERASE_OPTIONS_INIT),
                                  kFirstEraseOptionsSize);
  });
}

int crm_customer_erase(char** out_receipt_json, crm_db* db, int64_t id,
                       const crm_erase_options* options) {
  return Call(Out(out_receipt_json, Rule::kOut), [&] {
    return Erase(CheckId(id), db, options,
                 [&](Session& session, const EraseRequest& request) {
                   return crm::core::EraseCustomer(session, id, request);
                 });
  });
}

int crm_customer_erase_where(char** out_receipt_json, crm_db* db,
                             const crm_query* query,
                             const crm_erase_options* options) {
  return Call(Out(out_receipt_json, Rule::kOut), [&] {
    crm::core::QueryRequest selection;
    if (query != nullptr) {
      selection = query->request;
      selection.params = query->params.record;
    }
    return Erase(CheckNotNull(query, Rule::kQuery), db, options,
                 [&](Session& session, const EraseRequest& request) {
                   return crm::core::EraseWhere(session, selection, request);
                 });
  });
}

int crm_checkpoint(crm_db* db) {
  return Call([&] {
    CRM_RETURN_IF_ERROR(CheckDb(db));
    CRM_RETURN_IF_ERROR(crm::capi::DenyOnView(db, "crm_checkpoint"));
    return db->workspace->Checkpoint();
  });
}

}  // extern "C"
