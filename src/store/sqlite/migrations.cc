#include "store/sqlite/migrations.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/error.h"

namespace crm::store::sqlite {
namespace {

// "CRM1" in PRAGMA application_id marks a libcrm workspace.
constexpr int64_t kApplicationId = 0x43524D31;

// Migration N turns a version N-1 file into a version N file. Append only:
// a released migration never changes.
const std::vector<const char*>& Migrations() {
  static const std::vector<const char*> migrations = {
      // 1: field definitions, customers, metadata.
      R"sql(
      CREATE TABLE crm_meta(
        key TEXT PRIMARY KEY,
        value INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO crm_meta(key, value) VALUES ('schema_generation', 1);
      CREATE TABLE crm_fields(
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        column_name TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL,
        definition TEXT NOT NULL);
      CREATE UNIQUE INDEX crm_fields_live_name ON crm_fields(name)
        WHERE status != 'deleted';
      CREATE TABLE crm_customers(
        id INTEGER PRIMARY KEY,
        version INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        kind, name, email, phone, company, street, city, region,
        postal_code, country, owner, stage, tags, external_id);
      CREATE UNIQUE INDEX crm_customers_email
        ON crm_customers(email COLLATE NOCASE);
      CREATE UNIQUE INDEX crm_customers_external_id
        ON crm_customers(external_id);
      )sql",
      // 2: the event log, with the record history in it.
      R"sql(
      CREATE TABLE crm_strings(
        id INTEGER PRIMARY KEY,
        text TEXT NOT NULL UNIQUE);
      INSERT INTO crm_strings(id, text) VALUES
        (1, 'crm.record.created'), (2, 'crm.record.updated'),
        (3, 'crm.record.deleted'), (4, 'crm');
      CREATE TABLE crm_events(
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        customer_id INTEGER NOT NULL,
        occurred_at INTEGER NOT NULL,
        recorded_at INTEGER NOT NULL,
        type_id INTEGER NOT NULL,
        channel_id INTEGER,
        actor_id INTEGER,
        source_id INTEGER,
        idempotency_key TEXT,
        body BLOB NOT NULL,
        properties TEXT);
      CREATE UNIQUE INDEX crm_events_idempotency
        ON crm_events(idempotency_key) WHERE idempotency_key IS NOT NULL;
      CREATE INDEX crm_events_timeline
        ON crm_events(customer_id, occurred_at, seq);
      CREATE INDEX crm_events_history ON crm_events(customer_id, seq)
        WHERE type_id BETWEEN 1 AND 3;
      CREATE TABLE crm_event_types(
        name TEXT PRIMARY KEY,
        definition TEXT NOT NULL) WITHOUT ROWID;
      INSERT INTO crm_meta(key, value)
        SELECT 'history_baseline_pending', 1
        WHERE EXISTS (SELECT 1 FROM crm_customers);
      )sql",
      // 3: full-text search over customers, saved segments.
      R"sql(
      CREATE VIRTUAL TABLE crm_customer_search USING fts5(
        content, tokenize = 'unicode61 remove_diacritics 2',
        prefix = '2 3');
      CREATE TABLE crm_segments(
        name TEXT PRIMARY KEY,
        target TEXT NOT NULL,
        filter TEXT NOT NULL,
        created_at INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO crm_meta(key, value)
        SELECT 'search_index_pending', 1
        WHERE EXISTS (SELECT 1 FROM crm_customers);
      )sql",
      // 4: the search index merges its segments in larger, rarer steps
      // (8 per level instead of 4): a quarter less work per customer write,
      // at the price of a few more segments for a search to read.
      R"sql(
      INSERT INTO crm_customer_search(crm_customer_search, rank)
        VALUES('automerge', 8);
      )sql",
      // 5: customer ids are never reused, not even the highest after it was
      // deleted: ids are handed out from a counter that starts above every
      // id the file remembers, live customers' and, for deleted ones, the
      // ids their events still carry.
      R"sql(
      INSERT INTO crm_meta(key, value) VALUES ('last_customer_id', max(
        coalesce((SELECT max(id) FROM crm_customers), 0),
        coalesce((SELECT max(customer_id) FROM crm_events), 0)));
      )sql",
      // 6: event properties are stored once, in the encoded body; queries
      // read them with crm_property() and its kin (sql_functions.h). The
      // JSON copy made each event row about twice the size.
      R"sql(
      ALTER TABLE crm_events DROP COLUMN properties;
      )sql",
      // 7: legal hold (core/legal_hold.h): the customers that are stubs
      // keeping an erased customer's held data, and when each hold ends. A
      // mark outlives its customer row (a stub deleted with
      // crm_customer_delete leaves its history), so that retention still
      // removes what the stub held when the hold ends.
      R"sql(
      CREATE TABLE crm_stubs(
        customer_id INTEGER PRIMARY KEY,
        held_until INTEGER NOT NULL);
      CREATE INDEX crm_stubs_held_until ON crm_stubs(held_until);
      )sql",
      // 8: suppression of erased people (suppression_table.h): keyed hashes
      // of emails and phone numbers, never the values, and the workspace's
      // one key.
      R"sql(
      CREATE TABLE crm_suppression_key(
        id INTEGER PRIMARY KEY CHECK (id = 1),
        key BLOB NOT NULL);
      CREATE TABLE crm_suppressions(
        hash BLOB PRIMARY KEY,
        kind INTEGER NOT NULL,
        normalization INTEGER NOT NULL,
        created_at INTEGER NOT NULL) WITHOUT ROWID;
      )sql",
      // 9: access profiles (core/access.h): each profile's canonical JSON
      // definition, loaded with the schema.
      R"sql(
      CREATE TABLE crm_profiles(
        name TEXT PRIMARY KEY,
        definition TEXT NOT NULL) WITHOUT ROWID;
      )sql",
      // 10: duplicates (core/duplicates): every customer's match keys, in
      // (kind, key) order for lookups and the workspace scan, and by
      // customer for replacing them; duplicate rules; settings. A file with
      // customers gets their keys once, when first opened for writing.
      R"sql(
      CREATE TABLE crm_match_keys(
        kind INTEGER NOT NULL,
        key TEXT NOT NULL,
        customer_id INTEGER NOT NULL,
        PRIMARY KEY (kind, key, customer_id)) WITHOUT ROWID;
      CREATE INDEX crm_match_keys_customer ON crm_match_keys(customer_id);
      CREATE TABLE crm_duplicate_rules(
        name TEXT PRIMARY KEY,
        definition TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE crm_settings(
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL) WITHOUT ROWID;
      INSERT INTO crm_meta(key, value)
        SELECT 'match_keys_pending', 1
        WHERE EXISTS (SELECT 1 FROM crm_customers);
      )sql",
      // 11: merges (core/merge.h; merge_table.h): one row per customer
      // merged into another, keyed by its id (its customer row is gone, its
      // events stay under it), found by merge, by survivor and by the
      // external id it had (NULL when none).
      R"sql(
      CREATE TABLE crm_merges(
        merged_id INTEGER PRIMARY KEY,
        merge_id INTEGER NOT NULL,
        into_id INTEGER NOT NULL,
        survivor_id INTEGER NOT NULL,
        external_id TEXT,
        snapshot BLOB NOT NULL);
      CREATE INDEX crm_merges_merge ON crm_merges(merge_id);
      CREATE INDEX crm_merges_survivor ON crm_merges(survivor_id);
      CREATE INDEX crm_merges_external_id ON crm_merges(external_id);
      )sql",
  };
  return migrations;
}

