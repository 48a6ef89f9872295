#include "core/merge/merge_service.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/error.h"
#include "base/json_text.h"
#include "core/access.h"
#include "core/customer_service.h"
#include "core/dump/stored_value.h"
#include "core/duplicates/match_key_store.h"
#include "core/history.h"
#include "core/merge/merge_map.h"
#include "core/merge/merge_rules.h"
#include "core/query_service.h"
#include "core/record_scope.h"
#include "core/reference_update.h"
#include "core/time_text.h"
#include "core/value_json.h"
#include "core/wire.h"
#include "store/rows.h"

namespace crm::core::merge {
namespace {

// Customers read per backend call (Backend::SelectCustomers' limit).
constexpr size_t kReadBatch = 1000;

absl::Status BadIds(absl::string_view message) {
  return MakeError(ErrorCode::kInvalidArgument, message, "", Rule::kMergedIds);
}

absl::Status NoCustomer(int64_t id) {
  return MakeError(ErrorCode::kNotFound,
                   absl::StrCat("no customer with id ", id), "id");
}

absl::Status CheckIds(const MergeRequest& request) {
  if (request.survivor_id <= 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "survivor_id must be a customer id", "",
                     Rule::kSurvivorId);
  }
  if (request.merged_ids.empty()) {
    return BadIds("merged_ids must name at least one customer");
  }
  if (request.merged_ids.size() > kMaxMergedPerCall) {
    return BadIds("a merge takes at most 10,000 customers");
  }
  absl::flat_hash_set<int64_t> seen;
  for (int64_t id : request.merged_ids) {
    if (id <= 0) return BadIds(absl::StrCat("merged_ids holds ", id));
    if (id == request.survivor_id) {
      return BadIds("merged_ids holds the survivor itself");
    }
    if (!seen.insert(id).second) {
      return BadIds(absl::StrCat("merged_ids holds ", id, " twice"));
    }
  }
  return absl::OkStatus();
}

// Calls `each` with `ids` in slices of at most kReadBatch (the backends'
// limit per call), stopping at its first error.
absl::Status ForEachBatch(
    const std::vector<int64_t>& ids,
    absl::FunctionRef<absl::Status(const std::vector<int64_t>&)> each) {
  for (size_t start = 0; start < ids.size(); start += kReadBatch) {
    const std::vector<int64_t> batch(
        ids.begin() + start,
        ids.begin() + std::min(ids.size(), start + kReadBatch));
    CRM_RETURN_IF_ERROR(each(batch));
  }
  return absl::OkStatus();
}

// The stored rows of customers `ids` (any order), by id.
absl::StatusOr<absl::flat_hash_map<int64_t, store::CustomerRow>> ReadRows(
    Session& session, std::vector<int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  absl::flat_hash_map<int64_t, store::CustomerRow> rows;
  CRM_RETURN_IF_ERROR(
      ForEachBatch(ids, [&](const std::vector<int64_t>& batch) -> absl::Status {
        CRM_ASSIGN_OR_RETURN(std::vector<store::CustomerRow> found,
                             session.backend().SelectCustomers(
                                 session.schema().stored_columns(), batch));
        for (store::CustomerRow& row : found) {
          int64_t id = row.id;
          rows.emplace(id, std::move(row));
        }
        return absl::OkStatus();
      }));
  return rows;
}

// The values of stored `row`, aligned with the schema's stored fields.
absl::StatusOr<std::vector<Value>> ValuesOf(const Schema& schema,
                                            const store::CustomerRow& row) {
  const std::vector<const Field*>& fields = schema.stored_fields();
  std::vector<Value> values;
  values.reserve(fields.size());
  for (size_t i = 0; i < fields.size(); ++i) {
    CRM_ASSIGN_OR_RETURN(Value value, fields[i]->FromStored(row.values[i]));
    values.push_back(std::move(value));
  }
  return values;
}

// A reference field's merged value may not point into the merge: the
// merged ids stop being customers, and a customer may not name itself.
Value OutsideTheMerge(const Field& field, Value value,
                      const absl::flat_hash_set<int64_t>& merging) {
  if (field.type() == FieldType::kReference &&
      value.kind == ValueKind::kInteger && merging.contains(value.integer)) {
    return Value::Null();
  }
  return value;
}

// The survivor's new values: its changes by the rules, with the stored
// values before and after (for the snapshot).
struct SurvivorChanges {
  ResolvedValues resolved;  // for UpdateResolved
  std::vector<int64_t> field_ids;
  std::vector<store::SqlValue> before, after;
};

absl::StatusOr<SurvivorChanges> PlanSurvivor(
    const Schema& schema, const MergeOptions& options,
    const store::CustomerRow& survivor, const std::vector<MergeSource>& sources,
    const absl::flat_hash_set<int64_t>& merging) {
  SurvivorChanges plan;
  const std::vector<const Field*>& fields = schema.stored_fields();
  for (size_t i = 0; i < fields.size(); ++i) {
    const Field* field = fields[i];
    if (field->read_only()) continue;
    CRM_ASSIGN_OR_RETURN(
        Value value, MergedValue(*field, i, options.RuleFor(field), sources));
    value = OutsideTheMerge(*field, std::move(value), merging);
    if (value == (*sources.front().values)[i]) continue;
    CRM_ASSIGN_OR_RETURN(store::SqlValue stored, field->ToStored(value));
    plan.resolved.fields.push_back(field);
    plan.resolved.values.push_back(std::move(value));
    plan.field_ids.push_back(field->id());
    plan.before.push_back(survivor.values[i]);
    plan.after.push_back(std::move(stored));
  }
  return plan;
}

absl::StatusOr<std::string> Snapshot(const Schema& schema,
                                     const store::CustomerRow& row,
                                     const ReferenceHolders& holders,
                                     const SurvivorChanges& survivor) {
  wire::MergedRecord record;
  for (const Field* field : schema.stored_fields()) {
    record.add_field_ids(field->id());
  }
  wire::StoredCustomer* customer = record.mutable_customer();
  customer->set_id(row.id);
  customer->set_version(row.version);
  customer->set_created_at_us(row.created_at_us);
  customer->set_updated_at_us(row.updated_at_us);
  for (const store::SqlValue& value : row.values) {
    CRM_RETURN_IF_ERROR(ToStoredValue(value, customer->add_values()));
  }
  for (const auto& [holder, fields] : holders) {
    for (const Field* field : fields) {
      wire::MergedReference* reference = record.add_references();
      reference->set_customer_id(holder);
      reference->set_field_id(field->id());
    }
  }
  for (size_t i = 0; i < survivor.field_ids.size(); ++i) {
    record.add_survivor_field_ids(survivor.field_ids[i]);
    CRM_RETURN_IF_ERROR(
        ToStoredValue(survivor.before[i], record.add_survivor_before()));
    CRM_RETURN_IF_ERROR(
        ToStoredValue(survivor.after[i], record.add_survivor_after()));
  }
  return record.SerializeAsString();
}

std::optional<std::string> ExternalIdOf(const Schema& schema,
                                        const store::CustomerRow& row) {
  const std::vector<const Field*>& fields = schema.stored_fields();
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i]->name() != "external_id") continue;
    if (const auto* text = std::get_if<std::string>(&row.values[i])) {
      return *text;
    }
  }
  return std::nullopt;
}

