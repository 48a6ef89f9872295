// crm.h: dump and load (crm_dump, crm_load, crm_transfer_options_init).
#include <cstddef>

#include "capi/capi_support.h"

using crm::ErrorCode;
using crm::MakeError;
using crm::capi::Call;

namespace {

// The size of crm_transfer_options in its first release (0.3.0): all of it.
constexpr uint32_t kFirstTransferOptionsSize = sizeof(crm_transfer_options);

}  // namespace

int crm_transfer_options_init(crm_transfer_options* options,
                              size_t struct_size) {
  return Call([&] {
    return crm::capi::InitOptions(
        options, struct_size, crm_transfer_options(CRM_TRANSFER_OPTIONS_INIT),
        kFirstTransferOptionsSize);
  });
}

int crm_dump(crm_db*, const char*, const crm_transfer_options*) {
  return Call([] {
    return MakeError(ErrorCode::kUnsupported, "crm_dump is being built", "",
                     crm::Rule::kBackend);
  });
}

int crm_load(crm_db*, const char*, const crm_transfer_options*) {
  return Call([] {
    return MakeError(ErrorCode::kUnsupported, "crm_load is being built", "",
                     crm::Rule::kBackend);
  });
}
