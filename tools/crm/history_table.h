// A field's timeline in valid time (crm history) as the tool's table: one
// row per interval with its value, valid_from, valid_to, recorded_at and
// held.
#ifndef CRM_TOOLS_CRM_HISTORY_TABLE_H_
#define CRM_TOOLS_CRM_HISTORY_TABLE_H_

#include <cstdint>
#include <string>

#include "crm/crm.h"
#include "output.h"

namespace crm::cli {

// A length of time as an ISO 8601 duration in days, hours, minutes and
// seconds: "P152D", "PT9H30M", "P1DT0.5S", "PT0S". `us` >= 0.
std::string IsoDuration(int64_t us);

// The intervals of `timeline` that overlap the valid-time window [from_us,
// to_us) (CRM_TIME_MIN / CRM_TIME_MAX: unbounded), oldest first. valid_to is
// null for the current interval; held is how long the interval lies within
// the window, the current one counted up to when the timeline was read.
Table HistoryTable(crm_field_timeline* timeline, int64_t from_us,
                   int64_t to_us);

}  // namespace crm::cli

#endif  // CRM_TOOLS_CRM_HISTORY_TABLE_H_
