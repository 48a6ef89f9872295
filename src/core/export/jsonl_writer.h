// JSON Lines rows of a bulk export: one JSON object per row and line, the
// column names as keys in column order, values in the JSON forms of
// crm_record (core/value_json.h), a null where a row holds no value.
#ifndef CRM_CORE_EXPORT_JSONL_WRITER_H_
#define CRM_CORE_EXPORT_JSONL_WRITER_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "core/export/row_writer.h"

namespace crm::core {

class JsonLinesWriter : public RowWriter {
 public:
  explicit JsonLinesWriter(const std::vector<std::string>& columns);

  void Start() override {}
  void Cell(const Value& value) override;
  void JsonCell(absl::string_view json) override;
  void EndRow() override;

 private:
  void Key();

  // Each column's key as it precedes its value: "{\"name\":" for the first
  // column, ",\"name\":" for the others.
  std::vector<std::string> keys_;
  size_t cell_ = 0;
};

}  // namespace crm::core

#endif  // CRM_CORE_EXPORT_JSONL_WRITER_H_
