// The storage seam: everything the core asks of the storage that holds one
// workspace. src/store is the only code that writes SQL; the core, the C ABI
// and the bindings call this interface and never learn which backend runs.
// Two implementations: store/sqlite (one file, the embedded default) and
// store/postgres (a shared server, many workspaces per database), the latter
// in a plugin library (store/backend_plugin.h).
//
// A feature that needs storage adds a method here and implements it for
// both backends. Not thread-safe: the core's Workspace serialises all use of
// one Backend. Every method runs inside a scope (below) the core opened,
// except the transaction and scope methods themselves. Values read back are
// untrusted (a damaged file, a foreign table): bounds-checked, never a crash.
#ifndef CRM_STORE_BACKEND_H_
#define CRM_STORE_BACKEND_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/query_plan.h"
#include "store/rows.h"
#include "store/sql_value.h"
#include "store/workspace_copy_seam.h"

namespace crm::store {

enum class ScopeKind { kRead, kWrite };

// A customer as of one instant, for Backend::FillAsOf(): its bookkeeping as
// crm_customer_get_at_v2 gives it, its values, and the instant.
struct AsOfRow {
  CustomerRow customer;
  int64_t valid_at_us = 0;
};

// What Backend::CheckIntegrity() found.
struct IntegrityReport {
  int64_t checked = 0;                // checks run (pages, tables, rules)
  std::vector<std::string> problems;  // one sentence each
};

// Reads field definitions into the customer columns they own: the core's
// knowledge, handed to a backend that verifies a workspace at open.
using FieldColumnsReader =
    std::function<absl::StatusOr<std::vector<FieldColumn>>(
        const std::vector<FieldRow>&)>;

class Backend {
 public:
  virtual ~Backend() = default;

  // ---- scopes and transactions --------------------------------------------
  // The scope of one library call: a transaction of its own outside a host
  // transaction (writers queue on the busy timeout rather than fail at
  // their first write), a savepoint inside one, so that a failed call undoes
  // only its own changes. Scopes do not nest: one is open at a time, ended
  // by CommitScope() or RollbackScope(). Use through Scope below.
  virtual absl::Status BeginScope(ScopeKind kind) = 0;
  virtual absl::Status CommitScope() = 0;
  // Never fails silently: a failed rollback leaves InTransaction() true, and
  // the next call's RollbackTransaction() ends it.
  virtual void RollbackScope() = 0;
  // The host's transaction (crm_begin / crm_commit / crm_rollback).
  // RollbackTransaction() is also called for a host transaction the storage
  // already ended (rolled back after a failure, lost with a connection): it
  // then forgets it and may return an error, which the caller ignores.
  virtual absl::Status BeginTransaction() = 0;
  virtual absl::Status CommitTransaction() = 0;
  virtual absl::Status RollbackTransaction() = 0;
  // Whether a transaction is open on the storage side that further calls can
  // use: false after the storage rolled one back by itself (SQLite, after
  // out-of-memory or I/O errors) or after a failed statement aborted it
  // (PostgreSQL: then only the scope's rollback can follow).
  virtual bool InTransaction() const = 0;
  // Field definitions changed (columns added or dropped): forget whatever
  // depends on the old layout, such as prepared statements.
  virtual void LayoutChanged() = 0;
  // The workspace's layout version.
  virtual absl::StatusOr<int> SchemaVersion() = 0;
  // Reads and clears a one-off flag a migration left: true when it was set.
  virtual absl::StatusOr<bool> TakeMetaFlag(const std::string& key) = 0;

