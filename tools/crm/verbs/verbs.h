// The crm tool's verbs, one group per file in this folder. Each Add*
// function adds its subcommands to `app`; their callbacks run after CLI11
// has parsed the command line, read `globals` then, and report failure by
// throwing Failure (failure.h). `globals` outlives `app`.
#ifndef CRM_TOOLS_CRM_VERBS_VERBS_H_
#define CRM_TOOLS_CRM_VERBS_VERBS_H_

#include <CLI/CLI.hpp>

#include "globals.h"

namespace crm::cli {

// import, export, dump, load, backup, restore, verify (data_verbs.cc).
void AddDataVerbs(CLI::App& app, const Globals& globals);
// fields (list, describe, define, update, archive, restore, delete)
// (field_verbs.cc).
void AddFieldVerbs(CLI::App& app, const Globals& globals);
// stats: counts, file size, fill rates (stats_verb.cc).
void AddStatsVerb(CLI::App& app, const Globals& globals);
// profiles (list, show, define, drop) and segments (list, save, count,
// delete) (profile_verbs.cc, segment_verbs.cc).
void AddProfileVerbs(CLI::App& app, const Globals& globals);
void AddSegmentVerbs(CLI::App& app, const Globals& globals);
// query, count, explain, search (query_verbs.cc).
void AddQueryVerbs(CLI::App& app, const Globals& globals);
// get: one customer, now or at a valid / known time (customer_verbs.cc).
void AddCustomerVerbs(CLI::App& app, const Globals& globals);
// timeline, history (timeline_verbs.cc).
void AddTimelineVerbs(CLI::App& app, const Globals& globals);
// erase, export-person, retention, suppress / holds, checkpoint
// (erasure_verbs.cc).
void AddErasureVerbs(CLI::App& app, const Globals& globals);
// duplicates (find, check, keys, rules, settings) (duplicate_verbs.cc).
void AddDuplicateVerbs(CLI::App& app, const Globals& globals);
// merge, unmerge, merges (merge_verbs.cc).
void AddMergeVerbs(CLI::App& app, const Globals& globals);

}  // namespace crm::cli

#endif  // CRM_TOOLS_CRM_VERBS_VERBS_H_
