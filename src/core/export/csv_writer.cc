#include "core/export/csv_writer.h"

#include <csv.h>

#include "core/export/value_text.h"

namespace crm::core {
namespace {

bool NeedsQuotes(absl::string_view text) {
  if (text.empty()) return false;
  if (text.front() == ' ' || text.front() == '\t' || text.back() == ' ' ||
      text.back() == '\t') {
    return true;
  }
  return text.find_first_of(",\"\r\n") != absl::string_view::npos;
}

}  // namespace

void AppendCsvCell(absl::string_view text, std::string* out) {
  if (!NeedsQuotes(text)) {
    out->append(text.data(), text.size());
    return;
  }
  // csv_write() returns the size the quoted cell needs; it writes only
  // what fits, so the room is made first.
  size_t needed = csv_write(nullptr, 0, text.data(), text.size());
  size_t at = out->size();
  out->resize(at + needed);
  csv_write(out->data() + at, needed, text.data(), text.size());
}

void CsvWriter::Separate() {
  if (cell_ == 0) row_start_ = buffer_.size();
  if (cell_ > 0) buffer_.push_back(',');
  ++cell_;
}

void CsvWriter::Start() {
  for (const std::string& column : columns_) {
    Separate();
    AppendCsvCell(column, &buffer_);
  }
  EndRow();
}

void CsvWriter::Cell(const Value& value) {
  Separate();
  text_.clear();
  AppendValueText(value, &text_);
  AppendCsvCell(text_, &buffer_);
}

void CsvWriter::JsonCell(absl::string_view json) {
  Separate();
  AppendCsvCell(json, &buffer_);
}

void CsvWriter::EndRow() {
  // A row of one empty cell would be a blank line, which readers skip:
  // it is written as an empty quoted cell instead.
  if (cell_ == 1 && buffer_.size() == row_start_) buffer_.append("\"\"");
  buffer_.append("\r\n");
  cell_ = 0;
}

}  // namespace crm::core
