#include "core/dump/content_target.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "core/duplicates/duplicate_settings.h"
#include "core/duplicates/match_key_store.h"
#include "core/query_service.h"
#include "core/schema.h"

namespace crm::core {
namespace {

using store::FieldRow;

absl::Status NotEmpty(absl::string_view what) {
  return MakeError(
      ErrorCode::kConflict,
      absl::StrCat("the target workspace is not empty: it holds ", what,
                   "; a workspace is copied only into a new one"),
      "", Rule::kTarget);
}

// OK when the target holds nothing but standard fields and has never handed
// out a customer id or seq.
absl::Status CheckEmpty(Session& target, store::WorkspaceCopySeam& seam,
                        const std::vector<FieldRow>& fields) {
  for (const FieldRow& row : fields) {
    if (row.status == "deleted") return NotEmpty("deleted fields");
  }
  CRM_ASSIGN_OR_RETURN(std::vector<store::FieldColumn> columns,
                       ReadFieldColumns(fields));
  for (const store::FieldColumn& column : columns) {
    if (!column.standard) return NotEmpty("user-defined fields");
  }
  store::Backend& backend = target.backend();
  CRM_ASSIGN_OR_RETURN(int64_t customers, backend.CountCustomers());
  if (customers > 0) return NotEmpty("customers");
  CRM_ASSIGN_OR_RETURN(auto events,
                       backend.SelectEventsAfter(target.texts(), 0, 1));
  if (!events.empty()) return NotEmpty("events");
  CRM_ASSIGN_OR_RETURN(auto segments, backend.LoadSegments());
  if (!segments.empty()) return NotEmpty("saved segments");
  CRM_ASSIGN_OR_RETURN(auto event_types, backend.LoadEventTypes());
  if (!event_types.empty()) return NotEmpty("registered event types");
  CRM_ASSIGN_OR_RETURN(auto profiles, backend.LoadProfiles());
  if (!profiles.empty()) return NotEmpty("access profiles");
  CRM_ASSIGN_OR_RETURN(auto rules, backend.LoadDuplicateRules());
  if (!rules.empty()) return NotEmpty("duplicate rules");
  CRM_ASSIGN_OR_RETURN(std::optional<std::string> settings,
                       backend.LoadSetting(duplicates::kSettingsKey));
  if (settings.has_value()) return NotEmpty("duplicate settings");
  CRM_ASSIGN_OR_RETURN(store::IdFloors floors, seam.ReadIdFloors());
  if (floors.customer_id > 0 || floors.seq > 0) {
    return NotEmpty("ids of deleted customers or events");
  }
  return absl::OkStatus();
}

// The interned id of an event's name on the target; 0 for none.
absl::StatusOr<int64_t> NameId(Session& target, const std::string& text) {
  if (text.empty()) return 0;
  return target.Intern(text);
}

absl::Status OutOfOrder(absl::string_view what) {
  return MakeError(ErrorCode::kIo, absl::StrCat(what, " came out of order"), "",
                   Rule::kDamaged);
}

}  // namespace

absl::StatusOr<std::unique_ptr<ContentTarget>> ContentTarget::Open(
    Session& target) {
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<store::WorkspaceCopySeam> seam,
                       target.backend().CopySeam());
  CRM_ASSIGN_OR_RETURN(std::vector<FieldRow> fields, seam->LoadAllFields());
  CRM_RETURN_IF_ERROR(CheckEmpty(target, *seam, fields));
  return std::unique_ptr<ContentTarget>(
      new ContentTarget(target, std::move(seam), std::move(fields)));
}

absl::Status ContentTarget::Fields(const ContentLayout& layout) {
  absl::flat_hash_map<int64_t, const FieldRow*> target_by_id;
  for (const FieldRow& row : target_fields_) target_by_id[row.id] = &row;
  CRM_ASSIGN_OR_RETURN(std::vector<store::FieldColumn> before,
                       ReadFieldColumns(target_fields_));
  absl::flat_hash_map<std::string, store::ColumnIndex> indexes;
  for (const store::FieldColumn& column : before) {
    indexes[column.column] = column.index;
  }
  std::vector<FieldRow> live;
  for (const FieldRow& row : layout.fields) {
    if (row.status != "deleted") live.push_back(row);
    auto it = target_by_id.find(row.id);
    const bool standard = it != target_by_id.end() &&
                          it->second->name == row.name &&
                          it->second->column == row.column;
    if (standard) {
      CRM_RETURN_IF_ERROR(target_.backend().UpdateField(row));
    } else if (it != target_by_id.end()) {
      return MakeError(
          ErrorCode::kConflict,
          absl::StrCat("field ", row.id, " is '", row.name,
                       "' in the source but the standard field '",
                       it->second->name,
                       "' in the target (workspaces of different libcrm "
                       "versions?)"),
          row.name, Rule::kTarget);
    } else {
      CRM_RETURN_IF_ERROR(seam_->InsertUserFieldAsIs(row));
    }
  }
  target_.backend().LayoutChanged();
  // The columns whose index the content's fields ask for differs from the
  // target's.
  CRM_ASSIGN_OR_RETURN(std::vector<store::FieldColumn> columns,
                       ReadFieldColumns(live));
  for (const store::FieldColumn& column : columns) {
    auto it = indexes.find(column.column);
    store::ColumnIndex had =
        it == indexes.end() ? store::ColumnIndex::kNone : it->second;
    if (had != column.index) index_changes_.push_back(column);
  }
  if (!index_changes_.empty()) {
    CRM_RETURN_IF_ERROR(seam_->LockForIndexBuilds());
  }
  schema_ = layout.schema;
  columns_ = layout.columns;
  absl::flat_hash_map<std::string, size_t> position;
  for (size_t i = 0; i < columns_.size(); ++i) position[columns_[i]] = i;
  for (const std::string& column : schema_->stored_columns()) {
    auto it = position.find(column);
    if (it == position.end()) {
      return MakeError(ErrorCode::kIo,
                       absl::StrCat("column ", column, " holds no values"), "",
                       Rule::kDamaged);
    }
    searched_.push_back(it->second);
  }
  return absl::OkStatus();
}

