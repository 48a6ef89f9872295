#include "core/import/csv_reader.h"

#include <csv.h>

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "base/error.h"
#include "base/utf8.h"

namespace crm::core::import {
namespace {

constexpr absl::string_view kBom = "\xEF\xBB\xBF";
// A row (quoted newlines included) longer than this is unreadable: an
// unterminated quote would otherwise buffer the rest of the file.
constexpr int64_t kMaxRowBytes = int64_t{64} << 20;

int NoSpace(unsigned char) { return 0; }

class CsvReader : public RowSource {
 public:
  CsvReader(std::unique_ptr<LineFile> file, char delimiter)
      : file_(std::move(file)), delimiter_(delimiter) {}
  ~CsvReader() override {
    if (parser_ready_) csv_free(&parser_);
  }

  // Reads the header row.
  absl::Status Start();

  const std::vector<std::string>& columns() const override { return columns_; }
  absl::StatusOr<bool> Next(SourceRow* row) override;
  absl::Status Rewind(const RowPosition& at) override;
  RowPosition next() const override { return next_; }
  int64_t bytes() const override { return bytes_; }

 private:
  static void OnField(void* text, size_t size, void* data) {
    auto* self = static_cast<CsvReader*>(data);
    self->fields_.emplace_back(static_cast<const char*>(text), size);
  }
  static void OnRow(int, void* data) {
    static_cast<CsvReader*>(data)->row_ended_ = true;
  }
  absl::Status ResetParser();
  // Reads lines until a row ends: true with its fields in fields_; false at
  // the end of the file. *unreadable says why a row could not be read.
  absl::StatusOr<bool> ReadRow(std::string* unreadable);

