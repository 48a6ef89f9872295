#include "core/export/row_writer.h"

#include "core/export/csv_writer.h"
#include "core/export/jsonl_writer.h"

namespace crm::core {

std::unique_ptr<RowWriter> MakeRowWriter(ExportFormat format,
                                         std::vector<std::string> columns) {
  if (format == ExportFormat::kJsonLines) {
    return std::make_unique<JsonLinesWriter>(columns);
  }
  return std::make_unique<CsvWriter>(std::move(columns));
}

}  // namespace crm::core
