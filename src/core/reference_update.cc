#include "core/reference_update.h"

#include <utility>

#include "base/error.h"
#include "core/field_type.h"
#include "core/history.h"
#include "core/schema.h"
#include "store/rows.h"

namespace crm::core {

absl::StatusOr<ReferenceHolders> HoldersOfReferencesTo(
    Session& session, int64_t id,
    const absl::flat_hash_set<int64_t>& excluded) {
  ReferenceHolders holders;
  for (const auto& field : session.schema().fields()) {
    if (field->type() != FieldType::kReference) continue;
    CRM_ASSIGN_OR_RETURN(
        std::vector<int64_t> ids,
        session.backend().CustomersReferencing(field->column(), id));
    for (int64_t holder : ids) {
      if (!excluded.contains(holder)) holders[holder].push_back(field.get());
    }
  }
  return holders;
}

absl::StatusOr<std::vector<const Field*>> RepointReferences(
    Session& session, int64_t holder, const std::vector<const Field*>& fields,
    int64_t from, std::optional<int64_t> to, const std::string& actor,
    int64_t now_us) {
  store::Backend& backend = session.backend();
  std::vector<std::string> columns;
  for (const Field* field : fields) columns.push_back(field->column());
  // Read again under the write's lock (PostgreSQL), which the update below
  // relies on.
  CRM_ASSIGN_OR_RETURN(
      auto current,
      backend.SelectCustomer(columns, "id", store::SqlValue(holder), false));
  std::vector<const Field*> changed;
  if (!current) return changed;
  const store::SqlValue old_stored(from);
  store::SqlValue new_stored;
  if (to) new_stored = *to;
  const Value new_value = to ? Value::Integer(*to) : Value::Null();
  store::ColumnValues values;
  std::vector<FieldChangeValue> changes;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (current->values[i] != old_stored) continue;
    CRM_ASSIGN_OR_RETURN(Value old_value,
                         fields[i]->FromStored(current->values[i]));
    changes.push_back({fields[i], std::move(old_value), new_value});
    values.columns.push_back(fields[i]->column());
    values.values.push_back(new_stored);
    changed.push_back(fields[i]);
  }
  if (changes.empty()) return changed;
  CRM_RETURN_IF_ERROR(
      backend.UpdateCustomer(holder, current->version + 1, now_us, values));
  CRM_RETURN_IF_ERROR(RecordHistory(session, holder, HistoryKind::kUpdated,
                                    changes, actor, HistoryTime::Live(now_us)));
  return changed;
}

}  // namespace crm::core
