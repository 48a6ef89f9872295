#include "store/sqlite/sqlite_backend.h"

#include "base/error.h"
#include "store/sqlite/as_of_table.h"
#include "store/sqlite/backup_store.h"
#include "store/sqlite/customer_table.h"
#include "store/sqlite/definition_table.h"
#include "store/sqlite/event_table.h"
#include "store/sqlite/field_table.h"
#include "store/sqlite/hold_table.h"
#include "store/sqlite/match_key_table.h"
#include "store/sqlite/merge_table.h"
#include "store/sqlite/meta_table.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/query_sql.h"
#include "store/sqlite/search_table.h"
#include "store/sqlite/settings_table.h"
#include "store/sqlite/suppression_table.h"
#include "store/sqlite/transaction.h"
#include "store/sqlite/workspace_copy.h"

namespace crm::store::sqlite {

absl::StatusOr<std::unique_ptr<Backend>> OpenSqliteBackend(
    const std::string& path, const ConnectionOptions& options,
    const FieldColumnsReader& read_field_columns) {
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<Connection> connection,
                       Connection::Open(path, options));
  CRM_RETURN_IF_ERROR(OpenWorkspace(*connection, read_field_columns));
  return std::make_unique<SqliteBackend>(std::move(connection));
}

int LatestSqliteSchemaVersion() { return LatestSchemaVersion(); }

// ---- scopes and transactions ----------------------------------------------

absl::Status SqliteBackend::BeginScope(ScopeKind kind) {
  if (scope_nested_.has_value()) {
    return MakeError(ErrorCode::kInternal, "scopes do not nest");
  }
  CRM_ASSIGN_OR_RETURN(bool nested, sqlite::BeginScope(*connection_, kind));
  scope_nested_ = nested;
  suppressions_.Forget();
  return absl::OkStatus();
}

absl::Status SqliteBackend::CommitScope() {
  if (!scope_nested_.has_value()) {
    return MakeError(ErrorCode::kInternal, "no scope is open to commit");
  }
  absl::Status status = sqlite::CommitScope(*connection_, *scope_nested_);
  if (!status.ok()) {
    ForgetGeneration();
    return status;
  }
  scope_nested_.reset();
  return absl::OkStatus();
}

void SqliteBackend::RollbackScope() {
  if (!scope_nested_.has_value()) return;
  ForgetGeneration();
  sqlite::RollbackScope(*connection_, *scope_nested_);
  scope_nested_.reset();
}

absl::Status SqliteBackend::BeginTransaction() {
  return BeginHostTransaction(*connection_);
}

absl::Status SqliteBackend::CommitTransaction() {
  absl::Status status = CommitHostTransaction(*connection_);
  if (!status.ok()) ForgetGeneration();
  return status;
}

absl::Status SqliteBackend::RollbackTransaction() {
  ForgetGeneration();
  return RollbackHostTransaction(*connection_);
}

bool SqliteBackend::InTransaction() const {
  return connection_->InTransaction();
}

void SqliteBackend::LayoutChanged() { connection_->ClearStatementCache(); }

absl::StatusOr<int> SqliteBackend::SchemaVersion() {
  return sqlite::SchemaVersion(*connection_);
}

absl::StatusOr<bool> SqliteBackend::TakeMetaFlag(const std::string& key) {
  return sqlite::TakeMetaFlag(*connection_, key);
}

// ---- fields -----------------------------------------------------------------

absl::StatusOr<std::vector<FieldRow>> SqliteBackend::LoadFields() {
  return sqlite::LoadFields(*connection_);
}

absl::Status SqliteBackend::InsertStandardField(const FieldRow& row) {
  return sqlite::InsertStandardField(*connection_, row);
}

absl::StatusOr<FieldRow> SqliteBackend::InsertUserField(FieldRow row) {
  return sqlite::InsertUserField(*connection_, std::move(row));
}

absl::Status SqliteBackend::UpdateField(const FieldRow& row) {
  return sqlite::UpdateField(*connection_, row);
}

absl::Status SqliteBackend::DeleteUserField(const FieldRow& row) {
  return sqlite::DeleteUserField(*connection_, row);
}

absl::Status SqliteBackend::SetColumnIndex(const std::string& column,
                                           ColumnIndex index) {
  return sqlite::SetColumnIndex(*connection_, column, index);
}

