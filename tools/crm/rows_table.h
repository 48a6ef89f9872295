// libcrm's result pages as the tool's tables: rows of a query, search or
// report, and a single record. Values as crm_rows_encode_json() gives them,
// with datetimes turned into ISO 8601 text (time_text.h).
#ifndef CRM_TOOLS_CRM_ROWS_TABLE_H_
#define CRM_TOOLS_CRM_ROWS_TABLE_H_

#include <string>

#include "crm/crm.h"
#include "output.h"

namespace crm::cli {

// The page's rows; when `id_column` is not empty the row ids come first in
// a column of that name ("id" for customers, "seq" for events). Throws
// Failure when libcrm cannot encode the page. `rows` stays owned by the
// caller.
Table TableFromRows(crm_rows* rows, const std::string& id_column);

// The record as a one-row table with an "id" column first (when the record
// has an id) and its fields in order.
Table TableFromRecord(crm_record* record);

// A one-row table turned on its side: columns "field" and "value", one row
// per column of `table` (how a single record reads best on a terminal).
Table Transposed(const Table& one_row);

}  // namespace crm::cli

#endif  // CRM_TOOLS_CRM_ROWS_TABLE_H_
