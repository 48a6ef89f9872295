// The types a field can have, and what each accepts.
#ifndef CRM_CORE_FIELD_TYPE_H_
#define CRM_CORE_FIELD_TYPE_H_

#include <cstddef>
#include <optional>

#include "absl/strings/string_view.h"
#include "core/value.h"

namespace crm::core {

enum class FieldType {
  kText,
  kLongText,
  kInteger,
  kDecimal,
  kBoolean,
  kDate,
  kDateTime,
  kChoice,
  kMultiChoice,
  kTags,
  kEmail,
  kPhone,
  kUrl,
  kReference,
};

std::optional<FieldType> ParseFieldType(absl::string_view name);
const char* FieldTypeName(FieldType type);

// The kind of value a field of `type` takes.
ValueKind ValueKindOf(FieldType type);

// True for the types whose values are text (text, long text, email, phone,
// url, choice).
bool IsTextual(FieldType type);
// True for multi_choice and tags.
bool IsList(FieldType type);

// The most bytes a text value (or one list item) of `type` may have.
size_t MaxValueBytes(FieldType type);

}  // namespace crm::core

#endif  // CRM_CORE_FIELD_TYPE_H_
