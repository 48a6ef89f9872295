// How a bulk export (crm.h, crm_export) writes its rows in a file format:
// the interface, and the writer of each format (csv_writer.h,
// jsonl_writer.h).
#ifndef CRM_CORE_EXPORT_ROW_WRITER_H_
#define CRM_CORE_EXPORT_ROW_WRITER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "core/value.h"

namespace crm::core {

enum class ExportFormat { kCsv, kJsonLines };

// Appends the rows of one file to a buffer the caller takes and clears
// (buffer()) whenever it likes: a writer keeps no other state than the
// columns and its place in the current row. Every row gives one cell per
// column, in column order, then EndRow(). Not thread-safe.
class RowWriter {
 public:
  virtual ~RowWriter() = default;

  // What the file holds before its first row (CSV: the header row). Call
  // once, first.
  virtual void Start() = 0;
  // The next cell: a value (a null one for an empty cell), or the text of
  // a JSON object (an event's properties).
  virtual void Cell(const Value& value) = 0;
  virtual void JsonCell(absl::string_view json) = 0;
  virtual void EndRow() = 0;

  // What was written since the caller last cleared it.
  std::string& buffer() { return buffer_; }

 protected:
  std::string buffer_;
};

// A writer of `format` for rows of `columns` (names as the file shows them).
std::unique_ptr<RowWriter> MakeRowWriter(ExportFormat format,
                                         std::vector<std::string> columns);

}  // namespace crm::core

#endif  // CRM_CORE_EXPORT_ROW_WRITER_H_
