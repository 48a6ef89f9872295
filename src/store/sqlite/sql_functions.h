// SQL functions libcrm adds to each of its connections.
#ifndef CRM_STORE_SQLITE_SQL_FUNCTIONS_H_
#define CRM_STORE_SQLITE_SQL_FUNCTIONS_H_

struct sqlite3;

namespace crm::store::sqlite {

// The aggregates a query uses to add up values exactly:
//   crm_decimal_sum(value, name)
// adds the decimal text of each non-null `value` (a JSON number as written,
// e.g. `crm_property_json(body, 'amount')`; JSON null counts as missing) and
// returns the sum as decimal text with the widest scale seen, or NULL when
// nothing was added. Any other value, or a sum outside int64, fails the
// statement with SQLITE_MISMATCH and a message that starts with `name` in
// single quotes (see StatusFromSqlite).
//   crm_integer_sum(value, name)
// adds the integers `value` (fields' integers and decimals' scaled units),
// NULL when there were none; any other value, or a sum outside int64, fails
// the same way (SQLite's own sum() would fail with a bare "integer
// overflow").
// The readers of event properties in an event's encoded body (BLOB; see
// store/event_body.h), `key` a property name:
//   crm_property(body, key)
// the property as the query language reads it, the SQL value json_extract()
// gives over the properties' JSON object (BodyValueForQuery); NULL when the
// body has no such property.
//   crm_property_json(body, key)
// its JSON text (AppendBodyValueJson), as `json -> '$.key'` gives it.
//   crm_property_list(body, key)
// the JSON array text of a list property; NULL for any other value.
// A damaged body fails the statement with SQLITE_CORRUPT (kIo). All are
// deterministic and innocuous.
// Returns a SQLite result code.
int RegisterSqlFunctions(sqlite3* db);

}  // namespace crm::store::sqlite

#endif  // CRM_STORE_SQLITE_SQL_FUNCTIONS_H_
