#include "core/dump/stored_value.h"

#include <string>

#include "base/error.h"

namespace crm::core {

absl::Status ToStoredValue(const store::SqlValue& value,
                           wire::StoredValue* out) {
  if (const int64_t* integer = std::get_if<int64_t>(&value)) {
    out->set_integer(*integer);
  } else if (const double* real = std::get_if<double>(&value)) {
    out->set_real(*real);
  } else if (const std::string* text = std::get_if<std::string>(&value)) {
    out->set_text(*text);
  } else if (std::holds_alternative<store::Blob>(value)) {
    return DamagedValue(
        "a customer value holds bytes, which libcrm never "
        "writes");
  }
  return absl::OkStatus();
}

store::SqlValue FromStoredValue(const wire::StoredValue& stored) {
  switch (stored.kind_case()) {
    case wire::StoredValue::kInteger:
      return stored.integer();
    case wire::StoredValue::kReal:
      return stored.real();
    case wire::StoredValue::kText:
      return stored.text();
    case wire::StoredValue::KIND_NOT_SET:
      break;
  }
  return store::SqlValue();
}

}  // namespace crm::core
