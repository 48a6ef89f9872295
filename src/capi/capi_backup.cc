// crm.h: backup, restore and verify (crm_backup, crm_restore, crm_verify).
#include "capi/capi_support.h"
#include "capi/transfer_options.h"
#include "core/backup/backup.h"
#include "core/backup/verify.h"
#include "core/dump/dump.h"

using crm::Rule;
using crm::capi::Call;
using crm::capi::CheckDb;
using crm::capi::CheckNotNull;
using crm::capi::CheckText;
using crm::capi::DenyOnView;
using crm::capi::Out;
using crm::capi::ReadTransferOptions;

extern "C" {

int crm_backup(crm_db* db, const char* path,
               const crm_transfer_options* options) {
  return Call([&]() -> absl::Status {
    CRM_RETURN_IF_ERROR(CheckDb(db));
    CRM_RETURN_IF_ERROR(CheckText(path, Rule::kPath));
    CRM_ASSIGN_OR_RETURN(crm_transfer_options read,
                         ReadTransferOptions(options));
    const crm::core::Viewer* viewer = db->viewer ? &*db->viewer : nullptr;
    CRM_RETURN_IF_ERROR(crm::core::RequireWholeWorkspace(
        *db->workspace, viewer, crm::core::Operation::kBackup));
    crm::core::Progress progress(
        crm::capi::ProgressOf(read.progress, read.progress_context));
    return crm::core::BackupWorkspace(*db->workspace, path, progress);
  });
}

int crm_restore(crm_db* to, const char* path,
                const crm_transfer_options* options) {
  return Call([&]() -> absl::Status {
    CRM_RETURN_IF_ERROR(CheckNotNull(to, Rule::kTo));
    CRM_RETURN_IF_ERROR(CheckDb(to));
    CRM_RETURN_IF_ERROR(CheckText(path, Rule::kPath));
    CRM_ASSIGN_OR_RETURN(crm_transfer_options read,
                         ReadTransferOptions(options));
    CRM_RETURN_IF_ERROR(DenyOnView(to, "crm_restore"));
    crm::core::Progress progress(
        crm::capi::ProgressOf(read.progress, read.progress_context));
    return crm::core::RestoreWorkspace(*to->workspace, path, progress);
  });
}

int crm_verify(char** out_json, crm_db* db) {
  return Call(Out(out_json, Rule::kOutJson),
              [&]() -> absl::StatusOr<std::string> {
                CRM_RETURN_IF_ERROR(CheckDb(db));
                CRM_RETURN_IF_ERROR(DenyOnView(db, "crm_verify"));
                return crm::core::VerifyWorkspace(*db->workspace);
              });
}

}  // extern "C"
