#include "core/export/jsonl_writer.h"

#include "base/json_text.h"
#include "core/value_json.h"

namespace crm::core {

JsonLinesWriter::JsonLinesWriter(const std::vector<std::string>& columns) {
  for (size_t i = 0; i < columns.size(); ++i) {
    std::string key(i == 0 ? "{" : ",");
    AppendJsonString(columns[i], &key);
    key.push_back(':');
    keys_.push_back(std::move(key));
  }
}

void JsonLinesWriter::Key() {
  if (cell_ < keys_.size()) buffer_.append(keys_[cell_]);
  ++cell_;
}

void JsonLinesWriter::Cell(const Value& value) {
  Key();
  AppendValueJson(value, &buffer_);
}

void JsonLinesWriter::JsonCell(absl::string_view json) {
  Key();
  buffer_.append(json.data(), json.size());
}

void JsonLinesWriter::EndRow() {
  buffer_.append(cell_ == 0 ? "{}\n" : "}\n");
  cell_ = 0;
}

}  // namespace crm::core
