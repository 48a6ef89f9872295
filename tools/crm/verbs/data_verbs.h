// What the data verbs (data_verbs.cc, data_transfer_verbs.cc) share.
#ifndef CRM_TOOLS_CRM_VERBS_DATA_VERBS_H_
#define CRM_TOOLS_CRM_VERBS_DATA_VERBS_H_

#include <CLI/CLI.hpp>

#include "globals.h"
#include "workspace.h"

namespace crm::cli {

// dump, load, backup, restore, verify (data_transfer_verbs.cc); added by
// AddDataVerbs.
void AddTransferVerbs(CLI::App& app, const Globals& globals);

// The workspace of a verb that creates it when missing (import, load,
// restore). For a dry run a missing workspace is not created: the verb runs
// on an empty in-memory workspace instead, which is what it would have
// created, so that a dry run stores nothing at all.
Workspace OpenToFill(const Globals& globals, bool dry_run);

}  // namespace crm::cli

#endif  // CRM_TOOLS_CRM_VERBS_DATA_VERBS_H_
