// The values of a customer write as given on the command line, as a
// crm_record: "field=value", typed by the field's definition, and
// "field:=JSON", an explicit JSON value (null clears the field).
#ifndef CRM_TOOLS_CRM_VERBS_CUSTOMER_WRITE_VALUES_H_
#define CRM_TOOLS_CRM_VERBS_CUSTOMER_WRITE_VALUES_H_

#include <memory>
#include <string>
#include <vector>

#include "crm/crm.h"
#include "owned.h"

namespace crm::cli {

// A record holding each assignment's value. "field=value" is typed by the
// field's type in `db` (crm_field_list, archived fields too):
//   integer, reference     a decimal integer
//   decimal                exact decimal text ("12.50")
//   boolean                true/false, yes/no, 1/0
//   date                   YYYY-MM-DD
//   datetime               ISO 8601 (time_text.h)
//   multi_choice, tags     items separated by commas ("" is no item)
//   other types            text as given
// Text that does not read as the field's type, and a field the workspace
// does not know, go to libcrm as text so that its check names the field
// and the rule (exit 13). "field:=JSON": null clears the field; a string
// is typed as above; true/false; an integer (a datetime field's is UTC
// microseconds, a decimal field's its decimal text); a fraction as decimal
// text; an array of strings as a list. Throws a usage Failure for an
// argument of neither form, JSON that does not parse or cannot be a value,
// and a field named twice.
RecordPtr RecordFromAssignments(crm_db* db,
                                const std::vector<std::string>& assignments);

}  // namespace crm::cli

#endif  // CRM_TOOLS_CRM_VERBS_CUSTOMER_WRITE_VALUES_H_
