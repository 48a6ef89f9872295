// get: one customer by id, external id or email, now or as it was at a
// valid time by what libcrm knew at a known time.
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "crm/crm.h"
#include "failure.h"
#include "output.h"
#include "owned.h"
#include "rows_table.h"
#include "time_text.h"
#include "verbs/verbs.h"
#include "workspace.h"

namespace crm::cli {
namespace {

struct GetOptions {
  std::optional<int64_t> id;
  std::string external_id;
  std::string email;
  std::string at;        // ISO 8601 valid time
  std::string known_at;  // ISO 8601 known time
};

// Says on stderr that the customer the options name was found by following
// a merge (crm_record_merged_id of `current` is not 0): the record printed
// is its survivor's.
void NoteMerged(const GetOptions& options, crm_record* current) {
  int64_t merged_id = crm_record_merged_id(current);
  if (merged_id == 0) return;
  std::string survivor = std::to_string(crm_record_id(current));
  std::cerr << "crm: note: "
            << (options.id
                    ? ""
                    : "external id '" + options.external_id + "' is that of ")
            << "customer " << merged_id << (options.id ? " was" : ",")
            << " merged into customer " << survivor << "; showing customer "
            << survivor << "\n";
}

// The customer the options name, as they ask for it; a note on stderr when
// a merged id or external id led to its survivor. Throws Failure.
RecordPtr ReadCustomer(crm_db* db, const GetOptions& options) {
  int keys = (options.id ? 1 : 0) + (options.external_id.empty() ? 0 : 1) +
             (options.email.empty() ? 0 : 1);
  if (keys != 1) {
    UsageError(
        "get: name the customer by one of ID, --external-id or "
        "--email");
  }
  crm_record* raw = nullptr;
  if (options.id) {
    if (options.at.empty() && options.known_at.empty()) {
      Check(crm_customer_get(&raw, db, *options.id),
            "cannot read customer " + std::to_string(*options.id));
      NoteMerged(options, raw);
      return RecordPtr(raw);
    }
  } else if (!options.external_id.empty()) {
    Check(
        crm_customer_get_by_external_id(&raw, db, options.external_id.c_str()),
        "cannot find external id '" + options.external_id + "'");
  } else {
    Check(crm_customer_get_by_email(&raw, db, options.email.c_str()),
          "cannot find email '" + options.email + "'");
  }
  RecordPtr current(raw);
  NoteMerged(options, current.get());
  if (options.at.empty() && options.known_at.empty()) return current;
  int64_t id = options.id ? *options.id : crm_record_id(current.get());
  int64_t valid =
      options.at.empty() ? CRM_TIME_MAX : MicrosOption("--at", options.at);
  int64_t known = options.known_at.empty()
                      ? CRM_TIME_MAX
                      : MicrosOption("--known-at", options.known_at);
  raw = nullptr;
  Check(crm_customer_get_at_v2(&raw, db, id, valid, known),
        "cannot read customer " + std::to_string(id) + " at that time");
  return RecordPtr(raw);
}

// The record as one row: id, version, then its fields in order.
Table RecordRow(crm_record* record) {
  Table table = TableFromRecord(record);
  table.columns.insert(table.columns.begin() + 1, "version");
  for (auto& row : table.rows) {
    row.insert(row.begin() + 1, Cell(crm_record_version(record)));
  }
  return table;
}

}  // namespace

void AddCustomerVerbs(CLI::App& app, const Globals& globals) {
  auto options = std::make_shared<GetOptions>();
  auto* verb = app.add_subcommand(
      "get",
      "One customer with every field that holds a value: now, or as it was "
      "at a valid time (--at) by what libcrm knew at a known time "
      "(--known-at)");
  verb->add_option("id", options->id, "The customer's id");
  verb->add_option("--external-id", options->external_id,
                   "Find the customer by its external_id instead");
  verb->add_option("--email", options->email,
                   "Find the customer by its email instead (ASCII case "
                   "ignored)");
  verb->add_option("--at", options->at,
                   "As it was at this valid time (ISO 8601 UTC, e.g. "
                   "2024-03-01T00:00:00Z)");
  verb->add_option("--known-at", options->known_at,
                   "By what libcrm had recorded up to this time (ISO 8601 "
                   "UTC); without --at, the customer now by that knowledge");
  verb->footer(
      "A table (or CSV) of field and value; with --format json or jsonl one\n"
      "object. --external-id and --email find the customer as it is now;\n"
      "--at then reads that customer's past. An id or external id of a\n"
      "customer merged into another finds that survivor (stderr says so);\n"
      "--at with a merged id reads the merged customer's own past.\n"
      "Exit 11 when there is no such customer (at that time).\n"
      "Examples:\n"
      "  crm get 17\n"
      "  crm get --email ada@example.com --format json\n"
      "  crm get 17 --at 2024-03-01 --known-at 2024-04-09");
  verb->callback([&globals, options] {
    Workspace workspace(globals, Access::kRead);
    RecordPtr record = ReadCustomer(workspace.db(), *options);
    Table row = RecordRow(record.get());
    if (globals.format == Format::kJson || globals.format == Format::kJsonl) {
      nlohmann::ordered_json object = nlohmann::ordered_json::object();
      for (size_t c = 0; c < row.columns.size(); ++c) {
        object[row.columns[c]] = row.rows.at(0)[c];
      }
      PrintDocument(object, globals.format, std::cout);
    } else {
      PrintTable(Transposed(row), globals.format, std::cout);
    }
  });
}

}  // namespace crm::cli
