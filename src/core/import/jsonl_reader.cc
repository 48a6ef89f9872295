#include "core/import/jsonl_reader.h"

#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "base/utf8.h"
#include "google/protobuf/util/json_util.h"

namespace crm::core::import {
namespace {

class JsonLinesReader : public RowSource {
 public:
  explicit JsonLinesReader(std::unique_ptr<LineFile> file)
      : file_(std::move(file)) {}

  const std::vector<std::string>& columns() const override { return columns_; }
  absl::StatusOr<bool> Next(SourceRow* row) override;
  absl::Status Rewind(const RowPosition& at) override {
    CRM_RETURN_IF_ERROR(file_->Seek(at.offset));
    next_ = at;
    return absl::OkStatus();
  }
  RowPosition next() const override { return next_; }
  int64_t bytes() const override { return file_->offset(); }

 private:
  size_t ColumnOf(const std::string& key) {
    auto [it, added] = index_.try_emplace(key, columns_.size());
    if (added) columns_.push_back(key);
    return it->second;
  }

  std::unique_ptr<LineFile> file_;
  std::vector<std::string> columns_;
  absl::flat_hash_map<std::string, size_t> index_;
  RowPosition next_;
};

absl::StatusOr<bool> JsonLinesReader::Next(SourceRow* row) {
  absl::string_view line;
  while (true) {
    row->at = next_;
    CRM_ASSIGN_OR_RETURN(bool more, file_->Next(&line));
    if (!more) return false;
    ++next_.line;
    next_.offset = file_->offset();
    if (line.size() >= 3 && row->at.offset == 0 &&
        line.substr(0, 3) == "\xEF\xBB\xBF") {
      line.remove_prefix(3);
    }
    if (!absl::StripAsciiWhitespace(line).empty()) break;
  }
  ++next_.row;
  row->unreadable.clear();
  row->cells.clear();
  size_t bad = 0;
  if (!IsValidUtf8(line, &bad)) {
    return FileError(row->at, absl::StrCat("the line is not UTF-8 text (byte ",
                                           row->at.offset + bad, ")"));
  }
  google::protobuf::Struct object;
  google::protobuf::util::JsonParseOptions options;
  if (absl::StripAsciiWhitespace(line).substr(0, 1) != "{" ||
      !google::protobuf::util::JsonStringToMessage(
           google::protobuf::StringPiece(line.data(), line.size()), &object,
           options)
           .ok()) {
    row->unreadable = "the line is not a JSON object";
    row->cells.resize(columns_.size());
    return true;
  }
  std::vector<std::pair<size_t, google::protobuf::Value*>> given;
  for (auto& [key, value] : *object.mutable_fields()) {
    given.emplace_back(ColumnOf(key), &value);
  }
  row->cells.resize(columns_.size());
  for (auto& [column, value] : given) {
    Cell& cell = row->cells[column];
    switch (value->kind_case()) {
      case google::protobuf::Value::kNullValue:
      case google::protobuf::Value::KIND_NOT_SET:
        break;
      case google::protobuf::Value::kStringValue:
        cell.kind = Cell::Kind::kText;
        cell.text = std::move(*value->mutable_string_value());
        break;
      default:
        cell.kind = Cell::Kind::kJson;
        cell.json = std::move(*value);
        break;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RowSource>> OpenJsonLines(
    const std::string& path) {
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<LineFile> file, LineFile::Open(path));
  std::unique_ptr<RowSource> reader(new JsonLinesReader(std::move(file)));
  // The first row's keys are the columns known from the start (the mapping's
  // default key looks at them); a file that is not UTF-8 there fails later.
  SourceRow first;
  (void)reader->Next(&first);
  CRM_RETURN_IF_ERROR(reader->Rewind(RowPosition()));
  return reader;
}

}  // namespace crm::core::import