  std::unique_ptr<LineFile> file_;
  char delimiter_;
  csv_parser parser_;
  bool parser_ready_ = false;
  bool ended_ = false;
  std::vector<std::string> columns_;
  std::vector<std::string> fields_;
  bool row_ended_ = false;
  RowPosition next_;  // where the next row starts
  int64_t bytes_ = 0;
};

absl::Status CsvReader::ResetParser() {
  if (parser_ready_) csv_free(&parser_);
  parser_ready_ = false;
  if (csv_init(&parser_, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
    return MakeError(ErrorCode::kNoMemory, "out of memory");
  }
  parser_ready_ = true;
  csv_set_delim(&parser_, static_cast<unsigned char>(delimiter_));
  csv_set_space_func(&parser_, NoSpace);
  return absl::OkStatus();
}

absl::StatusOr<bool> CsvReader::ReadRow(std::string* unreadable) {
  fields_.clear();
  row_ended_ = false;
  unreadable->clear();
  if (ended_) return false;
  int64_t line = next_.line;
  while (true) {
    absl::string_view text;
    const int64_t line_start = file_->offset();
    CRM_ASSIGN_OR_RETURN(bool more, file_->Next(&text));
    if (!more) {
      ended_ = true;
      bool in_row = parser_.pstate != 0;
      if (csv_fini(&parser_, OnField, OnRow, this) != 0) {
        *unreadable = "a quoted cell is not closed before the end of the file";
        bytes_ = file_->offset();
        return true;
      }
      bytes_ = file_->offset();
      return in_row && row_ended_;
    }
    if (line_start == 0 && absl::StartsWith(text, kBom)) {
      text.remove_prefix(kBom.size());
    }
    ++line;
    if (csv_parse(&parser_, text.data(), text.size(), OnField, OnRow, this) !=
        text.size()) {
      if (csv_error(&parser_) != CSV_EPARSE) {
        return MakeError(ErrorCode::kNoMemory,
                         "out of memory reading a CSV row");
      }
      // A quote inside an unquoted cell, or text after a closing quote: the
      // row ends with this line, and reading goes on after it.
      *unreadable =
          "a quote inside a cell that is not quoted, or text "
          "after a closing quote";
      CRM_RETURN_IF_ERROR(ResetParser());
      bytes_ = file_->offset();
      next_.offset = file_->offset();
      next_.line = line;
      return true;
    }
    if (row_ended_) {
      bytes_ = file_->offset();
      next_.offset = file_->offset();
      next_.line = line;
      return true;
    }
    if (parser_.pstate == 0) {
      // A blank line: the next row starts after it.
      next_.offset = file_->offset();
      next_.line = line;
    } else if (file_->offset() - next_.offset > kMaxRowBytes) {
      ended_ = true;
      *unreadable = "a row is longer than 64 MiB (a quote not closed?)";
      bytes_ = file_->offset();
      return true;
    }
  }
}

absl::Status CsvReader::Start() {
  CRM_RETURN_IF_ERROR(ResetParser());
  next_ = RowPosition{.offset = 0, .row = 0, .line = 1};
  std::string unreadable;
  CRM_ASSIGN_OR_RETURN(bool found, ReadRow(&unreadable));
  RowPosition header{.offset = 0, .row = 0, .line = 1};
  if (!found) return FileError(header, "the file has no header row");
  if (!unreadable.empty()) return FileError(header, unreadable);
  absl::flat_hash_set<std::string> seen;
  for (std::string& name : fields_) {
    if (!IsValidUtf8(name)) {
      return FileError(header, "the header row is not UTF-8 text");
    }
    if (name.empty()) {
      return FileError(header, absl::StrCat("column ", columns_.size() + 1,
                                            " of the header row has no name"));
    }
    if (!seen.insert(name).second) {
      return FileError(header, absl::StrCat("the header row names column '",
                                            name.substr(0, 64), "' twice"));
    }
    columns_.push_back(std::move(name));
  }
  next_.row = 1;
  return absl::OkStatus();
}

absl::StatusOr<bool> CsvReader::Next(SourceRow* row) {
  row->at = next_;
  CRM_ASSIGN_OR_RETURN(bool found, ReadRow(&row->unreadable));
  if (!found) return false;
  ++next_.row;
  row->cells.resize(columns_.size());
  for (Cell& cell : row->cells) cell.kind = Cell::Kind::kAbsent;
  if (!row->unreadable.empty()) return true;
  if (fields_.size() > columns_.size()) {
    row->unreadable =
        absl::StrCat("the row has ", fields_.size(), " cells, the header ",
                     columns_.size(), " columns");
    return true;
  }
  for (size_t c = 0; c < fields_.size(); ++c) {
    if (!IsValidUtf8(fields_[c])) {
      return FileError(row->at,
                       absl::StrCat("the cell of column '", columns_[c],
                                    "' is not UTF-8 text"));
    }
    row->cells[c].kind = Cell::Kind::kText;
    row->cells[c].text = std::move(fields_[c]);
  }
  return true;
}

absl::Status CsvReader::Rewind(const RowPosition& at) {
  CRM_RETURN_IF_ERROR(file_->Seek(at.offset));
  CRM_RETURN_IF_ERROR(ResetParser());
  ended_ = false;
  next_ = at;
  bytes_ = at.offset;
  return absl::OkStatus();
}

}  // namespace

char DetectDelimiter(absl::string_view header_line) {
  int commas = 0, semicolons = 0, tabs = 0;
  bool quoted = false;
  for (char c : header_line) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == ',') ++commas;
    if (c == ';') ++semicolons;
    if (c == '\t') ++tabs;
  }
  if (semicolons > commas && semicolons >= tabs) return ';';
  if (tabs > commas && tabs > semicolons) return '\t';
  return ',';
}

absl::StatusOr<std::unique_ptr<RowSource>> OpenCsv(
    const std::string& path, std::optional<char> delimiter) {
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<LineFile> file, LineFile::Open(path));
  if (!delimiter) {
    absl::string_view line;
    CRM_ASSIGN_OR_RETURN(bool any, file->Next(&line));
    delimiter = any ? DetectDelimiter(line) : ',';
    CRM_RETURN_IF_ERROR(file->Seek(0));
  }
  auto reader = std::make_unique<CsvReader>(std::move(file), *delimiter);
  CRM_RETURN_IF_ERROR(reader->Start());
  return std::unique_ptr<RowSource>(std::move(reader));
}

}  // namespace crm::core::import
