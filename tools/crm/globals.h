// The options every verb shares, filled by CLI11 before a verb's callback
// runs (see app.cc). Read-only for verbs.
#ifndef CRM_TOOLS_CRM_GLOBALS_H_
#define CRM_TOOLS_CRM_GLOBALS_H_

#include <string>

#include "output.h"

namespace crm::cli {

struct Globals {
  // A workspace file's path, or a postgresql:// URL naming a workspace
  // (--workspace / -w, or the CRM_WORKSPACE environment variable).
  std::string workspace;
  // How results are printed (--format): a table for people, or csv, jsonl
  // or json for scripts.
  Format format = Format::kTable;
  // An access profile: the verb runs on a handle restricted to it.
  std::string profile;
  // The actor libcrm records with every change the verb makes ("crm" when
  // not given).
  std::string actor = "crm";
  // No progress bar, even on a terminal.
  bool quiet = false;
};

}  // namespace crm::cli

#endif  // CRM_TOOLS_CRM_GLOBALS_H_