// Removes merged customer `row` as a customer: record, search entry and
// match keys go, its history records a deletion (so as-of reads after the
// merge do not count it), and its merge row keeps the snapshot.
absl::Status RemoveMerged(Session& session, const store::CustomerRow& row,
                          store::MergeRow merge_row, const std::string& actor,
                          int64_t now) {
  const std::vector<const Field*>& fields = session.schema().stored_fields();
  std::vector<FieldChangeValue> history;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (store::IsNull(row.values[i])) continue;
    CRM_ASSIGN_OR_RETURN(Value old_value, fields[i]->FromStored(row.values[i]));
    history.push_back({fields[i], std::move(old_value), Value::Null()});
  }
  store::Backend& backend = session.backend();
  CRM_RETURN_IF_ERROR(backend.DeleteCustomer(row.id));
  CRM_RETURN_IF_ERROR(backend.SetSearchText(row.id, "", false));
  CRM_RETURN_IF_ERROR(duplicates::RemoveMatchKeys(session, row.id));
  CRM_RETURN_IF_ERROR(RecordHistory(session, row.id, HistoryKind::kDeleted,
                                    history, actor, HistoryTime::Live(now)));
  return backend.InsertMerge(merge_row);
}

// Points the chains of merges that ended at one of `merged_ids` at
// `survivor_id`.
absl::Status Rechain(Session& session, const std::vector<int64_t>& merged_ids,
                     int64_t survivor_id) {
  std::vector<int64_t> moved;
  for (int64_t id : merged_ids) {
    CRM_ASSIGN_OR_RETURN(std::vector<int64_t> earlier, MergedInto(session, id));
    moved.insert(moved.end(), earlier.begin(), earlier.end());
  }
  return ForEachBatch(moved, [&](const std::vector<int64_t>& batch) {
    return session.backend().SetMergeSurvivor(batch, survivor_id);
  });
}

}  // namespace

