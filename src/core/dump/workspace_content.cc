#include "core/dump/workspace_content.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "core/duplicates/duplicate_settings.h"
#include "core/workspace_copy.h"

namespace crm::core {
namespace {

using store::CustomerRow;
using store::EventRow;
using store::FieldRow;

// A stored customer value is NULL, an integer, a real or text: anything
// else is damage, refused rather than copied.
absl::Status CheckCustomerValues(const ContentLayout& layout,
                                 const CustomerRow& row) {
  if (row.values.size() != layout.columns.size()) {
    return MakeError(ErrorCode::kIo,
                     absl::StrCat("customer ", row.id,
                                  " was read with the wrong number of values"),
                     "", Rule::kDamaged);
  }
  for (size_t i = 0; i < layout.columns.size(); ++i) {
    if (std::holds_alternative<store::Blob>(row.values[i])) {
      const Field* field = layout.schema->FindByColumn(layout.columns[i]);
      std::string name = field != nullptr ? field->name() : layout.columns[i];
      return MakeError(ErrorCode::kIo,
                       absl::StrCat("customer ", row.id, " holds bytes in '",
                                    name, "', which libcrm never writes"),
                       name, Rule::kDamaged);
    }
  }
  return absl::OkStatus();
}

absl::Status OutOfOrder(absl::string_view what) {
  return MakeError(ErrorCode::kIo,
                   absl::StrCat(what, " were read out of order"), "",
                   Rule::kDamaged);
}

absl::Status ReadCustomers(store::WorkspaceCopySeam& seam,
                           const ContentLayout& layout, ContentSink& sink) {
  int64_t after = 0;
  while (true) {
    CRM_ASSIGN_OR_RETURN(
        std::vector<CustomerRow> page,
        seam.SelectCustomersAfter(layout.columns, after, kCopyPageSize));
    if (page.empty()) return absl::OkStatus();
    for (const CustomerRow& row : page) {
      CRM_RETURN_IF_ERROR(CheckCustomerValues(layout, row));
      if (row.id <= after) return OutOfOrder("customers");
      after = row.id;
    }
    CRM_RETURN_IF_ERROR(sink.Customers(page));
  }
}

absl::Status ReadEvents(Session& session, ContentSink& sink) {
  int64_t after = 0;
  while (true) {
    CRM_ASSIGN_OR_RETURN(std::vector<EventRow> page,
                         session.backend().SelectEventsAfter(
                             session.texts(), after, kCopyPageSize));
    if (page.empty()) return absl::OkStatus();
    for (const EventRow& row : page) {
      if (row.seq <= after) return OutOfOrder("events");
      after = row.seq;
    }
    CRM_RETURN_IF_ERROR(sink.Events(page));
  }
}

absl::Status ReadMerges(Session& session, ContentSink& sink) {
  int64_t after = 0;
  while (true) {
    CRM_ASSIGN_OR_RETURN(
        std::vector<store::MergeRow> page,
        session.backend().SelectMergesAfter(after, kCopyPageSize));
    if (page.empty()) return absl::OkStatus();
    for (const store::MergeRow& row : page) {
      if (row.merged_id <= after) return OutOfOrder("merges");
      after = row.merged_id;
    }
    CRM_RETURN_IF_ERROR(sink.Merges(page));
  }
}

// Every legal-hold stub's mark (core/legal_hold.h), with when its hold ends.
absl::StatusOr<StubMarks> ReadStubs(Session& session) {
  CRM_ASSIGN_OR_RETURN(
      std::vector<int64_t> ids,
      session.backend().EndedStubs(std::numeric_limits<int64_t>::max()));
  std::sort(ids.begin(), ids.end());
  StubMarks stubs;
  for (int64_t id : ids) {
    CRM_ASSIGN_OR_RETURN(std::optional<int64_t> until,
                         session.backend().StubHeldUntil(id));
    if (until.has_value()) stubs.emplace_back(id, *until);
  }
  return stubs;
}

}  // namespace

absl::StatusOr<ContentLayout> LayoutOf(std::vector<FieldRow> fields) {
  std::sort(fields.begin(), fields.end(),
            [](const FieldRow& a, const FieldRow& b) { return a.id < b.id; });
  ContentLayout layout;
  std::vector<FieldRow> live;
  for (const FieldRow& row : fields) {
    if (row.status != "deleted") live.push_back(row);
  }
  CRM_ASSIGN_OR_RETURN(layout.schema, Schema::FromRows(live, {}, 0));
  std::vector<const Field*> stored;
  for (const auto& field : layout.schema->fields()) {
    if (!field->read_only()) stored.push_back(field.get());
  }
  std::sort(stored.begin(), stored.end(),
            [](const Field* a, const Field* b) { return a->id() < b->id(); });
  for (const Field* field : stored) {
    layout.columns.push_back(field->column());
    layout.field_ids.push_back(field->id());
  }
  layout.fields = std::move(fields);
  return layout;
}

absl::Status ReadContent(Session& session, ContentSink& sink) {
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<store::WorkspaceCopySeam> seam,
                       session.backend().CopySeam());
  CRM_ASSIGN_OR_RETURN(std::vector<FieldRow> fields, seam->LoadAllFields());
  CRM_ASSIGN_OR_RETURN(ContentLayout layout, LayoutOf(std::move(fields)));
  CRM_RETURN_IF_ERROR(sink.Fields(layout));
  CRM_RETURN_IF_ERROR(ReadCustomers(*seam, layout, sink));
  CRM_RETURN_IF_ERROR(ReadEvents(session, sink));
  store::Backend& backend = session.backend();
  CRM_ASSIGN_OR_RETURN(NamedDefinitions event_types, backend.LoadEventTypes());
  std::sort(event_types.begin(), event_types.end());
  CRM_RETURN_IF_ERROR(sink.EventTypes(event_types));
  CRM_ASSIGN_OR_RETURN(NamedDefinitions profiles, backend.LoadProfiles());
  std::sort(profiles.begin(), profiles.end());
  CRM_RETURN_IF_ERROR(sink.Profiles(profiles));
  CRM_ASSIGN_OR_RETURN(NamedDefinitions rules, backend.LoadDuplicateRules());
  std::sort(rules.begin(), rules.end());
  CRM_ASSIGN_OR_RETURN(std::optional<std::string> settings,
                       backend.LoadSetting(duplicates::kSettingsKey));
  CRM_RETURN_IF_ERROR(sink.Duplicates(rules, settings));
  CRM_ASSIGN_OR_RETURN(std::vector<store::SegmentRow> segments,
                       backend.LoadSegments());
  std::sort(segments.begin(), segments.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  CRM_RETURN_IF_ERROR(sink.Segments(segments));
  CRM_ASSIGN_OR_RETURN(StubMarks stubs, ReadStubs(session));
  CRM_RETURN_IF_ERROR(sink.Stubs(stubs));
  CRM_ASSIGN_OR_RETURN(std::optional<std::string> key,
                       backend.LoadSuppressionKey());
  CRM_ASSIGN_OR_RETURN(std::vector<store::SuppressionRow> suppressions,
                       backend.LoadSuppressions());
  std::sort(suppressions.begin(), suppressions.end(),
            [](const auto& a, const auto& b) { return a.hash < b.hash; });
  CRM_RETURN_IF_ERROR(sink.Suppressions(key, suppressions));
  CRM_RETURN_IF_ERROR(ReadMerges(session, sink));
  CRM_ASSIGN_OR_RETURN(store::IdFloors floors, seam->ReadIdFloors());
  CRM_RETURN_IF_ERROR(sink.Floors(floors));
  return sink.Finish();
}

absl::Status TeeSink::Fields(const ContentLayout& layout) {
  CRM_RETURN_IF_ERROR(first_.Fields(layout));
  return second_.Fields(layout);
}
absl::Status TeeSink::Customers(const std::vector<CustomerRow>& page) {
  CRM_RETURN_IF_ERROR(first_.Customers(page));
  return second_.Customers(page);
}
absl::Status TeeSink::Events(const std::vector<EventRow>& page) {
  CRM_RETURN_IF_ERROR(first_.Events(page));
  return second_.Events(page);
}
absl::Status TeeSink::EventTypes(const NamedDefinitions& types) {
  CRM_RETURN_IF_ERROR(first_.EventTypes(types));
  return second_.EventTypes(types);
}
absl::Status TeeSink::Profiles(const NamedDefinitions& profiles) {
  CRM_RETURN_IF_ERROR(first_.Profiles(profiles));
  return second_.Profiles(profiles);
}
absl::Status TeeSink::Duplicates(const NamedDefinitions& rules,
                                 const std::optional<std::string>& settings) {
  CRM_RETURN_IF_ERROR(first_.Duplicates(rules, settings));
  return second_.Duplicates(rules, settings);
}
absl::Status TeeSink::Segments(const std::vector<store::SegmentRow>& rows) {
  CRM_RETURN_IF_ERROR(first_.Segments(rows));
  return second_.Segments(rows);
}
absl::Status TeeSink::Stubs(const StubMarks& stubs) {
  CRM_RETURN_IF_ERROR(first_.Stubs(stubs));
  return second_.Stubs(stubs);
}
absl::Status TeeSink::Suppressions(
    const std::optional<std::string>& key,
    const std::vector<store::SuppressionRow>& rows) {
  CRM_RETURN_IF_ERROR(first_.Suppressions(key, rows));
  return second_.Suppressions(key, rows);
}
absl::Status TeeSink::Merges(const std::vector<store::MergeRow>& page) {
  CRM_RETURN_IF_ERROR(first_.Merges(page));
  return second_.Merges(page);
}
absl::Status TeeSink::Floors(const store::IdFloors& floors) {
  CRM_RETURN_IF_ERROR(first_.Floors(floors));
  return second_.Floors(floors);
}
absl::Status TeeSink::Finish() {
  CRM_RETURN_IF_ERROR(first_.Finish());
  return second_.Finish();
}

}  // namespace crm::core
