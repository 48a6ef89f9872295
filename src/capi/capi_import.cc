// crm.h: import (crm_import, crm_import_options_init).
#include <cstddef>

#include "capi/capi_support.h"

using crm::ErrorCode;
using crm::MakeError;
using crm::capi::Call;
using crm::capi::Out;

namespace {

// The size of crm_import_options in its first release (0.3.0): all of it.
constexpr uint32_t kFirstImportOptionsSize = sizeof(crm_import_options);

}  // namespace

int crm_import_options_init(crm_import_options* options, size_t struct_size) {
  return Call([&] {
    return crm::capi::InitOptions(options, struct_size,
                                  crm_import_options(CRM_IMPORT_OPTIONS_INIT),
                                  kFirstImportOptionsSize);
  });
}

int crm_import(char** out_json, crm_db*, const char*,
               const crm_import_options*) {
  return Call(Out(out_json), []() -> absl::StatusOr<std::string> {
    return MakeError(ErrorCode::kUnsupported, "crm_import is being built", "",
                     crm::Rule::kBackend);
  });
}
