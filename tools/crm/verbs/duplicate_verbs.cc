// crm duplicates (find, check, keys, rules, settings): the workspace's
// duplicate rules and settings, a customer's match keys, the candidates of
// a record before it is written, and the scan for probable duplicates, page
// by page with a cursor (crm.h, "Duplicates"; docs/crm/duplicates.md).
#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "crm/crm.h"
#include "failure.h"
#include "globals.h"
#include "output.h"
#include "owned.h"
#include "progress_bar.h"
#include "verbs/customer_write_values.h"
#include "verbs/definition_json.h"
#include "verbs/verbs.h"
#include "workspace.h"

namespace crm::cli {
namespace {

using Json = nlohmann::ordered_json;

// What the duplicates verbs read from the command line; outlives the parse.
struct DuplicateArgs {
  std::string name;
  std::string json;
  bool dry_run = false;
  std::string rules;
  int64_t page_customers = 0;
  int64_t after_id = 0;
  bool clusters = false;
  int64_t id = 0;
  std::vector<std::string> assignments;
  std::string default_region;
};

// A score as text with two decimals ("0.93"), as the tables show it.
std::string ScoreText(const Json& score) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f",
                score.is_number() ? score.get<double>() : 0.0);
  return text;
}

// Reasons as one cell: "phone 1.00; name 0.86".
std::string ReasonsText(const Json& reasons) {
  std::string text;
  for (const Json& reason : reasons) {
    if (!text.empty()) text += "; ";
    text += reason.value("compare", std::string()) + " " +
            ScoreText(reason.value("score", Json(0)));
  }
  return text;
}

// A score cell: a number in JSON formats, two decimals in table and CSV.
Json ScoreCell(const Globals& globals, const Json& score) {
  if (globals.format == Format::kJson || globals.format == Format::kJsonl) {
    return score;
  }
  return ScoreText(score);
}

// Reasons cell: the array in JSON formats, one line of text otherwise.
Json ReasonsCell(const Globals& globals, const Json& reasons) {
  if (globals.format == Format::kJson || globals.format == Format::kJsonl) {
    return reasons;
  }
  return ReasonsText(reasons);
}

void PrintCandidates(const Globals& globals, const Json& candidates) {
  Table table{{"id", "score", "rule", "reasons"}, {}};
  for (const Json& candidate : candidates) {
    table.rows.push_back(
        {candidate.value("id", Json(0)),
         ScoreCell(globals, candidate.value("score", Json(0))),
         candidate.value("rule", Json("")),
         ReasonsCell(globals, candidate.value("reasons", Json::array()))});
  }
  PrintTable(table, globals.format, std::cout);
}

Json GetRule(crm_db* db, const std::string& name) {
  char* json = nullptr;
  Check(crm_duplicate_rule_get(&json, db, name.c_str()),
        "cannot read duplicate rule '" + name + "'");
  return TakeJson(json);
}

Json GetSettings(crm_db* db) {
  char* json = nullptr;
  Check(crm_duplicate_settings_get(&json, db),
        "cannot read the duplicate settings");
  return TakeJson(json);
}

void AddRulesList(CLI::App& rules, const Globals& globals) {
  auto* list = rules.add_subcommand("list", "List the duplicate rules by name");
  list->footer(ExampleFooter(rules, "  crm -w shop.crm duplicates rules list"));
  list->callback([&globals] {
    Workspace workspace(globals, Access::kRead);
    char* json = nullptr;
    Check(crm_duplicate_rule_list(&json, workspace.db()),
          "cannot list the duplicate rules");
    Table table{{"name", "applies_to", "action", "compare"}, {}};
    for (const Json& rule : TakeJson(json)) {
      table.rows.push_back({rule.value("name", Json("")),
                            rule.value("applies_to", Json("")),
                            rule.value("action", Json("")),
                            rule.value("compare", Json::array()).dump()});
    }
    PrintTable(table, globals.format, std::cout);
  });
}

void AddRulesShow(CLI::App& rules, const Globals& globals,
                  DuplicateArgs& args) {
  auto* show = rules.add_subcommand(
      "show", "Show a rule's stored definition (actions for every operation)");
  show->add_option("name", args.name, "The rule's name")->required();
  show->footer(ExampleFooter(
      rules, "  crm -w shop.crm duplicates rules show same_phone"));
  show->callback([&globals, &args] {
    Workspace workspace(globals, Access::kRead);
    PrintDocument(GetRule(workspace.db(), args.name), globals.format,
                  std::cout);
  });
}

