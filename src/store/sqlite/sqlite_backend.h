// The SQLite backend: one workspace in one file (or in memory), the
// embedded default. Implements store::Backend (backend.h states each
// method's contract) by forwarding to this directory's functions on one
// Connection.
#ifndef CRM_STORE_SQLITE_SQLITE_BACKEND_H_
#define CRM_STORE_SQLITE_SQLITE_BACKEND_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/backend.h"
#include "store/query_plan.h"
#include "store/rows.h"
#include "store/sql_value.h"
#include "store/sqlite/connection.h"
#include "store/suppression_cache.h"

namespace crm::store::sqlite {

// Opens the workspace file at `path` (":memory:" for a private in-memory
// one), creating it when `options.create` allows, then identifies, verifies
// (`read_field_columns` reads its field definitions) and migrates it
// (migrations.h, OpenWorkspace()). A file that fails verification is not
// written to.
absl::StatusOr<std::unique_ptr<Backend>> OpenSqliteBackend(
    const std::string& path, const ConnectionOptions& options,
    const FieldColumnsReader& read_field_columns);

// The layout version this build writes to workspace files.
int LatestSqliteSchemaVersion();

// Owns the connection. Not thread-safe (see Backend).
class SqliteBackend final : public Backend {
 public:
  // `connection` holds a verified, migrated workspace (OpenSqliteBackend()).
  explicit SqliteBackend(std::unique_ptr<Connection> connection)
      : connection_(std::move(connection)) {}

  absl::Status BeginScope(ScopeKind kind) override;
  absl::Status CommitScope() override;
  void RollbackScope() override;
  absl::Status BeginTransaction() override;
  absl::Status CommitTransaction() override;
  absl::Status RollbackTransaction() override;
  bool InTransaction() const override;
  void LayoutChanged() override;
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
  // ---- merges: merge_table.h ----------------------------------------------
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

  // Erasure: defined in erasure_store.cc.
  absl::StatusOr<RemovedEvents> DeleteCustomerEvents(
      int64_t customer_id) override;
  absl::StatusOr<std::vector<int64_t>> CustomersReferencing(
      const std::string& column, int64_t id) override;
  absl::Status PurgeSearchIndex() override;
  absl::Status Checkpoint() override;
  absl::Status InsertStub(int64_t id, int64_t held_until_us) override;
  absl::StatusOr<std::optional<int64_t>> StubHeldUntil(int64_t id) override;
  absl::StatusOr<std::vector<int64_t>> EndedStubs(int64_t now_us) override;
  absl::StatusOr<int64_t> DeleteStub(int64_t id) override;
  absl::Status RelinkEvents(
      int64_t customer_id,
      const std::vector<std::pair<int64_t, std::string>>& events) override;
  absl::StatusOr<int64_t> DeleteEventsBefore(int64_t type_id, int64_t before_us,
                                             bool of_stubs) override;
  // ---- suppression: suppression_table.h ----------------------------------
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

  // ---- backup and verify: backup_store.h ---------------------------------
  absl::StatusOr<bool> BackupToFile(
      const std::string& path,
      absl::FunctionRef<absl::Status(int64_t, int64_t, int64_t)> step) override;
  absl::StatusOr<int64_t> CheckLayout(
      const FieldColumnsReader& read_field_columns) override;
  absl::StatusOr<IntegrityReport> CheckIntegrity(int64_t limit) override;

  absl::StatusOr<std::unique_ptr<WorkspaceCopySeam>> CopySeam() override;

 private:
  // Forgets the generation known for a snapshot: after this connection
  // changed it or undid changes (its own commits need not move the data
  // version).
  void ForgetGeneration() { known_generation_.reset(); }

  std::unique_ptr<Connection> connection_;
  // The schema generation read in the snapshot whose data version is
  // `first`: SchemaGeneration() answers from it, without a statement, in a
  // later snapshot with the same data version (nothing was committed
  // between them).
  std::optional<std::pair<uint32_t, int64_t>> known_generation_;
  // Whether the open scope is a savepoint inside the host's transaction;
  // nullopt when no scope is open.
  std::optional<bool> scope_nested_;
  // Suppression state read in the open scope (store/suppression_cache.h).
  SuppressionCache suppressions_;
};

}  // namespace crm::store::sqlite

#endif  // CRM_STORE_SQLITE_SQLITE_BACKEND_H_
