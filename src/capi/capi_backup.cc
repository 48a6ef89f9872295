// crm.h: backup, restore and verify (crm_backup, crm_restore, crm_verify).
#include "capi/capi_support.h"

using crm::ErrorCode;
using crm::MakeError;
using crm::capi::Call;
using crm::capi::Out;

int crm_backup(crm_db*, const char*, const crm_transfer_options*) {
  return Call([] {
    return MakeError(ErrorCode::kUnsupported, "crm_backup is being built", "",
                     crm::Rule::kBackend);
  });
}

int crm_restore(crm_db*, const char*, const crm_transfer_options*) {
  return Call([] {
    return MakeError(ErrorCode::kUnsupported, "crm_restore is being built", "",
                     crm::Rule::kBackend);
  });
}

int crm_verify(char** out_json, crm_db*) {
  return Call(Out(out_json), []() -> absl::StatusOr<std::string> {
    return MakeError(ErrorCode::kUnsupported, "crm_verify is being built", "",
                     crm::Rule::kBackend);
  });
}
