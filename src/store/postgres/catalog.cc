#include "store/postgres/catalog.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/error.h"
#include "store/postgres/column_index.h"
#include "store/postgres/id_sequences.h"
#include "store/postgres/search.h"
#include "store/postgres/transaction.h"

namespace crm::store::postgres {
namespace {

// Migration N is kMigrations[N - 1]: forward only, never edited once
// released. Tables are named crm_*; every table of a workspace's data will
// lead its keys with workspace_id (Citus's distribution column).
constexpr const char* kMigrations[] = {
    // 1: the schema version and the catalog of workspaces.
    R"sql(
CREATE TABLE crm_schema (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  version integer NOT NULL
);
CREATE TABLE crm_workspaces (
  workspace_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text COLLATE "C" NOT NULL UNIQUE,
  created_at_us bigint NOT NULL
);
)sql",
    // 2: the event log (store/postgres/event_log.h). Interned strings and
    // events are numbered per workspace from counters in crm_counters, one
    // row per workspace that CreateWorkspace() adds (apart from the catalog
    // row, which Citus keeps as a reference table on every node, while the
    // counters are updated on every write and distributed by workspace);
    // ids 1-4 are fixed (store/rows.h) and seeded by SeedEventLog().
    R"sql(
CREATE TABLE crm_counters (
  workspace_id bigint PRIMARY KEY REFERENCES crm_workspaces ON DELETE CASCADE,
  next_seq bigint NOT NULL DEFAULT 1,
  next_string_id bigint NOT NULL DEFAULT 5
);
CREATE TABLE crm_strings (
  workspace_id bigint NOT NULL REFERENCES crm_workspaces ON DELETE CASCADE,
  string_id bigint NOT NULL,
  text text COLLATE "C" NOT NULL,
  PRIMARY KEY (workspace_id, string_id),
  UNIQUE (workspace_id, text)
);
CREATE TABLE crm_events (
  workspace_id bigint NOT NULL REFERENCES crm_workspaces ON DELETE CASCADE,
  seq bigint NOT NULL,
  customer_id bigint NOT NULL,
  occurred_at_us bigint NOT NULL,
  recorded_at_us bigint NOT NULL,
  type_id bigint NOT NULL,
  channel_id bigint,
  actor_id bigint,
  source_id bigint,
  idempotency_key text COLLATE "C",
  body bytea NOT NULL,
  properties jsonb,
  PRIMARY KEY (workspace_id, seq)
);
CREATE UNIQUE INDEX crm_events_idempotency ON crm_events
  (workspace_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX crm_events_timeline ON crm_events
  (workspace_id, customer_id, occurred_at_us, seq);
CREATE INDEX crm_events_history ON crm_events (workspace_id, customer_id, seq)
  WHERE type_id BETWEEN 1 AND 3;
CREATE TABLE crm_event_types (
  workspace_id bigint NOT NULL REFERENCES crm_workspaces ON DELETE CASCADE,
  name text COLLATE "C" NOT NULL,
  definition text NOT NULL,
  PRIMARY KEY (workspace_id, name)
);
)sql",
    // 3: fields, customers, their searchable text, segments. A customer's
    // values are one jsonb object keyed by column (store/postgres/
    // stored_value.h). Ids are numbered per workspace from counters in
    // crm_counters, never reused. The standard unique columns have
    // indexes here; user fields get per-workspace ones (column_index.h).
    R"sql(
ALTER TABLE crm_counters
  ADD COLUMN schema_generation bigint NOT NULL DEFAULT 1,
  ADD COLUMN next_customer_id bigint NOT NULL DEFAULT 1,
  ADD COLUMN next_field_id bigint NOT NULL DEFAULT 1;
CREATE TABLE crm_fields (
  workspace_id bigint NOT NULL REFERENCES crm_workspaces ON DELETE CASCADE,
  field_id bigint NOT NULL,
  name text COLLATE "C" NOT NULL,
  column_name text COLLATE "C" NOT NULL,
  status text COLLATE "C" NOT NULL,
  definition text NOT NULL,
  PRIMARY KEY (workspace_id, field_id),
  UNIQUE (workspace_id, column_name)
);
CREATE UNIQUE INDEX crm_fields_live_name ON crm_fields (workspace_id, name)
  WHERE status <> 'deleted';
CREATE TABLE crm_customers (
  workspace_id bigint NOT NULL REFERENCES crm_workspaces ON DELETE CASCADE,
  customer_id bigint NOT NULL,
  version bigint NOT NULL,
  created_at_us bigint NOT NULL,
  updated_at_us bigint NOT NULL,
  data jsonb NOT NULL,
  PRIMARY KEY (workspace_id, customer_id)
);
CREATE UNIQUE INDEX crm_customers_email ON crm_customers
  (workspace_id, lower((data ->> 'email') COLLATE "C"));
CREATE UNIQUE INDEX crm_customers_external_id ON crm_customers
  (workspace_id, (data -> 'external_id'));
CREATE TABLE crm_customer_search (
  workspace_id bigint NOT NULL REFERENCES crm_workspaces ON DELETE CASCADE,
  customer_id bigint NOT NULL,
  content text NOT NULL,
  PRIMARY KEY (workspace_id, customer_id)
);
CREATE TABLE crm_segments (
  workspace_id bigint NOT NULL REFERENCES crm_workspaces ON DELETE CASCADE,
  name text COLLATE "C" NOT NULL,
  target text COLLATE "C" NOT NULL,
  filter text NOT NULL,
  created_at_us bigint NOT NULL,
  PRIMARY KEY (workspace_id, name)
);
)sql",
    // 4: full-text search (store/postgres/search.h): the words of each
    // customer's text as a tsvector, which libcrm computes (search_terms.h)
    // and writes with the text, under a GIN index. Rows of an older layout
    // are filled in by PrepareDatabase() right after this migration.
    R"sql(
ALTER TABLE crm_customer_search ADD COLUMN terms tsvector NOT NULL DEFAULT '';
ALTER TABLE crm_customer_search ALTER COLUMN terms DROP DEFAULT;
CREATE INDEX crm_customer_search_terms ON crm_customer_search USING gin (terms);
)sql",
    // 5: many writers per workspace (id_sequences.h). Customer ids, event
    // seqs and interned string ids come from per-workspace sequences, which
    // CreateWorkspace() makes; for the workspaces already there they start
    // past every id stored and past crm_counters' floors, so no id is handed
    // out twice. Those floors (next_customer_id, next_seq, next_string_id)
    // are no longer read or written; they stay, as a migration that drops
    // them would leave the older layouts' columns out of the order
    // verification compares. The options are id_sequences.cc's kOptions.
    R"sql(