absl::StatusOr<MergeReceipt> MergeCustomers(Session& session,
                                            const MergeRequest& request) {
  CRM_RETURN_IF_ERROR(Access::Never(session.access(), "crm_customer_merge"));
  CRM_ASSIGN_OR_RETURN(std::string actor, CheckActor(request.actor));
  CRM_RETURN_IF_ERROR(CheckReason(request.reason));
  CRM_RETURN_IF_ERROR(CheckIds(request));
  const Schema& schema = session.schema();
  CRM_ASSIGN_OR_RETURN(MergeOptions options,
                       ParseMergeOptions(schema, request.options_json));

  std::vector<int64_t> all = request.merged_ids;
  all.push_back(request.survivor_id);
  CRM_ASSIGN_OR_RETURN(auto rows, ReadRows(session, all));
  for (int64_t id : all) {
    if (!rows.contains(id)) {
      return MissingCustomer(session, id, "id", NoCustomer(id));
    }
  }
  const store::CustomerRow& survivor = rows.at(request.survivor_id);
  // Values of the survivor, then of the merged customers in the order given.
  std::vector<std::vector<Value>> values;
  values.reserve(all.size());
  std::vector<MergeSource> sources;
  sources.reserve(all.size());
  std::vector<int64_t> order = {request.survivor_id};
  order.insert(order.end(), request.merged_ids.begin(),
               request.merged_ids.end());
  for (int64_t id : order) {
    CRM_ASSIGN_OR_RETURN(std::vector<Value> row_values,
                         ValuesOf(schema, rows.at(id)));
    values.push_back(std::move(row_values));
  }
  for (size_t i = 0; i < order.size(); ++i) {
    sources.push_back({&values[i], rows.at(order[i]).updated_at_us});
  }
  const absl::flat_hash_set<int64_t> merging(all.begin(), all.end());
  CRM_ASSIGN_OR_RETURN(
      SurvivorChanges plan,
      PlanSurvivor(schema, options, survivor, sources, merging));

  const int64_t now = NowMicros();
  std::vector<std::string> ids_text;
  for (int64_t id : request.merged_ids) ids_text.push_back(absl::StrCat(id));
  CRM_ASSIGN_OR_RETURN(
      int64_t merge_id,
      AppendSystemEvent(
          session, request.survivor_id, kMergedEventType,
          {{"merged_ids", Value::Text(absl::StrJoin(ids_text, ","))},
           {"reason", Value::Text(request.reason)}},
          actor, now));

  MergeReceipt receipt;
  receipt.merge_id = merge_id;
  receipt.survivor_id = request.survivor_id;
  receipt.merged_ids = request.merged_ids;
  std::vector<std::pair<int64_t, ReferenceHolders>> holders_of;
  for (int64_t id : request.merged_ids) {
    const store::CustomerRow& row = rows.at(id);
    CRM_ASSIGN_OR_RETURN(ReferenceHolders holders,
                         HoldersOfReferencesTo(session, id, merging));
    CRM_ASSIGN_OR_RETURN(std::string snapshot,
                         Snapshot(schema, row, holders, plan));
    store::MergeRow merge_row{
        .merged_id = id,
        .merge_id = merge_id,
        .into_id = request.survivor_id,
        .survivor_id = request.survivor_id,
        .external_id = ExternalIdOf(schema, row).value_or(""),
        .snapshot = std::move(snapshot)};
    CRM_RETURN_IF_ERROR(
        RemoveMerged(session, row, std::move(merge_row), actor, now));
    CRM_RETURN_IF_ERROR(
        AppendSystemEvent(session, id, kMergedEventType,
                          {{"merge_id", Value::Integer(merge_id)},
                           {"survivor_id", Value::Integer(request.survivor_id)},
                           {"reason", Value::Text(request.reason)}},
                          actor, now)
            .status());
    holders_of.emplace_back(id, std::move(holders));
  }
  absl::flat_hash_set<int64_t> holders_moved;
  for (const auto& [id, holders] : holders_of) {
    for (const auto& [holder, fields] : holders) {
      CRM_ASSIGN_OR_RETURN(std::vector<const Field*> changed,
                           RepointReferences(session, holder, fields, id,
                                             request.survivor_id, actor, now));
      if (!changed.empty()) holders_moved.insert(holder);
    }
  }
  receipt.references_moved = static_cast<int64_t>(holders_moved.size());
  CRM_RETURN_IF_ERROR(
      Rechain(session, request.merged_ids, request.survivor_id));

  receipt.version = survivor.version;
  if (!plan.resolved.fields.empty()) {
    WriteTime time;
    time.skip_duplicate_check = true;
    CRM_ASSIGN_OR_RETURN(WriteOutcome outcome,
                         UpdateResolved(session, request.survivor_id, 0,
                                        plan.resolved, time, actor));
    receipt.version = outcome.version;
    for (const Field* field : plan.resolved.fields) {
      receipt.changed_fields.push_back(field->name());
    }
  }
  return receipt;
}

