// The text of a field or property value in a CSV cell of a bulk export
// (crm.h, crm_export): the forms crm_import reads back by default.
#ifndef CRM_CORE_EXPORT_VALUE_TEXT_H_
#define CRM_CORE_EXPORT_VALUE_TEXT_H_

#include <cstdint>
#include <string>

#include "core/value.h"

namespace crm::core {

// Appends `value` to `out` as a CSV cell holds it, unquoted: text as it is;
// integers in decimal; decimals as their exact text ("-12.50"); booleans as
// true or false; dates as "YYYY-MM-DD"; datetimes as UTC ISO-8601 with six
// fraction digits ("2024-03-01T09:30:00.000000Z"); lists as a JSON array
// of strings (["a","b"]); a null as nothing (an empty cell). Thread-safe (a
// pure function).
void AppendValueText(const Value& value, std::string* out);

// Appends UTC microseconds `us` as AppendValueText() writes a datetime.
// Years before 0001 or after 9999 (which libcrm never stores) are written
// as the calendar gives them.
void AppendDateTimeText(int64_t us, std::string* out);

}  // namespace crm::core

#endif  // CRM_CORE_EXPORT_VALUE_TEXT_H_