DO $$
DECLARE
  w record;
  kind text;
  name text;
  next bigint;
BEGIN
  FOR w IN
    SELECT c.workspace_id,
      greatest(c.next_customer_id, coalesce((SELECT max(customer_id) FROM
        crm_customers x WHERE x.workspace_id = c.workspace_id), 0) + 1)
        AS customer_id,
      greatest(c.next_seq, coalesce((SELECT max(seq) FROM crm_events x
        WHERE x.workspace_id = c.workspace_id), 0) + 1) AS seq,
      greatest(c.next_string_id, 5, coalesce((SELECT max(string_id) FROM
        crm_strings x WHERE x.workspace_id = c.workspace_id), 0) + 1)
        AS string_id
    FROM crm_counters c
  LOOP
    FOREACH kind IN ARRAY ARRAY['customer_ids', 'event_seqs', 'string_ids']
    LOOP
      name := format('crm_ws%s_%s', w.workspace_id, kind);
      next := CASE kind WHEN 'customer_ids' THEN w.customer_id
        WHEN 'event_seqs' THEN w.seq ELSE w.string_id END;
      EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I AS bigint INCREMENT '
        '1 MINVALUE 1 NO MAXVALUE CACHE 1 NO CYCLE START %s', name, next);
      -- One already there (a database a later libcrm wrote and an older
      -- layout number was put back on) is raised, never lowered.
      EXECUTE format('SELECT setval(%L, greatest(%s, last_value + CASE WHEN '
        'is_called THEN 1 ELSE 0 END), false) FROM %I', name, next, name);
    END LOOP;
  END LOOP;
END
$$;
)sql",
    // 6: legal hold (core/legal_hold.h): the customers that are stubs
    // keeping an erased customer's held data, and when each hold ends. Stub
    // ids come from the customer id sequence. A mark outlives its customer
    // row (a stub deleted with crm_customer_delete leaves its history), so
    // that retention still removes what the stub held when the hold ends.
    R"sql(
