// Reading event properties straight from an event's encoded body (a
// crm.wire.EventBody, as the core stores it), for the storage backends: the
// body is the only copy of the properties a workspace keeps (SQLite), and
// the source of the JSON a backend indexes (PostgreSQL's jsonb column).
//
// A plain protobuf wire scan, no message parse, and no dependency on the
// protobuf library (the PostgreSQL plugin links none). The bytes are
// untrusted: anything that is not a well-formed body (truncated lengths or
// varints, group or unknown wire types, field number 0, text that is not
// UTF-8) is a damaged-value error (kIo, rule "damaged"), never a crash.
// Unknown fields are skipped, as a parser would. Repeated fields merge as a
// parser merges them: the last name of a property wins, and a property's
// value is the merge of its value fields (the last kind set wins; lists set
// one after another concatenate).
//
// Thread-safe: pure functions of their arguments. Views returned point into
// the `body` passed in and live as long as it does.
#ifndef CRM_STORE_EVENT_BODY_H_
#define CRM_STORE_EVENT_BODY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "store/sql_value.h"

namespace crm::store {

// One property value of an encoded body (crm.wire.Value), checked
// well-formed: texts are UTF-8 and lists are well-formed StringLists.
struct BodyValue {
  enum class Kind {
    kNull,  // no kind set
    kText,
    kInteger,
    kDecimal,   // `text` as written, e.g. "12.50"
    kBoolean,   // `integer` 0 or 1
    kDate,      // `text`, "YYYY-MM-DD"
    kDateTime,  // `integer`, UTC microseconds
    kList,
  };
  Kind kind = Kind::kNull;
  absl::string_view text;
  int64_t integer = 0;
  // kList: the encoded StringList messages whose items, in order, are the
  // list's.
  absl::InlinedVector<absl::string_view, 1> lists;
};

// The value of the first property named `key` in `body`; nullopt when no
// property has that name.
absl::StatusOr<std::optional<BodyValue>> FindBodyProperty(
    absl::string_view body, absl::string_view key);

// `value` as the query language reads a property, the same SQL value that
// SQLite's json_extract() gives for it in the properties' JSON object (see
// AppendBodyValueJson): text and dates as TEXT; integers, datetimes and
// booleans (1/0) as INTEGER; decimals as INTEGER when whole, else REAL;
// lists as the TEXT of their JSON array; null (and a decimal that is not
// one) as NULL.
SqlValue BodyValueForQuery(const BodyValue& value);

// Appends `value` as JSON: texts, dates and list items as strings;
// integers, datetimes (us) and decimals (in canonical form, exactly as
// written) as numbers; booleans as true/false; null (and a decimal that is
// not one) as null.
void AppendBodyValueJson(const BodyValue& value, std::string* out);

// The body's properties as one JSON object text, in stored order, values as
// AppendBodyValueJson() writes them; "" for a body without properties.
absl::StatusOr<std::string> BodyPropertiesJson(absl::string_view body);

}  // namespace crm::store

#endif  // CRM_STORE_EVENT_BODY_H_
