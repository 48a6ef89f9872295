// crm.h: bulk export (crm_export, crm_export_options_init).
#include <cstddef>

#include "capi/capi_support.h"

using crm::ErrorCode;
using crm::MakeError;
using crm::capi::Call;
using crm::capi::Out;

namespace {

// The size of crm_export_options in its first release (0.3.0): all of it.
constexpr uint32_t kFirstExportOptionsSize = sizeof(crm_export_options);

}  // namespace

int crm_export_options_init(crm_export_options* options, size_t struct_size) {
  return Call([&] {
    return crm::capi::InitOptions(options, struct_size,
                                  crm_export_options(CRM_EXPORT_OPTIONS_INIT),
                                  kFirstExportOptionsSize);
  });
}

int crm_export(int64_t* out_rows, crm_db*, const char*,
               const crm_export_options*) {
  return Call(Out(out_rows), []() -> absl::StatusOr<int64_t> {
    return MakeError(ErrorCode::kUnsupported, "crm_export is being built", "",
                     crm::Rule::kBackend);
  });
}
