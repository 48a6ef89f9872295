// import and export: customers or events from and to CSV or JSON Lines
// files (crm.h, "Data in and out"; docs/crm/data.md).
#include "verbs/data_verbs.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "crm/crm.h"
#include "duplicate_candidates.h"
#include "failure.h"
#include "output.h"
#include "owned.h"
#include "progress_bar.h"
#include "time_text.h"
#include "verbs/verbs.h"

namespace crm::cli {
namespace {

const std::map<std::string, int>& Targets() {
  static const auto* targets = new std::map<std::string, int>{
      {"customers", CRM_DATA_CUSTOMERS}, {"events", CRM_DATA_EVENTS}};
  return *targets;
}

const std::map<std::string, int>& FileFormats() {
  static const auto* formats =
      new std::map<std::string, int>{{"auto", CRM_FORMAT_AUTO},
                                     {"csv", CRM_FORMAT_CSV},
                                     {"jsonl", CRM_FORMAT_JSONL}};
  return *formats;
}

// --mapping's value: JSON text when it starts with '{', else the path of a
// file holding it.
std::string MappingJson(const std::string& value) {
  size_t first = value.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && value[first] == '{') return value;
  std::ifstream file(value, std::ios::binary);
  if (!file) {
    UsageError("--mapping: cannot read the file '" + value +
               "' (give a file or JSON text starting with '{')");
  }
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

struct ImportArgs {
  std::string file;
  std::string into = "customers";
  std::string as = "auto";
  std::string mapping;
  std::string reject;
  int64_t batch_rows = 10000;
  bool dry_run = false;
  bool skip_duplicate_check = false;
};

void RunImport(const Globals& globals, const ImportArgs& args) {
  std::string mapping = args.mapping.empty() ? "" : MappingJson(args.mapping);
  Workspace workspace = OpenToFill(globals, args.dry_run);
  ProgressBar bar(globals, "import", "rows");
  crm_import_options options;
  crm_import_options_init(&options, sizeof options);
  options.target = Targets().at(args.into);
  options.format = FileFormats().at(args.as);
  options.mapping_json = mapping.empty() ? nullptr : mapping.c_str();
  options.reject_path = args.reject.empty() ? nullptr : args.reject.c_str();
  options.dry_run = args.dry_run ? 1 : 0;
  options.batch_rows = args.batch_rows;
  if (args.skip_duplicate_check) {
    options.duplicate_check = CRM_DUPLICATE_CHECK_SKIP;
  }
  options.actor = globals.actor.c_str();
  options.progress = ProgressBar::function();
  options.progress_context = &bar;
  char* json = nullptr;
  int status = crm_import(&json, workspace.db(), args.file.c_str(), &options);
  bar.Finish();
  Check(status, "cannot import '" + args.file + "'");
  auto report = TakeJson(json);
  PrintDocument(report, globals.format, std::cout);
  // Rows written although a "warn" rule flagged them: one line each, as
  // `crm create` says it (the report lists the first 100).
  for (const auto& warning :
       report.value("warnings", nlohmann::json::array())) {
    WarnCandidates(
        "row " + warning.value("row", nlohmann::json()).dump(),
        warning.value("candidates", nlohmann::json()).dump().c_str());
  }
  int64_t rejected = report.value("rejected", int64_t{0});
  if (rejected > 0) {
    std::string message = std::to_string(rejected) +
                          (rejected == 1 ? " row " : " rows ") +
                          (args.dry_run ? "would be rejected" : "rejected");
    message += args.reject.empty()
                   ? " (the report lists the first 100; --reject FILE "
                     "lists them all)"
                   : ", listed in " + args.reject;
    throw Failure(kExitProblems, message);
  }
}

void AddImport(CLI::App& app, const Globals& globals) {
  auto args = std::make_shared<ImportArgs>();
  auto* verb = app.add_subcommand(
      "import",
      "Import customers or events from a CSV or JSON Lines file, each row "
      "checked as a single write would be; prints the import's report. "
      "Creates the workspace when missing.");
  verb->add_option("file", args->file, "The CSV or JSON Lines file")
      ->required();
  verb->add_option("--into", args->into,
                   "What the rows are: customers (default) or events")
      ->check(CLI::IsMember({"customers", "events"}));
  verb->add_option("--as", args->as,
                   "File format: auto (default: .jsonl/.ndjson are JSON "
                   "Lines, anything else CSV), csv or jsonl")
      ->check(CLI::IsMember({"auto", "csv", "jsonl"}));
  verb->add_option("--mapping", args->mapping,
                   "How columns become fields: a JSON file, or the JSON text "
                   "itself (see docs/crm/data.md)");
  verb->add_option("--reject", args->reject,
                   "Write every rejected row to this CSV file (row, line, "
                   "column, field, rule, message)");
  verb->add_option("--batch-rows", args->batch_rows,
                   "Rows per transaction, 1 to 1000000; 0: the whole file "
                   "in one (default 10000)")
      ->check(CLI::Range(int64_t{0}, int64_t{1000000}));
  verb->add_flag("--dry-run", args->dry_run,
                 "Check and write every row, then roll back: the report says "
                 "what the import would do");
  verb->add_flag("--skip-duplicate-check", args->skip_duplicate_check,
                 "No duplicate rule looks at the rows (customers)");
  verb->footer(
      "Exit 1 when rows were rejected (the other rows are imported).\n"
      "An import stopped half-way (Ctrl-C: exit 26) keeps its committed\n"
      "batches; run the same import again to complete it.\n"
      "Examples:\n"
      "  crm -w shop.crm import kunder.csv --mapping kunder.json "
      "--reject rejects.csv\n"
      "  crm -w shop.crm import calls.jsonl --into events --mapping "
      "'{\"type\": \"call\"}'");
  verb->callback([&globals, args] { RunImport(globals, *args); });
}

struct ExportArgs {
  std::string target;
  std::string output;
  std::string as = "auto";
  std::string filter;
  std::string fields;
  std::string since;
  std::string until;
};

// A file for an export to stdout, removed when the object goes. Its name
// ends as the format's so that libcrm picks the format by it.
class TempFile {
 public:
  explicit TempFile(const std::string& suffix) {
    const char* dir = std::getenv("TMPDIR");
    std::string pattern =
        std::string(dir != nullptr && dir[0] != '\0' ? dir : "/tmp") +
        "/crm-export-XXXXXX" + suffix;
    int fd = mkstemps(pattern.data(), static_cast<int>(suffix.size()));
    if (fd < 0) {
      throw Failure(static_cast<int>(kExitStatusBase) + CRM_E_IO,
                    "cannot make a temporary file in " + pattern);
    }
    close(fd);
    path_ = pattern;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void RunExport(const Globals& globals, const ExportArgs& args) {
  bool events = args.target == "events";
  if (!events && (!args.since.empty() || !args.until.empty())) {
    UsageError(
        "--since and --until select events by when they occurred; "
        "customers have no such time (use --filter)");
  }
  crm_export_options options;
  crm_export_options_init(&options, sizeof options);
  options.target = Targets().at(args.target);
  options.format = FileFormats().at(args.as);
  options.filter = args.filter.c_str();
  options.fields = args.fields.c_str();
  if (!args.since.empty())
    options.from_us = MicrosOption("--since", args.since);
  if (!args.until.empty())
    options.until_us = MicrosOption("--until", args.until);
  bool to_stdout = args.output == "-";
  std::unique_ptr<TempFile> temp;
  if (to_stdout) {
    if (options.format == CRM_FORMAT_AUTO) options.format = CRM_FORMAT_CSV;
    temp = std::make_unique<TempFile>(
        options.format == CRM_FORMAT_JSONL ? ".jsonl" : ".csv");
  }
  const std::string& path = to_stdout ? temp->path() : args.output;
  Workspace workspace(globals, Access::kRead);
  ProgressBar bar(globals, "export", "rows");
  options.progress = ProgressBar::function();
  options.progress_context = &bar;
  int64_t rows = 0;
  int status = crm_export(&rows, workspace.db(), path.c_str(), &options);
  bar.Finish();
  Check(status, "cannot export " + args.target);
  if (to_stdout) {
    std::ifstream file(path, std::ios::binary);
    std::cout << file.rdbuf();
    return;
  }
  nlohmann::ordered_json report = {{"rows", rows}, {"file", args.output}};
  PrintDocument(report, globals.format, std::cout);
}

void AddExport(CLI::App& app, const Globals& globals) {
  auto args = std::make_shared<ExportArgs>();
  auto* verb = app.add_subcommand(
      "export",
      "Export customers or events to a CSV or JSON Lines file, read in one "
      "snapshot; prints how many rows it wrote. The file is replaced only "
      "when complete.");
  verb->add_option("what", args->target, "customers or events")
      ->required()
      ->check(CLI::IsMember({"customers", "events"}));
  verb->add_option("-o,--output", args->output,
                   "The file to write, or - for stdout (then CSV unless "
                   "--as jsonl, and nothing else is printed)")
      ->required();
  verb->add_option("--as", args->as,
                   "File format: auto (default: .jsonl/.ndjson are JSON "
                   "Lines, anything else CSV), csv or jsonl")
      ->check(CLI::IsMember({"auto", "csv", "jsonl"}));
  verb->add_option("--filter", args->filter,
                   "Only the rows matching this filter, e.g. \"plan = "
                   "'premium'\" or \"type = 'call'\"");
  verb->add_option("--fields", args->fields,
                   "The columns, comma-separated (default: customers id and "
                   "every field; events every member)");
  verb->add_option("--since", args->since,
                   "Events: only those that occurred at or after this time "
                   "(ISO 8601, UTC)");
  verb->add_option("--until", args->until,
                   "Events: only those that occurred before this time (ISO "
                   "8601, UTC)");
  verb->footer(
      "Examples:\n"
      "  crm -w shop.crm export customers -o premium.csv --filter "
      "\"plan = 'premium'\" --fields external_id,name,email\n"
      "  crm -w shop.crm export events -o - --as jsonl --since 2025-03-01 "
      "--until 2025-04-01");
  verb->callback([&globals, args] { RunExport(globals, *args); });
}

}  // namespace

Workspace OpenToFill(const Globals& globals, bool dry_run) {
  if (!dry_run) return Workspace(globals, Access::kCreate);
  bool missing_file = !IsWorkspaceUrl(globals.workspace) &&
                      !globals.workspace.empty() &&
                      globals.workspace != ":memory:" &&
                      !std::filesystem::exists(globals.workspace);
  if (!missing_file) {
    // A missing workspace on a server is found by trying it.
    try {
      return Workspace(globals, Access::kWrite);
    } catch (const Failure& failure) {
      if (failure.exit_code() !=
          static_cast<int>(kExitStatusBase) + CRM_E_NOT_FOUND) {
        throw;
      }
    }
  }
  Globals in_memory = globals;
  in_memory.workspace = ":memory:";
  return Workspace(in_memory, Access::kCreate);
}

void AddDataVerbs(CLI::App& app, const Globals& globals) {
  AddImport(app, globals);
  AddExport(app, globals);
  AddTransferVerbs(app, globals);
}

}  // namespace crm::cli