CREATE TABLE crm_stubs (
  workspace_id bigint NOT NULL REFERENCES crm_workspaces ON DELETE CASCADE,
  customer_id bigint NOT NULL,
  held_until_us bigint NOT NULL,
  PRIMARY KEY (workspace_id, customer_id)
);
CREATE INDEX crm_stubs_held_until ON crm_stubs (workspace_id, held_until_us);
)sql",
    // 7: suppression of erased people (suppression_store.h): keyed hashes of
    // emails and phone numbers, never the values, and each workspace's key.
    R"sql(
CREATE TABLE crm_suppression_keys (
  workspace_id bigint PRIMARY KEY REFERENCES crm_workspaces ON DELETE CASCADE,
  secret bytea NOT NULL
);
CREATE TABLE crm_suppressions (
  workspace_id bigint NOT NULL REFERENCES crm_workspaces ON DELETE CASCADE,
  hash bytea NOT NULL,
  kind smallint NOT NULL,
  normalization smallint NOT NULL,
  created_at_us bigint NOT NULL,
  PRIMARY KEY (workspace_id, hash)
);
)sql",
    // 8: access profiles (core/access.h): each profile's canonical JSON
    // definition, loaded with the schema.
    R"sql(
CREATE TABLE crm_profiles (
  workspace_id bigint NOT NULL REFERENCES crm_workspaces ON DELETE CASCADE,
  name text COLLATE "C" NOT NULL,
  definition text NOT NULL,
  PRIMARY KEY (workspace_id, name)
);
)sql",
    // 9: duplicates (core/duplicates): every customer's match keys, in
    // (kind, key) order for lookups and the workspace scan, and by customer
    // for replacing them; duplicate rules; settings; and one-off flags per
    // workspace: a workspace with customers gets their keys once, when first
    // opened for writing.
    R"sql(
CREATE TABLE crm_match_keys (
  workspace_id bigint NOT NULL REFERENCES crm_workspaces ON DELETE CASCADE,
  kind smallint NOT NULL,
  key text COLLATE "C" NOT NULL,
  customer_id bigint NOT NULL,
  PRIMARY KEY (workspace_id, kind, key, customer_id)
);
CREATE INDEX crm_match_keys_customer
  ON crm_match_keys (workspace_id, customer_id);
CREATE TABLE crm_duplicate_rules (
  workspace_id bigint NOT NULL REFERENCES crm_workspaces ON DELETE CASCADE,
  name text COLLATE "C" NOT NULL,
  definition text NOT NULL,
  PRIMARY KEY (workspace_id, name)
);
CREATE TABLE crm_settings (
  workspace_id bigint NOT NULL REFERENCES crm_workspaces ON DELETE CASCADE,
  key text COLLATE "C" NOT NULL,
  value text NOT NULL,
  PRIMARY KEY (workspace_id, key)
);
CREATE TABLE crm_workspace_flags (
  workspace_id bigint NOT NULL REFERENCES crm_workspaces ON DELETE CASCADE,
  key text COLLATE "C" NOT NULL,
  PRIMARY KEY (workspace_id, key)
);
INSERT INTO crm_workspace_flags (workspace_id, key)
  SELECT w.workspace_id, 'match_keys_pending' FROM crm_workspaces w
  WHERE EXISTS (SELECT 1 FROM crm_customers c
                WHERE c.workspace_id = w.workspace_id);
)sql",
    // 10: merges (core/merge.h; merge_store.h): one row per customer merged
    // into another, keyed by its id (its customer row is gone, its events
    // stay under it), found by merge, by survivor and by the external id it
    // had (NULL when none). Dropped with the workspace (ON DELETE CASCADE).
    R"sql(
CREATE TABLE crm_merges (
  workspace_id bigint NOT NULL REFERENCES crm_workspaces ON DELETE CASCADE,
  merged_id bigint NOT NULL,
  merge_id bigint NOT NULL,
  into_id bigint NOT NULL,
  survivor_id bigint NOT NULL,
  external_id text COLLATE "C",
  snapshot bytea NOT NULL,
  PRIMARY KEY (workspace_id, merged_id)
);
CREATE INDEX crm_merges_merge ON crm_merges (workspace_id, merge_id);
CREATE INDEX crm_merges_survivor ON crm_merges (workspace_id, survivor_id);
CREATE INDEX crm_merges_external_id ON crm_merges (workspace_id, external_id);
)sql",
};

// The first layout whose crm_customer_search holds terms.
constexpr int kSearchTermsVersion = 4;

// Serialises PrepareDatabase() and the changes of the tables' shared
// layout across processes: pg_advisory_xact_lock key (the bytes "libcrm"
// read as a number).
constexpr char kLayoutLockKey[] = "119199878050413";

