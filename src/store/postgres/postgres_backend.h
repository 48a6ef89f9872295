// PostgresBackend: crm::store::Backend (store/backend.h states every
// method's contract) for one workspace of a PostgreSQL database, in the
// plugin library libcrm_postgres.so. Its rows live in tables all workspaces
// share, keyed by the workspace's id (catalog.cc, migration 3); the work is
// done by customer_store.h, field_store.h, segment_store.h and event_log.h,
// to which the methods forward with that id, queries by query_sql.h and
// full-text search by search.h.
//
// Transactions. A call's scope outside a host transaction is a transaction
// of its own; inside the host's, a savepoint. Write scopes and the host's
// transaction run at READ COMMITTED and first lock the workspace's row in
// crm_counters FOR SHARE: writers of a workspace run at once (ids come from
// sequences, id_sequences.h), while a field change, which updates that row
// (schema generation, field ids), waits for every writer to end and keeps
// new ones out until it commits, so no write mixes two schemas. Waits last
// up to lock_timeout (the busy timeout; then kBusy). Two field changes at
// once can deadlock on the row (both hold it shared, both update it): the
// server fails one, kBusy. What a write checks and then relies on is locked
// or guarded by an index: the customers it reads by id (SelectCustomer,
// SelectCustomers: FOR NO KEY UPDATE with values, FOR KEY SHARE for
// existence), unique values by their unique indexes, idempotency keys by
// theirs (event_log.h).
// Event seqs are taken in insert order, not commit order: high_water.h says
// how a reader knows which seqs are final. Read scopes run at REPEATABLE
// READ: one snapshot for all of a call's reads, no locks.
//
// A connection lost mid-call fails with rule "connection"; the server rolls
// the open transaction back, so nothing is half-written, and InTransaction()
// turns false. The next scope reconnects. A host transaction lost that way
// is the core's to report (Workspace::HostTransactionLost) before it opens
// another scope. Not thread-safe (backend.h).
#ifndef CRM_STORE_POSTGRES_POSTGRES_BACKEND_H_
#define CRM_STORE_POSTGRES_POSTGRES_BACKEND_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/backend.h"
#include "store/postgres/connection.h"
#include "store/suppression_cache.h"

namespace crm::store::postgres {

class PostgresBackend : public Backend {
 public:
  // Takes an open connection to a prepared database (catalog.h) and the id
  // of a workspace in it; sets the session up (lock timeout, read-only).
  static absl::StatusOr<std::unique_ptr<PostgresBackend>> Open(
      std::unique_ptr<Connection> connection, int64_t workspace_id,
      const ConnectionOptions& options);

  // Checks that the workspace's id sequences are there (id_sequences.h) and
  // its per-column indexes are those its fields need (what
  // `read_field_columns` says of them): kNotWorkspace, rule "schema",
  // otherwise. Runs in a read scope of its own.
  absl::Status VerifyWorkspaceObjects(
      const FieldColumnsReader& read_field_columns);

  int64_t workspace_id() const { return workspace_id_; }
  Connection& connection() { return *connection_; }

  // ---- Backend ------------------------------------------------------------
  absl::Status BeginScope(ScopeKind kind) override;
  absl::Status CommitScope() override;
  void RollbackScope() override;
  absl::Status BeginTransaction() override;
  absl::Status CommitTransaction() override;
  absl::Status RollbackTransaction() override;
  bool InTransaction() const override;
  void LayoutChanged() override {}
  absl::StatusOr<int> SchemaVersion() override;
  absl::StatusOr<bool> TakeMetaFlag(const std::string& key) override;

  absl::StatusOr<std::vector<FieldRow>> LoadFields() override;
  absl::Status InsertStandardField(const FieldRow& row) override;
  absl::StatusOr<FieldRow> InsertUserField(FieldRow row) override;
  absl::Status UpdateField(const FieldRow& row) override;
  absl::Status DeleteUserField(const FieldRow& row) override;
  absl::Status SetColumnIndex(const std::string& column,
                              ColumnIndex index) override;
  absl::StatusOr<int64_t> SchemaGeneration() override;
  absl::Status BumpSchemaGeneration() override;
  absl::StatusOr<std::vector<std::pair<int64_t, SqlValue>>> ReadColumn(
      const std::string& column) override;
  absl::Status WriteColumnValue(const std::string& column, int64_t customer_id,
                                const SqlValue& value) override;