namespace {

// A merge's snapshots, parsed, by merged id.
struct MergeParts {
  std::vector<store::MergeRow> rows;
  std::vector<wire::MergedRecord> records;  // aligned with rows
};

absl::StatusOr<MergeParts> ReadMerge(Session& session, int64_t merge_id) {
  MergeParts parts;
  CRM_ASSIGN_OR_RETURN(parts.rows, session.backend().SelectMergeRows(merge_id));
  if (parts.rows.empty()) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat("no merge with id ", merge_id,
                                  " (never made, undone, or erased)"),
                     "merge_id", Rule::kMerge);
  }
  for (const store::MergeRow& row : parts.rows) {
    if (row.into_id != parts.rows.front().into_id) {
      return DamagedValue(absl::StrCat("merge ", merge_id,
                                       " went into more than one customer"));
    }
    CRM_ASSIGN_OR_RETURN(wire::MergedRecord record, ParseSnapshot(row));
    parts.records.push_back(std::move(record));
  }
  return parts;
}

// The position of field `id` among the schema's stored fields, if stored.
std::optional<size_t> StoredIndex(const Schema& schema, int64_t id) {
  const std::vector<const Field*>& fields = schema.stored_fields();
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i]->id() == id) return i;
  }
  return std::nullopt;
}

// The survivor's fields to set back (non-reference ones first, then, once
// the restored customers exist, references): those still holding the
// merge's value; the others are conflicts.
struct Reverts {
  ResolvedValues plain, references;
  std::vector<std::string> names;
};

absl::StatusOr<Reverts> PlanReverts(const Schema& schema,
                                    const wire::MergedRecord& record,
                                    const store::CustomerRow& survivor,
                                    UnmergeReceipt* receipt) {
  Reverts reverts;
  for (int i = 0; i < record.survivor_field_ids_size(); ++i) {
    std::optional<size_t> index =
        StoredIndex(schema, record.survivor_field_ids(i));
    if (!index) continue;  // deleted since: nothing to set back
    const Field* field = schema.stored_fields()[*index];
    store::SqlValue merged = FromStoredValue(record.survivor_after(i));
    store::SqlValue before = FromStoredValue(record.survivor_before(i));
    CRM_ASSIGN_OR_RETURN(Value before_value, field->FromStored(before));
    if (survivor.values[*index] != merged) {
      MergeConflict conflict;
      conflict.field = field->name();
      CRM_ASSIGN_OR_RETURN(conflict.current,
                           field->FromStored(survivor.values[*index]));
      CRM_ASSIGN_OR_RETURN(conflict.merged, field->FromStored(merged));
      conflict.before = std::move(before_value);
      receipt->conflicts.push_back(std::move(conflict));
      continue;
    }
    ResolvedValues& target = field->type() == FieldType::kReference
                                 ? reverts.references
                                 : reverts.plain;
    target.fields.push_back(field);
    target.values.push_back(std::move(before_value));
    reverts.names.push_back(field->name());
  }
  return reverts;
}