// A schema that only exists inside PrepareDatabase()'s transaction.
constexpr char kScratchSchema[] = "crm_expected_layout";

absl::Status SchemaError(absl::string_view message) {
  return MakeError(ErrorCode::kNotWorkspace, message, "", Rule::kSchema);
}

// libcrm's tables in `schema`, one line per column and per index, with the
// schema's name taken out: what verification compares. When
// `column_indexes` is given, it receives the CREATE INDEX text of each index
// named as SetColumnIndex() names its per-workspace indexes
// (column_index.h), for ExpectedLayout() to make the same.
absl::StatusOr<std::vector<std::string>> LayoutOf(
    Connection& connection, const std::string& schema,
    std::vector<std::string>* column_indexes = nullptr) {
  Parameters in_schema = {schema};
  auto columns = connection.Execute(
      "SELECT table_name, column_name, data_type, is_nullable, "
      "coalesce(collation_name, ''), coalesce(column_default, ''), "
      "is_identity FROM information_schema.columns "
      "WHERE table_schema = $1 AND table_name LIKE 'crm\\_%' "
      "ORDER BY table_name, ordinal_position",
      in_schema);
  if (!columns.ok()) return columns.status();
  std::vector<std::string> layout;
  for (int row = 0; row < columns->rows(); ++row) {
    std::vector<absl::string_view> parts;
    for (int column = 0; column < columns->columns(); ++column) {
      parts.push_back(columns->Text(row, column));
    }
    layout.push_back(absl::StrCat("column ", absl::StrJoin(parts, " ")));
  }
  // An index another workspace's call drops while this runs (a field no
  // longer indexed, a workspace dropped) is still listed but has no
  // definition any more: it is gone, not changed. The schema's indexes are
  // listed first (MATERIALIZED), so that pg_get_indexdef() never reads an
  // index of another schema, which a DROP SCHEMA may be removing: that
  // fails ("could not open relation") instead of answering NULL.
  auto indexes = connection.Execute(
      "WITH listed AS MATERIALIZED (SELECT c.relname AS tablename, i.relname "
      "AS indexname, i.oid FROM pg_index x JOIN pg_class c ON c.oid = "
      "x.indrelid JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace "
      "n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN "
      "('r', 'm', 'p') AND i.relkind IN ('i', 'I') AND c.relname LIKE "
      "'crm\\_%'), defined AS MATERIALIZED (SELECT tablename, indexname, "
      "pg_get_indexdef(oid) AS indexdef FROM listed) SELECT tablename, "
      "replace(indexdef, quote_ident($1) || '.', ''), indexname FROM defined "
      "WHERE indexdef IS NOT NULL ORDER BY tablename, indexname",
      in_schema);
  if (!indexes.ok()) return indexes.status();
  for (int row = 0; row < indexes->rows(); ++row) {
    std::optional<std::string> made =
        indexes->Text(row, 0) == "crm_customers"
            ? ColumnIndexSqlFor(indexes->Text(row, 2), indexes->Text(row, 1))
            : std::nullopt;
    if (made.has_value() && column_indexes != nullptr) {
      column_indexes->push_back(*std::move(made));
    }
    layout.push_back(absl::StrCat("index ", indexes->Text(row, 0), " ",
                                  indexes->Text(row, 1)));
  }
  // What runs code or changes what a statement does (triggers, rules, row
  // security and its policies), and every constraint (a dropped foreign key
  // is a change too); the internal triggers of foreign keys are counted as
  // their constraints.
  auto others = connection.Execute(
      "WITH t AS (SELECT c.oid, c.relname, c.relrowsecurity FROM pg_class c "
      "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 "
      "AND c.relname LIKE 'crm\\_%') "
      "SELECT 'trigger ' || t.relname || ' ' || g.tgname FROM pg_trigger g "
      "JOIN t ON t.oid = g.tgrelid WHERE NOT g.tgisinternal "
      "UNION ALL SELECT 'rule ' || t.relname || ' ' || r.rulename FROM "
      "pg_rewrite r JOIN t ON t.oid = r.ev_class "
      "UNION ALL SELECT 'policy ' || t.relname || ' ' || p.polname FROM "
      "pg_policy p JOIN t ON t.oid = p.polrelid "
      "UNION ALL SELECT 'row security ' || t.relname FROM t WHERE "
      "t.relrowsecurity "
      "UNION ALL SELECT 'constraint ' || t.relname || ' ' || k.conname || ' ' "
      "|| replace(pg_get_constraintdef(k.oid), quote_ident($1) || '.', '') "
      "FROM pg_constraint k JOIN t ON t.oid = k.conrelid ORDER BY 1",
      in_schema);
  if (!others.ok()) return others.status();
  for (int row = 0; row < others->rows(); ++row) {
    layout.emplace_back(others->Text(row, 0));
  }
  return layout;
}

