#include "history_table.h"

#include <algorithm>
#include <cstdio>

#include "event_table.h"
#include "time_text.h"

namespace crm::cli {

std::string IsoDuration(int64_t us) {
  constexpr int64_t kSecond = 1'000'000;
  int64_t days = us / (86'400 * kSecond);
  int64_t rest = us % (86'400 * kSecond);
  int64_t hours = rest / (3'600 * kSecond);
  int64_t minutes = rest / (60 * kSecond) % 60;
  int64_t seconds = rest / kSecond % 60;
  int64_t fraction = rest % kSecond;
  std::string text = "P";
  if (days > 0) text += std::to_string(days) + "D";
  if (rest == 0) return days > 0 ? text : "PT0S";
  text += "T";
  if (hours > 0) text += std::to_string(hours) + "H";
  if (minutes > 0) text += std::to_string(minutes) + "M";
  if (seconds > 0 || fraction > 0) {
    text += std::to_string(seconds);
    if (fraction > 0) {
      char digits[8];
      std::snprintf(digits, sizeof digits, ".%06lld",
                    static_cast<long long>(fraction));
      std::string decimals = digits;
      decimals.erase(decimals.find_last_not_of('0') + 1);
      text += decimals;
    }
    text += "S";
  }
  return text;
}

Table HistoryTable(crm_field_timeline* timeline, int64_t from_us,
                   int64_t to_us) {
  Table table{{"value", "valid_from", "valid_to", "recorded_at", "held"}, {}};
  for (size_t i = 0; i < crm_field_timeline_size(timeline); ++i) {
    int64_t from = crm_field_timeline_from(timeline, i);
    int64_t to = crm_field_timeline_to(timeline, i);
    if (from >= to_us || to <= from_us) continue;
    // The current interval ends, for `held`, when the timeline was read.
    int64_t end = to == CRM_TIME_MAX
                      ? from + crm_field_timeline_duration(timeline, i)
                      : to;
    int64_t held =
        std::max<int64_t>(0, std::min(end, to_us) - std::max(from, from_us));
    Cell value = RecordObject(crm_field_timeline_value(timeline, i));
    table.rows.push_back(
        {value.empty() ? Cell() : value.begin().value(), IsoFromMicros(from),
         to == CRM_TIME_MAX ? Cell() : Cell(IsoFromMicros(to)),
         IsoFromMicros(crm_field_timeline_recorded_at(timeline, i)),
         IsoDuration(held)});
  }
  return table;
}

}  // namespace crm::cli
