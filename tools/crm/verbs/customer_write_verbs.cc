// create, update, upsert, delete: an operator's fixes of customer records,
// through the _v2 writes (valid time) and crm_customer_delete.
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "crm/crm.h"
#include "duplicate_candidates.h"
#include "failure.h"
#include "output.h"
#include "owned.h"
#include "time_text.h"
#include "verbs/customer_write_values.h"
#include "verbs/erasure_group.h"
#include "workspace.h"

namespace crm::cli {
namespace {

constexpr const char* kValuesHelp =
    "Values: field=value is read as the field's type (integer, decimal\n"
    "12.50, boolean true/false, date YYYY-MM-DD, datetime ISO 8601 UTC,\n"
    "lists a,b,c, text as given); field:=JSON gives a JSON value: null\n"
    "clears the field, [\"a\",\"b\"] a list, \"text\" text. A value the\n"
    "field refuses exits 13 naming the field and the rule, and stores\n"
    "nothing.";

struct WriteArgs {
  int64_t id = 0;
  std::vector<std::string> assignments;
  int64_t expected_version = 0;
  std::string effective_at;
  std::string effective_until;
  bool dry_run = false;
  bool skip_duplicate_check = false;
};

enum class Write { kCreate, kUpdate, kUpsert };

crm_write_options WriteOptions(const WriteArgs& args) {
  crm_write_options options;
  Check(crm_write_options_init(&options, sizeof options),
        "cannot set write options");
  if (!args.effective_at.empty()) {
    options.effective_at = MicrosOption("--effective-at", args.effective_at);
  }
  if (!args.effective_until.empty()) {
    options.effective_until =
        MicrosOption("--effective-until", args.effective_until);
  }
  if (args.skip_duplicate_check) {
    options.duplicate_check = CRM_DUPLICATE_CHECK_SKIP;
  }
  return options;
}

void RunWrite(const Globals& globals, const WriteArgs& args, Write write) {
  if (args.assignments.empty()) {
    UsageError("give at least one field=value or field:=JSON");
  }
  crm_write_options options = WriteOptions(args);
  Workspace workspace(globals, Access::kWrite);
  RecordPtr record = RecordFromAssignments(workspace.db(), args.assignments);
  WriteResultPtr result;
  workspace.WriteTransaction(args.dry_run, [&] {
    crm_write_result* raw = nullptr;
    const char* actor = globals.actor.c_str();
    switch (write) {
      case Write::kCreate:
        Check(crm_customer_create_v2(&raw, workspace.db(), record.get(),
                                     &options, actor),
              "cannot create the customer");
        break;
      case Write::kUpdate:
        Check(crm_customer_update_v2(&raw, workspace.db(), args.id,
                                     args.expected_version, record.get(),
                                     &options, actor),
              "cannot update customer " + std::to_string(args.id));
        break;
      case Write::kUpsert:
        Check(crm_customer_upsert_v2(&raw, workspace.db(), record.get(),
                                     &options, actor),
              "cannot upsert the customer");
        break;
    }
    result.reset(raw);
  });
  const crm_write_result* done = result.get();
  WarnCandidates("customer " + std::to_string(crm_write_result_id(done)),
                 crm_write_result_candidates_json(done));
  nlohmann::ordered_json document;
  document["id"] = crm_write_result_id(done);
  document["version"] = crm_write_result_version(done);
  document["created"] = crm_write_result_created(done) != 0;
  document["effective_at"] = IsoFromMicros(crm_write_result_effective_at(done));
  document["changed_current"] = crm_write_result_changed_current(done) != 0;
  document["dry_run"] = args.dry_run;
  PrintDocument(document, globals.format, std::cout);
}

CLI::App* AddWriteVerb(CLI::App& app, const Globals& globals,
                       const std::string& name, const std::string& description,
                       const std::string& examples, Write write) {
  auto args = std::make_shared<WriteArgs>();
  auto* verb = app.add_subcommand(name, description);
  if (write == Write::kUpdate) {
    verb->add_option("id", args->id, "The customer's id")->required();
  }
  verb->add_option("values", args->assignments,
                   "field=value or field:=JSON, one or more");
  if (write == Write::kUpdate) {
    verb->add_option("--expected-version", args->expected_version,
                     "Update only if the record is still at this version "
                     "(else exit 15)");
  }
  verb->add_option("--effective-at", args->effective_at,
                   write == Write::kCreate
                       ? "When the customer's values hold from, e.g. its real "
                         "start (ISO 8601; default: now)"
                       : "When the values hold from: a time in the past "
                         "corrects history (ISO 8601; default: now)");
  if (write == Write::kUpdate) {
    verb->add_option("--effective-until", args->effective_until,
                     "Until when a correction holds (exclusive; ISO 8601)");
  }
  verb->add_flag("--skip-duplicate-check", args->skip_duplicate_check,
                 "Save anyway: no duplicate rule looks at this write");
  AddDryRunFlag(*verb, args->dry_run);
  verb->footer(examples + "\n" + kValuesHelp);
  verb->callback([&globals, args, write] { RunWrite(globals, *args, write); });
  return verb;
}

void AddDeleteVerb(CLI::App& app, const Globals& globals) {
  auto args = std::make_shared<WriteArgs>();
  auto* verb = app.add_subcommand(
      "delete",
      "Delete a customer: the relationship ends, its history and events stay\n"
      "readable for audit. To forget a person for good use crm erase.");
  verb->add_option("id", args->id, "The customer's id")->required();
  verb->add_option("--expected-version", args->expected_version,
                   "Delete only if the record is still at this version "
                   "(else exit 15)");
  AddDryRunFlag(*verb, args->dry_run);
  verb->footer(
      "Example:\n"
      "  crm delete 17 --expected-version 3\n"
      "Exit 14 when another customer's reference field points at it.");
  verb->callback([&globals, args] {
    Workspace workspace(globals, Access::kWrite);
    workspace.WriteTransaction(args->dry_run, [&] {
      Check(crm_customer_delete(workspace.db(), args->id,
                                args->expected_version, globals.actor.c_str()),
            "cannot delete customer " + std::to_string(args->id));
    });
    PrintDocument(
        {{"id", args->id}, {"deleted", true}, {"dry_run", args->dry_run}},
        globals.format, std::cout);
  });
}

}  // namespace

void AddCustomerWriteVerbs(CLI::App& app, const Globals& globals) {
  AddWriteVerb(app, globals, "create",
               "Create a customer from field values. Prints its id, version\n"
               "and the time its values hold from.",
               "Examples:\n"
               "  crm create name='Ada Lovelace' email=ada@example.com "
               "plan=premium\n"
               "  crm create name=Bob interests:='[\"golf\"]' "
               "--effective-at 2020-01-01 --dry-run",
               Write::kCreate);
  AddWriteVerb(app, globals, "update",
               "Change some fields of a customer (the others keep their\n"
               "values). Prints its new version.",
               "Examples:\n"
               "  crm update 17 plan=basic phone:=null --expected-version 3\n"
               "  crm update 17 plan=basic --effective-at 2024-06-01",
               Write::kUpdate);
  AddWriteVerb(app, globals, "upsert",
               "Create or update the customer whose external_id is given\n"
               "(external_id=... is required).",
               "Example:\n"
               "  crm upsert external_id=ERP-42 name='Ada Lovelace' "
               "plan=premium",
               Write::kUpsert);
  AddDeleteVerb(app, globals);
}

}  // namespace crm::cli