  absl::StatusOr<int64_t> InsertCustomer(int64_t created_at_us, int64_t now_us,
                                         const ColumnValues& values) override;
  absl::Status UpdateCustomer(int64_t id, int64_t new_version, int64_t now_us,
                              const ColumnValues& values) override;
  absl::StatusOr<std::optional<CustomerRow>> SelectCustomer(
      const std::vector<std::string>& columns, const std::string& key_column,
      const SqlValue& key, bool nocase) override;
  absl::StatusOr<std::vector<CustomerRow>> SelectCustomers(
      const std::vector<std::string>& columns,
      const std::vector<int64_t>& ids) override;
  absl::Status DeleteCustomer(int64_t id) override;
  absl::StatusOr<bool> IsReferenced(const std::string& column,
                                    int64_t id) override;
  absl::StatusOr<int64_t> CountCustomers() override;
  absl::StatusOr<std::vector<int64_t>> ExistingCustomers(
      std::vector<int64_t> ids) override;

  absl::StatusOr<int64_t> InternString(const std::string& text) override;
  absl::StatusOr<std::optional<int64_t>> FindString(
      const std::string& text) override;
  absl::StatusOr<int64_t> InsertEvent(const EventRow& row,
                                      const EventIds& ids) override;
  absl::StatusOr<std::optional<int64_t>> FindEventByKey(
      const std::string& key) override;
  absl::StatusOr<std::optional<EventRow>> SelectEvent(InternedTexts& texts,
                                                      int64_t seq) override;
  absl::StatusOr<std::vector<EventRow>> SelectTimeline(
      InternedTexts& texts, const TimelineQuery& query) override;
  absl::StatusOr<std::vector<EventRow>> SelectEventsAfter(
      InternedTexts& texts, int64_t after_seq, int64_t limit) override;
  absl::StatusOr<int64_t> EventHighWater() override;
  absl::StatusOr<std::vector<EventRow>> SelectHistory(
      InternedTexts& texts, int64_t customer_id, int64_t known_at_us) override;
  absl::StatusOr<std::vector<int64_t>> CustomersWithoutHistory() override;
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
  LoadEventTypes() override;
  absl::Status UpsertEventType(const std::string& name,
                               const std::string& definition) override;
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
  LoadProfiles() override;
  absl::Status UpsertProfile(const std::string& name,
                             const std::string& definition) override;
  absl::StatusOr<bool> DeleteProfile(const std::string& name) override;
  // ---- duplicates ----
  absl::Status ReplaceMatchKeys(int64_t id,
                                const std::vector<MatchKeyRow>& keys) override;
  absl::StatusOr<std::vector<MatchKeyRow>> SelectMatchKeys(int64_t id) override;
  absl::StatusOr<std::vector<MatchSubject>> SelectMatchSubjects(
      const std::vector<std::string>& columns,
      const std::vector<int64_t>& ids) override;
  absl::StatusOr<std::vector<MatchKeyHolder>> FindMatchKeyHolders(
      const std::vector<MatchKeyRow>& keys, int64_t exclude_id,
      int64_t limit_per_key) override;
  absl::Status ForEachMatchKeyGroup(
      const std::vector<int>& kinds, int64_t after_id,
      absl::FunctionRef<absl::Status(int kind, const std::string& key,
                                     const std::vector<int64_t>& ids)>
          visit) override;
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
  LoadDuplicateRules() override;
  absl::Status UpsertDuplicateRule(const std::string& name,
                                   const std::string& definition) override;
  absl::StatusOr<bool> DeleteDuplicateRule(const std::string& name) override;
  absl::StatusOr<std::optional<std::string>> LoadSetting(
      const std::string& key) override;
  absl::Status StoreSetting(const std::string& key,
                            const std::string& value) override;
  // ---- merges: merge_store.h ----------------------------------------------
  absl::Status InsertMerge(const MergeRow& row) override;
  absl::StatusOr<std::optional<MergeRow>> SelectMerge(
      int64_t merged_id) override;
  absl::StatusOr<std::optional<MergeRow>> SelectMergeByExternalId(
      const std::string& external_id) override;
  absl::StatusOr<std::vector<MergeRow>> SelectMergeRows(
      int64_t merge_id) override;
  absl::StatusOr<std::vector<MergeRow>> SelectMergesBySurvivor(
      int64_t survivor_id, bool with_snapshots) override;
  absl::Status SetMergeSurvivor(const std::vector<int64_t>& merged_ids,
                                int64_t survivor_id) override;
  absl::StatusOr<int64_t> DeleteMerge(int64_t merge_id) override;
  absl::StatusOr<std::vector<MergeRow>> SelectMergesAfter(
      int64_t after_id, int64_t limit) override;

  absl::Status SetSearchText(int64_t id, const std::string& text,
                             bool is_new) override;
  absl::StatusOr<std::vector<int64_t>> SearchCustomers(const std::string& query,
                                                       int64_t limit) override;
  absl::Status SaveSegment(const SegmentRow& segment) override;
  absl::StatusOr<bool> DeleteSegment(const std::string& name) override;
  absl::StatusOr<std::vector<SegmentRow>> LoadSegments() override;

