// crm.h: dump and load (crm_dump, crm_load, crm_transfer_options_init).
#include <cstddef>

#include "capi/capi_support.h"
#include "capi/transfer_options.h"
#include "core/access.h"
#include "core/dump/dump.h"

using crm::Rule;
using crm::capi::Call;
using crm::capi::CheckDb;
using crm::capi::CheckText;
using crm::capi::DenyOnView;
using crm::capi::kFirstTransferOptionsSize;
using crm::capi::ProgressOf;
using crm::capi::ReadTransferOptions;

int crm_transfer_options_init(crm_transfer_options* options,
                              size_t struct_size) {
  return Call([&] {
    return crm::capi::InitOptions(
        options, struct_size, crm_transfer_options(CRM_TRANSFER_OPTIONS_INIT),
        kFirstTransferOptionsSize);
  });
}

int crm_dump(crm_db* db, const char* path,
             const crm_transfer_options* options) {
  return Call([&]() -> absl::Status {
    CRM_RETURN_IF_ERROR(CheckDb(db));
    CRM_RETURN_IF_ERROR(CheckText(path, Rule::kPath));
    CRM_ASSIGN_OR_RETURN(crm_transfer_options given,
                         ReadTransferOptions(options));
    const crm::core::Viewer* viewer = db->viewer ? &*db->viewer : nullptr;
    CRM_RETURN_IF_ERROR(crm::core::RequireWholeWorkspace(
        *db->workspace, viewer, crm::core::Operation::kDump));
    crm::core::Progress progress(
        ProgressOf(given.progress, given.progress_context));
    return crm::core::DumpWorkspace(*db->workspace, path, progress);
  });
}

int crm_load(crm_db* db, const char* path,
             const crm_transfer_options* options) {
  return Call([&]() -> absl::Status {
    CRM_RETURN_IF_ERROR(CheckDb(db));
    CRM_RETURN_IF_ERROR(DenyOnView(db, "crm_load"));
    CRM_RETURN_IF_ERROR(CheckText(path, Rule::kPath));
    CRM_ASSIGN_OR_RETURN(crm_transfer_options given,
                         ReadTransferOptions(options));
    crm::core::Progress progress(
        ProgressOf(given.progress, given.progress_context));
    return crm::core::LoadWorkspace(*db->workspace, path, progress);
  });
}
