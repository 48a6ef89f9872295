// crm.h: moving a workspace (crm_workspace_copy) and its content checksum.
#include "capi/capi_support.h"
#include "core/workspace_copy.h"

using crm::ErrorCode;
using crm::Rule;
using crm::capi::Call;
using crm::capi::CheckDb;
using crm::capi::CheckNotNull;
using crm::capi::DenyOnView;
using crm::capi::Out;

namespace {

// CheckDb() for a handle the rule `parameter` names.
absl::Status CheckNamedDb(const crm_db* db, Rule parameter) {
  CRM_RETURN_IF_ERROR(CheckNotNull(db, parameter));
  return CheckDb(db);
}

}  // namespace

extern "C" {

int crm_workspace_copy(crm_db* to, crm_db* from) {
  return Call([&]() -> absl::Status {
    CRM_RETURN_IF_ERROR(CheckNamedDb(to, Rule::kTo));
    CRM_RETURN_IF_ERROR(CheckNamedDb(from, Rule::kFrom));
    CRM_RETURN_IF_ERROR(DenyOnView(to, "crm_workspace_copy"));
    CRM_RETURN_IF_ERROR(DenyOnView(from, "crm_workspace_copy"));
    if (to == from) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "to and from are the same workspace handle", "",
                       Rule::kTo);
    }
    return crm::core::CopyWorkspace(*to->workspace, *from->workspace);
  });
}

int crm_workspace_checksum(char** out, crm_db* db) {
  return Call(Out(out, Rule::kOut), [&]() -> absl::StatusOr<std::string> {
    CRM_RETURN_IF_ERROR(CheckDb(db));
    CRM_RETURN_IF_ERROR(DenyOnView(db, "crm_workspace_checksum"));
    return crm::core::WorkspaceChecksum(*db->workspace);
  });
}

}  // extern "C"
