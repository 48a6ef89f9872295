// Printing results: a table of cells in one of the tool's formats, for
// people (an aligned table) or for scripts (CSV, JSON Lines, JSON).
#ifndef CRM_TOOLS_CRM_OUTPUT_H_
#define CRM_TOOLS_CRM_OUTPUT_H_

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace crm::cli {

enum class Format {
  kTable,  // aligned columns with a header line, for a terminal
  kCsv,    // RFC 4180, a header row, quoted only where needed
  kJsonl,  // one JSON object per row
  kJson,   // one JSON array of objects
};

// The --format names ("table", "csv", "jsonl", "json"), for CLI11.
const std::map<std::string, Format>& FormatNames();

// One value: null, a boolean, an integer, a string, or an array of strings
// (a list field). Datetimes are ISO 8601 strings by the time they get here
// (time_text.h).
using Cell = nlohmann::ordered_json;

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;  // each row as wide as `columns`
};

// Prints `table` in `format`. An empty table still prints its header
// (table, CSV) or "[]" (JSON); JSON Lines prints nothing.
void PrintTable(const Table& table, Format format, std::ostream& out);

// Prints one document (a report such as crm verify's): indented JSON for
// json, one line for jsonl, and for table and csv one "key, value" row per
// member (nested values as compact JSON text).
void PrintDocument(const nlohmann::ordered_json& document, Format format,
                   std::ostream& out);

// Row `row` of `table` as a JSON object, column names as keys (what json
// and jsonl print per row).
nlohmann::ordered_json RowObject(const Table& table, size_t row);

// A cell as plain text for a table or CSV: null is "", a list's items are
// joined with "; ", anything else as JSON writes it, strings unquoted.
std::string CellText(const Cell& cell);

}  // namespace crm::cli

#endif  // CRM_TOOLS_CRM_OUTPUT_H_
