#include "event_table.h"

#include <cstddef>
#include <string>

#include "rows_table.h"
#include "time_text.h"

namespace crm::cli {
namespace {

Cell TextOrNull(const char* text) {
  if (text == nullptr || text[0] == '\0') return nullptr;
  return text;
}

}  // namespace

Cell RecordObject(crm_record* record) {
  Cell object = Cell::object();
  if (crm_record_field_count(record) == 0) return object;
  Table row = TableFromRecord(record);  // "id" first
  for (size_t c = 1; c < row.columns.size(); ++c) {
    object[row.columns[c]] = row.rows.at(0)[c];
  }
  return object;
}

Table EmptyEventsTable() {
  return Table{{"seq", "occurred_at", "type", "channel", "actor", "source",
                "properties"},
               {}};
}

void AppendEvents(crm_event_page* page, Table& table) {
  for (size_t i = 0; i < crm_event_page_size(page); ++i) {
    crm_event* event = crm_event_page_at(page, i);
    std::string type = crm_event_type(event);
    Cell properties = RecordObject(crm_event_properties(event));
    if (type.starts_with("crm.record.")) {
      properties["before"] = RecordObject(crm_event_before(event));
      properties["after"] = RecordObject(crm_event_after(event));
    }
    table.rows.push_back({crm_event_seq(event),
                          IsoFromMicros(crm_event_occurred_at(event)), type,
                          TextOrNull(crm_event_channel(event)),
                          TextOrNull(crm_event_actor(event)),
                          TextOrNull(crm_event_source(event)), properties});
  }
}

}  // namespace crm::cli
