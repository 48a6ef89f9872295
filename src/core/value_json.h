// A field or property value in the plain JSON form every JSON libcrm hands
// out uses for it (crm.h, crm_rows_encode_json; the person export): one
// writer, so that a value reads the same in a page and in an export.
#ifndef CRM_CORE_VALUE_JSON_H_
#define CRM_CORE_VALUE_JSON_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "core/customer_record.h"
#include "core/value.h"

namespace crm::core {

// Appends `value` to `out`: text, decimals (exact decimal text) and dates as
// strings; integers and datetimes (UTC microseconds) as integer numbers, all
// 64 bits; booleans as true or false; lists as arrays of strings; a null as
// null. Thread-safe (a pure function).
void AppendValueJson(const Value& value, std::string* out);

// Named values (event properties, one side of a history change), each name
// once, as one JSON object whose keys are the names in byte order and whose
// values are AppendValueJson()'s. The names are borrowed for the call.
using NamedValues = std::vector<std::pair<absl::string_view, Value>>;
void AppendNamedValuesJson(NamedValues values, std::string* out);

// The values of `record` (an event's properties, before or after) as
// AppendNamedValuesJson() writes them.
void AppendRecordValuesJson(const CustomerRecord& record, std::string* out);

}  // namespace crm::core

#endif  // CRM_CORE_VALUE_JSON_H_