  // ---- fields -------------------------------------------------------------
  // Every field row that is not deleted, by id.
  virtual absl::StatusOr<std::vector<FieldRow>> LoadFields() = 0;
  // Inserts a field row for a standard column that already exists.
  virtual absl::Status InsertStandardField(const FieldRow& row) = 0;
  // Inserts a user-defined field and gives it storage for its values, named
  // after the id ("f_<id>"). Returns the row with id and column filled in.
  virtual absl::StatusOr<FieldRow> InsertUserField(FieldRow row) = 0;
  // Rewrites name, status and definition of the row with `row.id`.
  virtual absl::Status UpdateField(const FieldRow& row) = 0;
  // Drops the values of a user-defined field and its index, and marks the
  // row deleted (kept so that history can still name the field).
  virtual absl::Status DeleteUserField(const FieldRow& row) = 0;
  // Replaces the libcrm-managed index on a customer column.
  virtual absl::Status SetColumnIndex(const std::string& column,
                                      ColumnIndex index) = 0;
  // The counter that changes with every field change, so that other handles
  // and processes know to reload their field definitions.
  virtual absl::StatusOr<int64_t> SchemaGeneration() = 0;
  virtual absl::Status BumpSchemaGeneration() = 0;
  // Non-null values of a customer column, by customer id.
  virtual absl::StatusOr<std::vector<std::pair<int64_t, SqlValue>>> ReadColumn(
      const std::string& column) = 0;
  // Overwrites one customer's value in `column` without touching its
  // version.
  virtual absl::Status WriteColumnValue(const std::string& column,
                                        int64_t customer_id,
                                        const SqlValue& value) = 0;

  // ---- customers ----------------------------------------------------------
  // Inserts a customer at version 1 under a new id, never one used before,
  // created at `created_at_us` (valid time) and last written at `now_us`.
  virtual absl::StatusOr<int64_t> InsertCustomer(
      int64_t created_at_us, int64_t now_us, const ColumnValues& values) = 0;
  // Writes `values` into customer `id` and sets its version and update time.
  virtual absl::Status UpdateCustomer(int64_t id, int64_t new_version,
                                      int64_t now_us,
                                      const ColumnValues& values) = 0;
  // The customer whose `key_column` ("id" or a field's column) equals `key`
  // (ignoring ASCII case when `nocase`), with the values of `columns`.
  virtual absl::StatusOr<std::optional<CustomerRow>> SelectCustomer(
      const std::vector<std::string>& columns, const std::string& key_column,
      const SqlValue& key, bool nocase) = 0;
  // The customers of `ids` (ascending, no two equal; at most 1,000; those
  // that are not customers are left out), by id, with the values of
  // `columns`.
  virtual absl::StatusOr<std::vector<CustomerRow>> SelectCustomers(
      const std::vector<std::string>& columns,
      const std::vector<int64_t>& ids) = 0;
  virtual absl::Status DeleteCustomer(int64_t id) = 0;
  // Whether any customer other than `id` holds `id` in `column`.
  virtual absl::StatusOr<bool> IsReferenced(const std::string& column,
                                            int64_t id) = 0;
  virtual absl::StatusOr<int64_t> CountCustomers() = 0;
  // Those of `ids` that are customers, in ascending order.
  virtual absl::StatusOr<std::vector<int64_t>> ExistingCustomers(
      std::vector<int64_t> ids) = 0;

  // ---- the event log ------------------------------------------------------
  // The id of `text` among the interned strings, adding it when new.
  virtual absl::StatusOr<int64_t> InternString(const std::string& text) = 0;
  // The id of `text` if it was ever interned.
  virtual absl::StatusOr<std::optional<int64_t>> FindString(
      const std::string& text) = 0;
  // Appends an event; returns its sequence number (increasing, never
  // reused). A backend with many writers (PostgreSQL) fails with
  // kConstraint, rule "unique", field "idempotency_key", storing nothing,
  // when another writer stored an event with the same key after the
  // caller's FindEventByKey(): the caller then finds that one.
  virtual absl::StatusOr<int64_t> InsertEvent(const EventRow& row,
                                              const EventIds& ids) = 0;
  // The sequence number of the event stored with idempotency `key`, if any.
  virtual absl::StatusOr<std::optional<int64_t>> FindEventByKey(
      const std::string& key) = 0;
  // The event reads resolve names through `texts`, filling it in. An event
  // whose type id names no interned string (damage) is left out.
  virtual absl::StatusOr<std::optional<EventRow>> SelectEvent(
      InternedTexts& texts, int64_t seq) = 0;
  virtual absl::StatusOr<std::vector<EventRow>> SelectTimeline(
      InternedTexts& texts, const TimelineQuery& query) = 0;
  // Events with seq > `after_seq` across all customers, by seq.
  virtual absl::StatusOr<std::vector<EventRow>> SelectEventsAfter(
      InternedTexts& texts, int64_t after_seq, int64_t limit) = 0;
  // The history events of a customer (created/updated/deleted) recorded at
  // or before `known_at_us` (recorded_at), in seq order (the order they
  // were recorded).
  virtual absl::StatusOr<std::vector<EventRow>> SelectHistory(
      InternedTexts& texts, int64_t customer_id, int64_t known_at_us) = 0;
  // Customers holding no history event (for a history baseline).
  virtual absl::StatusOr<std::vector<int64_t>> CustomersWithoutHistory() = 0;
  // Registered event types: name and JSON definition.
  virtual absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
  LoadEventTypes() = 0;
  virtual absl::Status UpsertEventType(const std::string& name,
                                       const std::string& definition) = 0;
  // Access profiles (core/access.h): name and canonical JSON definition, by
  // name. A profile change is a schema change: the caller bumps the schema
  // generation.
  virtual absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
  LoadProfiles() = 0;
  // Adds or replaces the profile `name`.
  virtual absl::Status UpsertProfile(const std::string& name,
                                     const std::string& definition) = 0;
  // Removes the profile `name`; whether there was one.
  virtual absl::StatusOr<bool> DeleteProfile(const std::string& name) = 0;

