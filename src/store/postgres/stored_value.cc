#include "store/postgres/stored_value.h"

#include <charconv>
#include <cmath>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "base/json_text.h"

namespace crm::store::postgres {
namespace {

// A double in plain decimal notation (no exponent: numeric would keep no
// fraction of 1e300) with at least one fractional digit, the shortest text
// that reads back as the same double. 1e308 and 5e-324 need ~330 bytes.
std::string DoubleText(double number) {
  char buffer[400];
  std::to_chars_result written = std::to_chars(
      buffer, buffer + sizeof(buffer), number, std::chars_format::fixed);
  std::string text(buffer, written.ptr);
  if (text.find('.') == std::string::npos) text += ".0";
  return text;
}

absl::Status InvalidValue(absl::string_view why) {
  return MakeError(ErrorCode::kInvalidArgument,
                   absl::StrCat("PostgreSQL cannot store the value: ", why));
}

}  // namespace

absl::StatusOr<std::string> JsonOf(const SqlValue& value) {
  if (std::holds_alternative<std::string>(value)) {
    CRM_ASSIGN_OR_RETURN(std::string checked, StoredText(value));
    std::string json;
    AppendJsonString(checked, &json);
    return json;
  }
  return StoredText(value);
}

absl::Status CheckColumnName(absl::string_view column) {
  bool valid = !column.empty() && column.size() <= 63 &&
               absl::ascii_islower(static_cast<unsigned char>(column[0]));
  for (char c : column) {
    valid &= absl::ascii_islower(static_cast<unsigned char>(c)) ||
             absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '_';
  }
  if (valid) return absl::OkStatus();
  return MakeError(ErrorCode::kInvalidArgument,
                   absl::StrCat("'", column, "' is not a customer column name"),
                   "column", Rule::kNone);
}

absl::StatusOr<std::string> StoredText(const SqlValue& value) {
  if (const int64_t* integer = std::get_if<int64_t>(&value)) {
    return absl::StrCat(*integer);
  }
  if (const double* number = std::get_if<double>(&value)) {
    if (!std::isfinite(*number)) return InvalidValue("a number is not finite");
    return DoubleText(*number);
  }
  if (const std::string* text = std::get_if<std::string>(&value)) {
    if (text->find('\0') != std::string::npos) {
      return InvalidValue("text holds a NUL byte");
    }
    return *text;
  }
  return InvalidValue(IsNull(value) ? "NULL has no stored text"
                                    : "customer values hold no bytes");
}

absl::StatusOr<ValuePatch> PatchOf(const ColumnValues& values) {
  if (values.columns.size() != values.values.size()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a customer write names more columns than values");
  }
  std::string patch = "{";
  std::string removed = "{";
  for (size_t i = 0; i < values.columns.size(); ++i) {
    const std::string& column = values.columns[i];
    CRM_RETURN_IF_ERROR(CheckColumnName(column));
    if (IsNull(values.values[i])) {
      absl::StrAppend(&removed, removed.size() > 1 ? "," : "", column);
      continue;
    }
    CRM_ASSIGN_OR_RETURN(std::string json, JsonOf(values.values[i]));
    absl::StrAppend(&patch, patch.size() > 1 ? "," : "", "\"", column,
                    "\":", json);
  }
  return ValuePatch{patch + "}", removed + "}"};
}

absl::StatusOr<SqlValue> StoredValue(bool absent, absl::string_view type,
                                     absl::string_view text,
                                     absl::string_view column) {
  if (absent) return SqlValue();
  if (type == "string") return SqlValue(std::string(text));
  if (type == "number") {
    if (text.find_first_of(".eE") == absl::string_view::npos) {
      int64_t integer = 0;
      if (absl::SimpleAtoi(text, &integer)) return SqlValue(integer);
    } else {
      double number = 0;
      if (absl::SimpleAtod(text, &number) && std::isfinite(number)) {
        return SqlValue(number);
      }
    }
    return DamagedValue(
        absl::StrCat("column '", column,
                     "' holds a number out of range: ", text.substr(0, 40)),
        column);
  }
  return DamagedValue(absl::StrCat("column '", column, "' holds a JSON ", type,
                                   ", which libcrm never stores"),
                      column);
}

}  // namespace crm::store::postgres
