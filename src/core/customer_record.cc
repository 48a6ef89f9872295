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
  size_t next = 0;
  return Get(field, &next);
}

const Value* CustomerRecord::Get(absl::string_view field, size_t* next) const {
  const size_t size = values.size();
  const size_t start = *next < size ? *next : 0;
  for (size_t i = start, seen = 0; seen < size; ++seen) {
    if (values[i].field == field) {
      *next = i + 1;
      return &values[i].value;
    }
    if (++i == size) i = 0;
  }
  return nullptr;
}

}  // namespace crm::core
