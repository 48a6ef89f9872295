#include "core/merge/merge_map.h"

#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
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

absl::StatusOr<wire::MergedRecord> ParseSnapshot(const store::MergeRow& row) {
  wire::MergedRecord record;
  if (!record.ParseFromString(row.snapshot) ||
      record.customer().id() != row.merged_id ||
      record.customer().values_size() != record.field_ids_size() ||
      record.survivor_before_size() != record.survivor_field_ids_size() ||
      record.survivor_after_size() != record.survivor_field_ids_size()) {
    return DamagedValue(absl::StrCat("the merge snapshot of customer ",
                                     row.merged_id, " is damaged"));
  }
  return record;
}

int64_t ChainEnd(const absl::flat_hash_map<int64_t, int64_t>& into,
                 int64_t id) {
  for (size_t steps = 0; steps <= into.size(); ++steps) {
    auto next = into.find(id);
    if (next == into.end()) break;
    id = next->second;
  }
  return id;
}

absl::StatusOr<std::optional<std::string>> SnapshotText(
    const Schema& schema, const store::MergeRow& row, absl::string_view name) {
  CRM_ASSIGN_OR_RETURN(wire::MergedRecord record, ParseSnapshot(row));
  const Field* field = schema.Find(name);
  if (field == nullptr) return std::nullopt;
  for (int i = 0; i < record.field_ids_size(); ++i) {
    if (record.field_ids(i) != field->id()) continue;
    const wire::StoredValue& value = record.customer().values(i);
    if (value.kind_case() == wire::StoredValue::kText) return value.text();
  }
  return std::nullopt;
}

absl::StatusOr<int64_t> CheckMerges(
    Session& session,
    absl::FunctionRef<void(int64_t merged_id, std::string message)> problem) {
  constexpr int64_t kPage = 1000;
  store::Backend& backend = session.backend();
  absl::flat_hash_map<int64_t, int64_t> into, survivor_of;
  int64_t after = 0;
  while (true) {
    CRM_ASSIGN_OR_RETURN(std::vector<store::MergeRow> page,
                         backend.SelectMergesAfter(after, kPage));
    if (page.empty()) break;
    std::vector<int64_t> ids;
    for (const store::MergeRow& row : page) {
      after = row.merged_id;
      ids.push_back(row.merged_id);
      into[row.merged_id] = row.into_id;
      survivor_of[row.merged_id] = row.survivor_id;
      if (!ParseSnapshot(row).ok()) {
        problem(row.merged_id, "its merge snapshot does not parse");
      }
    }
    CRM_ASSIGN_OR_RETURN(std::vector<int64_t> customers,
                         backend.ExistingCustomers(ids));
    for (int64_t id : customers) {
      problem(id, "it is merged and a customer at once");
    }
  }
  absl::flat_hash_map<int64_t, bool> survivor_exists;
  for (const auto& [id, survivor_id] : survivor_of) {
    const int64_t end = ChainEnd(into, id);
    if (end != survivor_id) {
      problem(id, absl::StrCat("its chain of merges ends at customer ", end,
                               ", not at its survivor ", survivor_id));
      continue;
    }
    auto known = survivor_exists.find(end);
    if (known == survivor_exists.end()) {
      CRM_ASSIGN_OR_RETURN(std::vector<int64_t> found,
                           backend.ExistingCustomers({end}));
      known = survivor_exists.emplace(end, !found.empty()).first;
    }
    if (!known->second) {
      problem(id, absl::StrCat("its survivor ", end, " is no customer"));
    }
  }
  return static_cast<int64_t>(into.size());
}

}  // namespace crm::core::merge