absl::StatusOr<int64_t> SqliteBackend::SchemaGeneration() {
  std::optional<uint32_t> version = connection_->SnapshotVersion();
  if (version && known_generation_ && known_generation_->first == *version) {
    return known_generation_->second;
  }
  CRM_ASSIGN_OR_RETURN(int64_t generation,
                       sqlite::SchemaGeneration(*connection_));
  // The read above took the snapshot if none was taken yet.
  version = connection_->SnapshotVersion();
  known_generation_.reset();
  if (version) known_generation_.emplace(*version, generation);
  return generation;
}

absl::Status SqliteBackend::BumpSchemaGeneration() {
  ForgetGeneration();
  return sqlite::BumpSchemaGeneration(*connection_);
}

absl::StatusOr<std::vector<std::pair<int64_t, SqlValue>>>
SqliteBackend::ReadColumn(const std::string& column) {
  return sqlite::ReadColumn(*connection_, column);
}

absl::Status SqliteBackend::WriteColumnValue(const std::string& column,
                                             int64_t customer_id,
                                             const SqlValue& value) {
  return sqlite::WriteColumnValue(*connection_, column, customer_id, value);
}

// ---- customers --------------------------------------------------------------

absl::StatusOr<int64_t> SqliteBackend::InsertCustomer(
    int64_t created_at_us, int64_t now_us, const ColumnValues& values) {
  return sqlite::InsertCustomer(*connection_, created_at_us, now_us, values);
}

absl::Status SqliteBackend::UpdateCustomer(int64_t id, int64_t new_version,
                                           int64_t now_us,
                                           const ColumnValues& values) {
  return sqlite::UpdateCustomer(*connection_, id, new_version, now_us, values);
}

absl::StatusOr<std::optional<CustomerRow>> SqliteBackend::SelectCustomer(
    const std::vector<std::string>& columns, const std::string& key_column,
    const SqlValue& key, bool nocase) {
  return sqlite::SelectCustomer(*connection_, columns, key_column, key, nocase);
}

absl::StatusOr<std::vector<CustomerRow>> SqliteBackend::SelectCustomers(
    const std::vector<std::string>& columns, const std::vector<int64_t>& ids) {
  return sqlite::SelectCustomers(*connection_, columns, ids);
}

absl::Status SqliteBackend::DeleteCustomer(int64_t id) {
  CRM_RETURN_IF_ERROR(sqlite::ReplaceMatchKeys(*connection_, id, {}));
  return sqlite::DeleteCustomer(*connection_, id);
}

absl::StatusOr<bool> SqliteBackend::IsReferenced(const std::string& column,
                                                 int64_t id) {
  return sqlite::IsReferenced(*connection_, column, id);
}

absl::StatusOr<int64_t> SqliteBackend::CountCustomers() {
  return sqlite::CountCustomers(*connection_);
}

absl::StatusOr<std::vector<int64_t>> SqliteBackend::ExistingCustomers(
    std::vector<int64_t> ids) {
  return sqlite::ExistingCustomers(*connection_, std::move(ids));
}

// ---- the event log ----------------------------------------------------------

absl::StatusOr<int64_t> SqliteBackend::InternString(const std::string& text) {
  return sqlite::InternString(*connection_, text);
}

absl::StatusOr<std::optional<int64_t>> SqliteBackend::FindString(
    const std::string& text) {
  return sqlite::FindString(*connection_, text);
}

absl::StatusOr<int64_t> SqliteBackend::InsertEvent(const EventRow& row,
                                                   const EventIds& ids) {
  return sqlite::InsertEvent(*connection_, row, ids);
}

absl::StatusOr<std::optional<int64_t>> SqliteBackend::FindEventByKey(
    const std::string& key) {
  return sqlite::FindEventByKey(*connection_, key);
}

absl::StatusOr<std::optional<EventRow>> SqliteBackend::SelectEvent(
    InternedTexts& texts, int64_t seq) {
  return sqlite::SelectEvent(*connection_, texts, seq);
}

absl::StatusOr<std::vector<EventRow>> SqliteBackend::SelectTimeline(
    InternedTexts& texts, const TimelineQuery& query) {
  return sqlite::SelectTimeline(*connection_, texts, query);
}

absl::StatusOr<int64_t> SqliteBackend::EventHighWater() {
  return sqlite::EventHighWater(*connection_);
}

absl::StatusOr<std::vector<EventRow>> SqliteBackend::SelectEventsAfter(
    InternedTexts& texts, int64_t after_seq, int64_t limit) {
  return sqlite::SelectEventsAfter(*connection_, texts, after_seq, limit);
}