absl::StatusOr<int64_t> PragmaInt(Connection& connection,
                                  const std::string& pragma) {
  CRM_ASSIGN_OR_RETURN(Statement * statement,
                       connection.Prepare(absl::StrCat("PRAGMA ", pragma)));
  CRM_ASSIGN_OR_RETURN(bool row, statement->Step());
  int64_t value = row ? statement->ColumnInt(0) : 0;
  statement->Reset();
  return value;
}

absl::Status ApplyMigrations(Connection& connection, int from, int to) {
  CRM_RETURN_IF_ERROR(connection.Execute("BEGIN IMMEDIATE"));
  for (int version = from + 1; version <= to; ++version) {
    absl::Status status = connection.Execute(Migrations()[version - 1]);
    if (status.ok()) {
      status = connection.Execute(
          absl::StrCat("PRAGMA application_id = ", kApplicationId,
                       "; PRAGMA user_version = ", version));
    }
    if (!status.ok()) {
      (void)connection.Execute("ROLLBACK");
      return status;
    }
  }
  absl::Status status = connection.Execute("COMMIT");
  if (!status.ok()) (void)connection.Execute("ROLLBACK");
  connection.ClearStatementCache();
  return status;
}

// The current layout version, after checking the file is a workspace (or an
// empty database, version 0).
absl::StatusOr<int> IdentifiedVersion(Connection& connection) {
  CRM_ASSIGN_OR_RETURN(int64_t application_id,
                       PragmaInt(connection, "application_id"));
  CRM_ASSIGN_OR_RETURN(int64_t version, PragmaInt(connection, "user_version"));
  if (application_id == kApplicationId) {
    if (version < 0) {
      return MakeError(ErrorCode::kNotWorkspace,
                       absl::StrCat("the workspace file has layout version ",
                                    version, ", which no libcrm writes"),
                       "", Rule::kSchema);
    }
    if (version > LatestSchemaVersion()) {
      return MakeError(
          ErrorCode::kVersion,
          absl::StrCat("the workspace has layout version ", version,
                       ", written by a newer libcrm; this libcrm reads up to "
                       "version ",
                       LatestSchemaVersion(), ". The file was not modified."));
    }
    return static_cast<int>(version);
  }
  CRM_ASSIGN_OR_RETURN(
      Statement * tables,
      connection.Prepare("SELECT count(*) FROM sqlite_schema"));
  CRM_ASSIGN_OR_RETURN(bool row, tables->Step());
  int64_t table_count = row ? tables->ColumnInt(0) : 0;
  tables->Reset();
  if (application_id == 0 && version == 0 && table_count == 0) return 0;
  return MakeError(ErrorCode::kNotWorkspace,
                   "the file is an SQLite database but not a libcrm "
                   "workspace");
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(Migrations().size()); }