  // ---- the committed high-water mark (crm_event_high_water) ---------------
  // A seq H such that every event with seq <= H is committed or will never
  // exist (a seq a rolled-back writer took). Writers may commit out of seq
  // order, so H can be below the highest seq visible. Events with
  // seq <= H are only all visible to a snapshot taken after this returns:
  // a follower reads them in a later scope (or a later statement of a
  // transaction whose statements each see what committed before them).
  // Never decreases, also when events are erased.
  virtual absl::StatusOr<int64_t> EventHighWater() = 0;

  // ---- search and segments ------------------------------------------------
  // Replaces the searchable text of customer `id` (empty text removes it).
  // `is_new`: a just-created customer, with no earlier text.
  virtual absl::Status SetSearchText(int64_t id, const std::string& text,
                                     bool is_new) = 0;
  // Customers matching a search query (FTS5 query syntax), best first.
  virtual absl::StatusOr<std::vector<int64_t>> SearchCustomers(
      const std::string& query, int64_t limit) = 0;
  virtual absl::Status SaveSegment(const SegmentRow& segment) = 0;
  virtual absl::StatusOr<bool> DeleteSegment(const std::string& name) = 0;
  virtual absl::StatusOr<std::vector<SegmentRow>> LoadSegments() = 0;

  // ---- queries (plans from store/query_plan.h) ----------------------------
  virtual absl::StatusOr<std::vector<SelectedRow>> RunSelect(
      const SelectPlan& plan) = 0;
  virtual absl::StatusOr<int64_t> RunCount(
      Table target, const std::optional<Condition>& where) = 0;
  // Whether the backend accepts the statement RunCount() would run, without
  // running it.
  virtual absl::Status PrepareCount(Table target,
                                    const std::optional<Condition>& where) = 0;
  // One row per group: group keys, then aggregates (avg as sum and count).
  virtual absl::StatusOr<std::vector<std::vector<SqlValue>>> RunAggregate(
      const AggregatePlan& plan) = 0;
  // The backend's plan for a select, one step per line.
  virtual absl::StatusOr<std::string> ExplainSelect(const SelectPlan& plan) = 0;
  // Per column, how many customers hold a value (a non-empty list for list
  // columns); the last element is the number of customers.
  virtual absl::StatusOr<std::vector<int64_t>> CountFilled(
      const std::vector<ColumnRef>& columns) = 0;
  // Per bucket of the first event of type `first_type`: customers, customers
  // with an event of `then_type` within `within_us` after it, such events.
  // With `customers`, only customers matching it count (a restricted
  // handle's scope).
  virtual absl::StatusOr<std::vector<std::vector<SqlValue>>> RunCohort(
      const std::string& first_type, const std::string& then_type,
      int64_t within_us, Bucket bucket,
      const std::optional<Condition>& customers) = 0;

