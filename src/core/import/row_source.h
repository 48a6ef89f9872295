// The rows of an import file, whatever its format (csv_reader.h,
// jsonl_reader.h): cells by column, with where each row starts in the file.
#ifndef CRM_CORE_IMPORT_ROW_SOURCE_H_
#define CRM_CORE_IMPORT_ROW_SOURCE_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/struct.pb.h"

namespace crm::core::import {

// One cell of a row: absent (a JSON Lines key the row does not hold, a CSV
// row shorter than the header), text (every CSV cell, a JSON string), or a
// JSON value of another kind (number, boolean, array, object, null).
struct Cell {
  enum class Kind { kAbsent, kText, kJson };
  Kind kind = Kind::kAbsent;
  std::string text;
  google::protobuf::Value json;  // kJson only
};

// Where a row starts, so that a reader can start again there.
struct RowPosition {
  int64_t offset = 0;  // byte offset in the file
  int64_t row = 1;     // the row number (1 for the first data row)
  int64_t line = 1;    // the line it starts on (1 for the file's first)
};

struct SourceRow {
  RowPosition at;
  std::vector<Cell> cells;  // by column index (RowSource::columns())
  // Not empty: the row could not be read (rule "file"), and says why.
  std::string unreadable;
};

// A file read as rows. Not thread-safe.
class RowSource {
 public:
  virtual ~RowSource() = default;
  // The columns known so far (CSV: the header's; JSON Lines: every key seen
  // so far, in order of first appearance). Only ever grows.
  virtual const std::vector<std::string>& columns() const = 0;
  // The next row into *row; false at the end of the file. Errors fail the
  // whole import (a file that is not UTF-8, a read error).
  virtual absl::StatusOr<bool> Next(SourceRow* row) = 0;
  // Reads on from `at`, a position an earlier row had (or first()).
  virtual absl::Status Rewind(const RowPosition& at) = 0;
  // Where the next row starts (after Next() or Rewind()).
  virtual RowPosition next() const = 0;
  // Bytes of the file read so far (up to the end of the last row given).
  virtual int64_t bytes() const = 0;
};

// A file read line by line (a line keeps its "\n"), from any offset. Lines
// are at most kMaxLineBytes long (kInvalidArgument, rule "file", beyond).
class LineFile {
 public:
  static constexpr size_t kMaxLineBytes = size_t{64} << 20;

  // kNotFound rule "path" when the file does not exist; kIo when it cannot
  // be read.
  static absl::StatusOr<std::unique_ptr<LineFile>> Open(
      const std::string& path);
  ~LineFile();

  // The next line (valid until the next call); false at the end.
  absl::StatusOr<bool> Next(absl::string_view* line);
  // Reads on from byte `offset`.
  absl::Status Seek(int64_t offset);
  // Byte offset of the next line.
  int64_t offset() const { return offset_; }
  int64_t size() const { return size_; }

 private:
  LineFile(std::string path, std::FILE* file, int64_t size)
      : path_(std::move(path)), file_(file), size_(size) {}

  std::string path_;
  std::FILE* file_;
  int64_t size_;
  std::string buffer_;
  size_t start_ = 0;  // of the unread bytes in buffer_
  bool eof_ = false;
  int64_t offset_ = 0;
};

// The error of a file libcrm cannot read as the format says
// (kInvalidArgument, rule "file"), at row `at`.
absl::Status FileError(const RowPosition& at, absl::string_view message);

}  // namespace crm::core::import

#endif  // CRM_CORE_IMPORT_ROW_SOURCE_H_
