// The whole workspace as a stream of crm.proto messages (crm.h crm_dump,
// crm_load; the format is described in crm.proto, "Dumps").
#ifndef CRM_CORE_DUMP_DUMP_H_
#define CRM_CORE_DUMP_DUMP_H_

#include <string>

#include "absl/status/status.h"
#include "core/access.h"
#include "core/progress.h"
#include "core/workspace.h"

namespace crm::core {

// OK on an unrestricted handle (`viewer` NULL). On a restricted one: OK
// when its profile grants `operation` and hides, masks and scopes nothing
// (a dump or backup holds everything); else kDenied, rule kOperation,
// saying what the profile withholds.
absl::Status RequireWholeWorkspace(Workspace& workspace, const Viewer* viewer,
                                   Operation operation);

// Writes everything `workspace` holds to `path` (replaced once complete),
// read in one snapshot. Progress counts customers and events written.
absl::Status DumpWorkspace(Workspace& workspace, const std::string& path,
                           Progress& progress);

// Loads the dump at `path` into `workspace`, which must be empty (kConflict,
// rule "target"), in one write scope: on any failure it stays empty. The
// dump is untrusted input (crm.h crm_load lists the errors). Progress
// counts customers and events loaded, and bytes read of the file's size.
absl::Status LoadWorkspace(Workspace& workspace, const std::string& path,
                           Progress& progress);

}  // namespace crm::core

#endif  // CRM_CORE_DUMP_DUMP_H_