  // ---- queries as of a valid time (core/as_of.h) -------------------------
  // Calls `visit` with the history events (created/updated/deleted) of every
  // customer recorded at or before `known_at_us`, ordered by customer id
  // then seq. Rows carry seq, customer_id, occurred_at, recorded_at, type_id
  // and body; their names are not resolved. Stops at `visit`'s first error.
  virtual absl::Status ForEachHistoryRow(
      int64_t known_at_us,
      absl::FunctionRef<absl::Status(const EventRow&)> visit) = 0;
  // Replaces the rows of the connection's as-of table (Table::kAsOf), made
  // when missing, with `rows`: values aligned with `columns` (customer
  // columns, stored forms). With `scope`, keeps only rows whose customer
  // matches it now in the customers table. The workspace's stored layout
  // never changes: the table is temporary, of this connection only.
  virtual absl::Status FillAsOf(const std::vector<std::string>& columns,
                                const std::vector<AsOfRow>& rows,
                                const std::optional<Condition>& scope) = 0;

  // ---- erasure (core/erasure.h) ------------------------------------------
  // Deletes every event of customer `customer_id` (interactions and
  // history, with their idempotency keys) and counts them by kind. Its
  // seqs are never handed out again.
  virtual absl::StatusOr<RemovedEvents> DeleteCustomerEvents(
      int64_t customer_id) = 0;
  // The customers other than `id` holding `id` in the reference column
  // `column`, ascending.
  virtual absl::StatusOr<std::vector<int64_t>> CustomersReferencing(
      const std::string& column, int64_t id) = 0;
  // Rewrites the search index so that nothing of the entries removed
  // (SetSearchText with "") remains in what it keeps: a file's FTS5
  // segments are merged into one. Costs a pass over the whole index.
  virtual absl::Status PurgeSearchIndex() = 0;
  // The storage's upkeep that takes erased bytes out of reach (crm.h,
  // crm_checkpoint): a file's write-ahead log truncated (kBusy while
  // another connection uses it), VACUUM on a server. Runs outside any
  // scope and transaction (the one other exception to the rule above);
  // kReadOnly on a workspace opened read-only.
  virtual absl::Status Checkpoint() = 0;
  // ---- retention and legal hold (core/retention.h, core/legal_hold.h) ----
  // Marks customer `id` as the stub of a legal hold, kept until
  // `held_until_us`.
  virtual absl::Status InsertStub(int64_t id, int64_t held_until_us) = 0;
  // When the hold of stub `id` ends; nullopt when `id` is not a stub.
  virtual absl::StatusOr<std::optional<int64_t>> StubHeldUntil(int64_t id) = 0;
  // The stubs whose hold ended at `now_us` (held_until <= now_us), by id.
  virtual absl::StatusOr<std::vector<int64_t>> EndedStubs(int64_t now_us) = 0;
  // Removes stub `id` whole: its events, its search text, its customer row
  // (if still there: crm_customer_delete leaves the mark and the history)
  // and its stub mark. Returns how many events it removed.
  virtual absl::StatusOr<int64_t> DeleteStub(int64_t id) = 0;
  // Gives each event of `events` (seq, new body) to customer
  // `customer_id` with that body as its properties, and removes its
  // idempotency key. At most 1,000 events a call.
  virtual absl::Status RelinkEvents(
      int64_t customer_id,
      const std::vector<std::pair<int64_t, std::string>>& events) = 0;
  // Removes the events of type `type_id` that occurred before `before_us`:
  // of customers that are not stubs, or with `of_stubs` only those of
  // stubs. Returns how many.
  virtual absl::StatusOr<int64_t> DeleteEventsBefore(int64_t type_id,
                                                     int64_t before_us,
                                                     bool of_stubs) = 0;
  // ---- suppression (core/suppression.h) -----------------------------------
  // LoadSuppressionKey() and HasSuppressions() may answer from what the
  // scope read before (store/suppression_cache.h): once per batch, not per
  // row.
  // The workspace's 32-byte suppression key; nullopt before the first
  // suppression. A stored key of another length is damage (kIo "damaged").
  virtual absl::StatusOr<std::optional<std::string>> LoadSuppressionKey() = 0;
  // Stores `key` as the workspace's suppression key unless one is stored
  // already (another writer's, on a server): returns the key stored.
  virtual absl::StatusOr<std::string> StoreSuppressionKey(
      const std::string& key) = 0;
  // Adds a suppression; false when its hash was stored already.
  virtual absl::StatusOr<bool> InsertSuppression(const SuppressionRow& row) = 0;
  // Whether any suppression is stored: the cheap test customer writes make
  // first.
  virtual absl::StatusOr<bool> HasSuppressions() = 0;
  // Whether any of `hashes` is stored.
  virtual absl::StatusOr<bool> FindSuppression(
      const std::vector<std::string>& hashes) = 0;
  // Removes the suppressions with those hashes; returns how many were there.
  virtual absl::StatusOr<int64_t> DeleteSuppressions(
      const std::vector<std::string>& hashes) = 0;
  virtual absl::StatusOr<int64_t> CountSuppressions() = 0;
  // Every suppression, by hash (moving a workspace, its checksum). A row
  // whose hash is not 32 bytes is damage (kIo "damaged").
  virtual absl::StatusOr<std::vector<SuppressionRow>> LoadSuppressions() = 0;

