#include "core/customer_record.h"

namespace crm::core {

void CustomerRecord::Set(absl::string_view field, Value value) {
  for (FieldValue& existing : values) {
    if (existing.field == field) {
      existing.value = std::move(value);
      return;
    }
  }
  values.push_back({std::string(field), std::move(value)});
}

const Value* CustomerRecord::Get(absl::string_view field) const {
  for (const FieldValue& existing : values) {
    if (existing.field == field) return &existing.value;
  }
  return nullptr;
}

}  // namespace crm::core
