// crm profiles (list, show, define, drop): the access profiles stored in
// the workspace. Managing profiles needs an unrestricted handle, so these
// verbs fail with exit 25 (denied) under --profile.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "crm/crm.h"
#include "failure.h"
#include "globals.h"
#include "output.h"
#include "verbs/definition_json.h"
#include "verbs/verbs.h"
#include "workspace.h"

namespace crm::cli {
namespace {

using Json = nlohmann::ordered_json;

// What the profile verbs read from the command line; outlives the parse.
struct ProfileArgs {
  std::string name;
  std::string json;
  bool dry_run = false;
};

Json GetProfile(crm_db* db, const std::string& name) {
  char* json = nullptr;
  Check(crm_profile_get(&json, db, name.c_str()),
        "cannot read profile '" + name + "'");
  return TakeJson(json);
}

void AddList(CLI::App& profiles, const Globals& globals) {
  auto* list = profiles.add_subcommand("list", "List the profiles by name");
  list->footer(ExampleFooter(profiles, "  crm -w shop.crm profiles list"));
  list->callback([&globals] {
    Workspace workspace(globals, Access::kRead);
    char* json = nullptr;
    Check(crm_profile_list(&json, workspace.db()), "cannot list the profiles");
    Table table{{"name"}, {}};
    for (const Json& name : TakeJson(json)) table.rows.push_back({name});
    PrintTable(table, globals.format, std::cout);
  });
}

void AddShow(CLI::App& profiles, const Globals& globals, ProfileArgs& args) {
  auto* show = profiles.add_subcommand(
      "show", "Show a profile's stored definition (every key present)");
  show->add_option("name", args.name, "The profile's name")->required();
  show->footer(
      ExampleFooter(profiles, "  crm -w shop.crm profiles show front_desk"));
  show->callback([&globals, &args] {
    Workspace workspace(globals, Access::kRead);
    PrintDocument(GetProfile(workspace.db(), args.name), globals.format,
                  std::cout);
  });
}

void AddDefine(CLI::App& profiles, const Globals& globals, ProfileArgs& args) {
  auto* define = profiles.add_subcommand(
      "define",
      "Define or replace profile NAME from JSON: fields and groups\n"
      "(read_write, read_only, masked, masked_match, hidden), events,\n"
      "scope (a customer filter; :actor is the handle's actor) and\n"
      "operations (see docs/access-profiles.md)");
  define->add_option("name", args.name, "The profile's name")->required();
  define->add_option("--json", args.json, "The definition as a JSON object")
      ->required();
  define->add_flag("--dry-run", args.dry_run,
                   "Check and show the profile, but store nothing");
  define->footer(ExampleFooter(
      profiles,
      "  crm -w shop.crm profiles define front_desk --json "
      "'{\"fields\": {\"phone\": \"masked\"}, \"groups\": {\"standard\": "
      "\"read_only\"}}'"));
  define->callback([&globals, &args] {
    Json definition = JsonObjectOption("--json", args.json);
    MergeName(definition, args.name, "profile");
    Workspace workspace(globals, Access::kWrite);
    Json stored;
    workspace.WriteTransaction(args.dry_run, [&] {
      Check(crm_profile_define(workspace.db(), definition.dump().c_str()),
            "cannot define profile '" + args.name + "'");
      stored = GetProfile(workspace.db(), args.name);
    });
    PrintDone(globals, "defined", args.dry_run, stored);
  });
}

void AddDrop(CLI::App& profiles, const Globals& globals, ProfileArgs& args) {
  auto* drop = profiles.add_subcommand(
      "drop", "Drop a profile; handles restricted to it are then denied");
  drop->add_option("name", args.name, "The profile's name")->required();
  drop->add_flag("--dry-run", args.dry_run,
                 "Check the drop, but store nothing");
  drop->footer(
      ExampleFooter(profiles, "  crm -w shop.crm profiles drop front_desk"));
  drop->callback([&globals, &args] {
    Workspace workspace(globals, Access::kWrite);
    Json before;
    workspace.WriteTransaction(args.dry_run, [&] {
      before = GetProfile(workspace.db(), args.name);
      Check(crm_profile_drop(workspace.db(), args.name.c_str()),
            "cannot drop profile '" + args.name + "'");
    });
    PrintDone(globals, "dropped", args.dry_run, before);
  });
}

}  // namespace

void AddProfileVerbs(CLI::App& app, const Globals& globals) {
  auto* args = new ProfileArgs();  // lives as long as the process
  auto* profiles = app.add_subcommand(
      "profiles", "Access profiles: list, show, define, drop");
  profiles->require_subcommand(1);
  AddList(*profiles, globals);
  AddShow(*profiles, globals, *args);
  AddDefine(*profiles, globals, *args);
  AddDrop(*profiles, globals, *args);
}

}  // namespace crm::cli
