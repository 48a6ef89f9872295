#include "core/value_json.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/json_text.h"

namespace crm::core {

void AppendValueJson(const Value& value, std::string* out) {
  switch (value.kind) {
    case ValueKind::kText:
    case ValueKind::kDecimal:
    case ValueKind::kDate:
      AppendJsonString(value.text, out);
      return;
    case ValueKind::kInteger:
    case ValueKind::kDateTime:
      absl::StrAppend(out, value.integer);
      return;
    case ValueKind::kBoolean:
      out->append(value.integer != 0 ? "true" : "false");
      return;
    case ValueKind::kList: {
      out->push_back('[');
      for (size_t i = 0; i < value.list.size(); ++i) {
        if (i > 0) out->push_back(',');
        AppendJsonString(value.list[i], out);
      }
      out->push_back(']');
      return;
    }
    case ValueKind::kNull:
      break;
  }
  out->append("null");
}

void AppendNamedValuesJson(NamedValues values, std::string* out) {
  std::stable_sort(
      values.begin(), values.end(),
      [](const auto& a, const auto& b) { return a.first < b.first; });
  out->push_back('{');
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendJsonString(values[i].first, out);
    out->push_back(':');
    AppendValueJson(values[i].second, out);
  }
  out->push_back('}');
}

void AppendRecordValuesJson(const CustomerRecord& record, std::string* out) {
  NamedValues values;
  values.reserve(record.values.size());
  for (const FieldValue& value : record.values) {
    values.emplace_back(value.field, value.value);
  }
  AppendNamedValuesJson(std::move(values), out);
}

}  // namespace crm::core