void AddRulesDefine(CLI::App& rules, const Globals& globals,
                    DuplicateArgs& args) {
  auto* define = rules.add_subcommand(
      "define",
      "Define or replace rule NAME from JSON: applies_to (person, company,\n"
      "any), compare (keys email, email_local, phone, name, company; name\n"
      "with min_similarity; fields), action and actions per operation\n"
      "(allow, warn, block; see docs/duplicates.md). At most 20 rules.");
  define->add_option("name", args.name, "The rule's name")->required();
  define->add_option("--json", args.json, "The definition as a JSON object")
      ->required();
  define->add_flag("--dry-run", args.dry_run,
                   "Check and show the rule, but store nothing");
  define->footer(ExampleFooter(
      rules,
      "  crm -w shop.crm duplicates rules define same_phone --json "
      "'{\"compare\": [{\"key\": \"phone\"}, {\"key\": \"name\", "
      "\"min_similarity\": 0.8}], \"action\": \"warn\"}'"));
  define->callback([&globals, &args] {
    Json definition = JsonObjectOption("--json", args.json);
    MergeName(definition, args.name, "duplicate rule");
    Workspace workspace(globals, Access::kWrite);
    Json stored;
    workspace.WriteTransaction(args.dry_run, [&] {
      Check(
          crm_duplicate_rule_define(workspace.db(), definition.dump().c_str()),
          "cannot define duplicate rule '" + args.name + "'");
      stored = GetRule(workspace.db(), args.name);
    });
    PrintDone(globals, "defined", args.dry_run, stored);
  });
}

void AddRulesDrop(CLI::App& rules, const Globals& globals,
                  DuplicateArgs& args) {
  auto* drop = rules.add_subcommand("drop", "Drop a duplicate rule");
  drop->add_option("name", args.name, "The rule's name")->required();
  drop->add_flag("--dry-run", args.dry_run,
                 "Check the drop, but store nothing");
  drop->footer(ExampleFooter(
      rules, "  crm -w shop.crm duplicates rules drop same_phone"));
  drop->callback([&globals, &args] {
    Workspace workspace(globals, Access::kWrite);
    Json before;
    workspace.WriteTransaction(args.dry_run, [&] {
      before = GetRule(workspace.db(), args.name);
      Check(crm_duplicate_rule_drop(workspace.db(), args.name.c_str()),
            "cannot drop duplicate rule '" + args.name + "'");
    });
    PrintDone(globals, "dropped", args.dry_run, before);
  });
}

void AddRules(CLI::App& duplicates, const Globals& globals,
              DuplicateArgs& args) {
  auto* rules = duplicates.add_subcommand(
      "rules", "Duplicate rules: list, show, define, drop");
  rules->require_subcommand(1);
  AddRulesList(*rules, globals);
  AddRulesShow(*rules, globals, args);
  AddRulesDefine(*rules, globals, args);
  AddRulesDrop(*rules, globals, args);
}

void AddSettings(CLI::App& duplicates, const Globals& globals,
                 DuplicateArgs& args) {
  auto* settings = duplicates.add_subcommand(
      "settings",
      "Show the duplicate settings, or set the region (ISO 3166, e.g. NO)\n"
      "a phone number without country code is read in; setting it\n"
      "rebuilds every customer's phone key");
  auto* region = settings->add_option("--default-region", args.default_region,
                                      "The default region (\"\" for none)");
  settings->add_flag("--dry-run", args.dry_run,
                     "Check the change, but store nothing");
  settings->footer(ExampleFooter(
      duplicates, "  crm -w shop.crm duplicates settings --default-region NO"));
  settings->callback([&globals, &args, region] {
    if (region->count() == 0) {
      Workspace workspace(globals, Access::kRead);
      PrintDocument(GetSettings(workspace.db()), globals.format, std::cout);
      return;
    }
    Workspace workspace(globals, Access::kWrite);
    Json stored;
    workspace.WriteTransaction(args.dry_run, [&] {
      Json settings = {{"default_region", args.default_region}};
      Check(crm_duplicate_settings_set(workspace.db(), settings.dump().c_str()),
            "cannot set the duplicate settings");
      stored = GetSettings(workspace.db());
    });
    PrintDone(globals, "set", args.dry_run, stored);
  });
}

void AddKeys(CLI::App& duplicates, const Globals& globals,
             DuplicateArgs& args) {
  auto* keys = duplicates.add_subcommand(
      "keys", "Show a customer's match keys (kind, key)");
  keys->add_option("id", args.id, "The customer's id")->required();
  keys->footer(
      ExampleFooter(duplicates, "  crm -w shop.crm duplicates keys 17"));
  keys->callback([&globals, &args] {
    Workspace workspace(globals, Access::kRead);
    char* json = nullptr;
    Check(crm_customer_match_keys(&json, workspace.db(), args.id),
          "cannot read the match keys of customer " + std::to_string(args.id));
    Table table{{"kind", "key"}, {}};
    for (const Json& key : TakeJson(json)) {
      table.rows.push_back(
          {key.value("kind", Json("")), key.value("key", Json(""))});
    }
    PrintTable(table, globals.format, std::cout);
  });
}

