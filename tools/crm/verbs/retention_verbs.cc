// retention apply, and holds: when a stub's legal hold ends, and the legal
// holds of fields (crm.h, "Retention and legal hold").
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>

#include "crm/crm.h"
#include "failure.h"
#include "output.h"
#include "time_text.h"
#include "verbs/erasure_group.h"
#include "workspace.h"

namespace crm::cli {
namespace {

void AddRetentionApply(CLI::App& retention, const Globals& globals) {
  struct Args {
    std::string now = "now";
    bool dry_run = false;
  };
  auto args = std::make_shared<Args>();
  auto* apply = retention.add_subcommand(
      "apply",
      "Apply every retention and hold period: remove events of types with\n"
      "retention_days whose period ended, stubs' events whose hold ended,\n"
      "and stubs whose hold ended (each leaves a tombstone). History is never\n"
      "removed. Idempotent; schedule it, e.g. daily. Prints what went, by\n"
      "type.");
  apply->add_option("--now", args->now,
                    "The clock to apply the periods at (ISO 8601 UTC; "
                    "default: now)");
  AddDryRunFlag(*apply, args->dry_run);
  apply->footer(
      "Examples:\n"
      "  crm retention apply --dry-run\n"
      "  crm retention apply --now 2026-01-01");
  apply->callback([&globals, args] {
    int64_t now_us = MicrosOption("--now", args->now);
    Workspace workspace(globals, Access::kWrite);
    char* report = nullptr;
    workspace.WriteTransaction(args->dry_run, [&] {
      Check(crm_retention_apply(&report, workspace.db(), now_us),
            "cannot apply retention");
    });
    nlohmann::ordered_json document;
    document["now"] = IsoFromMicros(now_us);
    nlohmann::ordered_json removed = TakeJson(report);
    for (const auto& [key, value] : removed.items()) {
      document[key] = value;
    }
    document["dry_run"] = args->dry_run;
    PrintDocument(document, globals.format, std::cout);
  });
}

// The fields with a legal hold (hold_days > 0), archived ones too.
Table HeldFields(crm_db* db) {
  char* json = nullptr;
  Check(crm_field_list(&json, db, CRM_LIST_INCLUDE_ARCHIVED),
        "cannot list fields");
  Table table{{"field", "hold_days", "status"}, {}};
  for (const auto& field : TakeJson(json)) {
    int64_t days =
        field.value("hold_days", nlohmann::ordered_json(0)).get<int64_t>();
    if (days > 0) {
      table.rows.push_back(
          {field["name"], days, field.value("status", Cell())});
    }
  }
  return table;
}

// holds place / holds lift: sets a field's hold_days (0 lifts the hold).
void SetFieldHold(const Globals& globals, const std::string& field,
                  int64_t days, bool dry_run) {
  Workspace workspace(globals, Access::kWrite);
  nlohmann::ordered_json patch{{"hold_days", days}};
  workspace.WriteTransaction(dry_run, [&] {
    Check(crm_field_update(workspace.db(), field.c_str(), patch.dump().c_str()),
          "cannot set the legal hold of field '" + field + "'");
  });
  PrintDocument({{"field", field}, {"hold_days", days}, {"dry_run", dry_run}},
                globals.format, std::cout);
}

void AddHolds(CLI::App& app, const Globals& globals) {
  struct Args {
    int64_t id = 0;
    std::string field;
    int64_t days = 0;
    bool dry_run = false;
  };
  auto args = std::make_shared<Args>();
  auto* holds = app.add_subcommand(
      "holds",
      "Legal holds. 'crm holds ID' tells whether customer ID is a stub (the\n"
      "held data of an erased customer) and when its hold ends; 'list',\n"
      "'place' and 'lift' show and set the fields whose values an erase\n"
      "keeps (with erase --keep-held) for a number of days.");
  auto* id = holds->add_option("id", args->id, "A customer's id");
  holds->footer(
      "Examples:\n"
      "  crm holds 90\n"
      "  crm holds place tax_id --days 3650\n"
      "  crm holds lift tax_id\n"
      "Holds on event types are part of their definition (hold_days,\n"
      "held_properties in crm_event_type_define).");
  holds->callback([&globals, args, holds, id] {
    if (!holds->get_subcommands().empty()) return;
    if (id->count() == 0) {
      UsageError("holds: give a customer ID, or list, place or lift");
    }
    Workspace workspace(globals, Access::kRead);
    int64_t until = 0;
    Check(crm_customer_held_until(&until, workspace.db(), args->id),
          "cannot read the hold of customer " + std::to_string(args->id));
    PrintDocument({{"id", args->id},
                   {"stub", until != 0},
                   {"held_until",
                    until != 0 ? Cell(IsoFromMicros(until)) : Cell(nullptr)}},
                  globals.format, std::cout);
  });

  auto* list = holds->add_subcommand(
      "list", "The fields with a legal hold and its length in days");
  list->footer("Example:\n  crm holds list");
  list->callback([&globals] {
    Workspace workspace(globals, Access::kRead);
    PrintTable(HeldFields(workspace.db()), globals.format, std::cout);
  });

  auto* place = holds->add_subcommand(
      "place",
      "Place a legal hold on a field: an erased customer's value of it is\n"
      "kept in a stub for DAYS days from the erasure (erase --keep-held).");
  place->add_option("field", args->field, "The field's name")->required();
  place->add_option("--days", args->days, "How long, 1 to 36500")->required();
  AddDryRunFlag(*place, args->dry_run);
  place->footer("Example:\n  crm holds place tax_id --days 3650");
  place->callback([&globals, args] {
    if (args->days <= 0) UsageError("--days: give 1 to 36500 (lift ends one)");
    SetFieldHold(globals, args->field, args->days, args->dry_run);
  });

  auto* lift = holds->add_subcommand(
      "lift",
      "Lift the legal hold of a field for later erasures (stubs made\n"
      "before keep theirs until it ends).");
  lift->add_option("field", args->field, "The field's name")->required();
  AddDryRunFlag(*lift, args->dry_run);
  lift->footer("Example:\n  crm holds lift tax_id");
  lift->callback([&globals, args] {
    SetFieldHold(globals, args->field, 0, args->dry_run);
  });
}

}  // namespace

void AddRetentionVerbs(CLI::App& app, const Globals& globals) {
  auto* retention = app.add_subcommand(
      "retention", "Retention periods of event types and legal holds");
  retention->require_subcommand(1);
  retention->footer("Example:\n  crm retention apply --dry-run");
  AddRetentionApply(*retention, globals);
  AddHolds(app, globals);
}

}  // namespace crm::cli
