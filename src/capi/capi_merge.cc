// crm.h: merging customers (crm_customer_merge, crm_customer_unmerge,
// crm_customer_merges, crm_record_merged_id).
#include <string>
#include <vector>

#include "capi/capi_support.h"
#include "core/merge/merge_service.h"

using crm::Rule;
using crm::capi::Call;
using crm::capi::CheckOptionalText;
using crm::capi::OnDb;
using crm::capi::Out;
using crm::core::Session;
using crm::store::ScopeKind;

namespace {

std::string TextOrEmpty(const char* text) {
  return text != nullptr ? std::string(text) : std::string();
}

// The texts a merge or an undo takes: NULL is "" (the defaults).
absl::Status CheckTexts(const char* actor, const char* reason) {
  CRM_RETURN_IF_ERROR(CheckOptionalText(actor, Rule::kActor));
  return CheckOptionalText(reason, Rule::kReason);
}

}  // namespace

extern "C" {

int crm_customer_merge(char** out_json, crm_db* db, int64_t survivor_id,
                       const int64_t* merged_ids, size_t merged_count,
                       const char* options_json, const char* actor,
                       const char* reason) {
  return Call(
      Out(out_json, Rule::kOutJson), [&]() -> absl::StatusOr<std::string> {
        if (merged_ids == nullptr && merged_count > 0) {
          return crm::MakeError(crm::ErrorCode::kInvalidArgument,
                                "merged_ids is NULL", "", Rule::kMergedIds);
        }
        if (merged_count > crm::core::merge::kMaxMergedPerCall) {
          return crm::MakeError(crm::ErrorCode::kInvalidArgument,
                                "a merge takes at most 10,000 customers", "",
                                Rule::kMergedIds);
        }
        CRM_RETURN_IF_ERROR(
            CheckOptionalText(options_json, Rule::kOptionsJson));
        CRM_RETURN_IF_ERROR(CheckTexts(actor, reason));
        crm::core::merge::MergeRequest request;
        request.survivor_id = survivor_id;
        if (merged_count > 0) {
          request.merged_ids.assign(merged_ids, merged_ids + merged_count);
        }
        request.options_json = TextOrEmpty(options_json);
        request.actor = TextOrEmpty(actor);
        request.reason = TextOrEmpty(reason);
        CRM_ASSIGN_OR_RETURN(crm::core::merge::MergeReceipt receipt,
                             OnDb(db, ScopeKind::kWrite, [&](Session& session) {
                               return crm::core::merge::MergeCustomers(session,
                                                                       request);
                             }));
        return crm::core::merge::MergeReceiptJson(receipt);
      });
}

int crm_customer_unmerge(char** out_json, crm_db* db, int64_t merge_id,
                         const char* actor, const char* reason) {
  return Call(
      Out(out_json, Rule::kOutJson), [&]() -> absl::StatusOr<std::string> {
        CRM_RETURN_IF_ERROR(CheckTexts(actor, reason));
        CRM_ASSIGN_OR_RETURN(crm::core::merge::UnmergeReceipt receipt,
                             OnDb(db, ScopeKind::kWrite, [&](Session& session) {
                               return crm::core::merge::UnmergeCustomers(
                                   session, merge_id, TextOrEmpty(actor),
                                   TextOrEmpty(reason));
                             }));
        return crm::core::merge::UnmergeReceiptJson(receipt);
      });
}

int crm_customer_merges(char** out_json, crm_db* db, int64_t id) {
  return Call(Out(out_json, Rule::kOutJson), [&] {
    return OnDb(db, ScopeKind::kRead, [&](Session& session) {
      return crm::core::merge::MergesJson(session, id);
    });
  });
}

int64_t crm_record_merged_id(const crm_record* record) {
  return record ? record->record.merged_id : 0;
}

}  // extern "C"
