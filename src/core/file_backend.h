// Workspace files: the one place the core names a storage backend. A file
// is a SQLite workspace (store/sqlite); everything else in the core sees
// only store::Backend.
#ifndef CRM_CORE_FILE_BACKEND_H_
#define CRM_CORE_FILE_BACKEND_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "store/backend.h"
#include "store/rows.h"

namespace crm::core {

// Opens (with options.create, creates) the workspace file at `path`, or a
// private in-memory workspace for ":memory:", verified against the core's
// reading of its field definitions and migrated to the latest layout.
absl::StatusOr<std::unique_ptr<store::Backend>> OpenFileBackend(
    const std::string& path, const store::ConnectionOptions& options);

// The layout version this build writes to workspace files.
int LatestFileSchemaVersion();

}  // namespace crm::core

#endif  // CRM_CORE_FILE_BACKEND_H_
