// The verbs of the erasure group (docs/crm/erasure-and-writes.md), spread
// over several files and all registered by AddErasureVerbs (verbs.h), and
// what those files share.
#ifndef CRM_TOOLS_CRM_VERBS_ERASURE_GROUP_H_
#define CRM_TOOLS_CRM_VERBS_ERASURE_GROUP_H_

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "crm/crm.h"
#include "globals.h"
#include "owned.h"

namespace crm::cli {

// retention apply, holds (retention_verbs.cc).
void AddRetentionVerbs(CLI::App& app, const Globals& globals);
// suppress add, check, remove, count (suppression_verbs.cc).
void AddSuppressionVerbs(CLI::App& app, const Globals& globals);
// create, update, upsert, delete (customer_write_verbs.cc).
void AddCustomerWriteVerbs(CLI::App& app, const Globals& globals);

// Adds the --dry-run flag every writing verb of the group has.
void AddDryRunFlag(CLI::App& verb, bool& dry_run);

}  // namespace crm::cli

#endif  // CRM_TOOLS_CRM_VERBS_ERASURE_GROUP_H_
