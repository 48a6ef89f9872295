// A typed field value as it crosses the ABI.
#ifndef CRM_CORE_VALUE_H_
#define CRM_CORE_VALUE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/wire.h"

namespace crm::core {

// Same numbers as crm_value_kind in crm.h.
enum class ValueKind {
  kNull = 0,
  kText = 1,
  kInteger = 2,
  kDecimal = 3,
  kBoolean = 4,
  kDate = 5,
  kDateTime = 6,
  kList = 7,
};

const char* ValueKindName(ValueKind kind);

struct Value {
  ValueKind kind = ValueKind::kNull;
  std::string text;     // kText, kDecimal ("12.50"), kDate ("2024-03-01")
  int64_t integer = 0;  // kInteger, kBoolean (0/1), kDateTime (UTC us)
  std::vector<std::string> list;  // kList

  static Value Null() { return Value(); }
  static Value Text(std::string text);
  static Value Integer(int64_t integer);
  static Value Decimal(std::string text);
  static Value Boolean(bool value);
  static Value Date(std::string text);
  static Value DateTime(int64_t us);
  static Value List(std::vector<std::string> items);

  bool operator==(const Value& other) const = default;
};

Value ValueFromWire(const wire::Value& wire);
void ValueToWire(const Value& value, wire::Value* wire);

}  // namespace crm::core

#endif  // CRM_CORE_VALUE_H_
