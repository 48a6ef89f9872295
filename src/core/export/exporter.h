// Bulk export (crm.h, crm_export): the customers or events a filter
// matches, written to a CSV or JSON Lines file in one snapshot, page by
// page, in memory that does not grow with the rows.
#ifndef CRM_CORE_EXPORT_EXPORTER_H_
#define CRM_CORE_EXPORT_EXPORTER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/replacing_file.h"
#include "core/export/row_writer.h"
#include "core/progress.h"
#include "core/query_checker.h"
#include "core/workspace.h"

namespace crm::core {

struct ExportRequest {
  QueryTarget target = QueryTarget::kCustomers;
  ExportFormat format = ExportFormat::kCsv;
  std::string filter;               // the filter language; "" for every row
  std::vector<std::string> fields;  // export_columns.h; empty: the default
  // Events only: those that occurred in [from_us, until_us); bounds outside
  // the datetimes libcrm stores are no bound.
  int64_t from_us = INT64_MIN;
  int64_t until_us = INT64_MAX;
};

// An export written in full to a new file beside its path, for the caller
// to commit (ReplacingFile::Commit) once the session's scope has ended.
struct ExportedFile {
  std::unique_ptr<ReplacingFile> file;
  int64_t rows = 0;
};

// Writes the rows `request` asks for, read in `session`'s scope (one
// snapshot), customers by id and events by seq, to a new file beside
// `path`. Errors: on a restricted session kDenied (rule "operation")
// unless its profile grants "bulk_export", and what the session reads
// only (export_columns.h; the query service leaves out customers outside
// its scope and events it hides, masks masked values and refuses hidden
// fields, rule "hidden"); a filter's errors as crm_query's; kIo (rule
// "path") when the file cannot be written; kIo (rule "damaged") for stored
// text that is not UTF-8; kCancelled when `report` (may be empty) asks to
// stop. On any error the new file is removed and `path` left as it was.
// Reports progress as rows written and bytes of the file so far (total
// unknown: -1). May run again in the same snapshot (Workspace::Run): each
// run writes a file of its own.
absl::StatusOr<ExportedFile> WriteExport(Session& session,
                                         const ExportRequest& request,
                                         const std::string& path,
                                         const ProgressFn& report);

}  // namespace crm::core

#endif  // CRM_CORE_EXPORT_EXPORTER_H_
