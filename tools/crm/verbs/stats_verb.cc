// crm stats: how much a workspace holds (customers, events, the event log's
// high-water mark, the file's size, the schema version) and how full each
// field is.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <system_error>

#include "crm/crm.h"
#include "failure.h"
#include "globals.h"
#include "output.h"
#include "owned.h"
#include "rows_table.h"
#include "verbs/definition_json.h"
#include "verbs/verbs.h"
#include "workspace.h"

namespace crm::cli {
namespace {

using Json = nlohmann::ordered_json;

// Events the handle sees (history events included), by an event query
// without a filter.
int64_t CountEvents(crm_db* db) {
  crm_query* raw = nullptr;
  Check(crm_query_new(&raw, CRM_QUERY_EVENTS), "cannot count the events");
  QueryPtr query(raw);
  int64_t count = 0;
  Check(crm_query_count(&count, db, query.get()), "cannot count the events");
  return count;
}

// The fill rates with a "percent" column (filled / total, one decimal; null
// when there are no customers).
Table FillRates(crm_db* db) {
  crm_rows* rows = nullptr;
  Check(crm_field_fill_rates(&rows, db), "cannot read the fill rates");
  Table table = TableFromRows(RowsPtr(rows).get(), "");
  size_t filled = table.columns.size();
  size_t total = table.columns.size();
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (table.columns[c] == "filled") filled = c;
    if (table.columns[c] == "total") total = c;
  }
  if (filled == table.columns.size() || total == table.columns.size()) {
    return table;
  }
  table.columns.push_back("percent");
  for (auto& row : table.rows) {
    int64_t n = row[filled].is_number() ? row[filled].get<int64_t>() : 0;
    int64_t of = row[total].is_number() ? row[total].get<int64_t>() : 0;
    row.push_back(of == 0 ? Cell() : Cell(std::round(n * 1000.0 / of) / 10.0));
  }
  return table;
}

// The workspace file's size in bytes (the main file, not its write-ahead
// log), or "n/a" on PostgreSQL.
Cell FileSize(const Globals& globals, const Workspace& workspace) {
  if (workspace.on_server()) return "n/a";
  std::error_code error;
  auto size = std::filesystem::file_size(globals.workspace, error);
  if (error) {
    throw Failure(static_cast<int>(kExitStatusBase) + CRM_E_IO,
                  "cannot read the size of '" + globals.workspace +
                      "': " + error.message() + " (CRM_E_IO)");
  }
  return static_cast<int64_t>(size);
}

}  // namespace

void AddStatsVerb(CLI::App& app, const Globals& globals) {
  auto* no_size = new bool(false);  // lives as long as the process
  auto* stats = app.add_subcommand(
      "stats",
      "How much the workspace holds: customers, events (those the handle\n"
      "sees, history events included), the event log's high-water mark,\n"
      "the file's size in bytes (\"n/a\" on PostgreSQL), the schema\n"
      "version, and per field how many customers hold a value. Table\n"
      "format prints the figures, then the fill rates; csv, jsonl and json\n"
      "print one document with the fill rates under \"fill_rates\"");
  stats->add_flag("--no-size", *no_size, "Leave the file's size out");
  stats->footer(ExampleFooter(app,
                              "  crm -w shop.crm stats\n"
                              "  crm -w shop.crm stats --format json"));
  stats->callback([&globals, no_size] {
    Workspace workspace(globals, Access::kRead);
    crm_db* db = workspace.db();
    Json document = Json::object();
    int64_t customers = 0;
    Check(crm_customer_count(&customers, db), "cannot count the customers");
    document["customers"] = customers;
    document["events"] = CountEvents(db);
    int64_t high_water = 0;
    Check(crm_event_high_water(&high_water, db),
          "cannot read the event high-water mark");
    document["event_high_water"] = high_water;
    if (!*no_size) document["size_bytes"] = FileSize(globals, workspace);
    int schema_version = 0;
    Check(crm_db_schema_version(&schema_version, db),
          "cannot read the schema version");
    document["schema_version"] = schema_version;
    Table fill_rates = FillRates(db);
    if (globals.format == Format::kTable) {
      PrintDocument(document, globals.format, std::cout);
      std::cout << '\n';
      PrintTable(fill_rates, globals.format, std::cout);
      return;
    }
    Json rates = Json::array();
    for (size_t r = 0; r < fill_rates.rows.size(); ++r) {
      rates.push_back(RowObject(fill_rates, r));
    }
    document["fill_rates"] = rates;
    PrintDocument(document, globals.format, std::cout);
  });
}

}  // namespace crm::cli