// The restored customer of `record`, aligned with the schema's stored
// columns; field ids no longer stored go to *dropped.
absl::StatusOr<store::CustomerRow> RestoredRow(
    const Schema& schema, const wire::MergedRecord& record, int64_t now,
    absl::flat_hash_set<int64_t>* dropped) {
  const std::vector<const Field*>& fields = schema.stored_fields();
  store::CustomerRow row;
  row.id = record.customer().id();
  // Two changes of its history: the merge's deletion, the undo's creation.
  row.version = record.customer().version() + 2;
  row.created_at_us = record.customer().created_at_us();
  row.updated_at_us = std::max(now, record.customer().updated_at_us());
  row.values.resize(fields.size());
  for (int i = 0; i < record.field_ids_size(); ++i) {
    store::SqlValue value = FromStoredValue(record.customer().values(i));
    std::optional<size_t> index = StoredIndex(schema, record.field_ids(i));
    if (!index) {
      if (!store::IsNull(value)) dropped->insert(record.field_ids(i));
      continue;
    }
    // As the store's read path checks a stored value.
    CRM_RETURN_IF_ERROR(fields[*index]->FromStored(value).status());
    row.values[*index] = std::move(value);
  }
  return row;
}

// Makes `row` a customer again: its record, search entry, match keys, and a
// "created" history event holding its values.
absl::Status Reinsert(Session& session, const store::CustomerRow& row,
                      const std::string& actor, int64_t now) {
  const Schema& schema = session.schema();
  CRM_ASSIGN_OR_RETURN(auto seam, session.backend().CopySeam());
  absl::Status inserted =
      seam->InsertCustomersAsIs(schema.stored_columns(), {row});
  if (CodeOf(inserted) == ErrorCode::kConstraint) {
    const Field* field = schema.FindByColumn(FieldOf(inserted));
    std::string name = field != nullptr ? field->name() : FieldOf(inserted);
    return MakeError(ErrorCode::kConstraint,
                     absl::StrCat("customer ", row.id,
                                  " cannot be restored: "
                                  "its value of field '",
                                  name, "' is held by another customer now"),
                     name, Rule::kUnique);
  }
  CRM_RETURN_IF_ERROR(inserted);
  CRM_RETURN_IF_ERROR(session.backend().SetSearchText(
      row.id, SearchText(schema, row.values), /*is_new=*/true));
  CRM_RETURN_IF_ERROR(duplicates::StoreMatchKeys(session, row.id, row.values));
  std::vector<FieldChangeValue> history;
  const std::vector<const Field*>& fields = schema.stored_fields();
  for (size_t i = 0; i < fields.size(); ++i) {
    if (store::IsNull(row.values[i])) continue;
    CRM_ASSIGN_OR_RETURN(Value value, fields[i]->FromStored(row.values[i]));
    history.push_back({fields[i], Value::Null(), std::move(value)});
  }
  return RecordHistory(session, row.id, HistoryKind::kCreated, history, actor,
                       HistoryTime::Live(now));
}

