// CSV rows of a bulk export, as RFC 4180 has them and crm_import reads
// them: a header row of the column names, "," between cells, CRLF line
// ends, a cell quoted (with libcsv's csv_write: "..." with quotes doubled)
// only where a reader needs it.
#ifndef CRM_CORE_EXPORT_CSV_WRITER_H_
#define CRM_CORE_EXPORT_CSV_WRITER_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "core/export/row_writer.h"

namespace crm::core {

// Appends `text` to `out` as one CSV cell: as it is, or quoted when it
// holds a comma, a quote, CR or LF, or starts or ends with a space or tab
// (which CSV readers such as libcsv trim from unquoted cells).
void AppendCsvCell(absl::string_view text, std::string* out);

class CsvWriter : public RowWriter {
 public:
  explicit CsvWriter(std::vector<std::string> columns)
      : columns_(std::move(columns)) {}

  void Start() override;
  void Cell(const Value& value) override;
  void JsonCell(absl::string_view json) override;
  void EndRow() override;

 private:
  void Separate();

  std::vector<std::string> columns_;
  size_t cell_ = 0;       // cells written in the current row
  size_t row_start_ = 0;  // where the current row starts in buffer_
  std::string text_;      // a cell's text before quoting, reused
};

}  // namespace crm::core

#endif  // CRM_CORE_EXPORT_CSV_WRITER_H_
