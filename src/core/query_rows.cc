#include "core/query_rows.h"

#include <string>
#include <utility>

#include "core/query_access.h"
#include "core/visible_stamp.h"

namespace crm::core {

// The fields a query returns: those asked for, or every active one (that
// `access`, when set, reads).
absl::StatusOr<std::vector<QueryField>> SelectedFields(
    const Schema& schema, const QueryRequest& request, const Access* access) {
  std::vector<std::string> names = request.select;
  if (names.empty()) {
    if (request.target == QueryTarget::kEvents) {
      names = {"customer_id", "type",       "channel",
               "actor",       "source",     "idempotency_key",
               "occurred_at", "recorded_at"};
    } else {
      for (const Field* field : schema.stored_fields()) {
        names.push_back(field->name());
      }
      names.push_back("created_at");
      names.push_back("updated_at");
      if (access != nullptr) {
        std::erase_if(names, [&](const std::string& name) {
          return !access->Reads(*schema.Find(name));
        });
      }
    }
  }
  std::vector<QueryField> fields;
  for (const std::string& name : names) {
    CRM_ASSIGN_OR_RETURN(QueryField field,
                         ResolveQueryField(schema, request.target, name,
                                           request.include_archived));
    if (access != nullptr) {
      CRM_RETURN_IF_ERROR(
          CheckFieldUse(*access, schema, field, FieldUse::kRead));
    }
    fields.push_back(std::move(field));
  }
  return fields;
}

// A record of one result row. On a restricted session, masked values are
// masked, and a customer's version and updated_at are those it shows the
// profile (visible_stamp.h).
absl::StatusOr<CustomerRecord> RowRecord(Session& session,
                                         const std::vector<QueryField>& fields,
                                         const store::SelectedRow& row,
                                         QueryTarget target) {
  const Access* access = session.access();
  CustomerRecord record;
  record.id = row.id;
  record.version = target == QueryTarget::kCustomers ? row.version : 0;
  record.values.reserve(fields.size());
  Value* updated_at = nullptr;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (store::IsNull(row.values[i])) continue;
    CRM_ASSIGN_OR_RETURN(Value value, ResultValue(fields[i], row.values[i]));
    const Field* field = fields[i].field;
    if (access != nullptr && field != nullptr && !access->ReadsPlain(*field)) {
      value = MaskValue(*field, value);
    }
    record.values.push_back({fields[i].name, std::move(value)});
    if (field != nullptr && field->name() == "updated_at" &&
        target == QueryTarget::kCustomers) {
      updated_at = &record.values.back().value;
    }
  }
  if (access != nullptr && target == QueryTarget::kCustomers) {
    int64_t stored_updated_at =
        updated_at != nullptr && updated_at->kind == ValueKind::kDateTime
            ? updated_at->integer
            : 0;
    CRM_ASSIGN_OR_RETURN(
        VisibleStamp stamp,
        VisibleStampOf(session, record.id, record.version, stored_updated_at));
    record.version = stamp.version;
    if (updated_at != nullptr && updated_at->kind == ValueKind::kDateTime) {
      *updated_at = Value::DateTime(stamp.updated_at_us);
    }
  }
  return record;
}

}  // namespace crm::core
