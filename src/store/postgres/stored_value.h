// Customer values on PostgreSQL: one jsonb object per customer, keyed by the
// column names the core uses ("email", "f_12"), because many workspaces
// share crm_customers and user fields cannot each be a table column
// (PostgreSQL allows 1,600 columns per table).
//
// SqlValue mapping: integer -> JSON number without fraction (decimals arrive
// as scaled integers and stay exact: jsonb numbers are `numeric`); double ->
// JSON number always written with a fraction, so 3.0 reads back as a double;
// text -> JSON string; NULL -> the key is absent. Read back by the JSON
// token's form; anything else (object, array, boolean, JSON null, a number
// out of range) is a damaged value, never a crash. Stateless; thread-safe.
#ifndef CRM_STORE_POSTGRES_STORED_VALUE_H_
#define CRM_STORE_POSTGRES_STORED_VALUE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "store/rows.h"
#include "store/sql_value.h"

namespace crm::store::postgres {

// Column names are spliced into SQL (index expressions need literals): 1 to
// 63 of [a-z0-9_], starting with a letter. kInvalidArgument otherwise.
absl::Status CheckColumnName(absl::string_view column);

// The text `data ->> column` shows for a non-null integer, double or text
// value; kInvalidArgument for a blob, a NUL byte in text, or a double that
// is not finite.
absl::StatusOr<std::string> StoredText(const SqlValue& value);
// The JSON token stored for a non-null value (what `data -> column` equals);
// errors as StoredText().
absl::StatusOr<std::string> JsonOf(const SqlValue& value);

// A change to a customer's values: `patch`, a JSON object of the non-null
// values to merge in, and `removed`, a text[] literal of the columns set to
// NULL. Errors as CheckColumnName() and StoredText().
struct ValuePatch {
  std::string patch;
  std::string removed;
};
absl::StatusOr<ValuePatch> PatchOf(const ColumnValues& values);

// The value read back from `jsonb_typeof(data -> column)` and
// `data ->> column` (`type` null when the key is absent: SQL NULL).
absl::StatusOr<SqlValue> StoredValue(bool absent, absl::string_view type,
                                     absl::string_view text,
                                     absl::string_view column);

}  // namespace crm::store::postgres

#endif  // CRM_STORE_POSTGRES_STORED_VALUE_H_
