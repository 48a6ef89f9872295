// erase, export-person and checkpoint; registers the rest of the group
// (erasure_group.h).
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>

#include "crm/crm.h"
#include "failure.h"
#include "output.h"
#include "owned.h"
#include "time_text.h"
#include "verbs/erasure_group.h"
#include "verbs/verbs.h"
#include "workspace.h"

namespace crm::cli {
namespace {

struct EraseArgs {
  int64_t id = 0;
  std::string where;
  std::string reason;
  bool keep_held = false;
  bool override_hold = false;
  bool suppress = false;
  bool dry_run = false;
};

// libcrm's receipt as the tool prints it: the same keys, a kept stub's
// held_until as ISO 8601, and "dry_run" last.
nlohmann::ordered_json ReceiptDocument(char* receipt_json, bool dry_run) {
  nlohmann::ordered_json receipt = TakeJson(receipt_json);
  for (auto& kept : receipt["kept"]) {
    if (kept.contains("held_until") && kept["held_until"].is_number_integer()) {
      kept["held_until"] = IsoFromMicros(kept["held_until"].get<int64_t>());
    }
  }
  receipt["dry_run"] = dry_run;
  return receipt;
}

void RunErase(const Globals& globals, const EraseArgs& args, bool by_id) {
  if (!by_id && args.where.empty()) {
    UsageError("erase: name a customer ID or give --where FILTER");
  }
  Workspace workspace(globals, Access::kWrite);
  crm_erase_options options;
  Check(crm_erase_options_init(&options, sizeof options),
        "cannot set erase options");
  options.actor = globals.actor.c_str();
  options.reason = args.reason.c_str();
  options.flags = (args.keep_held ? CRM_ERASE_KEEP_HELD : 0) |
                  (args.override_hold ? CRM_ERASE_OVERRIDE_HOLD : 0) |
                  (args.suppress ? CRM_ERASE_SUPPRESS : 0);
  char* receipt = nullptr;
  workspace.WriteTransaction(args.dry_run, [&] {
    if (by_id) {
      Check(crm_customer_erase(&receipt, workspace.db(), args.id, &options),
            "cannot erase customer " + std::to_string(args.id));
      return;
    }
    crm_query* raw = nullptr;
    Check(crm_query_new(&raw, CRM_QUERY_CUSTOMERS), "cannot make a query");
    QueryPtr query(raw);
    Check(crm_query_set_filter(query.get(), args.where.c_str()), "bad filter");
    Check(crm_customer_erase_where(&receipt, workspace.db(), query.get(),
                                   &options),
          "cannot erase where " + args.where);
  });
  PrintDocument(ReceiptDocument(receipt, args.dry_run), globals.format,
                std::cout);
}

void AddEraseVerb(CLI::App& app, const Globals& globals) {
  auto args = std::make_shared<EraseArgs>();
  auto* erase = app.add_subcommand(
      "erase",
      "Erase customers for good (a data-protection erasure request): the\n"
      "record, every event and the history, references to them; leaves a\n"
      "tombstone with the actor and reason. Cannot be undone: try --dry-run\n"
      "first. Prints the receipt (ids erased, what was removed, kept and\n"
      "suppressed).");
  auto* id = erase->add_option("id", args->id, "The customer's id");
  auto* where = erase->add_option(
      "--where", args->where,
      "Erase every customer matching this filter instead, in one "
      "transaction");
  id->excludes(where);
  erase
      ->add_option("--reason", args->reason,
                   "Why, kept in the tombstone: a ticket or request number, "
                   "never personal data")
      ->required();
  auto* keep =
      erase->add_flag("--keep-held", args->keep_held,
                      "Keep data under a legal hold in a stub, erase the rest");
  auto* override_hold = erase->add_flag("--override-hold", args->override_hold,
                                        "Erase held data too");
  keep->excludes(override_hold);
  erase->add_flag("--suppress", args->suppress,
                  "Suppress the person's email and phone number, so that a "
                  "later write cannot take them back");
  AddDryRunFlag(*erase, args->dry_run);
  erase->footer(
      "Examples:\n"
      "  crm erase 17 --reason 'GDPR request #4711' --suppress\n"
      "  crm erase --where \"stage = 'former' and updated_at < "
      "'2020-01-01'\" --reason 'purge 2025' --dry-run\n"
      "Without --keep-held or --override-hold, a customer with data under a\n"
      "legal hold is not erased (exit 14, rule hold).");
  erase->callback(
      [&globals, args, id] { RunErase(globals, *args, id->count() > 0); });
}

// Writes `text` to `path` as a file only its owner may read (it is personal
// data): written beside it and renamed over it when complete, so that a
// failed write leaves no half file and what was at `path` stays. Throws
// Failure (I/O) when it cannot.
void WritePrivateFile(const std::string& path, const std::string& text) {
  std::string temporary = path + ".XXXXXX";
  int fd = ::mkstemp(temporary.data());  // mode 0600
  size_t written = 0;
  while (fd >= 0 && written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  int error = errno;
  bool ok = fd >= 0 && written == text.size() && ::fsync(fd) == 0;
  if (!ok && fd >= 0) error = errno;
  if (fd >= 0 && ::close(fd) != 0 && ok) {
    ok = false;
    error = errno;
  }
  if (ok && ::rename(temporary.c_str(), path.c_str()) != 0) {
    ok = false;
    error = errno;
  }
  if (!ok) {
    if (fd >= 0) ::unlink(temporary.c_str());
    throw Failure(static_cast<int>(kExitStatusBase) + CRM_E_IO,
                  "cannot write '" + path + "': " + std::strerror(error));
  }
}

void AddExportPersonVerb(CLI::App& app, const Globals& globals) {
  struct Args {
    int64_t id = 0;
    std::string output;
  };
  auto args = std::make_shared<Args>();
  auto* verb = app.add_subcommand(
      "export-person",
      "Everything the workspace holds on one customer (record, history,\n"
      "events, segments, markers), for a request of access or portability\n"
      "(GDPR Art. 15, 20): libcrm's document libcrm.customer_export v1\n"
      "(docs/customer-export.md; its times are UTC microseconds).");
  verb->add_option("id", args->id, "The customer's id")->required();
  verb->add_option("-o,--output", args->output,
                   "Write the document, exactly as libcrm made it, to this "
                   "file (mode 0600) and print a summary");
  verb->footer(
      "Examples:\n"
      "  crm export-person 17 --output ada.json\n"
      "  crm export-person 17 --format json");
  verb->callback([&globals, args] {
    Workspace workspace(globals, Access::kRead);
    char* raw = nullptr;
    Check(crm_customer_export(&raw, workspace.db(), args->id),
          "cannot export customer " + std::to_string(args->id));
    StringPtr text(raw);
    if (args->output.empty()) {
      PrintDocument(TakeJson(text.release()), globals.format, std::cout);
      return;
    }
    std::string document(text.get());
    WritePrivateFile(args->output, document);
    nlohmann::ordered_json parsed = nlohmann::ordered_json::parse(document);
    nlohmann::ordered_json summary;
    summary["customer_id"] = args->id;
    summary["output"] = args->output;
    summary["bytes"] = document.size();
    summary["fields"] =
        parsed["record"].is_null() ? 0 : parsed["record"]["fields"].size();
    summary["history"] = parsed["history"].size();
    summary["events"] = parsed["events"].size();
    PrintDocument(summary, globals.format, std::cout);
  });
}

void AddCheckpointVerb(CLI::App& app, const Globals& globals) {
  auto* verb = app.add_subcommand(
      "checkpoint",
      "The backend's upkeep after an erase: in a file, moves every change\n"
      "into the file and truncates its write-ahead log, so that erased bytes\n"
      "are gone from both; on PostgreSQL, VACUUM of libcrm's tables.");
  verb->footer(
      "Example:\n"
      "  crm checkpoint\n"
      "Exit 16 (busy) when another connection still uses the file: try again\n"
      "once it is done.");
  verb->callback([&globals] {
    Workspace workspace(globals, Access::kWrite);
    Check(crm_checkpoint(workspace.db()), "cannot checkpoint");
    PrintDocument({{"checkpoint", "done"}}, globals.format, std::cout);
  });
}

}  // namespace

void AddDryRunFlag(CLI::App& verb, bool& dry_run) {
  verb.add_flag("-n,--dry-run", dry_run,
                "Do everything, meet every error the change would, print "
                "what it would do, and store nothing");
}

void AddErasureVerbs(CLI::App& app, const Globals& globals) {
  AddEraseVerb(app, globals);
  AddExportPersonVerb(app, globals);
  AddRetentionVerbs(app, globals);
  AddSuppressionVerbs(app, globals);
  AddCheckpointVerb(app, globals);
  AddCustomerWriteVerbs(app, globals);
}

}  // namespace crm::cli