absl::StatusOr<std::vector<EventRow>> SqliteBackend::SelectHistory(
    InternedTexts& texts, int64_t customer_id, int64_t known_at_us) {
  return sqlite::SelectHistory(*connection_, texts, customer_id, known_at_us);
}

absl::StatusOr<std::vector<int64_t>> SqliteBackend::CustomersWithoutHistory() {
  return sqlite::CustomersWithoutHistory(*connection_);
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
SqliteBackend::LoadEventTypes() {
  return sqlite::LoadEventTypes(*connection_);
}

absl::Status SqliteBackend::UpsertEventType(const std::string& name,
                                            const std::string& definition) {
  return sqlite::UpsertEventType(*connection_, name, definition);
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
SqliteBackend::LoadProfiles() {
  return sqlite::LoadDefinitions(*connection_, DefinitionTable::kProfiles);
}

absl::Status SqliteBackend::UpsertProfile(const std::string& name,
                                          const std::string& definition) {
  return sqlite::UpsertDefinition(*connection_, DefinitionTable::kProfiles,
                                  name, definition);
}

absl::StatusOr<bool> SqliteBackend::DeleteProfile(const std::string& name) {
  return sqlite::DeleteDefinition(*connection_, DefinitionTable::kProfiles,
                                  name);
}

// ---- search and segments ----------------------------------------------------

absl::Status SqliteBackend::SetSearchText(int64_t id, const std::string& text,
                                          bool is_new) {
  return sqlite::SetSearchText(*connection_, id, text, is_new);
}

absl::StatusOr<std::vector<int64_t>> SqliteBackend::SearchCustomers(
    const std::string& query, int64_t limit) {
  return sqlite::SearchCustomers(*connection_, query, limit);
}

absl::Status SqliteBackend::SaveSegment(const SegmentRow& segment) {
  return sqlite::SaveSegment(*connection_, segment);
}

absl::StatusOr<bool> SqliteBackend::DeleteSegment(const std::string& name) {
  return sqlite::DeleteSegment(*connection_, name);
}

absl::StatusOr<std::vector<SegmentRow>> SqliteBackend::LoadSegments() {
  return sqlite::LoadSegments(*connection_);
}

// ---- queries ----------------------------------------------------------------

absl::StatusOr<std::vector<SelectedRow>> SqliteBackend::RunSelect(
    const SelectPlan& plan) {
  return sqlite::RunSelect(*connection_, plan);
}

absl::StatusOr<int64_t> SqliteBackend::RunCount(
    Table target, const std::optional<Condition>& where) {
  return sqlite::RunCount(*connection_, target, where);
}

absl::Status SqliteBackend::PrepareCount(
    Table target, const std::optional<Condition>& where) {
  return sqlite::PrepareCount(*connection_, target, where);
}

absl::StatusOr<std::vector<std::vector<SqlValue>>> SqliteBackend::RunAggregate(
    const AggregatePlan& plan) {
  return sqlite::RunAggregate(*connection_, plan);
}

absl::StatusOr<std::string> SqliteBackend::ExplainSelect(
    const SelectPlan& plan) {
  return sqlite::ExplainSelect(*connection_, plan);
}

absl::StatusOr<std::vector<int64_t>> SqliteBackend::CountFilled(
    const std::vector<ColumnRef>& columns) {
  return sqlite::CountFilled(*connection_, columns);
}

absl::StatusOr<std::vector<std::vector<SqlValue>>> SqliteBackend::RunCohort(
    const std::string& first_type, const std::string& then_type,
    int64_t within_us, Bucket bucket,
    const std::optional<Condition>& customers) {
  return sqlite::RunCohort(*connection_, first_type, then_type, within_us,
                           bucket, customers);
}

// ---- queries as of a valid time ---------------------------------------------

absl::Status SqliteBackend::ForEachHistoryRow(
    int64_t known_at_us,
    absl::FunctionRef<absl::Status(const EventRow&)> visit) {
  return sqlite::ForEachHistoryRow(*connection_, known_at_us, visit);
}

absl::Status SqliteBackend::FillAsOf(const std::vector<std::string>& columns,
                                     const std::vector<AsOfRow>& rows,
                                     const std::optional<Condition>& scope) {
  return sqlite::FillAsOf(*connection_, columns, rows, scope);
}

// ---- suppression ------------------------------------------------------------

absl::StatusOr<std::optional<std::string>> SqliteBackend::LoadSuppressionKey() {
  return suppressions_.Key(
      [&] { return sqlite::LoadSuppressionKey(*connection_); });
}

absl::StatusOr<std::string> SqliteBackend::StoreSuppressionKey(
    const std::string& key) {
  return suppressions_.StoreKey(
      [&] { return sqlite::StoreSuppressionKey(*connection_, key); });
}

absl::StatusOr<bool> SqliteBackend::InsertSuppression(
    const SuppressionRow& row) {
  absl::StatusOr<bool> inserted = sqlite::InsertSuppression(*connection_, row);
  if (inserted.ok()) suppressions_.Added();
  return inserted;
}

absl::StatusOr<bool> SqliteBackend::HasSuppressions() {
  return suppressions_.Any(
      [&] { return sqlite::HasSuppressions(*connection_); });
}

absl::StatusOr<bool> SqliteBackend::FindSuppression(
    const std::vector<std::string>& hashes) {
  return sqlite::FindSuppression(*connection_, hashes);
}

absl::StatusOr<int64_t> SqliteBackend::DeleteSuppressions(
    const std::vector<std::string>& hashes) {
  suppressions_.Removed();
  return sqlite::DeleteSuppressions(*connection_, hashes);
}

absl::StatusOr<int64_t> SqliteBackend::CountSuppressions() {
  return sqlite::CountSuppressions(*connection_);
}

absl::StatusOr<std::vector<SuppressionRow>> SqliteBackend::LoadSuppressions() {
  return sqlite::LoadSuppressions(*connection_);
}

// ---- moving a workspace
// -------------------------------------------------------

// ---- backup and verify ----------------------------------------------------

absl::StatusOr<bool> SqliteBackend::BackupToFile(
    const std::string& path,
    absl::FunctionRef<absl::Status(int64_t, int64_t, int64_t)> step) {
  // Inside the host's transaction the copy would hold its uncommitted
  // writes (and SQLite refuses to copy from a connection writing).
  if (scope_nested_.value_or(false)) {
    return MakeError(ErrorCode::kMisuse,
                     "a backup is not taken inside a transaction (crm_begin): "
                     "commit or roll back first");
  }
  return sqlite::BackupToFile(*connection_, path, step);
}

absl::StatusOr<int64_t> SqliteBackend::CheckLayout(
    const FieldColumnsReader& read_field_columns) {
  return sqlite::CheckLayout(*connection_, read_field_columns);
}

absl::StatusOr<IntegrityReport> SqliteBackend::CheckIntegrity(int64_t limit) {
  return sqlite::CheckIntegrity(*connection_, limit);
}

absl::StatusOr<std::unique_ptr<WorkspaceCopySeam>> SqliteBackend::CopySeam() {
  return NewSqliteCopySeam(*connection_);
}

// ---- retention and legal hold ---------------------------------------------

absl::Status SqliteBackend::InsertStub(int64_t id, int64_t held_until_us) {
  return sqlite::InsertStub(*connection_, id, held_until_us);
}

absl::StatusOr<std::optional<int64_t>> SqliteBackend::StubHeldUntil(
    int64_t id) {
  return sqlite::StubHeldUntil(*connection_, id);
}

absl::StatusOr<std::vector<int64_t>> SqliteBackend::EndedStubs(int64_t now_us) {
  return sqlite::EndedStubs(*connection_, now_us);
}

absl::StatusOr<int64_t> SqliteBackend::DeleteStub(int64_t id) {
  CRM_RETURN_IF_ERROR(sqlite::ReplaceMatchKeys(*connection_, id, {}));
  return sqlite::DeleteStub(*connection_, id);
}

absl::Status SqliteBackend::RelinkEvents(
    int64_t customer_id,
    const std::vector<std::pair<int64_t, std::string>>& events) {
  return sqlite::RelinkEvents(*connection_, customer_id, events);
}

absl::StatusOr<int64_t> SqliteBackend::DeleteEventsBefore(int64_t type_id,
                                                          int64_t before_us,
                                                          bool of_stubs) {
  return sqlite::DeleteEventsBefore(*connection_, type_id, before_us, of_stubs);
}

// ---- duplicates -------------------------------------------------------------

absl::Status SqliteBackend::ReplaceMatchKeys(
    int64_t id, const std::vector<MatchKeyRow>& keys) {
  return sqlite::ReplaceMatchKeys(*connection_, id, keys);
}

// In-process: a statement per customer costs what one for all would.
absl::StatusOr<std::vector<MatchSubject>> SqliteBackend::SelectMatchSubjects(
    const std::vector<std::string>& columns, const std::vector<int64_t>& ids) {
  CRM_ASSIGN_OR_RETURN(std::vector<CustomerRow> rows,
                       sqlite::SelectCustomers(*connection_, columns, ids));
  std::vector<MatchSubject> subjects;
  subjects.reserve(rows.size());
  for (CustomerRow& row : rows) {
    CRM_ASSIGN_OR_RETURN(std::vector<MatchKeyRow> keys,
                         sqlite::SelectMatchKeys(*connection_, row.id));
    subjects.push_back({std::move(row), std::move(keys)});
  }
  return subjects;
}

absl::StatusOr<std::vector<MatchKeyRow>> SqliteBackend::SelectMatchKeys(
    int64_t id) {
  return sqlite::SelectMatchKeys(*connection_, id);
}

absl::StatusOr<std::vector<MatchKeyHolder>> SqliteBackend::FindMatchKeyHolders(
    const std::vector<MatchKeyRow>& keys, int64_t exclude_id,
    int64_t limit_per_key) {
  return sqlite::FindMatchKeyHolders(*connection_, keys, exclude_id,
                                     limit_per_key);
}

absl::Status SqliteBackend::ForEachMatchKeyGroup(
    const std::vector<int>& kinds, int64_t after_id,
    absl::FunctionRef<absl::Status(int, const std::string&,
                                   const std::vector<int64_t>&)>
        visit) {
  return sqlite::ForEachMatchKeyGroup(*connection_, kinds, after_id, visit);
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
SqliteBackend::LoadDuplicateRules() {
  return sqlite::LoadDefinitions(*connection_,
                                 DefinitionTable::kDuplicateRules);
}

absl::Status SqliteBackend::UpsertDuplicateRule(const std::string& name,
                                                const std::string& definition) {
  return sqlite::UpsertDefinition(
      *connection_, DefinitionTable::kDuplicateRules, name, definition);
}

absl::StatusOr<bool> SqliteBackend::DeleteDuplicateRule(
    const std::string& name) {
  return sqlite::DeleteDefinition(*connection_,
                                  DefinitionTable::kDuplicateRules, name);
}

absl::StatusOr<std::optional<std::string>> SqliteBackend::LoadSetting(
    const std::string& key) {
  return sqlite::LoadSetting(*connection_, key);
}

absl::Status SqliteBackend::StoreSetting(const std::string& key,
                                         const std::string& value) {
  return sqlite::StoreSetting(*connection_, key, value);
}

// ---- merges -----------------------------------------------------------------

absl::Status SqliteBackend::InsertMerge(const MergeRow& row) {
  return sqlite::InsertMerge(*connection_, row);
}

absl::StatusOr<std::optional<MergeRow>> SqliteBackend::SelectMerge(
    int64_t merged_id) {
  return sqlite::SelectMerge(*connection_, merged_id);
}

absl::StatusOr<std::optional<MergeRow>> SqliteBackend::SelectMergeByExternalId(
    const std::string& external_id) {
  return sqlite::SelectMergeByExternalId(*connection_, external_id);
}

absl::StatusOr<std::vector<MergeRow>> SqliteBackend::SelectMergeRows(
    int64_t merge_id) {
  return sqlite::SelectMergeRows(*connection_, merge_id);
}

absl::StatusOr<std::vector<MergeRow>> SqliteBackend::SelectMergesBySurvivor(
    int64_t survivor_id, bool with_snapshots) {
  return sqlite::SelectMergesBySurvivor(*connection_, survivor_id,
                                        with_snapshots);
}

absl::Status SqliteBackend::SetMergeSurvivor(
    const std::vector<int64_t>& merged_ids, int64_t survivor_id) {
  return sqlite::SetMergeSurvivor(*connection_, merged_ids, survivor_id);
}

absl::StatusOr<int64_t> SqliteBackend::DeleteMerge(int64_t merge_id) {
  return sqlite::DeleteMerge(*connection_, merge_id);
}

absl::StatusOr<std::vector<MergeRow>> SqliteBackend::SelectMergesAfter(
    int64_t after_id, int64_t limit) {
  return sqlite::SelectMergesAfter(*connection_, after_id, limit);
}

}  // namespace crm::store::sqlite
