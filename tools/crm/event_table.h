// Events as the tool's tables: a customer's timeline page as rows of seq,
// occurred_at, type, channel, actor, source and properties.
#ifndef CRM_TOOLS_CRM_EVENT_TABLE_H_
#define CRM_TOOLS_CRM_EVENT_TABLE_H_

#include "crm/crm.h"
#include "output.h"

namespace crm::cli {

// A record's fields as one JSON object, name to value (datetimes as ISO
// 8601 text, lists as arrays); {} for an empty record. Throws Failure when
// libcrm cannot encode it.
Cell RecordObject(crm_record* record);

// The columns of an events table, with no rows.
Table EmptyEventsTable();

// Appends one row per event of `page` to `table` (made by
// EmptyEventsTable). "properties" is the event's properties as an object;
// for libcrm's own history events (crm.record.*) it is {"before": {...},
// "after": {...}}, the changed fields' values before and after the change.
// Missing channel, actor and source are null.
void AppendEvents(crm_event_page* page, Table& table);

}  // namespace crm::cli

#endif  // CRM_TOOLS_CRM_EVENT_TABLE_H_
