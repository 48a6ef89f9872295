#include "core/merge/merge_map.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "core/wire.h"

namespace crm::core::merge {

absl::StatusOr<std::optional<store::MergeRow>> FindMerge(Session& session,
                                                         int64_t id) {
  if (id <= 0) return std::nullopt;
  return session.backend().SelectMerge(id);
}

absl::Status MergedError(const store::MergeRow& row, absl::string_view field) {
  return WithSurvivor(
      MakeError(
          ErrorCode::kMerged,
          absl::StrCat("customer ", row.merged_id, " was merged into customer ",
                       row.survivor_id, " (merge ", row.merge_id,
                       "); write to customer ", row.survivor_id, " instead"),
          field, Rule::kMerge),
      row.survivor_id);
}

absl::Status MissingCustomer(Session& session, int64_t id,
                             absl::string_view field, absl::Status not_found) {
  CRM_ASSIGN_OR_RETURN(std::optional<store::MergeRow> row,
                       FindMerge(session, id));
  if (row) return MergedError(*row, field);
  return not_found;
}

absl::StatusOr<std::vector<int64_t>> MergedInto(Session& session,
                                                int64_t survivor_id) {
  CRM_ASSIGN_OR_RETURN(
      std::vector<store::MergeRow> rows,
      session.backend().SelectMergesBySurvivor(survivor_id, false));
  std::vector<int64_t> ids;
  ids.reserve(rows.size());
  for (const store::MergeRow& row : rows) ids.push_back(row.merged_id);
  return ids;
}

absl::StatusOr<std::optional<std::string>> SnapshotText(
    const Schema& schema, const store::MergeRow& row, absl::string_view name) {
  wire::MergedRecord record;
  if (!record.ParseFromString(row.snapshot) ||
      record.customer().values_size() != record.field_ids_size()) {
    return DamagedValue(absl::StrCat("the merge snapshot of customer ",
                                     row.merged_id, " is damaged"));
  }
  const Field* field = schema.Find(name);
  if (field == nullptr) return std::nullopt;
  for (int i = 0; i < record.field_ids_size(); ++i) {
    if (record.field_ids(i) != field->id()) continue;
    const wire::StoredValue& value = record.customer().values(i);
    if (value.kind_case() == wire::StoredValue::kText) return value.text();
  }
  return std::nullopt;
}

}  // namespace crm::core::merge