  // ---- duplicates (core/duplicates) ---------------------------------------
  // A customer's match keys go with its row: DeleteCustomer() and
  // DeleteStub() remove them too.
  // Replaces the match keys of customer `id` with `keys` (sorted by kind
  // then key, no two equal); empty `keys` removes them.
  virtual absl::Status ReplaceMatchKeys(
      int64_t id, const std::vector<MatchKeyRow>& keys) = 0;
  // The match keys of customer `id`, by kind then key.
  virtual absl::StatusOr<std::vector<MatchKeyRow>> SelectMatchKeys(
      int64_t id) = 0;
  // What the duplicate check compares a write with, for every customer of
  // `ids` (ascending, no two equal; those that are not customers are left
  // out), by id: its values of `columns` (CustomerRow) and its match keys
  // by kind then key. One round trip on a server; takes no row lock.
  virtual absl::StatusOr<std::vector<MatchSubject>> SelectMatchSubjects(
      const std::vector<std::string>& columns,
      const std::vector<int64_t>& ids) = 0;
  // The customers other than `exclude_id` holding any of `keys`, one row
  // per (customer, kind) found, by customer id then kind. A key held by
  // more than `limit_per_key` customers (other than `exclude_id`) gives
  // none of them: too common to tell.
  virtual absl::StatusOr<std::vector<MatchKeyHolder>> FindMatchKeyHolders(
      const std::vector<MatchKeyRow>& keys, int64_t exclude_id,
      int64_t limit_per_key) = 0;
  // Calls `visit` once per distinct key of the kinds `kinds` held by a
  // customer with id in (`after_id`, ...]: its kind, its text and every
  // customer holding it (all ids, also those at or below `after_id`),
  // ascending; in the order of (kind, key). Stops at `visit`'s first error.
  virtual absl::Status ForEachMatchKeyGroup(
      const std::vector<int>& kinds, int64_t after_id,
      absl::FunctionRef<absl::Status(int kind, const std::string& key,
                                     const std::vector<int64_t>& ids)>
          visit) = 0;
  // Duplicate rules (core/duplicates/duplicate_rule.h): name and canonical
  // JSON definition, by name. A rule change is a schema change: the caller
  // bumps the schema generation.
  virtual absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
  LoadDuplicateRules() = 0;
  virtual absl::Status UpsertDuplicateRule(const std::string& name,
                                           const std::string& definition) = 0;
  virtual absl::StatusOr<bool> DeleteDuplicateRule(const std::string& name) = 0;
  // The workspace's settings: a JSON text per key ("duplicates"); nullopt
  // for a key never stored.
  virtual absl::StatusOr<std::optional<std::string>> LoadSetting(
      const std::string& key) = 0;
  virtual absl::Status StoreSetting(const std::string& key,
                                    const std::string& value) = 0;