void AddCheck(CLI::App& duplicates, const Globals& globals,
              DuplicateArgs& args) {
  auto* check = duplicates.add_subcommand(
      "check",
      "List the customers every rule finds for a record given as field\n"
      "values (as crm create takes them), whatever the rules' actions:\n"
      "a \"did you mean\" before a create. Writes nothing.");
  check
      ->add_option("values", args.assignments,
                   "field=value or field:=JSON, one or more")
      ->required();
  check->footer(ExampleFooter(
      duplicates,
      "  crm -w shop.crm duplicates check name='Jane Doe' phone='+47 900 00 "
      "000'"));
  check->callback([&globals, &args] {
    Workspace workspace(globals, Access::kRead);
    RecordPtr record = RecordFromAssignments(workspace.db(), args.assignments);
    char* json = nullptr;
    Check(crm_duplicate_candidates(&json, workspace.db(), record.get()),
          "cannot look for duplicate candidates");
    PrintCandidates(globals, TakeJson(json));
  });
}

// The page's summary on stderr: what it covered and how to go on.
void PrintCursor(const Globals& globals, const Json& page) {
  if (globals.quiet) return;
  int64_t next = page.value("next_after_id", int64_t{0});
  std::cerr << "customers " << page.value("customers", int64_t{0})
            << ", skipped keys " << page.value("skipped_keys", int64_t{0})
            << (next == 0 ? ", scan done"
                          : ", next page: --after-id " + std::to_string(next))
            << "\n";
}

void AddFind(CLI::App& duplicates, const Globals& globals,
             DuplicateArgs& args) {
  auto* find = duplicates.add_subcommand(
      "find",
      "Find probable duplicates across the workspace: the pairs a rule\n"
      "matches (a < b, by b then a), or with --clusters the groups they\n"
      "form. With --page-customers one page of that many customers (by id,\n"
      "above --after-id); stderr names the --after-id of the next page.");
  find->add_option("--rules", args.rules,
                   "Comma-separated rule names (default: every rule)");
  find->add_option("--page-customers", args.page_customers,
                   "Customers a page covers (default 0: all of them)")
      ->check(CLI::Range(int64_t{0}, std::numeric_limits<int64_t>::max()));
  find->add_option("--after-id", args.after_id,
                   "The cursor: start above this customer id (default 0)")
      ->check(CLI::Range(int64_t{0}, std::numeric_limits<int64_t>::max()));
  find->add_flag("--clusters", args.clusters,
                 "Print the clusters (ids, score) rather than the pairs");
  find->footer(ExampleFooter(
      duplicates,
      "  crm -w shop.crm duplicates find --rules same_phone --format csv\n"
      "  crm -w shop.crm duplicates find --page-customers 50000 --after-id "
      "50123 --clusters"));
  find->callback([&globals, &args] {
    Workspace workspace(globals, Access::kRead);
    crm_duplicate_find_options options;
    Check(crm_duplicate_find_options_init(&options, sizeof options),
          "cannot set the find options");
    options.rules = args.rules.empty() ? nullptr : args.rules.c_str();
    options.after_id = args.after_id;
    options.page_customers = args.page_customers;
    ProgressBar bar(globals, "duplicates find", "customers");
    options.progress = ProgressBar::function();
    options.progress_context = &bar;
    char* json = nullptr;
    int status = crm_duplicates_find(&json, workspace.db(), &options);
    bar.Finish();
    Check(status, "cannot find duplicates");
    Json page = TakeJson(json);
    if (args.clusters) {
      Table table{{"ids", "score"}, {}};
      for (const Json& cluster : page.value("clusters", Json::array())) {
        Json ids = cluster.value("ids", Json::array());
        Json cell = ids;
        if (globals.format == Format::kTable ||
            globals.format == Format::kCsv) {
          std::string text;
          for (const Json& id : ids) {
            text += (text.empty() ? "" : " ") + id.dump();
          }
          cell = text;
        }
        table.rows.push_back(
            {cell, ScoreCell(globals, cluster.value("score", Json(0)))});
      }
      PrintTable(table, globals.format, std::cout);
    } else {
      Table table{{"a", "b", "score", "rule", "reasons"}, {}};
      for (const Json& pair : page.value("pairs", Json::array())) {
        table.rows.push_back(
            {pair.value("a", Json(0)), pair.value("b", Json(0)),
             ScoreCell(globals, pair.value("score", Json(0))),
             pair.value("rule", Json("")),
             ReasonsCell(globals, pair.value("reasons", Json::array()))});
      }
      PrintTable(table, globals.format, std::cout);
    }
    PrintCursor(globals, page);
  });
}

}  // namespace

void AddDuplicateVerbs(CLI::App& app, const Globals& globals) {
  auto* args = new DuplicateArgs();  // lives as long as the process
  auto* duplicates = app.add_subcommand(
      "duplicates",
      "Duplicates: find, check, keys, rules (list, show, define, drop),\n"
      "settings");
  duplicates->require_subcommand(1);
  AddFind(*duplicates, globals, *args);
  AddCheck(*duplicates, globals, *args);
  AddKeys(*duplicates, globals, *args);
  AddRules(*duplicates, globals, *args);
  AddSettings(*duplicates, globals, *args);
}

}  // namespace crm::cli
