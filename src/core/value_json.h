// A field or property value in the plain JSON form every JSON libcrm hands
// out uses for it (crm.h, crm_rows_encode_json; the person export): one
// writer, so that a value reads the same in a page and in an export.
#ifndef CRM_CORE_VALUE_JSON_H_
#define CRM_CORE_VALUE_JSON_H_

#include <string>

#include "core/value.h"

namespace crm::core {

// Appends `value` to `out`: text, decimals (exact decimal text) and dates as
// strings; integers and datetimes (UTC microseconds) as integer numbers, all
// 64 bits; booleans as true or false; lists as arrays of strings; a null as
// null. Thread-safe (a pure function).
void AppendValueJson(const Value& value, std::string* out);

}  // namespace crm::core

#endif  // CRM_CORE_VALUE_JSON_H_
