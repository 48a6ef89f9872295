#include "rows_table.h"

#include <cstddef>
#include <string>

#include "failure.h"
#include "time_text.h"

namespace crm::cli {
namespace {

// A value of `kind` as written in the JSON page form, as a cell.
Cell CellOf(int kind, const nlohmann::ordered_json& value) {
  if (value.is_null()) return nullptr;
  if (kind == CRM_VALUE_NULL && value.is_array() && value.size() == 2) {
    return CellOf(value[0].get<int>(),
                  value[1]);  // a mixed column's [kind, value]
  }
  if (kind == CRM_VALUE_DATETIME && value.is_number_integer()) {
    return IsoFromMicros(value.get<int64_t>());
  }
  return value;
}

// The JSON page form (crm_rows_encode_json) as a table.
Table TableFromPage(const char* json, size_t size,
                    const std::string& id_column) {
  auto page = nlohmann::ordered_json::parse(json, json + size);
  Table table;
  if (!id_column.empty()) table.columns.push_back(id_column);
  for (const auto& column : page["columns"]) {
    table.columns.push_back(column.get<std::string>());
  }
  const auto& ids = page["ids"];
  const auto& kinds = page["kinds"];
  const auto& values = page["values"];
  for (size_t r = 0; r < ids.size(); ++r) {
    std::vector<Cell> row;
    if (!id_column.empty()) row.push_back(ids[r]);
    for (size_t c = 0; c < values.size(); ++c) {
      row.push_back(CellOf(kinds[c].get<int>(), values[c][r]));
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace

Table TableFromRows(crm_rows* rows, const std::string& id_column) {
  const char* json = nullptr;
  size_t size = 0;
  Check(crm_rows_encode_json(&json, &size, rows), "cannot read the rows");
  return TableFromPage(json, size, id_column);
}

Table TableFromRecord(crm_record* record) {
  const char* json = nullptr;
  size_t size = 0;
  Check(crm_record_encode_json(&json, &size, record), "cannot read the record");
  return TableFromPage(json, size, "id");
}

Table Transposed(const Table& one_row) {
  Table table{{"field", "value"}, {}};
  for (size_t c = 0; c < one_row.columns.size(); ++c) {
    table.rows.push_back({one_row.columns[c],
                          one_row.rows.empty() ? Cell() : one_row.rows[0][c]});
  }
  return table;
}

}  // namespace crm::cli