  // ---- merges (core/merge.h) ------------------------------------------------
  // At most one row per merged id: a merged customer is merged once, until
  // its merge is undone (DeleteMerge).
  virtual absl::Status InsertMerge(const MergeRow& row) = 0;
  // The row of `merged_id`; nullopt when it is not merged.
  virtual absl::StatusOr<std::optional<MergeRow>> SelectMerge(
      int64_t merged_id) = 0;
  // Of the rows whose external_id equals `external_id` (byte for byte), the
  // one of the latest merge (highest merge_id, then merged_id).
  virtual absl::StatusOr<std::optional<MergeRow>> SelectMergeByExternalId(
      const std::string& external_id) = 0;
  // The rows of merge `merge_id`, by merged_id.
  virtual absl::StatusOr<std::vector<MergeRow>> SelectMergeRows(
      int64_t merge_id) = 0;
  // The rows whose survivor_id is `survivor_id`, by merged_id; their
  // snapshots only `with_snapshots` (else "").
  virtual absl::StatusOr<std::vector<MergeRow>> SelectMergesBySurvivor(
      int64_t survivor_id, bool with_snapshots) = 0;
  // Sets survivor_id of the rows of `merged_ids` (at most 1,000 a call).
  virtual absl::Status SetMergeSurvivor(const std::vector<int64_t>& merged_ids,
                                        int64_t survivor_id) = 0;
  // Removes the rows of merge `merge_id`; returns how many.
  virtual absl::StatusOr<int64_t> DeleteMerge(int64_t merge_id) = 0;
  // Up to `limit` rows with merged_id > `after_id`, by merged_id, snapshots
  // included (moving a workspace, its checksum, verify).
  virtual absl::StatusOr<std::vector<MergeRow>> SelectMergesAfter(
      int64_t after_id, int64_t limit) = 0;

  // ---- backup and verify (core/backup) -------------------------------------
  // Copies the workspace, as the scope's snapshot holds it, into the new,
  // empty file at `path` as a workspace file of this backend's own format,
  // in steps; after each, `step` gets the pages copied so far, the pages in
  // all and the bytes of a page, and stops the copy with its first error
  // (the file is then the caller's to remove). Writers on other
  // connections go on meanwhile; the copy holds only what the snapshot
  // holds. Returns false, writing nothing, when the storage has no such
  // file of its own (a server: the caller writes a dump instead). Runs in a
  // read scope; kMisuse inside the host's transaction.
  virtual absl::StatusOr<bool> BackupToFile(
      const std::string& path,
      absl::FunctionRef<absl::Status(int64_t pages_done, int64_t pages_total,
                                     int64_t page_bytes)>
          step) = 0;
  // Checks the workspace's layout as opening it does (`read_field_columns`
  // says which columns its fields own): kNotWorkspace, rule "schema", with
  // the verifier's message, for the first object at fault. Returns how many
  // objects it checked. Runs in a read scope.
  virtual absl::StatusOr<int64_t> CheckLayout(
      const FieldColumnsReader& read_field_columns) = 0;
  // The storage's own integrity check of the workspace's rows (a file's
  // pages and indexes; a server's rows against the layout's constraints):
  // what it checked and up to `limit` problems found, each as a sentence.
  // Runs in a read scope.
  virtual absl::StatusOr<IntegrityReport> CheckIntegrity(int64_t limit) = 0;

  // ---- moving a workspace (core/workspace_copy.h) -------------------------
  // The reads and as-is writes a copy between backends needs, on this
  // backend's connection; valid while the backend lives.
  virtual absl::StatusOr<std::unique_ptr<WorkspaceCopySeam>> CopySeam() = 0;
};

// The scope one library call runs in (Backend::BeginScope). Destroying a
// scope that was not committed rolls it back. Movable, not copyable.
class Scope {
 public:
  static absl::StatusOr<Scope> Begin(Backend& backend, ScopeKind kind) {
    absl::Status status = backend.BeginScope(kind);
    if (!status.ok()) return status;
    return Scope(&backend);
  }
  Scope(Scope&& other) noexcept : backend_(std::exchange(other.backend_, {})) {}
  Scope& operator=(Scope&&) = delete;
  ~Scope() {
    if (backend_ != nullptr) backend_->RollbackScope();
  }
  // On failure the scope stays open, and its destruction rolls it back.
  absl::Status Commit() {
    absl::Status status = backend_->CommitScope();
    if (status.ok()) backend_ = nullptr;
    return status;
  }

 private:
  explicit Scope(Backend* backend) : backend_(backend) {}
  Backend* backend_;  // null once committed or moved from
};

}  // namespace crm::store

#endif  // CRM_STORE_BACKEND_H_
