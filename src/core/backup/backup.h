// Backup and restore of a whole workspace (crm.h crm_backup, crm_restore).
#ifndef CRM_CORE_BACKUP_BACKUP_H_
#define CRM_CORE_BACKUP_BACKUP_H_

#include <string>

#include "absl/status/status.h"
#include "core/progress.h"
#include "core/workspace.h"

namespace crm::core {

// Writes a backup of `workspace` to `path` (replaced once complete; on any
// failure or cancel no file is left beside it and `path` stays as it was),
// of one consistent state while others go on writing. A workspace whose
// storage copies itself to a file (a SQLite file or an in-memory one) is
// copied page by page into a workspace file (Progress counts pages and
// their bytes); one on a server is written as a dump (DumpWorkspace()).
// Holds `workspace`'s lock while the copy runs: other threads' calls on
// the same workspace wait; other handles and processes do not.
absl::Status BackupWorkspace(Workspace& workspace, const std::string& path,
                             Progress& progress);

// Restores the backup at `path` into `to`, which must be empty (kConflict,
// rule "target"): a dump (it starts with "CRMDUMP\n") is loaded
// (LoadWorkspace()); a workspace file (SQLite's header) is opened read-only
// through the checks of any open (kNotWorkspace, rule "schema") and copied
// (CopyWorkspace()). Anything else fails with kNotWorkspace, rule "file";
// a missing file with kNotFound, rule "path". Progress: a dump reports as
// LoadWorkspace() does; a workspace file once, with its size, before the
// copy (kCancelled there leaves `to` empty).
absl::Status RestoreWorkspace(Workspace& to, const std::string& path,
                              Progress& progress);

}  // namespace crm::core

#endif  // CRM_CORE_BACKUP_BACKUP_H_
