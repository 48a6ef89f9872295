#include "core/import/cell_parser.h"

#include <charconv>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "base/error.h"
#include "core/time_text.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace crm::core::import {
namespace {

using google::protobuf::ListValue;

// Whole numbers a double holds exactly.
constexpr double kMaxExactDouble = 9007199254740992.0;  // 2^53

absl::Status NotOfType(const std::string& field, absl::string_view what,
                       absl::string_view text) {
  return MakeError(ErrorCode::kValidation,
                   absl::StrCat("field '", field, "': '", text.substr(0, 64),
                                "' is not ", what),
                   field, Rule::kType);
}

absl::Status BadFormat(const std::string& field, absl::string_view what,
                       absl::string_view text) {
  return MakeError(ErrorCode::kValidation,
                   absl::StrCat("field '", field, "': '", text.substr(0, 64),
                                "' is not ", what),
                   field, Rule::kFormat);
}

// The shortest text that reads back as `number`.
std::string NumberText(double number) {
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof(buffer), number);
  return std::string(buffer, result.ptr);
}

absl::StatusOr<Value> Integer(const std::string& field, const Cell& cell) {
  if (cell.kind == Cell::Kind::kJson) {
    double number = cell.json.number_value();
    if (cell.json.kind_case() != google::protobuf::Value::kNumberValue ||
        number != std::trunc(number) || std::fabs(number) > kMaxExactDouble) {
      return NotOfType(field, "a whole number of at most 2^53", "(JSON)");
    }
    return Value::Integer(static_cast<int64_t>(number));
  }
  int64_t integer = 0;
  if (!absl::SimpleAtoi(cell.text, &integer)) {
    return NotOfType(field, "a whole number", cell.text);
  }
  return Value::Integer(integer);
}

absl::StatusOr<Value> Decimal(const std::string& field, const ColumnSpec& spec,
                              const Cell& cell) {
  if (cell.kind == Cell::Kind::kJson) {
    if (cell.json.kind_case() != google::protobuf::Value::kNumberValue) {
      return NotOfType(field, "a number", "(JSON)");
    }
    return Value::Decimal(NumberText(cell.json.number_value()));
  }
  std::string text(absl::StripAsciiWhitespace(cell.text));
  if (spec.decimal == ',') {
    std::string plain;
    for (char c : text) {
      if (c == '.' || c == ' ') continue;
      plain.push_back(c == ',' ? '.' : c);
    }
    text = std::move(plain);
  }
  if (text.empty()) return NotOfType(field, "a number", cell.text);
  return Value::Decimal(std::move(text));
}

absl::StatusOr<Value> Boolean(const std::string& field, const ColumnSpec& spec,
                              const Cell& cell) {
  if (cell.kind == Cell::Kind::kJson) {
    if (cell.json.kind_case() != google::protobuf::Value::kBoolValue) {
      return NotOfType(field, "true or false", "(JSON)");
    }
    return Value::Boolean(cell.json.bool_value());
  }
  absl::string_view text = absl::StripAsciiWhitespace(cell.text);
  for (const std::string& word : spec.true_words) {
    if (absl::EqualsIgnoreCase(text, word)) return Value::Boolean(true);
  }
  for (const std::string& word : spec.false_words) {
    if (absl::EqualsIgnoreCase(text, word)) return Value::Boolean(false);
  }
  for (absl::string_view word : {"true", "yes", "y", "1"}) {
    if (absl::EqualsIgnoreCase(text, word)) return Value::Boolean(true);
  }
  for (absl::string_view word : {"false", "no", "n", "0"}) {
    if (absl::EqualsIgnoreCase(text, word)) return Value::Boolean(false);
  }
  return NotOfType(field, "a yes or no", cell.text);
}

absl::StatusOr<absl::Time> TimeIn(const std::string& field,
                                  const ColumnSpec& spec,
                                  absl::string_view text) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(spec.format, text, absl::UTCTimeZone(), &time, &error)) {
    return BadFormat(
        field,
        absl::StrCat("a time in the format '", spec.format.substr(0, 64), "'"),
        text);
  }
  return time;
}

absl::StatusOr<Value> Date(const std::string& field, const ColumnSpec& spec,
                           const Cell& cell) {
  if (cell.kind == Cell::Kind::kJson) {
    return NotOfType(field, "a date", "(JSON)");
  }
  std::string text(absl::StripAsciiWhitespace(cell.text));
  if (spec.format.empty()) return Value::Date(std::move(text));
  CRM_ASSIGN_OR_RETURN(absl::Time time, TimeIn(field, spec, text));
  return Value::Date(absl::FormatTime("%Y-%m-%d", time, absl::UTCTimeZone()));
}