absl::Status ContentTarget::Customers(
    const std::vector<store::CustomerRow>& page) {
  for (const store::CustomerRow& row : page) {
    if (row.id <= last_customer_) return OutOfOrder("customers");
    last_customer_ = row.id;
  }
  CRM_RETURN_IF_ERROR(seam_->InsertCustomersAsIs(columns_, page));
  std::vector<store::SqlValue> values(searched_.size());
  for (const store::CustomerRow& row : page) {
    for (size_t i = 0; i < searched_.size(); ++i) {
      values[i] = row.values[searched_[i]];
    }
    CRM_RETURN_IF_ERROR(target_.backend().SetSearchText(
        row.id, SearchText(*schema_, values), /*is_new=*/true));
  }
  return absl::OkStatus();
}

absl::Status ContentTarget::Events(const std::vector<store::EventRow>& page) {
  std::vector<store::EventIds> ids(page.size());
  for (size_t i = 0; i < page.size(); ++i) {
    const store::EventRow& row = page[i];
    if (row.seq <= last_seq_) return OutOfOrder("events");
    last_seq_ = row.seq;
    CRM_ASSIGN_OR_RETURN(ids[i].type, NameId(target_, row.type));
    CRM_ASSIGN_OR_RETURN(ids[i].channel, NameId(target_, row.channel));
    CRM_ASSIGN_OR_RETURN(ids[i].actor, NameId(target_, row.actor));
    CRM_ASSIGN_OR_RETURN(ids[i].source, NameId(target_, row.source));
  }
  return seam_->InsertEventsAsIs(page, ids);
}

absl::Status ContentTarget::EventTypes(const NamedDefinitions& types) {
  for (const auto& [name, definition] : types) {
    CRM_RETURN_IF_ERROR(target_.backend().UpsertEventType(name, definition));
  }
  return absl::OkStatus();
}

absl::Status ContentTarget::Profiles(const NamedDefinitions& profiles) {
  for (const auto& [name, definition] : profiles) {
    CRM_RETURN_IF_ERROR(target_.backend().UpsertProfile(name, definition));
  }
  return absl::OkStatus();
}

absl::Status ContentTarget::Duplicates(
    const NamedDefinitions& rules, const std::optional<std::string>& settings) {
  for (const auto& [name, definition] : rules) {
    CRM_RETURN_IF_ERROR(
        target_.backend().UpsertDuplicateRule(name, definition));
  }
  if (!settings.has_value()) return absl::OkStatus();
  return target_.backend().StoreSetting(duplicates::kSettingsKey, *settings);
}

absl::Status ContentTarget::Segments(
    const std::vector<store::SegmentRow>& rows) {
  for (const store::SegmentRow& segment : rows) {
    CRM_RETURN_IF_ERROR(target_.backend().SaveSegment(segment));
  }
  return absl::OkStatus();
}

absl::Status ContentTarget::Stubs(const StubMarks& stubs) {
  for (const auto& [id, until] : stubs) {
    CRM_RETURN_IF_ERROR(target_.backend().InsertStub(id, until));
  }
  return absl::OkStatus();
}

// The suppression key and every keyed hash (core/suppression.h): the hashes
// are only of use under the key that made them.
absl::Status ContentTarget::Suppressions(
    const std::optional<std::string>& key,
    const std::vector<store::SuppressionRow>& rows) {
  if (!key.has_value()) return absl::OkStatus();
  CRM_ASSIGN_OR_RETURN(std::string stored,
                       target_.backend().StoreSuppressionKey(*key));
  if (stored != *key) {
    return MakeError(ErrorCode::kConflict,
                     "the target workspace has a suppression key of its own: "
                     "copy into a new, empty workspace",
                     "", Rule::kTarget);
  }
  for (const store::SuppressionRow& row : rows) {
    CRM_RETURN_IF_ERROR(target_.backend().InsertSuppression(row).status());
  }
  return absl::OkStatus();
}

absl::Status ContentTarget::Merges(const std::vector<store::MergeRow>& page) {
  for (const store::MergeRow& row : page) {
    CRM_RETURN_IF_ERROR(target_.backend().InsertMerge(row));
  }
  return absl::OkStatus();
}

absl::Status ContentTarget::Floors(const store::IdFloors& floors) {
  return seam_->RaiseIdFloors(floors);
}

absl::Status ContentTarget::Finish() {
  // Indexes after the rows (one build instead of an update per row), and
  // last: on a server, building one locks the customer table shared by all
  // workspaces against writes until the copy commits.
  for (const store::FieldColumn& column : index_changes_) {
    CRM_RETURN_IF_ERROR(
        target_.backend().SetColumnIndex(column.column, column.index));
  }
  CRM_RETURN_IF_ERROR(target_.SchemaChanged());
  // Match keys are derived data: made from the rows as loaded, under the
  // settings loaded with them.
  return duplicates::RebuildMatchKeys(target_);
}

}  // namespace crm::core