absl::StatusOr<int> SchemaVersion(Connection& connection) {
  CRM_ASSIGN_OR_RETURN(int64_t version, PragmaInt(connection, "user_version"));
  return static_cast<int>(version);
}

absl::Status MigrateTo(Connection& connection, int version) {
  CRM_ASSIGN_OR_RETURN(int current, IdentifiedVersion(connection));
  if (version < current || version > LatestSchemaVersion()) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        absl::StrCat("cannot migrate from version ", current, " to ", version));
  }
  if (version == current) return absl::OkStatus();
  return ApplyMigrations(connection, current, version);
}

absl::StatusOr<const std::vector<SchemaObject>*> MigratedSchema(int version) {
  static std::mutex mutex;
  static auto* schemas =
      new std::map<int, std::unique_ptr<const std::vector<SchemaObject>>>();
  std::lock_guard<std::mutex> lock(mutex);
  auto it = schemas->find(version);
  if (it != schemas->end()) return it->second.get();
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<Connection> memory,
                       Connection::Open(":memory:", {}));
  if (version > 0) {
    CRM_RETURN_IF_ERROR(ApplyMigrations(*memory, 0, version));
  }
  CRM_ASSIGN_OR_RETURN(std::vector<SchemaObject> objects,
                       ReadSchemaObjects(*memory));
  auto stored =
      std::make_unique<const std::vector<SchemaObject>>(std::move(objects));
  const std::vector<SchemaObject>* result = stored.get();
  schemas->emplace(version, std::move(stored));
  return result;
}

// The layout version of a file whose schema was verified for it. SQLite
// errors other than memory, I/O and locks mean the file cannot be read as
// a workspace (an unsupported format number, schema text SQLite cannot
// parse): kNotWorkspace, never kInternal.
absl::StatusOr<int> VerifiedVersion(
    Connection& connection, const FieldColumnsReader& read_field_columns) {
  absl::StatusOr<int> version = IdentifiedVersion(connection);
  absl::Status status =
      version.ok() ? VerifySchema(connection, *version, read_field_columns)
                   : version.status();
  if (CodeOf(status) == ErrorCode::kInternal) {
    return MakeError(ErrorCode::kNotWorkspace,
                     absl::StrCat("the file cannot be read as a libcrm "
                                  "workspace: ",
                                  status.message()),
                     "", Rule::kSchema);
  }
  if (!status.ok()) return status;
  return version;
}

// SQLite's page cache per connection, in KiB: 8 MiB instead of SQLite's
// 2 MiB. The interior pages of the customer table and of the event indexes
// stay cached, so a lookup reads one leaf page rather than asking the
// operating system for three or four (each a system call and a copy). With
// 16 MiB a hot customer's latest events took about 35% less CPU than with
// 2 MiB, but SQLite's sorter (GROUP BY, ORDER BY without an index) also
// takes up to the cache size in memory, and the benchmark process of
// libcrm alone peaked at 74 MB; 8 MiB keeps it under 64 MB (57 MB).
// The cache fills only as pages are read: a small workspace costs less.
// Set once the file is verified: setting it makes SQLite read the schema,
// which in a hostile file can fail in ways only verification names.
constexpr int kPageCacheKib = 8 * 1024;

absl::Status OpenWorkspace(Connection& connection,
                           const FieldColumnsReader& read_field_columns) {
  CRM_ASSIGN_OR_RETURN(int version,
                       VerifiedVersion(connection, read_field_columns));
  CRM_RETURN_IF_ERROR(
      connection.Execute(absl::StrCat("PRAGMA cache_size = -", kPageCacheKib)));
  if (connection.read_only()) {
    if (version < LatestSchemaVersion()) {
      return MakeError(
          ErrorCode::kReadOnly,
          absl::StrCat("the workspace has layout version ", version,
                       " and must be migrated, which a "
                       "read-only open cannot do"));
    }
    return connection.Execute("PRAGMA foreign_keys = ON");
  }
  CRM_RETURN_IF_ERROR(connection.Execute(
      absl::StrCat("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; "
                   "PRAGMA synchronous = ",
                   connection.options().sync_full ? "FULL" : "NORMAL")));
  if (version == LatestSchemaVersion()) return absl::OkStatus();
  return ApplyMigrations(connection, version, LatestSchemaVersion());
}

}  // namespace crm::store::sqlite