// After merge rows were removed: each remaining row whose chain ended at
// `survivor_id` ends where its chain of into_ids now leaves the merged ids.
absl::Status RechainAfterUndo(Session& session, int64_t survivor_id) {
  CRM_ASSIGN_OR_RETURN(
      std::vector<store::MergeRow> rows,
      session.backend().SelectMergesBySurvivor(survivor_id, false));
  absl::flat_hash_map<int64_t, int64_t> into;
  for (const store::MergeRow& row : rows) into[row.merged_id] = row.into_id;
  std::map<int64_t, std::vector<int64_t>> by_end;
  for (const store::MergeRow& row : rows) {
    const int64_t end = ChainEnd(into, row.merged_id);
    if (end != survivor_id) by_end[end].push_back(row.merged_id);
  }
  for (const auto& [end, ids] : by_end) {
    CRM_RETURN_IF_ERROR(
        ForEachBatch(ids, [&](const std::vector<int64_t>& batch) {
          return session.backend().SetMergeSurvivor(batch, end);
        }));
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> Revert(Session& session, int64_t survivor_id,
                               const ResolvedValues& changes,
                               const std::string& actor, int64_t version) {
  if (changes.fields.empty()) return version;
  WriteTime time;
  time.skip_duplicate_check = true;
  CRM_ASSIGN_OR_RETURN(
      WriteOutcome outcome,
      UpdateResolved(session, survivor_id, 0, changes, time, actor));
  return outcome.version;
}

}  // namespace

absl::StatusOr<UnmergeReceipt> UnmergeCustomers(Session& session,
                                                int64_t merge_id,
                                                const std::string& actor_in,
                                                const std::string& reason) {
  CRM_RETURN_IF_ERROR(Access::Never(session.access(), "crm_customer_unmerge"));
  CRM_ASSIGN_OR_RETURN(std::string actor, CheckActor(actor_in));
  CRM_RETURN_IF_ERROR(CheckReason(reason));
  if (merge_id <= 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "merge_id must be a merge's id", "", Rule::kMergeId);
  }
  CRM_ASSIGN_OR_RETURN(MergeParts parts, ReadMerge(session, merge_id));
  const int64_t survivor_id = parts.rows.front().into_id;
  const Schema& schema = session.schema();
  CRM_ASSIGN_OR_RETURN(auto survivor, session.backend().SelectCustomer(
                                          schema.stored_columns(), "id",
                                          store::SqlValue(survivor_id), false));
  if (!survivor) {
    CRM_ASSIGN_OR_RETURN(auto later, FindMerge(session, survivor_id));
    if (later) {
      return MakeError(
          ErrorCode::kConflict,
          absl::StrCat("customer ", survivor_id, " was merged into customer ",
                       later->into_id, " by merge ", later->merge_id,
                       " since; undo that merge first"),
          "merge_id", Rule::kMerge);
    }
    return DamagedValue(absl::StrCat("merge ", merge_id, " names customer ",
                                     survivor_id, ", which is gone"));
  }
  UnmergeReceipt receipt;
  receipt.merge_id = merge_id;
  receipt.survivor_id = survivor_id;
  receipt.version = survivor->version;
  CRM_ASSIGN_OR_RETURN(
      Reverts reverts,
      PlanReverts(schema, parts.records.front(), *survivor, &receipt));
  receipt.reverted_fields = reverts.names;
  const int64_t now = NowMicros();

  // The survivor gives back what the merge gave it before the restored
  // customers take their unique values again.
  CRM_ASSIGN_OR_RETURN(
      receipt.version,
      Revert(session, survivor_id, reverts.plain, actor, receipt.version));
  CRM_RETURN_IF_ERROR(session.backend().DeleteMerge(merge_id).status());
  absl::flat_hash_set<int64_t> dropped;
  for (const wire::MergedRecord& record : parts.records) {
    CRM_ASSIGN_OR_RETURN(store::CustomerRow row,
                         RestoredRow(schema, record, now, &dropped));
    CRM_RETURN_IF_ERROR(Reinsert(session, row, actor, now));
    receipt.restored_ids.push_back(row.id);
  }
  CRM_RETURN_IF_ERROR(RechainAfterUndo(session, survivor_id));
  CRM_ASSIGN_OR_RETURN(
      receipt.version,
      Revert(session, survivor_id, reverts.references, actor, receipt.version));

  absl::flat_hash_set<int64_t> holders_restored;
  for (const wire::MergedRecord& record : parts.records) {
    std::map<int64_t, std::vector<const Field*>> holders;
    for (const wire::MergedReference& reference : record.references()) {
      const Field* field = schema.FindById(reference.field_id());
      if (field == nullptr || field->type() != FieldType::kReference) continue;
      holders[reference.customer_id()].push_back(field);
    }
    for (const auto& [holder, fields] : holders) {
      CRM_ASSIGN_OR_RETURN(
          std::vector<const Field*> changed,
          RepointReferences(session, holder, fields, survivor_id,
                            record.customer().id(), actor, now));
      if (!changed.empty()) holders_restored.insert(holder);
    }
  }
  receipt.references_restored = static_cast<int64_t>(holders_restored.size());
  receipt.dropped_field_ids.assign(dropped.begin(), dropped.end());
  std::sort(receipt.dropped_field_ids.begin(), receipt.dropped_field_ids.end());

  const std::vector<std::pair<std::string, Value>> properties = {
      {"merge_id", Value::Integer(merge_id)}, {"reason", Value::Text(reason)}};
  CRM_RETURN_IF_ERROR(AppendSystemEvent(session, survivor_id,
                                        kUnmergedEventType, properties, actor,
                                        now)
                          .status());
  for (int64_t id : receipt.restored_ids) {
    CRM_RETURN_IF_ERROR(AppendSystemEvent(session, id, kUnmergedEventType,
                                          properties, actor, now)
                            .status());
  }
  return receipt;
}

