// crm_import's core (crm.h "Data in and out", crm_import): rows of a CSV or
// JSON Lines file written as customers or events through the customer and
// event services, so that every field rule, valid-time rule and access rule
// holds as for the single-row calls.
#ifndef CRM_CORE_IMPORT_IMPORTER_H_
#define CRM_CORE_IMPORT_IMPORTER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "core/progress.h"
#include "core/workspace.h"

namespace crm::core::import {

enum class ImportTarget { kCustomers, kEvents };
enum class ImportFormat { kAuto, kCsv, kJsonLines };

struct ImportRequest {
  std::string path;
  ImportTarget target = ImportTarget::kCustomers;
  ImportFormat format = ImportFormat::kAuto;
  std::string mapping_json;  // "": the defaults
  std::optional<std::string> reject_path;
  bool dry_run = false;
  int64_t batch_rows = 10000;  // 0: one transaction
  std::string actor;           // "": "import"
  ProgressFn progress;         // may be empty
  // No duplicate rule looks at the rows (CRM_DUPLICATE_CHECK_SKIP).
  bool skip_duplicate_check = false;
};

// Runs the import on `workspace` as `viewer` (null: unrestricted) and
// returns the JSON report crm.h describes. Batches of request.batch_rows
// rows commit one by one (one transaction for batch_rows 0, a dry run, or
// inside the calling thread's host transaction); a rejected row changes
// nothing and is reported. A call that fails as a whole keeps the batches
// committed before it and its error carries the byte offset of the row it
// stopped at (PositionOf()). Not thread-safe per request; the workspace's
// own lock serialises the batches with other calls.
absl::StatusOr<std::string> Import(Workspace& workspace, const Viewer* viewer,
                                   const ImportRequest& request);

}  // namespace crm::core::import

#endif  // CRM_CORE_IMPORT_IMPORTER_H_