absl::StatusOr<Value> DateTime(const std::string& field, const ColumnSpec& spec,
                               const Cell& cell) {
  if (cell.kind == Cell::Kind::kJson) {
    // As crm_export writes them: UTC microseconds.
    CRM_ASSIGN_OR_RETURN(Value us, Integer(field, cell));
    return Value::DateTime(us.integer);
  }
  absl::string_view text = absl::StripAsciiWhitespace(cell.text);
  if (spec.format.empty()) {
    absl::StatusOr<int64_t> us = ParseDateTime(text);
    if (!us.ok()) {
      return BadFormat(field, "an ISO-8601 datetime (2024-03-01T09:30:00Z)",
                       text);
    }
    return Value::DateTime(*us);
  }
  CRM_ASSIGN_OR_RETURN(absl::Time time, TimeIn(field, spec, text));
  if (time < absl::FromUnixMicros(kMinDateTimeUs) ||
      time > absl::FromUnixMicros(kMaxDateTimeUs)) {
    return MakeError(
        ErrorCode::kValidation,
        absl::StrCat("field '", field, "': outside the years 0001 to 9999"),
        field, Rule::kRange);
  }
  return Value::DateTime(absl::ToUnixMicros(time));
}

absl::StatusOr<Value> ListOf(const std::string& field,
                             const google::protobuf::ListValue& list) {
  std::vector<std::string> items;
  for (const google::protobuf::Value& item : list.values()) {
    if (item.kind_case() != google::protobuf::Value::kStringValue) {
      return NotOfType(field, "a list of strings", "(JSON)");
    }
    items.push_back(item.string_value());
  }
  return Value::List(std::move(items));
}

absl::StatusOr<Value> List(const std::string& field, const ColumnSpec& spec,
                           const Cell& cell) {
  if (cell.kind == Cell::Kind::kJson) {
    if (cell.json.kind_case() != google::protobuf::Value::kListValue) {
      return NotOfType(field, "a list", "(JSON)");
    }
    return ListOf(field, cell.json.list_value());
  }
  std::vector<std::string> items;
  if (spec.separator) {
    for (absl::string_view item : absl::StrSplit(cell.text, *spec.separator)) {
      item = absl::StripAsciiWhitespace(item);
      if (!item.empty()) items.emplace_back(item);
    }
    return Value::List(std::move(items));
  }
  absl::string_view text = absl::StripAsciiWhitespace(cell.text);
  if (!absl::StartsWith(text, "[")) {
    // One item, as a list of one.
    return Value::List({std::string(text)});
  }
  ListValue list;
  if (!google::protobuf::util::JsonStringToMessage(
           google::protobuf::StringPiece(text.data(), text.size()), &list)
           .ok()) {
    return NotOfType(field, "a JSON array of strings", text);
  }
  return ListOf(field, list);
}

}  // namespace

absl::StatusOr<Value> ParseCell(FieldType type, const std::string& field,
                                const ColumnSpec& spec, const Cell& cell) {
  switch (ValueKindOf(type)) {
    case ValueKind::kInteger:
      return Integer(field, cell);
    case ValueKind::kDecimal:
      return Decimal(field, spec, cell);
    case ValueKind::kBoolean:
      return Boolean(field, spec, cell);
    case ValueKind::kDate:
      return Date(field, spec, cell);
    case ValueKind::kDateTime:
      return DateTime(field, spec, cell);
    case ValueKind::kList:
      return List(field, spec, cell);
    case ValueKind::kText:
    case ValueKind::kNull:
      break;
  }
  if (cell.kind == Cell::Kind::kJson) {
    if (cell.json.kind_case() == google::protobuf::Value::kNumberValue) {
      // A number for a text field (a phone, a code): its digits.
      return Value::Text(NumberText(cell.json.number_value()));
    }
    return NotOfType(field, "text", "(JSON)");
  }
  return Value::Text(cell.text);
}

Value FreeValueOf(const Cell& cell) {
  if (cell.kind == Cell::Kind::kText) return Value::Text(cell.text);
  if (cell.kind == Cell::Kind::kAbsent) return Value::Null();
  const google::protobuf::Value& json = cell.json;
  switch (json.kind_case()) {
    case google::protobuf::Value::kNumberValue: {
      double number = json.number_value();
      if (number == std::trunc(number) &&
          std::fabs(number) <= kMaxExactDouble) {
        return Value::Integer(static_cast<int64_t>(number));
      }
      return Value::Decimal(NumberText(number));
    }
    case google::protobuf::Value::kBoolValue:
      return Value::Boolean(json.bool_value());
    case google::protobuf::Value::kListValue: {
      std::vector<std::string> items;
      bool strings = true;
      for (const google::protobuf::Value& item : json.list_value().values()) {
        strings &= item.kind_case() == google::protobuf::Value::kStringValue;
        if (strings) items.push_back(item.string_value());
      }
      if (strings) return Value::List(std::move(items));
      break;
    }
    default:
      break;
  }
  std::string text;
  (void)google::protobuf::util::MessageToJsonString(json, &text);
  return Value::Text(std::move(text));
}

}  // namespace crm::core::import
