#include "core/field_type.h"

#include <array>
#include <utility>

namespace crm::core {
namespace {

constexpr std::array<std::pair<FieldType, const char*>, 14> kNames = {{
    {FieldType::kText, "text"},
    {FieldType::kLongText, "long_text"},
    {FieldType::kInteger, "integer"},
    {FieldType::kDecimal, "decimal"},
    {FieldType::kBoolean, "boolean"},
    {FieldType::kDate, "date"},
    {FieldType::kDateTime, "datetime"},
    {FieldType::kChoice, "choice"},
    {FieldType::kMultiChoice, "multi_choice"},
    {FieldType::kTags, "tags"},
    {FieldType::kEmail, "email"},
    {FieldType::kPhone, "phone"},
    {FieldType::kUrl, "url"},
    {FieldType::kReference, "reference"},
}};

}  // namespace

std::optional<FieldType> ParseFieldType(absl::string_view name) {
  for (const auto& [type, type_name] : kNames) {
    if (name == type_name) return type;
  }
  return std::nullopt;
}

const char* FieldTypeName(FieldType type) {
  for (const auto& [candidate, name] : kNames) {
    if (candidate == type) return name;
  }
  return "unknown";
}

ValueKind ValueKindOf(FieldType type) {
  switch (type) {
    case FieldType::kInteger:
    case FieldType::kReference:
      return ValueKind::kInteger;
    case FieldType::kDecimal:
      return ValueKind::kDecimal;
    case FieldType::kBoolean:
      return ValueKind::kBoolean;
    case FieldType::kDate:
      return ValueKind::kDate;
    case FieldType::kDateTime:
      return ValueKind::kDateTime;
    case FieldType::kMultiChoice:
    case FieldType::kTags:
      return ValueKind::kList;
    default:
      return ValueKind::kText;
  }
}

bool IsTextual(FieldType type) { return ValueKindOf(type) == ValueKind::kText; }

bool IsList(FieldType type) { return ValueKindOf(type) == ValueKind::kList; }

size_t MaxValueBytes(FieldType type) {
  switch (type) {
    case FieldType::kLongText:
      return 16 * 1024 * 1024;
    case FieldType::kText:
      return 65535;
    case FieldType::kUrl:
      return 2048;
    case FieldType::kEmail:
      return 254;
    case FieldType::kPhone:
      return 40;
    default:
      return 255;  // choice options, list items
  }
}

}  // namespace crm::core
