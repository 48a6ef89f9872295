#include "core/value.h"

#include "core/wire.h"

namespace crm::core {

const char* ValueKindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kNull:
      return "null";
    case ValueKind::kText:
      return "text";
    case ValueKind::kInteger:
      return "integer";
    case ValueKind::kDecimal:
      return "decimal";
    case ValueKind::kBoolean:
      return "boolean";
    case ValueKind::kDate:
      return "date";
    case ValueKind::kDateTime:
      return "datetime";
    case ValueKind::kList:
      return "list";
  }
  return "unknown";
}

Value Value::Text(std::string text) {
  Value v;
  v.kind = ValueKind::kText;
  v.text = std::move(text);
  return v;
}

Value Value::Integer(int64_t integer) {
  Value v;
  v.kind = ValueKind::kInteger;
  v.integer = integer;
  return v;
}

Value Value::Decimal(std::string text) {
  Value v;
  v.kind = ValueKind::kDecimal;
  v.text = std::move(text);
  return v;
}

Value Value::Boolean(bool value) {
  Value v;
  v.kind = ValueKind::kBoolean;
  v.integer = value ? 1 : 0;
  return v;
}

Value Value::Date(std::string text) {
  Value v;
  v.kind = ValueKind::kDate;
  v.text = std::move(text);
  return v;
}

Value Value::DateTime(int64_t us) {
  Value v;
  v.kind = ValueKind::kDateTime;
  v.integer = us;
  return v;
}

Value Value::List(std::vector<std::string> items) {
  Value v;
  v.kind = ValueKind::kList;
  v.list = std::move(items);
  return v;
}

Value ValueFromWire(const wire::Value& wire) {
  switch (wire.kind_case()) {
    case wire::Value::kText:
      return Value::Text(wire.text());
    case wire::Value::kInteger:
      return Value::Integer(wire.integer());
    case wire::Value::kDecimal:
      return Value::Decimal(wire.decimal());
    case wire::Value::kBoolean:
      return Value::Boolean(wire.boolean());
    case wire::Value::kDate:
      return Value::Date(wire.date());
    case wire::Value::kDatetimeUs:
      return Value::DateTime(wire.datetime_us());
    case wire::Value::kList:
      return Value::List(
          {wire.list().items().begin(), wire.list().items().end()});
    case wire::Value::KIND_NOT_SET:
      break;
  }
  return Value::Null();
}

void ValueToWire(const Value& value, wire::Value* wire) {
  wire->Clear();
  switch (value.kind) {
    case ValueKind::kNull:
      break;
    case ValueKind::kText:
      wire->set_text(value.text);
      break;
    case ValueKind::kInteger:
      wire->set_integer(value.integer);
      break;
    case ValueKind::kDecimal:
      wire->set_decimal(value.text);
      break;
    case ValueKind::kBoolean:
      wire->set_boolean(value.integer != 0);
      break;
    case ValueKind::kDate:
      wire->set_date(value.text);
      break;
    case ValueKind::kDateTime:
      wire->set_datetime_us(value.integer);
      break;
    case ValueKind::kList:
      for (const std::string& item : value.list) {
        wire->mutable_list()->add_items(item);
      }
      break;
  }
}

}  // namespace crm::core
