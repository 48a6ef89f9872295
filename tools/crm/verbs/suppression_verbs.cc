// suppress add, check, remove, count: the list of email addresses and phone
// numbers no write may set again (crm.h, "Suppression").
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>

#include "crm/crm.h"
#include "failure.h"
#include "output.h"
#include "verbs/erasure_group.h"
#include "workspace.h"

namespace crm::cli {
namespace {

struct Args {
  std::string email;
  std::string phone;
  bool dry_run = false;
};

const char* OrNull(const std::string& text) {
  return text.empty() ? nullptr : text.c_str();
}

// What the command line named, for the printed result: the values as given
// (they are the operator's own input; libcrm keeps only hashes).
nlohmann::ordered_json Named(const Args& args) {
  nlohmann::ordered_json named = nlohmann::ordered_json::object();
  if (!args.email.empty()) named["email"] = args.email;
  if (!args.phone.empty()) named["phone"] = args.phone;
  return named;
}

// Adds the EMAIL argument and --phone to `verb` (RequireValue checks that
// one was given).
void AddValueOptions(CLI::App& verb, Args& args) {
  verb.add_option("email", args.email, "An email address");
  verb.add_option("--phone", args.phone, "A phone number");
}

void RequireValue(const Args& args, const std::string& verb) {
  if (args.email.empty() && args.phone.empty()) {
    UsageError("suppress " + verb + ": give an EMAIL, --phone PHONE or both");
  }
}

// add and remove: one write, in a transaction a dry run rolls back.
void AddWriteVerb(CLI::App& suppress, const Globals& globals,
                  const std::string& name, const std::string& description,
                  const std::string& example, bool add) {
  auto args = std::make_shared<Args>();
  auto* verb = suppress.add_subcommand(name, description);
  AddValueOptions(*verb, *args);
  AddDryRunFlag(*verb, args->dry_run);
  verb->footer(example);
  verb->callback([&globals, args, name, add] {
    RequireValue(*args, name);
    Workspace workspace(globals, Access::kWrite);
    workspace.WriteTransaction(args->dry_run, [&] {
      if (add) {
        Check(crm_suppression_add(workspace.db(), OrNull(args->email),
                                  OrNull(args->phone)),
              "cannot suppress");
      } else {
        Check(crm_suppression_remove(workspace.db(), OrNull(args->email),
                                     OrNull(args->phone)),
              "cannot take the suppression back");
      }
    });
    nlohmann::ordered_json result = Named(*args);
    result["suppressed"] = add;
    result["dry_run"] = args->dry_run;
    PrintDocument(result, globals.format, std::cout);
  });
}

}  // namespace

void AddSuppressionVerbs(CLI::App& app, const Globals& globals) {
  auto* suppress = app.add_subcommand(
      "suppress",
      "The suppression list: email addresses and phone numbers that no\n"
      "create, update, upsert or import may set (exit 14, rule suppressed),\n"
      "kept as keyed hashes only.");
  suppress->require_subcommand(1);
  suppress->footer(
      "Examples:\n"
      "  crm suppress add ada@example.com --phone '+47 22 33 44 55'\n"
      "  crm suppress check ada@example.com\n"
      "  crm suppress count");
  AddWriteVerb(*suppress, globals, "add",
               "Suppress an email address and/or a phone number (adding one\n"
               "already suppressed changes nothing). Customers holding it\n"
               "keep it.",
               "Example:\n  crm suppress add ada@example.com", true);
  AddWriteVerb(*suppress, globals, "remove",
               "Take a suppression back, e.g. after the person came back and\n"
               "consented. Exit 11 when none of the values was suppressed.",
               "Example:\n  crm suppress remove ada@example.com", false);

  auto check_args = std::make_shared<Args>();
  auto* check = suppress->add_subcommand(
      "check",
      "Whether an email address or phone number is suppressed (either one\n"
      "suffices: given both, true when one of them is).");
  AddValueOptions(*check, *check_args);
  check->footer(
      "Example:\n"
      "  crm suppress check ada@example.com\n"
      "Exit 0 either way: read the \"suppressed\" column.");
  check->callback([&globals, check_args] {
    RequireValue(*check_args, "check");
    Workspace workspace(globals, Access::kRead);
    int suppressed = 0;
    Check(crm_suppression_check(&suppressed, workspace.db(),
                                OrNull(check_args->email),
                                OrNull(check_args->phone)),
          "cannot check the suppression list");
    nlohmann::ordered_json result = Named(*check_args);
    result["suppressed"] = suppressed != 0;
    PrintDocument(result, globals.format, std::cout);
  });

  auto* count = suppress->add_subcommand(
      "count", "How many email addresses and phone numbers are suppressed");
  count->footer("Example:\n  crm suppress count");
  count->callback([&globals] {
    Workspace workspace(globals, Access::kRead);
    int64_t n = 0;
    Check(crm_suppression_count(&n, workspace.db()),
          "cannot count the suppression list");
    PrintDocument({{"suppressed", n}}, globals.format, std::cout);
  });
}

}  // namespace crm::cli
