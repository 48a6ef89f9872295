#include "store/postgres/postgres_backend.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "store/postgres/as_of_store.h"
#include "store/postgres/catalog.h"
#include "store/postgres/column_index.h"
#include "store/postgres/customer_store.h"
#include "store/postgres/event_log.h"
#include "store/postgres/field_store.h"
#include "store/postgres/high_water.h"
#include "store/postgres/hold_store.h"
#include "store/postgres/id_sequences.h"
#include "store/postgres/match_key_store.h"
#include "store/postgres/merge_store.h"
#include "store/postgres/profile_store.h"
#include "store/postgres/query_sql.h"
#include "store/postgres/search.h"
#include "store/postgres/segment_store.h"
#include "store/postgres/suppression_store.h"
#include "store/postgres/transaction.h"

namespace crm::store::postgres {
namespace {

absl::Status ReadOnly() {
  return MakeError(ErrorCode::kReadOnly, "the workspace was opened read-only");
}

// The lock a read of customers by id takes in a scope of `kind`: a write
// locks the customers it reads (customer_store.h), so that its checks (the
// expected version, existence) hold until it commits.
RowLock IdReadLock(ScopeKind kind, const std::vector<std::string>& columns) {
  if (kind != ScopeKind::kWrite) return RowLock::kNone;
  return columns.empty() ? RowLock::kKeyShare : RowLock::kUpdate;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresBackend>> PostgresBackend::Open(
    std::unique_ptr<Connection> connection, int64_t workspace_id,
    const ConnectionOptions& options) {
  std::unique_ptr<PostgresBackend> backend(
      new PostgresBackend(std::move(connection), workspace_id, options));
  CRM_RETURN_IF_ERROR(backend->ConfigureSession());
  return backend;
}

absl::Status PostgresBackend::ConfigureSession() {
  // PostgreSQL's lock_timeout 0 would wait for ever; a busy timeout of 0
  // means not waiting (as on SQLite): 1 ms.
  CRM_RETURN_IF_ERROR(
      Run(*connection_, absl::StrCat("SET lock_timeout = ",
                                     std::max(1, options_.busy_timeout_ms))));
  // libcrm sends and expects UTF-8 whatever PGCLIENTENCODING or the URL say.
  CRM_RETURN_IF_ERROR(Run(*connection_, "SET client_encoding = 'UTF8'"));
  CRM_RETURN_IF_ERROR(CreateAsOfTable(*connection_));
  return Run(*connection_, absl::StrCat("SET default_transaction_read_only = ",
                                        options_.read_only ? "on" : "off"));
}

absl::Status PostgresBackend::VerifyWorkspaceObjects(
    const FieldColumnsReader& read_field_columns) {
  CRM_ASSIGN_OR_RETURN(Scope scope, Scope::Begin(*this, ScopeKind::kRead));
  CRM_RETURN_IF_ERROR(CheckLayout(read_field_columns).status());
  return scope.Commit();
}

absl::StatusOr<int64_t> PostgresBackend::CheckLayout(
    const FieldColumnsReader& read_field_columns) {
  CRM_RETURN_IF_ERROR(VerifyIdSequences(*connection_, workspace_id_));
  CRM_ASSIGN_OR_RETURN(std::vector<FieldRow> rows, LoadFields());
  CRM_ASSIGN_OR_RETURN(std::vector<FieldColumn> columns,
                       read_field_columns(rows));
  // name -> SQL. A user field's index must be there; a standard field's
  // may be (one made indexed by a patch) but need not: the standard fields
  // are stored without one, and their unique indexes are migration 3's.
  absl::flat_hash_map<std::string, std::string> wanted, allowed;
  for (const FieldColumn& column : columns) {
    if (column.index == ColumnIndex::kNone) continue;
    (column.standard ? allowed
                     : wanted)[ColumnIndexName(workspace_id_, column.column)] =
        ColumnIndexSql(workspace_id_, column.column, column.index);
  }
  CRM_ASSIGN_OR_RETURN(
      Result present,
      connection_->Execute(
          "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = "
          "current_schema() AND tablename = 'crm_customers' AND indexname "
          "LIKE $1",
          {absl::StrCat("crm\\_ix\\_", workspace_id_, "\\_%")}));
  size_t matched = 0;
  for (int row = 0; row < present.rows(); ++row) {
    std::string name(present.Text(row, 0));
    auto it = wanted.find(name);
    const bool required = it != wanted.end();
    if (!required) it = allowed.find(name);
    if (it == allowed.end() ||
        ColumnIndexSqlFor(name, present.Text(row, 1)) != it->second) {
      return MakeError(ErrorCode::kNotWorkspace,
                       absl::StrCat("the workspace's index ", name,
                                    " is not what its fields need"),
                       "", Rule::kSchema);
    }
    if (required) ++matched;
  }
  if (matched != wanted.size()) {
    return MakeError(ErrorCode::kNotWorkspace,
                     "an index the workspace's fields need is missing", "",
                     Rule::kSchema);
  }
  // Its three id sequences, and each index.
  return 3 + static_cast<int64_t>(present.rows());
}

absl::StatusOr<IntegrityReport> PostgresBackend::CheckIntegrity(int64_t limit) {
  // What the server's constraints do not say of a workspace's rows, one
  // count each ($1 the workspace).
  struct RowRule {
    const char* sql;
    const char* what;
  };
  static constexpr RowRule kRules[] = {
      {"SELECT count(*) FROM crm_events e WHERE e.workspace_id = $1 AND "
       "EXISTS (SELECT 1 FROM unnest(ARRAY[e.type_id, e.channel_id, "
       "e.actor_id, e.source_id]) AS n(id) WHERE n.id IS NOT NULL AND NOT "
       "EXISTS (SELECT 1 FROM crm_strings s WHERE s.workspace_id = $1 AND "
       "s.string_id = n.id))",
       "events name a type, channel, actor or source that is no interned "
       "string"},
      {"SELECT count(*) FROM crm_customer_search s WHERE s.workspace_id = $1 "
       "AND NOT EXISTS (SELECT 1 FROM crm_customers c WHERE c.workspace_id = "
       "$1 AND c.customer_id = s.customer_id)",
       "search rows belong to no stored customer"},
      {"SELECT count(*) FROM crm_customers c WHERE c.workspace_id = $1 AND "
       "(jsonb_typeof(c.data) <> 'object' OR c.version < 1 OR "
       "c.customer_id < 1)",
       "customers have values that are not an object, a version below 1 or "
       "an id below 1"},
      {"SELECT count(*) FROM crm_fields f WHERE f.workspace_id = $1 AND "
       "f.status NOT IN ('active', 'archived', 'deleted')",
       "fields have a status libcrm does not write"},
      {"SELECT count(*) FROM crm_events e WHERE e.workspace_id = $1 AND "
       "e.seq < 1",
       "events have a seq below 1"},
  };
  IntegrityReport report;
  const std::string workspace = absl::StrCat(workspace_id_);
  for (const RowRule& rule : kRules) {
    CRM_ASSIGN_OR_RETURN(Result counted,
                         connection_->Execute(rule.sql, {workspace}));
    if (counted.rows() != 1) {
      return MakeError(ErrorCode::kIo, "PostgreSQL sent no count", "",
                       Rule::kDamaged);
    }
    CRM_ASSIGN_OR_RETURN(int64_t found, counted.Integer(0, 0, "a count"));
    ++report.checked;
    if (found > 0 && static_cast<int64_t>(report.problems.size()) < limit) {
      report.problems.push_back(absl::StrCat(found, " ", rule.what));
    }
  }
  return report;
}

absl::StatusOr<bool> PostgresBackend::BackupToFile(
    const std::string&,
    absl::FunctionRef<absl::Status(int64_t, int64_t, int64_t)>) {
  return false;
}

// ---- scopes and transactions ----------------------------------------------

absl::Status PostgresBackend::BeginTopLevel(ScopeKind kind) {
  if (kind == ScopeKind::kRead) {
    return Run(*connection_, "BEGIN ISOLATION LEVEL REPEATABLE READ");
  }
  CRM_RETURN_IF_ERROR(
      Run(*connection_, "BEGIN ISOLATION LEVEL READ COMMITTED"));
  absl::StatusOr<Result> locked = connection_->Execute(
      "SELECT 1 FROM crm_counters WHERE workspace_id = $1 FOR SHARE",
      {absl::StrCat(workspace_id_)});
  absl::Status status = locked.status();
  if (status.ok() && locked->rows() != 1) status = WorkspaceGone(workspace_id_);
  if (!status.ok() && connection_->InTransaction()) {
    (void)Run(*connection_, "ROLLBACK");
  }
  return status;
}

absl::Status PostgresBackend::BeginScope(ScopeKind kind) {
  if (kind == ScopeKind::kWrite && options_.read_only) return ReadOnly();
  scope_kind_ = kind;
  suppressions_.Forget();
  if (connection_->InTransaction()) {
    CRM_RETURN_IF_ERROR(Run(*connection_, "SAVEPOINT crm_call"));
    scope_is_savepoint_ = true;
    return absl::OkStatus();
  }
  if (!connection_->connected()) {
    CRM_RETURN_IF_ERROR(connection_->Reconnect());
    CRM_RETURN_IF_ERROR(ConfigureSession());
  }
  scope_is_savepoint_ = false;
  return BeginTopLevel(kind);
}

absl::Status PostgresBackend::CommitScope() {
  if (scope_is_savepoint_) return Run(*connection_, "RELEASE crm_call");
  return CommitOpenTransaction(*connection_);
}

void PostgresBackend::RollbackScope() {
  // A lost connection or a failed COMMIT has ended the transaction already.
  if (!connection_->InTransaction()) return;
  if (scope_is_savepoint_) {
    if (Run(*connection_, "ROLLBACK TO SAVEPOINT crm_call").ok()) {
      (void)Run(*connection_, "RELEASE crm_call");
      return;
    }
    // The call's partial work must never reach the host's commit: give up
    // the host's whole transaction instead.
  }
  (void)Run(*connection_, "ROLLBACK");
}

absl::Status PostgresBackend::BeginTransaction() {
  if (connection_->InTransaction()) {
    return MakeError(ErrorCode::kMisuse,
                     "a transaction is already open on this workspace");
  }
  if (options_.read_only) return ReadOnly();
  if (!connection_->connected()) {
    CRM_RETURN_IF_ERROR(connection_->Reconnect());
    CRM_RETURN_IF_ERROR(ConfigureSession());
  }
  return BeginTopLevel(ScopeKind::kWrite);
}

absl::Status PostgresBackend::CommitTransaction() {
  if (!connection_->InTransaction()) {
    return MakeError(ErrorCode::kMisuse, "no transaction is open to commit");
  }
  return CommitOpenTransaction(*connection_);
}

absl::Status PostgresBackend::RollbackTransaction() {
  if (!connection_->InTransaction()) {
    return MakeError(ErrorCode::kMisuse, "no transaction is open to roll back");
  }
  return Run(*connection_, "ROLLBACK");
}

// A transaction a failed statement aborted can only be rolled back (to the
// call's savepoint, or wholly): to the core it is no longer open, as a
// SQLite transaction rolled back after an I/O error is not, so a batch stops
// at the row that failed instead of failing every row after it.
bool PostgresBackend::InTransaction() const {
  return connection_->InTransaction() && !connection_->TransactionAborted();
}

absl::StatusOr<int> PostgresBackend::SchemaVersion() {
  return DatabaseSchemaVersion(*connection_);
}

// Migrations on PostgreSQL leave one-off flags per workspace.
absl::StatusOr<bool> PostgresBackend::TakeMetaFlag(const std::string& key) {
  return postgres::TakeWorkspaceFlag(*connection_, workspace_id_, key);
}

// ---- fields -----------------------------------------------------------------

absl::StatusOr<std::vector<FieldRow>> PostgresBackend::LoadFields() {
  return postgres::LoadFields(*connection_, workspace_id_);
}

absl::Status PostgresBackend::InsertStandardField(const FieldRow& row) {
  return postgres::InsertStandardField(*connection_, workspace_id_, row);
}

absl::StatusOr<FieldRow> PostgresBackend::InsertUserField(FieldRow row) {
  return postgres::InsertUserField(*connection_, workspace_id_, std::move(row));
}

absl::Status PostgresBackend::UpdateField(const FieldRow& row) {
  return postgres::UpdateField(*connection_, workspace_id_, row);
}

absl::Status PostgresBackend::DeleteUserField(const FieldRow& row) {
  return postgres::DeleteUserField(*connection_, workspace_id_, row);
}

absl::Status PostgresBackend::SetColumnIndex(const std::string& column,
                                             ColumnIndex index) {
  return postgres::SetColumnIndex(*connection_, workspace_id_, column, index);
}

absl::StatusOr<int64_t> PostgresBackend::SchemaGeneration() {
  return postgres::SchemaGeneration(*connection_, workspace_id_);
}

absl::Status PostgresBackend::BumpSchemaGeneration() {
  return postgres::BumpSchemaGeneration(*connection_, workspace_id_);
}

absl::StatusOr<std::vector<std::pair<int64_t, SqlValue>>>
PostgresBackend::ReadColumn(const std::string& column) {
  return postgres::ReadColumn(*connection_, workspace_id_, column);
}

absl::Status PostgresBackend::WriteColumnValue(const std::string& column,
                                               int64_t customer_id,
                                               const SqlValue& value) {
  return postgres::WriteColumnValue(*connection_, workspace_id_, column,
                                    customer_id, value);
}

// ---- customers --------------------------------------------------------------

absl::StatusOr<int64_t> PostgresBackend::InsertCustomer(
    int64_t created_at_us, int64_t now_us, const ColumnValues& values) {
  return postgres::InsertCustomer(*connection_, workspace_id_, created_at_us,
                                  now_us, values);
}

absl::Status PostgresBackend::UpdateCustomer(int64_t id, int64_t new_version,
                                             int64_t now_us,
                                             const ColumnValues& values) {
  return postgres::UpdateCustomer(*connection_, workspace_id_, id, new_version,
                                  now_us, values);
}

absl::StatusOr<std::optional<CustomerRow>> PostgresBackend::SelectCustomer(
    const std::vector<std::string>& columns, const std::string& key_column,
    const SqlValue& key, bool nocase) {
  RowLock lock =
      key_column == "id" ? IdReadLock(scope_kind_, columns) : RowLock::kNone;
  return postgres::SelectCustomer(*connection_, workspace_id_, columns,
                                  key_column, key, nocase, lock);
}

absl::StatusOr<std::vector<CustomerRow>> PostgresBackend::SelectCustomers(
    const std::vector<std::string>& columns, const std::vector<int64_t>& ids) {
  return postgres::SelectCustomersById(*connection_, workspace_id_, columns,
                                       ids, IdReadLock(scope_kind_, columns));
}

absl::Status PostgresBackend::DeleteCustomer(int64_t id) {
  CRM_RETURN_IF_ERROR(
      postgres::ReplaceMatchKeys(*connection_, workspace_id_, id, {}));
  return postgres::DeleteCustomer(*connection_, workspace_id_, id);
}

absl::StatusOr<bool> PostgresBackend::IsReferenced(const std::string& column,
                                                   int64_t id) {
  return postgres::IsReferenced(*connection_, workspace_id_, column, id);
}

absl::StatusOr<int64_t> PostgresBackend::CountCustomers() {
  return postgres::CountCustomers(*connection_, workspace_id_);
}

absl::StatusOr<std::vector<int64_t>> PostgresBackend::ExistingCustomers(
    std::vector<int64_t> ids) {
  return postgres::ExistingCustomers(*connection_, workspace_id_,
                                     std::move(ids));
}

// ---- the event log ----------------------------------------------------------

absl::StatusOr<int64_t> PostgresBackend::InternString(const std::string& text) {
  return postgres::InternString(*connection_, workspace_id_, text);
}

absl::StatusOr<std::optional<int64_t>> PostgresBackend::FindString(
    const std::string& text) {
  return postgres::FindString(*connection_, workspace_id_, text);
}

absl::StatusOr<int64_t> PostgresBackend::InsertEvent(const EventRow& row,
                                                     const EventIds& ids) {
  return postgres::InsertEvent(*connection_, workspace_id_, row, ids);
}

absl::StatusOr<std::optional<int64_t>> PostgresBackend::FindEventByKey(
    const std::string& key) {
  return postgres::FindEventByKey(*connection_, workspace_id_, key);
}

absl::StatusOr<std::optional<EventRow>> PostgresBackend::SelectEvent(
    InternedTexts& texts, int64_t seq) {
  return postgres::SelectEvent(*connection_, workspace_id_, texts, seq);
}

absl::StatusOr<std::vector<EventRow>> PostgresBackend::SelectTimeline(
    InternedTexts& texts, const TimelineQuery& query) {
  return postgres::SelectTimeline(*connection_, workspace_id_, texts, query);
}

absl::StatusOr<std::vector<EventRow>> PostgresBackend::SelectEventsAfter(
    InternedTexts& texts, int64_t after_seq, int64_t limit) {
  return postgres::SelectEventsAfter(*connection_, workspace_id_, texts,
                                     after_seq, limit);
}

absl::StatusOr<int64_t> PostgresBackend::EventHighWater() {
  return postgres::EventHighWater(*connection_, workspace_id_);
}

absl::StatusOr<std::vector<EventRow>> PostgresBackend::SelectHistory(
    InternedTexts& texts, int64_t customer_id, int64_t known_at_us) {
  return postgres::SelectHistory(*connection_, workspace_id_, texts,
                                 customer_id, known_at_us);
}

absl::StatusOr<std::vector<int64_t>>
PostgresBackend::CustomersWithoutHistory() {
  return postgres::CustomersWithoutHistory(*connection_, workspace_id_);
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
PostgresBackend::LoadEventTypes() {
  return postgres::LoadEventTypes(*connection_, workspace_id_);
}

absl::Status PostgresBackend::UpsertEventType(const std::string& name,
                                              const std::string& definition) {
  return postgres::UpsertEventType(*connection_, workspace_id_, name,
                                   definition);
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
PostgresBackend::LoadProfiles() {
  return postgres::LoadProfiles(*connection_, workspace_id_);
}

absl::Status PostgresBackend::UpsertProfile(const std::string& name,
                                            const std::string& definition) {
  return postgres::UpsertProfile(*connection_, workspace_id_, name, definition);
}

absl::StatusOr<bool> PostgresBackend::DeleteProfile(const std::string& name) {
  return postgres::DeleteProfile(*connection_, workspace_id_, name);
}

// ---- search and segments ----------------------------------------------------

absl::Status PostgresBackend::SetSearchText(int64_t id, const std::string& text,
                                            bool is_new) {
  return postgres::SetSearchText(*connection_, workspace_id_, id, text, is_new);
}

absl::StatusOr<std::vector<int64_t>> PostgresBackend::SearchCustomers(
    const std::string& query, int64_t limit) {
  return postgres::SearchCustomers(*connection_, workspace_id_, query, limit);
}

absl::Status PostgresBackend::SaveSegment(const SegmentRow& segment) {
  return postgres::SaveSegment(*connection_, workspace_id_, segment);
}

absl::StatusOr<bool> PostgresBackend::DeleteSegment(const std::string& name) {
  return postgres::DeleteSegment(*connection_, workspace_id_, name);
}

absl::StatusOr<std::vector<SegmentRow>> PostgresBackend::LoadSegments() {
  return postgres::LoadSegments(*connection_, workspace_id_);
}

// ---- suppression ------------------------------------------------------------

absl::StatusOr<std::optional<std::string>>
PostgresBackend::LoadSuppressionKey() {
  return suppressions_.Key([&] {
    return postgres::LoadSuppressionKey(*connection_, workspace_id_);
  });
}

absl::StatusOr<std::string> PostgresBackend::StoreSuppressionKey(
    const std::string& key) {
  return suppressions_.StoreKey([&] {
    return postgres::StoreSuppressionKey(*connection_, workspace_id_, key);
  });
}

absl::StatusOr<bool> PostgresBackend::InsertSuppression(
    const SuppressionRow& row) {
  absl::StatusOr<bool> inserted =
      postgres::InsertSuppression(*connection_, workspace_id_, row);
  if (inserted.ok()) suppressions_.Added();
  return inserted;
}

absl::StatusOr<bool> PostgresBackend::HasSuppressions() {
  return suppressions_.Any(
      [&] { return postgres::HasSuppressions(*connection_, workspace_id_); });
}

absl::StatusOr<bool> PostgresBackend::FindSuppression(
    const std::vector<std::string>& hashes) {
  return postgres::FindSuppression(*connection_, workspace_id_, hashes);
}

absl::StatusOr<int64_t> PostgresBackend::DeleteSuppressions(
    const std::vector<std::string>& hashes) {
  suppressions_.Removed();
  return postgres::DeleteSuppressions(*connection_, workspace_id_, hashes);
}

absl::StatusOr<int64_t> PostgresBackend::CountSuppressions() {
  return postgres::CountSuppressions(*connection_, workspace_id_);
}

absl::StatusOr<std::vector<SuppressionRow>>
PostgresBackend::LoadSuppressions() {
  return postgres::LoadSuppressions(*connection_, workspace_id_);
}

// ---- queries (query_sql.h) ----------------------------------------------

absl::StatusOr<std::vector<SelectedRow>> PostgresBackend::RunSelect(
    const SelectPlan& plan) {
  return postgres::RunSelect(*connection_, workspace_id_, plan);
}

absl::StatusOr<int64_t> PostgresBackend::RunCount(
    Table target, const std::optional<Condition>& where) {
  return postgres::RunCount(*connection_, workspace_id_, target, where);
}

absl::Status PostgresBackend::PrepareCount(
    Table target, const std::optional<Condition>& where) {
  return postgres::PrepareCount(*connection_, workspace_id_, target, where);
}

absl::StatusOr<std::vector<std::vector<SqlValue>>>
PostgresBackend::RunAggregate(const AggregatePlan& plan) {
  return postgres::RunAggregate(*connection_, workspace_id_, plan);
}

absl::StatusOr<std::string> PostgresBackend::ExplainSelect(
    const SelectPlan& plan) {
  return postgres::ExplainSelect(*connection_, workspace_id_, plan);
}

absl::StatusOr<std::vector<int64_t>> PostgresBackend::CountFilled(
    const std::vector<ColumnRef>& columns) {
  return postgres::CountFilled(*connection_, workspace_id_, columns);
}

absl::StatusOr<std::vector<std::vector<SqlValue>>> PostgresBackend::RunCohort(
    const std::string& first_type, const std::string& then_type,
    int64_t within_us, Bucket bucket,
    const std::optional<Condition>& customers) {
  return postgres::RunCohort(*connection_, workspace_id_, first_type, then_type,
                             within_us, bucket, customers);
}

// ---- queries as of a valid time -------------------------------------------

absl::Status PostgresBackend::ForEachHistoryRow(
    int64_t known_at_us,
    absl::FunctionRef<absl::Status(const EventRow&)> visit) {
  return postgres::ForEachHistoryRow(*connection_, workspace_id_, known_at_us,
                                     visit);
}

absl::Status PostgresBackend::FillAsOf(const std::vector<std::string>& columns,
                                       const std::vector<AsOfRow>& rows,
                                       const std::optional<Condition>& scope) {
  return postgres::FillAsOf(*connection_, workspace_id_, columns, rows, scope);
}

// ---- retention and legal hold ---------------------------------------------

absl::Status PostgresBackend::InsertStub(int64_t id, int64_t held_until_us) {
  return postgres::InsertStub(*connection_, workspace_id_, id, held_until_us);
}

absl::StatusOr<std::optional<int64_t>> PostgresBackend::StubHeldUntil(
    int64_t id) {
  return postgres::StubHeldUntil(*connection_, workspace_id_, id);
}

absl::StatusOr<std::vector<int64_t>> PostgresBackend::EndedStubs(
    int64_t now_us) {
  return postgres::EndedStubs(*connection_, workspace_id_, now_us);
}

absl::StatusOr<int64_t> PostgresBackend::DeleteStub(int64_t id) {
  CRM_RETURN_IF_ERROR(
      postgres::ReplaceMatchKeys(*connection_, workspace_id_, id, {}));
  return postgres::DeleteStub(*connection_, workspace_id_, id);
}

absl::Status PostgresBackend::RelinkEvents(
    int64_t customer_id,
    const std::vector<std::pair<int64_t, std::string>>& events) {
  return postgres::RelinkEvents(*connection_, workspace_id_, customer_id,
                                events);
}

absl::StatusOr<int64_t> PostgresBackend::DeleteEventsBefore(int64_t type_id,
                                                            int64_t before_us,
                                                            bool of_stubs) {
  return postgres::DeleteEventsBefore(*connection_, workspace_id_, type_id,
                                      before_us, of_stubs);
}

// ---- duplicates -------------------------------------------------------------

absl::Status PostgresBackend::ReplaceMatchKeys(
    int64_t id, const std::vector<MatchKeyRow>& keys) {
  return postgres::ReplaceMatchKeys(*connection_, workspace_id_, id, keys);
}

absl::StatusOr<std::vector<MatchSubject>> PostgresBackend::SelectMatchSubjects(
    const std::vector<std::string>& columns, const std::vector<int64_t>& ids) {
  CRM_ASSIGN_OR_RETURN(
      std::vector<CustomerRow> rows,
      postgres::SelectCustomersById(*connection_, workspace_id_, columns, ids));
  CRM_ASSIGN_OR_RETURN(
      auto keys, postgres::SelectMatchKeysOf(*connection_, workspace_id_, ids));
  // Both by customer id: each row takes the keys of its id.
  std::vector<MatchSubject> subjects;
  subjects.reserve(rows.size());
  size_t next = 0;
  for (CustomerRow& row : rows) {
    MatchSubject subject{std::move(row), {}};
    while (next < keys.size() && keys[next].first < subject.row.id) ++next;
    for (; next < keys.size() && keys[next].first == subject.row.id; ++next) {
      subject.keys.push_back(std::move(keys[next].second));
    }
    subjects.push_back(std::move(subject));
  }
  return subjects;
}

absl::StatusOr<std::vector<MatchKeyRow>> PostgresBackend::SelectMatchKeys(
    int64_t id) {
  return postgres::SelectMatchKeys(*connection_, workspace_id_, id);
}

absl::StatusOr<std::vector<MatchKeyHolder>>
PostgresBackend::FindMatchKeyHolders(const std::vector<MatchKeyRow>& keys,
                                     int64_t exclude_id,
                                     int64_t limit_per_key) {
  return postgres::FindMatchKeyHolders(*connection_, workspace_id_, keys,
                                       exclude_id, limit_per_key);
}

absl::Status PostgresBackend::ForEachMatchKeyGroup(
    const std::vector<int>& kinds, int64_t after_id,
    absl::FunctionRef<absl::Status(int, const std::string&,
                                   const std::vector<int64_t>&)>
        visit) {
  return postgres::ForEachMatchKeyGroup(*connection_, workspace_id_, kinds,
                                        after_id, visit);
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
PostgresBackend::LoadDuplicateRules() {
  return postgres::LoadDuplicateRules(*connection_, workspace_id_);
}

absl::Status PostgresBackend::UpsertDuplicateRule(
    const std::string& name, const std::string& definition) {
  return postgres::UpsertDuplicateRule(*connection_, workspace_id_, name,
                                       definition);
}

absl::StatusOr<bool> PostgresBackend::DeleteDuplicateRule(
    const std::string& name) {
  return postgres::DeleteDuplicateRule(*connection_, workspace_id_, name);
}

absl::StatusOr<std::optional<std::string>> PostgresBackend::LoadSetting(
    const std::string& key) {
  return postgres::LoadSetting(*connection_, workspace_id_, key);
}

absl::Status PostgresBackend::StoreSetting(const std::string& key,
                                           const std::string& value) {
  return postgres::StoreSetting(*connection_, workspace_id_, key, value);
}

// ---- merges -----------------------------------------------------------------

absl::Status PostgresBackend::InsertMerge(const MergeRow& row) {
  return postgres::InsertMerge(*connection_, workspace_id_, row);
}

absl::StatusOr<std::optional<MergeRow>> PostgresBackend::SelectMerge(
    int64_t merged_id) {
  return postgres::SelectMerge(*connection_, workspace_id_, merged_id);
}

absl::StatusOr<std::optional<MergeRow>>
PostgresBackend::SelectMergeByExternalId(const std::string& external_id) {
  return postgres::SelectMergeByExternalId(*connection_, workspace_id_,
                                           external_id);
}

absl::StatusOr<std::vector<MergeRow>> PostgresBackend::SelectMergeRows(
    int64_t merge_id) {
  return postgres::SelectMergeRows(*connection_, workspace_id_, merge_id);
}

absl::StatusOr<std::vector<MergeRow>> PostgresBackend::SelectMergesBySurvivor(
    int64_t survivor_id, bool with_snapshots) {
  return postgres::SelectMergesBySurvivor(*connection_, workspace_id_,
                                          survivor_id, with_snapshots);
}

absl::Status PostgresBackend::SetMergeSurvivor(
    const std::vector<int64_t>& merged_ids, int64_t survivor_id) {
  return postgres::SetMergeSurvivor(*connection_, workspace_id_, merged_ids,
                                    survivor_id);
}

absl::StatusOr<int64_t> PostgresBackend::DeleteMerge(int64_t merge_id) {
  return postgres::DeleteMerge(*connection_, workspace_id_, merge_id);
}

absl::StatusOr<std::vector<MergeRow>> PostgresBackend::SelectMergesAfter(
    int64_t after_id, int64_t limit) {
  return postgres::SelectMergesAfter(*connection_, workspace_id_, after_id,
                                     limit);
}

}  // namespace crm::store::postgres
