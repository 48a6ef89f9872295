#include "core/as_of.h"

#include <optional>
#include <utility>

#include "base/error.h"
#include "core/record_scope.h"
#include "core/valid_time.h"
#include "store/backend.h"

namespace crm::core {
namespace {

void AddColumns(const store::Condition& condition,
                std::set<std::string>* columns) {
  if (condition.kind == store::Condition::Kind::kCompare) {
    if (condition.column.table == store::Table::kCustomers) {
      columns->insert(condition.column.column);
    }
    return;
  }
  for (const store::Condition& child : condition.children) {
    AddColumns(child, columns);
  }
}

void AddColumn(const store::ColumnRef& column, std::set<std::string>* columns) {
  if (column.table == store::Table::kCustomers) columns->insert(column.column);
}

// A field's value at an instant in its stored form. A value of the past
// that today's rules refuse (an option since removed) is still shown as it
// was; one that no longer fits the field's type at all reads as empty.
store::SqlValue StoredAt(const Field& field, const Value& value) {
  if (value.kind == ValueKind::kNull) return store::SqlValue();
  absl::StatusOr<store::SqlValue> stored = field.ToStored(value);
  if (stored.ok()) return *std::move(stored);
  stored = field.ToComparable(value);
  return stored.ok() ? *std::move(stored) : store::SqlValue();
}

}  // namespace

std::set<std::string> ColumnsOf(const std::optional<store::Condition>& where) {
  std::set<std::string> columns;
  if (where) AddColumns(*where, &columns);
  return columns;
}

std::set<std::string> ColumnsOf(const store::SelectPlan& plan) {
  std::set<std::string> columns = ColumnsOf(plan.where);
  for (const store::ColumnRef& column : plan.columns) {
    AddColumn(column, &columns);
  }
  for (const store::SortKey& sort : plan.sort) AddColumn(sort.column, &columns);
  return columns;
}

std::set<std::string> ColumnsOf(const store::AggregatePlan& plan) {
  std::set<std::string> columns = ColumnsOf(plan.where);
  for (const store::GroupKey& key : plan.groups)
    AddColumn(key.column, &columns);
  for (const store::AggregateColumn& aggregate : plan.aggregates) {
    if (aggregate.column) AddColumn(*aggregate.column, &columns);
  }
  return columns;
}

absl::Status FillAsOf(Session& session, const std::vector<int64_t>& instants,
                      int64_t known_at_us,
                      const std::set<std::string>& columns) {
  // The stored fields the query reads; id, version and the times are
  // always filled.
  std::vector<const Field*> fields;
  std::vector<std::string> names;
  for (const Field* field : session.schema().stored_fields()) {
    if (columns.count(field->column()) == 0) continue;
    fields.push_back(field);
    names.push_back(field->column());
  }
  std::vector<store::AsOfRow> rows;
  RecordTimeline timeline;
  int64_t customer_id = 0;
  auto add_rows = [&] {
    if (customer_id == 0) return;
    for (int64_t instant : instants) {
      if (!timeline.ExistsAt(instant)) continue;
      store::AsOfRow& row = rows.emplace_back();
      row.valid_at_us = instant;
      row.customer.id = customer_id;
      row.customer.version = timeline.VersionAt(instant);
      row.customer.created_at_us = timeline.created_at_us;
      row.customer.updated_at_us = timeline.UpdatedAt(instant);
      row.customer.values.reserve(fields.size());
      for (const Field* field : fields) {
        auto it = timeline.fields.find(field->id());
        row.customer.values.push_back(
            it == timeline.fields.end()
                ? store::SqlValue()
                : StoredAt(*field, it->second.At(instant)));
      }
    }
  };
  CRM_RETURN_IF_ERROR(session.backend().ForEachHistoryRow(
      known_at_us, [&](const store::EventRow& row) {
        if (row.customer_id != customer_id) {
          add_rows();
          timeline = RecordTimeline();
          customer_id = row.customer_id;
        }
        ApplyHistoryRow(row, &timeline);
        return absl::OkStatus();
      }));
  add_rows();
  // A restricted handle sees the customers in its scope now, as
  // crm_customer_get_at() does.
  CRM_ASSIGN_OR_RETURN(std::optional<store::Condition> scope,
                       ScopeCondition(session));
  if (session.access() != nullptr && !scope) {
    // No scope: every customer that exists now.
    scope.emplace();
    scope->column = {store::Table::kCustomers, "id", false, false, false, ""};
    scope->op = store::Compare::kIsNotNull;
  }
  return session.backend().FillAsOf(names, rows, scope);
}

}  // namespace crm::core
