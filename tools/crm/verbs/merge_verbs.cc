// merge, unmerge, merges: making one customer of duplicates, undoing that,
// and what merges say of an id (crm.h "Merging customers";
// docs/crm/merging.md).
#include <CLI/CLI.hpp>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "crm/crm.h"
#include "failure.h"
#include "globals.h"
#include "output.h"
#include "owned.h"
#include "verbs/definition_json.h"
#include "verbs/erasure_group.h"
#include "verbs/verbs.h"
#include "workspace.h"

namespace crm::cli {
namespace {

using Json = nlohmann::ordered_json;

// What the merge verbs read from the command line; outlives the parse.
struct MergeArgs {
  int64_t survivor_id = 0;
  std::vector<int64_t> merged_ids;
  std::vector<std::string> rules;   // FIELD=RULE
  std::vector<std::string> values;  // FIELD=JSON
  std::string default_rule;
  std::string options_json;  // TEXT or @FILE
  int64_t merge_id = 0;
  int64_t id = 0;
  std::string reason;
  bool dry_run = false;
};

// --options-json's value: the text itself, or with a leading '@' the
// contents of the file it names.
std::string OptionsText(const std::string& value) {
  if (value.empty() || value[0] != '@') return value;
  std::string path = value.substr(1);
  std::ifstream file(path, std::ios::binary);
  if (!file) UsageError("--options-json: cannot read the file '" + path + "'");
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// "FIELD=REST" split at the first '='; a usage Failure naming `option`
// when there is no '=' or no field.
std::pair<std::string, std::string> Assignment(const std::string& option,
                                               const std::string& text) {
  size_t equals = text.find('=');
  if (equals == std::string::npos || equals == 0) {
    UsageError(option + ": '" + text +
               "' is not FIELD=" + (option == "--rule" ? "RULE" : "JSON"));
  }
  return {text.substr(0, equals), text.substr(equals + 1)};
}

// crm_customer_merge's options_json from the command line: --options-json
// first, then --default, then each --rule and --value, which replace what
// --options-json says of the same field. A field given twice by --rule and
// --value is a usage error.
std::string MergeOptionsJson(const MergeArgs& args) {
  Json options = Json::object();
  if (!args.options_json.empty()) {
    options =
        JsonObjectOption("--options-json", OptionsText(args.options_json));
  }
  if (!args.default_rule.empty()) options["default"] = args.default_rule;
  std::set<std::string> named;
  auto set_field = [&](const std::string& option, const std::string& field,
                       Json rule) {
    if (!named.insert(field).second) {
      UsageError(option + ": field '" + field +
                 "' is given a rule twice (--rule, --value)");
    }
    if (!options.contains("fields") || !options["fields"].is_object()) {
      options["fields"] = Json::object();
    }
    options["fields"][field] = std::move(rule);
  };
  for (const std::string& text : args.rules) {
    auto [field, rule] = Assignment("--rule", text);
    set_field("--rule", field, rule);
  }
  for (const std::string& text : args.values) {
    auto [field, json] = Assignment("--value", text);
    Json value = Json::parse(json, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) {
      UsageError("--value " + field + ": '" + json +
                 "' is not JSON (text is quoted: " + field +
                 "='\"text\"'; null empties the field)");
    }
    set_field("--value", field, Json{{"value", std::move(value)}});
  }
  return options.empty() ? "" : options.dump();
}

void AddMergeVerb(CLI::App& app, const Globals& globals, MergeArgs& args) {
  auto* verb = app.add_subcommand(
      "merge",
      "Make one customer of duplicates: SURVIVOR takes the MERGED customers'\n"
      "values by per-field rules (default first_non_empty) and their ids\n"
      "and external ids keep finding it; the merged customers stop being\n"
      "customers, their events stay under their ids and show on the\n"
      "survivor's timeline. At most 10,000 a call. Undo with crm unmerge.\n"
      "Prints the receipt: merge_id (for unmerge), survivor_id,\n"
      "merged_ids, the survivor's version, changed_fields, and how many\n"
      "customers' references moved to the survivor.");
  verb->add_option("survivor", args.survivor_id, "The customer that stays")
      ->required();
  verb->add_option("merged", args.merged_ids,
                   "The customers merged into it, in the order "
                   "first_non_empty reads them")
      ->required();
  verb->add_option("--rule", args.rules,
                   "FIELD=RULE: survivor, first_non_empty, most_recent, "
                   "longest (text), sum (integer, decimal), union (tags, "
                   "multi_choice); repeatable")
      ->allow_extra_args(false);
  verb->add_option("--value", args.values,
                   "FIELD=JSON: the value the survivor keeps, as a JSON Lines "
                   "import reads it (null empties the field); repeatable")
      ->allow_extra_args(false);
  verb->add_option("--default", args.default_rule,
                   "The rule of every field without one (default "
                   "first_non_empty)");
  verb->add_option("--options-json", args.options_json,
                   "libcrm's options as JSON text, or @FILE: {\"default\": "
                   "RULE, \"fields\": {FIELD: RULE or {\"value\": V}}}; "
                   "--default, --rule and --value replace what it says");
  verb->add_option("--reason", args.reason,
                   "Why, kept in the merge's events (a ticket number, never "
                   "personal data; at most 1,000 bytes)");
  AddDryRunFlag(*verb, args.dry_run);
  verb->footer(ExampleFooter(
      app,
      "  crm merge 3 17 40 --reason 'ticket 881'\n"
      "  crm merge 3 17 --rule phone=most_recent --rule tags=union "
      "--value notes='\"checked by phone\"' --format json\n"
      "  crm merge 3 17 --options-json @merge-policy.json --dry-run\n"
      "Exit 11 when an id is no customer, 12 for a bad list of ids, 13 for\n"
      "a bad rule or value, 28 when an id was merged already (stderr names\n"
      "its survivor)."));
  verb->callback([&globals, &args] {
    std::string options = MergeOptionsJson(args);
    Workspace workspace(globals, Access::kWrite);
    char* receipt = nullptr;
    workspace.WriteTransaction(args.dry_run, [&] {
      Check(crm_customer_merge(&receipt, workspace.db(), args.survivor_id,
                               args.merged_ids.data(), args.merged_ids.size(),
                               options.empty() ? nullptr : options.c_str(),
                               globals.actor.c_str(), args.reason.c_str()),
            "cannot merge into customer " + std::to_string(args.survivor_id));
    });
    Json document = TakeJson(receipt);
    document["dry_run"] = args.dry_run;
    PrintDocument(document, globals.format, std::cout);
  });
}

// The objects of `list` as a table of `columns`, a member a column.
Table ListTable(const std::vector<std::string>& columns, const Json& list) {
  Table table{columns, {}};
  for (const Json& object : list) {
    std::vector<Cell> row;
    for (const std::string& column : columns) {
      row.push_back(object.value(column, Json()));
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

// Prints libcrm's `document` as it is, but in a table: there its members
// with the list under `key` as its length, then (when the list is not
// empty) a blank line and the list's objects as a table of `columns`.
void PrintWithList(const Globals& globals, Json document,
                   const std::string& key,
                   const std::vector<std::string>& columns) {
  if (globals.format != Format::kTable) {
    PrintDocument(document, globals.format, std::cout);
    return;
  }
  Json list = document.value(key, Json::array());
  document[key] = list.size();
  PrintDocument(document, globals.format, std::cout);
  if (list.empty()) return;
  std::cout << '\n';
  PrintTable(ListTable(columns, list), globals.format, std::cout);
}

void AddUnmergeVerb(CLI::App& app, const Globals& globals, MergeArgs& args) {
  auto* verb = app.add_subcommand(
      "unmerge",
      "Undo a merge (MERGE_ID from crm merge's receipt or crm merges): each\n"
      "customer it merged is a customer again under its id, with its values\n"
      "as they were; the survivor's fields the merge changed go back where\n"
      "they still hold the merge's value. A field changed since keeps its\n"
      "current value and is listed as a conflict. Table format prints the\n"
      "receipt with how many conflicts, then the conflicts (field, current,\n"
      "merged, before); the other formats print one document.");
  verb->add_option("merge_id", args.merge_id, "The merge's id")->required();
  verb->add_option("--reason", args.reason,
                   "Why, kept in the events of the undo (at most 1,000 "
                   "bytes)");
  AddDryRunFlag(*verb, args.dry_run);
  verb->footer(ExampleFooter(
      app,
      "  crm unmerge 81 --reason 'two people after all'\n"
      "Exit 11 when there is no such merge (or it was undone or erased), 14\n"
      "when a restored customer's unique value is held by another customer\n"
      "now, 15 when the survivor was merged into another customer since\n"
      "(undo that merge first)."));
  verb->callback([&globals, &args] {
    Workspace workspace(globals, Access::kWrite);
    char* receipt = nullptr;
    workspace.WriteTransaction(args.dry_run, [&] {
      Check(crm_customer_unmerge(&receipt, workspace.db(), args.merge_id,
                                 globals.actor.c_str(), args.reason.c_str()),
            "cannot undo merge " + std::to_string(args.merge_id));
    });
    Json document = TakeJson(receipt);
    document["dry_run"] = args.dry_run;
    PrintWithList(globals, std::move(document), "conflicts",
                  {"field", "current", "merged", "before"});
  });
}

void AddMergesVerb(CLI::App& app, const Globals& globals, MergeArgs& args) {
  auto* verb = app.add_subcommand(
      "merges",
      "What merges say of ID: for a merged id, the customer it was merged\n"
      "into, where its chain of merges ends (survivor_id) and the merge;\n"
      "for a customer, the ids whose chains end at it (id, merge_id, into:\n"
      "the customer each went into). Table format prints how many, then\n"
      "those ids; the other formats print one document with \"merged\".");
  verb->add_option("id", args.id, "A customer's id or a merged id")->required();
  verb->footer(ExampleFooter(app,
                             "  crm merges 3\n"
                             "  crm merges 17 --format json\n"
                             "Exit 11 when ID is neither a customer nor "
                             "merged."));
  verb->callback([&globals, &args] {
    Workspace workspace(globals, Access::kRead);
    char* json = nullptr;
    Check(crm_customer_merges(&json, workspace.db(), args.id),
          "cannot read the merges of " + std::to_string(args.id));
    PrintWithList(globals, TakeJson(json), "merged",
                  {"id", "merge_id", "into"});
  });
}

}  // namespace

void AddMergeVerbs(CLI::App& app, const Globals& globals) {
  auto* args = new MergeArgs();  // lives as long as the process
  AddMergeVerb(app, globals, *args);
  AddUnmergeVerb(app, globals, *args);
  AddMergesVerb(app, globals, *args);
}

}  // namespace crm::cli
