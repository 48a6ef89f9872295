// Checking a workspace (crm.h crm_verify): its layout, the storage's
// integrity, the id counters and that every customer's history replays to
// its stored values, reported as JSON.
#ifndef CRM_CORE_BACKUP_VERIFY_H_
#define CRM_CORE_BACKUP_VERIFY_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "core/workspace.h"

namespace crm::core {

// Problems the report lists at most (the checks count all of them).
inline constexpr int64_t kVerifyListedProblems = 100;

// Runs the four checks in one read scope (one snapshot) and returns crm.h's
// JSON report. A check that finds a problem, or fails on what the workspace
// holds, is reported; the call fails only when the checks cannot run (out
// of memory, busy, a lost connection). Reads only.
absl::StatusOr<std::string> VerifyWorkspace(Workspace& workspace);

}  // namespace crm::core

#endif  // CRM_CORE_BACKUP_VERIFY_H_