absl::Status Migrate(Connection& connection, int from, int to) {
  for (int version = from + 1; version <= to; ++version) {
    CRM_RETURN_IF_ERROR(connection.ExecuteScript(kMigrations[version - 1]));
  }
  return absl::OkStatus();
}

// What migrations 1..`version` make, with `column_indexes` (CREATE INDEX
// statements) after them: run in a scratch schema inside a savepoint that is
// then rolled back.
absl::StatusOr<std::vector<std::string>> ExpectedLayout(
    Connection& connection, int version,
    const std::vector<std::string>& column_indexes) {
  CRM_RETURN_IF_ERROR(Run(connection, "SAVEPOINT crm_expected"));
  absl::StatusOr<std::vector<std::string>> layout =
      [&]() -> absl::StatusOr<std::vector<std::string>> {
    CRM_RETURN_IF_ERROR(
        Run(connection, absl::StrCat("CREATE SCHEMA ", kScratchSchema)));
    CRM_RETURN_IF_ERROR(Run(
        connection, absl::StrCat("SET LOCAL search_path TO ", kScratchSchema)));
    CRM_RETURN_IF_ERROR(Migrate(connection, 0, version));
    for (const std::string& index : column_indexes) {
      CRM_RETURN_IF_ERROR(Run(connection, index));
    }
    return LayoutOf(connection, kScratchSchema);
  }();
  // Undoes the scratch schema and the search path with it.
  CRM_RETURN_IF_ERROR(Run(connection, "ROLLBACK TO SAVEPOINT crm_expected"));
  return layout;
}

absl::StatusOr<std::string> CurrentSchema(Connection& connection) {
  auto schema = connection.Execute("SELECT current_schema()");
  if (!schema.ok()) return schema.status();
  if (schema->rows() != 1 || schema->IsNull(0, 0)) {
    return SchemaError(
        "PostgreSQL: no schema to create libcrm's tables in (search_path "
        "names none that exists)");
  }
  return std::string(schema->Text(0, 0));
}

