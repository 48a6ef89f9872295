// crm.h: bulk export (crm_export, crm_export_options_init).
#include <cstddef>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "capi/capi_support.h"
#include "core/export/exporter.h"

using crm::ErrorCode;
using crm::MakeError;
using crm::Rule;
using crm::capi::Call;
using crm::capi::CheckOptionalText;
using crm::capi::CheckText;
using crm::capi::OnDb;
using crm::capi::Out;
using crm::core::ExportFormat;
using crm::core::QueryTarget;
using crm::core::Session;
using crm::store::ScopeKind;

namespace {

// The size of crm_export_options in its first release (0.3.0): all of it.
constexpr uint32_t kFirstExportOptionsSize = sizeof(crm_export_options);

absl::Status BadOption(absl::string_view message, Rule rule,
                       absl::string_view field = {}) {
  return MakeError(ErrorCode::kInvalidArgument, message, field, rule);
}

absl::StatusOr<QueryTarget> TargetOf(int target) {
  switch (target) {
    case CRM_DATA_CUSTOMERS:
      return QueryTarget::kCustomers;
    case CRM_DATA_EVENTS:
      return QueryTarget::kEvents;
    default:
      return BadOption(
          "options->target must be CRM_DATA_CUSTOMERS or CRM_DATA_EVENTS",
          Rule::kTarget);
  }
}

// CRM_FORMAT_AUTO by the file name: .jsonl or .ndjson (any case) JSON
// Lines, anything else CSV.
absl::StatusOr<ExportFormat> FormatOf(int format, absl::string_view path) {
  switch (format) {
    case CRM_FORMAT_AUTO:
      return absl::EndsWithIgnoreCase(path, ".jsonl") ||
                     absl::EndsWithIgnoreCase(path, ".ndjson")
                 ? ExportFormat::kJsonLines
                 : ExportFormat::kCsv;
    case CRM_FORMAT_CSV:
      return ExportFormat::kCsv;
    case CRM_FORMAT_JSONL:
      return ExportFormat::kJsonLines;
    default:
      return BadOption(
          "options->format must be CRM_FORMAT_AUTO, CRM_FORMAT_CSV or "
          "CRM_FORMAT_JSONL",
          Rule::kFormat);
  }
}

// options->fields: comma-separated names, spaces around each ignored; none
// empty, none twice. NULL or "" (or only spaces): none.
absl::StatusOr<std::vector<std::string>> FieldsOf(const char* fields) {
  std::vector<std::string> names;
  if (fields == nullptr || absl::StripAsciiWhitespace(fields).empty()) {
    return names;
  }
  absl::flat_hash_set<std::string> seen;
  for (absl::string_view item : absl::StrSplit(fields, ',')) {
    std::string name(absl::StripAsciiWhitespace(item));
    if (name.empty()) {
      return BadOption(
          "options->fields holds an empty name (two commas, or "
          "one at an end)",
          Rule::kFields);
    }
    if (!seen.insert(name).second) {
      return BadOption(absl::StrCat("options->fields names '", name, "' twice"),
                       Rule::kFields, name);
    }
    names.push_back(std::move(name));
  }
  return names;
}

absl::StatusOr<crm::core::ExportRequest> RequestOf(
    const crm_export_options& options, absl::string_view path) {
  crm::core::ExportRequest request;
  CRM_ASSIGN_OR_RETURN(request.target, TargetOf(options.target));
  CRM_ASSIGN_OR_RETURN(request.format, FormatOf(options.format, path));
  CRM_RETURN_IF_ERROR(CheckOptionalText(options.filter, Rule::kFilter));
  if (options.filter != nullptr) request.filter = options.filter;
  CRM_RETURN_IF_ERROR(CheckOptionalText(options.fields, Rule::kFields));
  CRM_ASSIGN_OR_RETURN(request.fields, FieldsOf(options.fields));
  if (request.target == QueryTarget::kCustomers &&
      (options.from_us != CRM_TIME_MIN || options.until_us != CRM_TIME_MAX)) {
    return BadOption(
        "options->from_us and until_us bound the time events occurred; "
        "leave them CRM_TIME_MIN and CRM_TIME_MAX for customers (filter on "
        "created_at or updated_at instead)",
        options.from_us != CRM_TIME_MIN ? Rule::kFromUs : Rule::kUntilUs);
  }
  if (options.from_us > options.until_us) {
    return BadOption("options->until_us is before options->from_us",
                     Rule::kUntilUs);
  }
  request.from_us = options.from_us;
  request.until_us = options.until_us;
  return request;
}

}  // namespace

int crm_export_options_init(crm_export_options* options, size_t struct_size) {
  return Call([&] {
    return crm::capi::InitOptions(options, struct_size,
                                  crm_export_options(CRM_EXPORT_OPTIONS_INIT),
                                  kFirstExportOptionsSize);
  });
}

int crm_export(int64_t* out_rows, crm_db* db, const char* path,
               const crm_export_options* options) {
  return Call(Out(out_rows), [&]() -> absl::StatusOr<int64_t> {
    CRM_RETURN_IF_ERROR(CheckText(path, Rule::kPath));
    if (*path == '\0') return BadOption("path is empty", Rule::kPath);
    CRM_ASSIGN_OR_RETURN(
        const crm_export_options chosen,
        crm::capi::ReadOptions(
            options, crm_export_options(CRM_EXPORT_OPTIONS_INIT),
            kFirstExportOptionsSize, "CRM_EXPORT_OPTIONS_INIT"));
    CRM_ASSIGN_OR_RETURN(crm::core::ExportRequest request,
                         RequestOf(chosen, path));
    crm::core::ProgressFn progress =
        crm::capi::ProgressOf(chosen.progress, chosen.progress_context);
    const std::string target = path;
    CRM_ASSIGN_OR_RETURN(crm::core::ExportedFile exported,
                         OnDb(db, ScopeKind::kRead, [&](Session& session) {
                           return crm::core::WriteExport(session, request,
                                                         target, progress);
                         }));
    // Renamed over `path` only once the scope ended well: a read that ran
    // again wrote a file of its own.
    CRM_RETURN_IF_ERROR(exported.file->Commit());
    return exported.rows;
  });
}
