#include "app.h"

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "crm/crm.h"
#include "failure.h"
#include "globals.h"
#include "verbs/verbs.h"
#include "workspace.h"

namespace crm::cli {
namespace {

constexpr const char* kExitCodes =
    "Exit codes: 0 done; 1 done, with problems reported (rows an import\n"
    "rejected, what crm verify found); 2 a wrong command line; 10 + S when\n"
    "libcrm failed with status S (11 not found, 12 invalid argument, 13\n"
    "validation, 14 constraint, 15 conflict, 16 busy, 17 I/O, 18 out of\n"
    "memory, 19 misuse, 20 not a workspace, 21 newer version, 22 read-only,\n"
    "23 internal, 24 unsupported, 25 denied, 26 cancelled, 27 a duplicate\n"
    "rule blocks the write, 28 the id was merged into another customer).\n"
    "Errors go to stderr as one line, naming the field, rule and row where\n"
    "libcrm does, and the survivor of a merged id.\n"
    "More: docs/crm-tool.md.";

// Turns a --format name into the number of its Format, naming the choices
// when the name is none of them.
CLI::Validator FormatValidator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        auto found = FormatNames().find(value);
        if (found == FormatNames().end()) {
          return "'" + value + "' is not a format: table, csv, jsonl or json";
        }
        value = std::to_string(static_cast<int>(found->second));
        return "";
      },
      "table|csv|jsonl|json");
}

void AddGlobalOptions(CLI::App& app, Globals& globals) {
  app.add_option("-w,--workspace", globals.workspace,
                 "Workspace file, or postgresql://...?workspace=NAME")
      ->envname("CRM_WORKSPACE");
  app.add_option("-f,--format", globals.format,
                 "Output: table (default), csv, jsonl or json")
      ->transform(FormatValidator());
  app.add_option("--profile", globals.profile,
                 "Work through a handle restricted to this access profile");
  app.add_option("--actor", globals.actor,
                 "Who the changes are recorded as made by (default: crm)");
  app.add_flag("-q,--quiet", globals.quiet, "No progress bar");
}

// crm help [VERB [SUBVERB]]: the same text as --help. `path` outlives
// `app`'s parse.
void AddHelpVerb(CLI::App& app, std::vector<std::string>& path) {
  auto* help =
      app.add_subcommand("help", "Show the help of the tool or of a verb");
  help->add_option("verb", path, "A verb, e.g. import or fields define");
  help->callback([&app, &path] {
    CLI::App* target = &app;
    for (const std::string& name : path) {
      try {
        target = target->get_subcommand(name);
      } catch (const CLI::OptionNotFound&) {
        UsageError("help: no verb '" + name + "'");
      }
    }
    std::string usage_name;  // "crm fields define"
    for (CLI::App* a = target; a != nullptr; a = a->get_parent()) {
      usage_name = a->get_name() + (usage_name.empty() ? "" : " ") + usage_name;
    }
    std::cout << target->get_formatter()->make_help(target, usage_name,
                                                    CLI::AppFormatMode::Normal);
  });
}

// crm init: creates an empty workspace (a file, or a workspace on a
// PostgreSQL server); other verbs but import, load and restore never create
// one, so a mistyped path fails instead of making a stray file.
void AddInitVerb(CLI::App& app, const Globals& globals) {
  auto* init = app.add_subcommand(
      "init", "Create an empty workspace, or check that one opens");
  init->footer(
      "Example:\n"
      "  crm -w shop.crm init\n"
      "  crm -w 'postgresql:///crm?host=/run/postgresql&workspace=shop' init");
  init->callback([&globals] {
    Workspace workspace(globals, Access::kCreate);
    int version = 0;
    Check(crm_db_schema_version(&version, workspace.db()),
          "cannot read the schema version");
    PrintDocument({{"workspace", globals.workspace},
                   {"backend", workspace.on_server() ? "postgresql" : "file"},
                   {"schema_version", version}},
                  globals.format, std::cout);
  });
}

}  // namespace

int Run(int argc, char** argv) {
  Globals globals;
  CLI::App app{
      "crm: look into a libcrm workspace and move data in and out of it.\n"
      "Workspaces by path or postgresql:// URL (--workspace or "
      "CRM_WORKSPACE).",
      "crm"};
  app.set_version_flag("--version", std::string("crm ") + crm_version());
  app.footer(kExitCodes);
  app.require_subcommand(1);
  app.fallthrough();  // global options also after the verb
  AddGlobalOptions(app, globals);
  std::vector<std::string> help_path;
  AddHelpVerb(app, help_path);
  AddInitVerb(app, globals);
  AddDataVerbs(app, globals);
  AddFieldVerbs(app, globals);
  AddStatsVerb(app, globals);
  AddProfileVerbs(app, globals);
  AddSegmentVerbs(app, globals);
  AddQueryVerbs(app, globals);
  AddCustomerVerbs(app, globals);
  AddTimelineVerbs(app, globals);
  AddErasureVerbs(app, globals);
  AddDuplicateVerbs(app, globals);
  AddMergeVerbs(app, globals);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);  // --help
    std::cerr << "crm: " << error.what()
              << "\nRun 'crm help' or 'crm VERB --help' for usage.\n";
    return kExitUsage;
  } catch (const Failure& failure) {
    std::cout.flush();
    std::cerr << "crm: " << failure.what() << '\n';
    return failure.exit_code();
  }
  std::cout.flush();
  return std::cout.good() ? kExitOk
                          : static_cast<int>(kExitStatusBase) + CRM_E_IO;
}

}  // namespace crm::cli
