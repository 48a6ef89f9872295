// dump, load, backup, restore and verify: a whole workspace moved, kept and
// checked (crm.h, "Data in and out"; docs/crm/data.md).
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "crm/crm.h"
#include "failure.h"
#include "output.h"
#include "owned.h"
#include "progress_bar.h"
#include "verbs/data_verbs.h"

namespace crm::cli {
namespace {

// crm_dump, crm_backup, crm_load and crm_restore take the same arguments.
using TransferCall = int (*)(crm_db*, const char*, const crm_transfer_options*);

void Transfer(const Globals& globals, Workspace& workspace, TransferCall call,
              const std::string& verb, const std::string& file) {
  ProgressBar bar(globals, verb, "items");
  crm_transfer_options options;
  crm_transfer_options_init(&options, sizeof options);
  options.progress = ProgressBar::function();
  options.progress_context = &bar;
  int status = call(workspace.db(), file.c_str(), &options);
  bar.Finish();
  Check(status, "cannot " + verb + " '" + file + "'");
}

// dump FILE and backup FILE: the workspace to a file. Prints the file.
void AddWriteFile(CLI::App& app, const Globals& globals, const char* name,
                  TransferCall call, const char* description,
                  const char* footer) {
  auto file = std::make_shared<std::string>();
  auto* verb = app.add_subcommand(name, description);
  verb->add_option("file", *file, "The file to write (replaced when complete)")
      ->required();
  verb->footer(footer);
  std::string verb_name = name;
  verb->callback([&globals, file, call, verb_name] {
    Workspace workspace(globals, Access::kRead);
    Transfer(globals, workspace, call, verb_name, *file);
    PrintDocument({{"file", *file}}, globals.format, std::cout);
  });
}

struct FillArgs {
  std::string file;
  bool dry_run = false;
};

// load FILE and restore FILE: a file into an empty or new workspace, in one
// transaction. Prints the workspace's content checksum after it.
void AddReadFile(CLI::App& app, const Globals& globals, const char* name,
                 TransferCall call, const char* description,
                 const char* footer) {
  auto args = std::make_shared<FillArgs>();
  auto* verb = app.add_subcommand(name, description);
  verb->add_option("file", args->file, "The file to read")->required();
  verb->add_flag("--dry-run", args->dry_run,
                 "Read and check the whole file into the workspace, then "
                 "roll back");
  verb->footer(footer);
  std::string verb_name = name;
  verb->callback([&globals, args, call, verb_name] {
    Workspace workspace = OpenToFill(globals, args->dry_run);
    std::string checksum;
    workspace.WriteTransaction(args->dry_run, [&] {
      Transfer(globals, workspace, call, verb_name, args->file);
      char* text = nullptr;
      Check(crm_workspace_checksum(&text, workspace.db()),
            "cannot compute the checksum");
      checksum = StringPtr(text).get();
    });
    PrintDocument({{"file", args->file},
                   {"checksum", checksum},
                   {"dry_run", args->dry_run}},
                  globals.format, std::cout);
  });
}

void AddVerify(CLI::App& app, const Globals& globals) {
  auto* verb = app.add_subcommand(
      "verify",
      "Check the workspace (schema, storage integrity, id counters, that "
      "every customer's history replays to its values) and print the "
      "report; the first 100 problems are listed.");
  verb->footer(
      "Exit 1 when it found problems (\"ok\": false).\n"
      "Example:\n"
      "  crm -w shop.crm verify --format json");
  verb->callback([&globals] {
    Workspace workspace(globals, Access::kRead);
    char* json = nullptr;
    Check(crm_verify(&json, workspace.db()), "cannot verify");
    auto report = TakeJson(json);
    PrintDocument(report, globals.format, std::cout);
    if (!report.value("ok", false)) {
      const auto& problems = report["problems"];
      throw Failure(kExitProblems, "verify found problems (" +
                                       std::to_string(problems.size()) +
                                       " listed)");
    }
  });
}

}  // namespace

void AddTransferVerbs(CLI::App& app, const Globals& globals) {
  AddWriteFile(
      app, globals, "dump", &crm_dump,
      "Write the whole workspace to a dump file (every id, version and "
      "time, the whole event log), read in one snapshot. Load it into an "
      "empty workspace of either backend with crm load. A dump holds the "
      "suppression key: keep it as you keep the workspace.",
      "Example:\n  crm -w shop.crm dump shop.crmdump");
  AddReadFile(app, globals, "load", &crm_load,
              "Load a dump into an empty or new workspace, in one "
              "transaction; prints the content checksum, which equals the "
              "dumped workspace's.",
              "A workspace that is not empty: exit 15 (rule target); a file "
              "that is not a dump: exit 20;\na damaged one: exit 17. The "
              "workspace then stays empty.\n"
              "Example:\n"
              "  crm -w 'postgresql://db/crm?workspace=shop' load "
              "shop.crmdump");
  AddWriteFile(
      app, globals, "backup", &crm_backup,
      "Back the workspace up to a file, one consistent state taken while "
      "others use it: a workspace file for a file workspace, a dump for "
      "one on PostgreSQL. Put it back with crm restore.",
      "Example:\n  crm -w shop.crm backup shop-2026-03-01.crm");
  AddReadFile(app, globals, "restore", &crm_restore,
              "Restore a backup (a workspace file or a dump) into an empty "
              "or new workspace; prints the content checksum, which equals "
              "the backed-up workspace's.",
              "A workspace that is not empty: exit 15 (rule target).\n"
              "Example:\n"
              "  crm -w restored.crm restore shop-2026-03-01.crm && crm -w "
              "restored.crm verify");
  AddVerify(app, globals);
}

}  // namespace crm::cli