  absl::StatusOr<std::vector<SelectedRow>> RunSelect(
      const SelectPlan& plan) override;
  absl::StatusOr<int64_t> RunCount(
      Table target, const std::optional<Condition>& where) override;
  absl::Status PrepareCount(Table target,
                            const std::optional<Condition>& where) override;
  absl::StatusOr<std::vector<std::vector<SqlValue>>> RunAggregate(
      const AggregatePlan& plan) override;
  absl::StatusOr<std::string> ExplainSelect(const SelectPlan& plan) override;
  absl::StatusOr<std::vector<int64_t>> CountFilled(
      const std::vector<ColumnRef>& columns) override;
  absl::StatusOr<std::vector<std::vector<SqlValue>>> RunCohort(
      const std::string& first_type, const std::string& then_type,
      int64_t within_us, Bucket bucket,
      const std::optional<Condition>& customers) override;
  absl::Status ForEachHistoryRow(
      int64_t known_at_us,
      absl::FunctionRef<absl::Status(const EventRow&)> visit) override;
  absl::Status FillAsOf(const std::vector<std::string>& columns,
                        const std::vector<AsOfRow>& rows,
                        const std::optional<Condition>& scope) override;

  // ---- erasure: defined in erasure_store.cc -------------------------------
  absl::StatusOr<RemovedEvents> DeleteCustomerEvents(
      int64_t customer_id) override;
  absl::StatusOr<std::vector<int64_t>> CustomersReferencing(
      const std::string& column, int64_t id) override;
  absl::Status PurgeSearchIndex() override;
  absl::Status Checkpoint() override;
  // ---- suppression: suppression_store.h ----------------------------------
  absl::StatusOr<std::optional<std::string>> LoadSuppressionKey() override;
  absl::StatusOr<std::string> StoreSuppressionKey(
      const std::string& key) override;
  absl::StatusOr<bool> InsertSuppression(const SuppressionRow& row) override;
  absl::StatusOr<bool> HasSuppressions() override;
  absl::StatusOr<bool> FindSuppression(
      const std::vector<std::string>& hashes) override;
  absl::StatusOr<int64_t> DeleteSuppressions(
      const std::vector<std::string>& hashes) override;
  absl::StatusOr<int64_t> CountSuppressions() override;
  absl::StatusOr<std::vector<SuppressionRow>> LoadSuppressions() override;

  // ---- moving a workspace: defined in workspace_copy.cc --------------------
  absl::Status InsertStub(int64_t id, int64_t held_until_us) override;
  absl::StatusOr<std::optional<int64_t>> StubHeldUntil(int64_t id) override;
  absl::StatusOr<std::vector<int64_t>> EndedStubs(int64_t now_us) override;
  absl::StatusOr<int64_t> DeleteStub(int64_t id) override;
  absl::Status RelinkEvents(
      int64_t customer_id,
      const std::vector<std::pair<int64_t, std::string>>& events) override;
  absl::StatusOr<int64_t> DeleteEventsBefore(int64_t type_id, int64_t before_us,
                                             bool of_stubs) override;

  // ---- backup and verify --------------------------------------------------
  // No file of its own: false (a backup of a server's workspace is a dump).
  absl::StatusOr<bool> BackupToFile(
      const std::string& path,
      absl::FunctionRef<absl::Status(int64_t, int64_t, int64_t)> step) override;
  absl::StatusOr<int64_t> CheckLayout(
      const FieldColumnsReader& read_field_columns) override;
  absl::StatusOr<IntegrityReport> CheckIntegrity(int64_t limit) override;

  absl::StatusOr<std::unique_ptr<WorkspaceCopySeam>> CopySeam() override;

 private:
  PostgresBackend(std::unique_ptr<Connection> connection, int64_t workspace_id,
                  const ConnectionOptions& options)
      : connection_(std::move(connection)),
        workspace_id_(workspace_id),
        options_(options) {}

  // The session's settings; again after every reconnection, which loses
  // them.
  absl::Status ConfigureSession();
  // BEGIN at `isolation`, then for writes the workspace's writer lock.
  absl::Status BeginTopLevel(ScopeKind kind);

  std::unique_ptr<Connection> connection_;
  const int64_t workspace_id_;
  const ConnectionOptions options_;
  bool scope_is_savepoint_ = false;
  // The kind of the scope open (or last opened).
  ScopeKind scope_kind_ = ScopeKind::kRead;
  // Suppression state read in the open scope (store/suppression_cache.h).
  SuppressionCache suppressions_;
};

}  // namespace crm::store::postgres

#endif  // CRM_STORE_POSTGRES_POSTGRES_BACKEND_H_