absl::Status Verify(Connection& connection, const std::string& schema,
                    int version) {
  // libcrm's per-workspace indexes are accepted when they are exactly what
  // SetColumnIndex() makes under their name; any other index is refused.
  std::vector<std::string> column_indexes;
  CRM_ASSIGN_OR_RETURN(std::vector<std::string> actual,
                       LayoutOf(connection, schema, &column_indexes));
  CRM_ASSIGN_OR_RETURN(std::vector<std::string> expected,
                       ExpectedLayout(connection, version, column_indexes));
  if (actual == expected) return absl::OkStatus();
  for (size_t i = 0; i < std::max(actual.size(), expected.size()); ++i) {
    if (i >= actual.size() || i >= expected.size() ||
        actual[i] != expected[i]) {
      return SchemaError(absl::StrCat(
          "the database's libcrm tables (schema ", schema, ", layout ", version,
          ") are not what libcrm makes: found \"",
          i < actual.size() ? actual[i] : "nothing", "\" where \"",
          i < expected.size() ? expected[i] : "nothing", "\" belongs"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

int LatestSchemaVersion() {
  return static_cast<int>(sizeof(kMigrations) / sizeof(kMigrations[0]));
}

absl::StatusOr<int> DatabaseSchemaVersion(Connection& connection) {
  auto present =
      connection.Execute("SELECT to_regclass('crm_schema') IS NOT NULL");
  if (!present.ok()) return present.status();
  if (present->Text(0, 0) != "t") return 0;
  auto version = connection.Execute("SELECT version FROM crm_schema");
  if (!version.ok()) return version.status();
  int number = 0;
  if (version->rows() != 1 || version->IsNull(0, 0) ||
      !absl::SimpleAtoi(version->Text(0, 0), &number) || number < 1) {
    return SchemaError("the database's crm_schema does not hold a version");
  }
  return number;
}

absl::Status LockSharedLayout(Connection& connection) {
  return Run(connection, absl::StrCat("SELECT pg_advisory_xact_lock(",
                                      kLayoutLockKey, ")"));
}

absl::Status PrepareDatabase(Connection& connection) {
  CRM_ASSIGN_OR_RETURN(auto transaction, Transaction::Begin(connection));
  CRM_RETURN_IF_ERROR(LockSharedLayout(connection));
  CRM_ASSIGN_OR_RETURN(std::string schema, CurrentSchema(connection));
  CRM_ASSIGN_OR_RETURN(int version, DatabaseSchemaVersion(connection));
  const int latest = LatestSchemaVersion();
  if (version > latest) {
    return MakeError(ErrorCode::kVersion,
                     absl::StrCat("the database holds libcrm layout ", version,
                                  ", written by a newer libcrm; this libcrm "
                                  "reads up to layout ",
                                  latest));
  }
  // Layout 0 is an empty one: no crm_ table at all may be there.
  CRM_RETURN_IF_ERROR(Verify(connection, schema, version));
  if (version == latest) return transaction->Commit();
  CRM_RETURN_IF_ERROR(Migrate(connection, version, latest));
  if (version < kSearchTermsVersion) {
    CRM_RETURN_IF_ERROR(IndexStoredSearchText(connection));
  }
  Parameters latest_text = {std::to_string(latest)};
  CRM_RETURN_IF_ERROR(Run(connection,
                          "INSERT INTO crm_schema (version) VALUES ($1::int) "
                          "ON CONFLICT (singleton) DO UPDATE SET version = "
                          "excluded.version",
                          latest_text));
  return transaction->Commit();
}

absl::StatusOr<int64_t> CreateWorkspace(Connection& connection,
                                        absl::string_view name) {
  Parameters named = {std::string(name)};
  auto created = connection.Execute(
      "INSERT INTO crm_workspaces (name, created_at_us) VALUES ($1, "
      "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint) "
      "RETURNING workspace_id",
      named);
  if (!created.ok()) {
    if (RuleOf(created.status()) == "unique") {
      return MakeError(
          ErrorCode::kConstraint,
          absl::StrCat("a workspace called '", name, "' exists already"), "",
          Rule::kUnique);
    }
    return created.status();
  }
  int64_t id = 0;
  if (!absl::SimpleAtoi(created->Text(0, 0), &id)) {
    return DamagedValue("PostgreSQL returned a workspace id that is no number");
  }
  auto counters =
      connection.Execute("INSERT INTO crm_counters (workspace_id) VALUES ($1)",
                         Parameters{absl::StrCat(id)});
  if (!counters.ok()) return counters.status();
  CRM_RETURN_IF_ERROR(CreateIdSequences(connection, id));
  return id;
}

absl::StatusOr<int64_t> FindWorkspace(Connection& connection,
                                      absl::string_view name) {
  Parameters named = {std::string(name)};
  auto found = connection.Execute(
      "SELECT workspace_id FROM crm_workspaces WHERE name = $1", named);
  if (!found.ok()) return found.status();
  if (found->rows() == 0) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat("no workspace is called '", name, "'"));
  }
  int64_t id = 0;
  if (!absl::SimpleAtoi(found->Text(0, 0), &id)) {
    return DamagedValue("PostgreSQL returned a workspace id that is no number");
  }
  return id;
}

absl::Status DropWorkspace(Connection& connection, absl::string_view name) {
  Parameters named = {std::string(name)};
  auto dropped = connection.Execute(
      "DELETE FROM crm_workspaces WHERE name = $1 RETURNING workspace_id",
      named);
  if (!dropped.ok()) return dropped.status();
  if (dropped->rows() == 0) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat("no workspace is called '", name, "'"));
  }
  CRM_ASSIGN_OR_RETURN(int64_t id, dropped->Integer(0, 0, "workspace id"));
  return DropIdSequences(connection, id);
}

absl::Status WorkspaceGone(int64_t workspace_id) {
  return MakeError(ErrorCode::kNotFound,
                   absl::StrCat("workspace ", workspace_id,
                                " no longer exists: it was dropped"));
}

absl::StatusOr<std::vector<std::string>> ListWorkspaces(
    Connection& connection) {
  auto listed =
      connection.Execute("SELECT name FROM crm_workspaces ORDER BY name");
  if (!listed.ok()) return listed.status();
  std::vector<std::string> names;
  for (int row = 0; row < listed->rows(); ++row) {
    names.emplace_back(listed->Text(row, 0));
  }
  return names;
}

}  // namespace crm::store::postgres
