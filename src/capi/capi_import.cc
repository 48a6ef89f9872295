// crm.h: import (crm_import, crm_import_options_init).
#include <cstddef>
#include <string>

#include "capi/capi_support.h"
#include "core/import/importer.h"

using crm::ErrorCode;
using crm::MakeError;
using crm::Rule;
using crm::capi::Call;
using crm::capi::CheckDb;
using crm::capi::CheckOptionalText;
using crm::capi::CheckText;
using crm::capi::Out;
using crm::core::import::ImportFormat;
using crm::core::import::ImportRequest;
using crm::core::import::ImportTarget;

namespace {

// The size of crm_import_options in its first release (0.3.0): all of it.
// The size of the first release's struct: duplicate_check came in 0.3.
constexpr uint32_t kFirstImportOptionsSize =
    offsetof(crm_import_options, duplicate_check);
constexpr int64_t kMaxBatchRows = 1000000;

// The request the checked `options` describe for the file at `path`.
absl::StatusOr<ImportRequest> RequestOf(const char* path,
                                        const crm_import_options& options) {
  ImportRequest request;
  request.path = path;
  if (options.target != CRM_DATA_CUSTOMERS &&
      options.target != CRM_DATA_EVENTS) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "options->target must be CRM_DATA_CUSTOMERS or "
                     "CRM_DATA_EVENTS",
                     "", Rule::kTarget);
  }
  request.target = options.target == CRM_DATA_CUSTOMERS
                       ? ImportTarget::kCustomers
                       : ImportTarget::kEvents;
  switch (options.format) {
    case CRM_FORMAT_AUTO:
      request.format = ImportFormat::kAuto;
      break;
    case CRM_FORMAT_CSV:
      request.format = ImportFormat::kCsv;
      break;
    case CRM_FORMAT_JSONL:
      request.format = ImportFormat::kJsonLines;
      break;
    default:
      return MakeError(ErrorCode::kInvalidArgument,
                       "options->format must be CRM_FORMAT_AUTO, "
                       "CRM_FORMAT_CSV or CRM_FORMAT_JSONL",
                       "", Rule::kFormat);
  }
  CRM_RETURN_IF_ERROR(
      CheckOptionalText(options.mapping_json, Rule::kMappingJson));
  if (options.mapping_json != nullptr) {
    request.mapping_json = options.mapping_json;
  }
  CRM_RETURN_IF_ERROR(
      CheckOptionalText(options.reject_path, Rule::kRejectPath));
  if (options.reject_path != nullptr) {
    if (options.reject_path[0] == '\0') {
      return MakeError(ErrorCode::kInvalidArgument,
                       "options->reject_path must be NULL or a path", "",
                       Rule::kRejectPath);
    }
    request.reject_path = options.reject_path;
  }
  request.dry_run = options.dry_run != 0;
  if (options.batch_rows < 0 || options.batch_rows > kMaxBatchRows) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "options->batch_rows must lie between 0 and 1,000,000", "",
                     Rule::kBatchRows);
  }
  request.batch_rows = options.batch_rows;
  CRM_RETURN_IF_ERROR(CheckOptionalText(options.actor, Rule::kActor));
  if (options.actor != nullptr) request.actor = options.actor;
  request.progress =
      crm::capi::ProgressOf(options.progress, options.progress_context);
  CRM_ASSIGN_OR_RETURN(request.skip_duplicate_check,
                       crm::capi::SkipsDuplicateCheck(options.duplicate_check));
  return request;
}

}  // namespace

int crm_import_options_init(crm_import_options* options, size_t struct_size) {
  return Call([&] {
    return crm::capi::InitOptions(options, struct_size,
                                  crm_import_options(CRM_IMPORT_OPTIONS_INIT),
                                  kFirstImportOptionsSize);
  });
}

int crm_import(char** out_json, crm_db* db, const char* path,
               const crm_import_options* options) {
  return Call(Out(out_json), [&]() -> absl::StatusOr<std::string> {
    CRM_RETURN_IF_ERROR(CheckDb(db));
    CRM_RETURN_IF_ERROR(CheckText(path, Rule::kPath));
    CRM_ASSIGN_OR_RETURN(
        crm_import_options given,
        crm::capi::ReadOptions(
            options, crm_import_options(CRM_IMPORT_OPTIONS_INIT),
            kFirstImportOptionsSize, "CRM_IMPORT_OPTIONS_INIT"));
    CRM_ASSIGN_OR_RETURN(ImportRequest request, RequestOf(path, given));
    const crm::core::Viewer* viewer = db->viewer ? &*db->viewer : nullptr;
    return crm::core::import::Import(*db->workspace, viewer, request);
  });
}