namespace {

// `texts` as a JSON array.
void AppendJsonStrings(const std::vector<std::string>& texts,
                       std::string* out) {
  out->push_back('[');
  for (size_t i = 0; i < texts.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendJsonString(texts[i], out);
  }
  out->push_back(']');
}

}  // namespace

std::string MergeReceiptJson(const MergeReceipt& receipt) {
  std::string out =
      absl::StrCat("{\"merge_id\":", receipt.merge_id,
                   ",\"survivor_id\":", receipt.survivor_id,
                   ",\"merged_ids\":[", absl::StrJoin(receipt.merged_ids, ","),
                   "],\"version\":", receipt.version, ",\"changed_fields\":");
  AppendJsonStrings(receipt.changed_fields, &out);
  absl::StrAppend(&out, ",\"references_moved\":", receipt.references_moved,
                  "}");
  return out;
}

std::string UnmergeReceiptJson(const UnmergeReceipt& receipt) {
  std::string out = absl::StrCat(
      "{\"merge_id\":", receipt.merge_id,
      ",\"survivor_id\":", receipt.survivor_id, ",\"restored_ids\":[",
      absl::StrJoin(receipt.restored_ids, ","),
      "],\"version\":", receipt.version, ",\"reverted_fields\":");
  AppendJsonStrings(receipt.reverted_fields, &out);
  out += ",\"conflicts\":[";
  for (size_t i = 0; i < receipt.conflicts.size(); ++i) {
    const MergeConflict& conflict = receipt.conflicts[i];
    if (i > 0) out += ",";
    out += "{\"field\":";
    AppendJsonString(conflict.field, &out);
    out += ",\"current\":";
    AppendValueJson(conflict.current, &out);
    out += ",\"merged\":";
    AppendValueJson(conflict.merged, &out);
    out += ",\"before\":";
    AppendValueJson(conflict.before, &out);
    out += "}";
  }
  absl::StrAppend(&out,
                  "],\"references_restored\":", receipt.references_restored,
                  ",\"dropped_field_ids\":[",
                  absl::StrJoin(receipt.dropped_field_ids, ","), "]}");
  return out;
}

absl::StatusOr<std::string> MergesJson(Session& session, int64_t id) {
  if (id <= 0) {
    return MakeError(ErrorCode::kInvalidArgument, "id must be positive", "",
                     Rule::kId);
  }
  CRM_ASSIGN_OR_RETURN(auto merged, FindMerge(session, id));
  int64_t customer = merged ? merged->survivor_id : id;
  CRM_ASSIGN_OR_RETURN(std::vector<int64_t> existing,
                       session.backend().ExistingCustomers({customer}));
  bool found = !existing.empty();
  if (found) {
    CRM_ASSIGN_OR_RETURN(bool outside, OutsideViewScope(session, customer));
    found = !outside;
  }
  if (!found) return NoCustomer(id);
  std::string out = absl::StrCat("{\"id\":", id, ",\"merged_into\":");
  if (merged) {
    absl::StrAppend(&out, merged->into_id,
                    ",\"survivor_id\":", merged->survivor_id,
                    ",\"merge_id\":", merged->merge_id);
  } else {
    out += "null,\"survivor_id\":null,\"merge_id\":null";
  }
  out += ",\"merged\":[";
  if (!merged) {
    CRM_ASSIGN_OR_RETURN(std::vector<store::MergeRow> rows,
                         session.backend().SelectMergesBySurvivor(id, false));
    for (size_t i = 0; i < rows.size(); ++i) {
      absl::StrAppend(&out, i > 0 ? "," : "", "{\"id\":", rows[i].merged_id,
                      ",\"merge_id\":", rows[i].merge_id,
                      ",\"into\":", rows[i].into_id, "}");
    }
  }
  out += "]}";
  return out;
}

}  // namespace crm::core::merge
