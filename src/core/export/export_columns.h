// The columns of a bulk export (crm.h, crm_export): which the file holds
// and what the query behind it selects to fill them.
#ifndef CRM_CORE_EXPORT_EXPORT_COLUMNS_H_
#define CRM_CORE_EXPORT_EXPORT_COLUMNS_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/access.h"
#include "core/query_checker.h"
#include "core/schema.h"

namespace crm::core {

// The members of an event an export writes by default, in this order.
// "properties" is the event's properties as one JSON object.
inline constexpr const char* kEventColumns[] = {
    "seq",     "customer_id", "occurred_at", "recorded_at",     "type",
    "channel", "actor",       "source",      "idempotency_key", "properties"};

struct ExportColumns {
  // The file's columns, as the header (or the JSON keys) names them.
  std::vector<std::string> names;
  // What the query selects: every column but "properties", in order.
  std::vector<std::string> select;
  // Whether the columns name an archived field (the query must then
  // include archived fields).
  bool include_archived = false;
  // Events: the index in `names` of the properties column, or npos.
  size_t properties = std::string::npos;
};

// The columns of an export of `target`: `fields` as the host named them
// (each once, none empty: the C ABI checks that), or when empty the
// default: for customers "id" and every field that is not archived and
// that `access` (null: unrestricted) reads, by field id; for events every
// member of kEventColumns. Customer columns are "id" and field names,
// archived ones included; event columns are the members, and what an
// event query selects ("customer.<field>", "properties.<name>"). A name
// that is none of these fails with kNotFound, rule "unknown_field", naming
// it. A field the profile hides is left to the query, which refuses it
// (rule "hidden").
absl::StatusOr<ExportColumns> ExportColumnsOf(
    const Schema& schema, QueryTarget target,
    const std::vector<std::string>& fields, const Access* access);

}  // namespace crm::core

#endif  // CRM_CORE_EXPORT_EXPORT_COLUMNS_H_
