// crm segments (list, save, count, delete): named filters stored in the
// workspace, with their live counts.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "crm/crm.h"
#include "failure.h"
#include "globals.h"
#include "output.h"
#include "rows_table.h"
#include "verbs/definition_json.h"
#include "verbs/verbs.h"
#include "workspace.h"

namespace crm::cli {
namespace {

using Json = nlohmann::ordered_json;

// What the segment verbs read from the command line; outlives the parse.
struct SegmentArgs {
  std::string name;
  std::string filter;
  int target = CRM_QUERY_CUSTOMERS;
  bool dry_run = false;
};

const std::map<std::string, int>& TargetNames() {
  static const auto* names = new std::map<std::string, int>{
      {"customers", CRM_QUERY_CUSTOMERS}, {"events", CRM_QUERY_EVENTS}};
  return *names;
}

// Turns a --target name into its CRM_QUERY_* number, naming the choices
// when the name is neither.
CLI::Validator TargetValidator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        auto found = TargetNames().find(value);
        if (found == TargetNames().end()) {
          return "'" + value + "' is not a target: customers or events";
        }
        value = std::to_string(found->second);
        return "";
      },
      "customers|events");
}

// crm_segment_list's rows, with the target by name ("customers",
// "events").
Table SegmentTable(crm_db* db) {
  crm_rows* rows = nullptr;
  Check(crm_segment_list(&rows, db), "cannot list the segments");
  Table table = TableFromRows(RowsPtr(rows).get(), "");
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (table.columns[c] != "target") continue;
    for (auto& row : table.rows) {
      for (const auto& [name, target] : TargetNames()) {
        if (row[c] == target) row[c] = name;
      }
    }
  }
  return table;
}

// The segment as the list shows it: {name, target, filter, count}, or with
// "error" instead of a count when it cannot run; {"name": name} when the
// list (which leaves out segments the handle's profile may not see) has
// none of that name.
Json FindSegment(crm_db* db, const std::string& name) {
  Table table = SegmentTable(db);
  for (size_t r = 0; r < table.rows.size(); ++r) {
    Json segment = RowObject(table, r);
    if (segment["name"] == name) return segment;
  }
  return Json{{"name", name}};
}

void AddList(CLI::App& segments, const Globals& globals) {
  auto* list = segments.add_subcommand(
      "list",
      "List the segments by name with their live counts (\"error\" says\n"
      "why one cannot run)");
  list->footer(ExampleFooter(segments, "  crm -w shop.crm segments list"));
  list->callback([&globals] {
    Workspace workspace(globals, Access::kRead);
    PrintTable(SegmentTable(workspace.db()), globals.format, std::cout);
  });
}

void AddSave(CLI::App& segments, const Globals& globals, SegmentArgs& args) {
  auto* save = segments.add_subcommand(
      "save",
      "Save (or replace) segment NAME with FILTER, checked as counting it\n"
      "would check it");
  save->add_option("name", args.name, "The segment's name")->required();
  save->add_option("filter", args.filter,
                   "A filter in the filter language, without parameters")
      ->required();
  save->add_option("--target", args.target,
                   "What it selects: customers (default) or events")
      ->transform(TargetValidator())
      ->option_text("customers|events");
  save->add_flag("--dry-run", args.dry_run,
                 "Check and count it, but store nothing");
  save->footer(ExampleFooter(
      segments,
      "  crm -w shop.crm segments save premium \"plan = 'premium'\""));
  save->callback([&globals, &args] {
    Workspace workspace(globals, Access::kWrite);
    Json saved;
    workspace.WriteTransaction(args.dry_run, [&] {
      Check(crm_segment_save(workspace.db(), args.name.c_str(), args.target,
                             args.filter.c_str()),
            "cannot save segment '" + args.name + "'");
      saved = FindSegment(workspace.db(), args.name);
    });
    PrintDone(globals, "saved", args.dry_run, saved);
  });
}

void AddCount(CLI::App& segments, const Globals& globals, SegmentArgs& args) {
  auto* count =
      segments.add_subcommand("count", "Count what segment NAME selects now");
  count->add_option("name", args.name, "The segment's name")->required();
  count->footer(
      ExampleFooter(segments, "  crm -w shop.crm segments count premium"));
  count->callback([&globals, &args] {
    Workspace workspace(globals, Access::kRead);
    int64_t n = 0;
    Check(crm_segment_count(&n, workspace.db(), args.name.c_str()),
          "cannot count segment '" + args.name + "'");
    PrintTable(Table{{"segment", "count"}, {{args.name, n}}}, globals.format,
               std::cout);
  });
}

void AddDelete(CLI::App& segments, const Globals& globals, SegmentArgs& args) {
  auto* remove = segments.add_subcommand("delete", "Delete segment NAME");
  remove->add_option("name", args.name, "The segment's name")->required();
  remove->add_flag("--dry-run", args.dry_run,
                   "Check the delete, but store nothing");
  remove->footer(
      ExampleFooter(segments, "  crm -w shop.crm segments delete premium"));
  remove->callback([&globals, &args] {
    Workspace workspace(globals, Access::kWrite);
    Json before;
    workspace.WriteTransaction(args.dry_run, [&] {
      before = FindSegment(workspace.db(), args.name);
      Check(crm_segment_delete(workspace.db(), args.name.c_str()),
            "cannot delete segment '" + args.name + "'");
    });
    PrintDone(globals, "deleted", args.dry_run, before);
  });
}

}  // namespace

void AddSegmentVerbs(CLI::App& app, const Globals& globals) {
  auto* args = new SegmentArgs();  // lives as long as the process
  auto* segments = app.add_subcommand(
      "segments", "Saved segments: list, save, count, delete");
  segments->require_subcommand(1);
  AddList(*segments, globals);
  AddSave(*segments, globals, *args);
  AddCount(*segments, globals, *args);
  AddDelete(*segments, globals, *args);
}

}  // namespace crm::cli
