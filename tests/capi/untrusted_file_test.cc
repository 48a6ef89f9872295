// A workspace file is untrusted input: a host opens files it did not write
// (a customer's backup, a support upload). Tampered files are refused with
// CRM_E_NOT_WORKSPACE before libcrm writes to them or runs a call on them,
// and customer ids are never handed out twice.
#include <sqlite3.h>

#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "test_support.h"

namespace {

using crm_test::CreateNamed;
using crm_test::Db;
using crm_test::NewRecord;
using crm_test::OpenDb;
using crm_test::Page;
using crm_test::Record;
using crm_test::TempDir;

// Runs SQL on the file with plain SQLite, as someone with the sqlite3 shell
// would.
void Tamper(const std::string& path, const std::string& sql) {
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  char* error = nullptr;
  int rc = sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &error);
  std::string message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(raw);
  ASSERT_EQ(rc, SQLITE_OK) << sql << ": " << message;
}

std::string Bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

size_t TimelineSize(crm_db* db, int64_t id) {
  crm_event_page* raw = nullptr;
  EXPECT_EQ(crm_event_timeline(&raw, db, id, nullptr), CRM_OK);
  Page page(raw);
  return page ? crm_event_page_size(page.get()) : 0;
}

// A workspace with user fields (an indexed one, a unique one, a deleted
// one, a plain one) and customers. `sql` may name the fields' ids as
// {plan}, {badge} and {score}; they are replaced by the ids.
struct Workspace {
  std::string path;
  std::string Substituted(std::string sql) const {
    for (const auto& [name, id] : ids) {
      std::string key = "{" + name + "}";
      for (size_t at; (at = sql.find(key)) != std::string::npos;) {
        sql.replace(at, key.size(), std::to_string(id));
      }
    }
    return sql;
  }
  std::vector<std::pair<std::string, int64_t>> ids;
};

Workspace MakeWorkspace(const TempDir& dir) {
  Workspace workspace{dir.File("hostile.crm"), {}};
  Db db = OpenDb(workspace.path);
  workspace.ids.emplace_back(
      "plan", crm_test::Define(db.get(),
                               R"({"name": "plan", "type": "choice",
                                   "indexed": true,
                                   "options": ["basic", "premium"]})"));
  workspace.ids.emplace_back("badge",
                             crm_test::Define(db.get(), R"({"name": "badge",
                                  "type": "text", "unique": true})"));
  crm_test::Define(db.get(), R"({"name": "notes", "type": "long_text"})");
  EXPECT_EQ(crm_field_delete(db.get(), "notes"), CRM_OK);
  workspace.ids.emplace_back(
      "score",
      crm_test::Define(db.get(), R"({"name": "score", "type": "integer"})"));
  CreateNamed(db.get(), "Ada");
  CreateNamed(db.get(), "Grace");
  return workspace;
}

TEST(CustomerIds, DeletedHighestIdIsNotHandedOutAgain) {
  Db db = OpenDb(":memory:");
  CreateNamed(db.get(), "Ada");
  int64_t grace = CreateNamed(db.get(), "Grace");
  ASSERT_EQ(crm_customer_delete(db.get(), grace, 0, "desk"), CRM_OK);
  int64_t next = CreateNamed(db.get(), "Mallory");
  EXPECT_GT(next, grace);
  // The newcomer inherits nothing of Grace: her history stays hers.
  EXPECT_EQ(TimelineSize(db.get(), next), 1u);
  EXPECT_EQ(TimelineSize(db.get(), grace), 2u);
}

TEST(CustomerIds, NotReusedAcrossReopens) {
  TempDir dir;
  std::string path = dir.File("ids.crm");
  int64_t grace = 0;
  {
    Db db = OpenDb(path);
    CreateNamed(db.get(), "Ada");
    grace = CreateNamed(db.get(), "Grace");
    ASSERT_EQ(crm_customer_delete(db.get(), grace, 0, "desk"), CRM_OK);
  }
  Db db = OpenDb(path);
  EXPECT_GT(CreateNamed(db.get(), "Mallory"), grace);
}

// A file of layout 4 (before the counter) whose highest customer was
// deleted: that id survives only in its events, and the migration starts
// the counter above it.
TEST(CustomerIds, MigrationStartsAboveIdsOnlyEventsRemember) {
  TempDir dir;
  std::string path = dir.File("old.crm");
  int64_t grace = 0;
  {
    Db db = OpenDb(path);
    CreateNamed(db.get(), "Ada");
    grace = CreateNamed(db.get(), "Grace");
    ASSERT_EQ(crm_customer_delete(db.get(), grace, 0, "desk"), CRM_OK);
  }
  // Layout 4 also kept the properties of events as JSON (layout 6 dropped
  // the column): put it back, with the text the CREATE TABLE of layout 2
  // gave it; and it had none of the tables of layouts 7 to 11.
  Tamper(path,
         "DELETE FROM crm_meta WHERE key = 'last_customer_id'; "
         "DROP TABLE crm_stubs; DROP TABLE crm_suppression_key; "
         "DROP TABLE crm_suppressions; DROP TABLE crm_profiles; "
         "DROP TABLE crm_match_keys; DROP TABLE crm_duplicate_rules; "
         "DROP TABLE crm_settings; DROP TABLE crm_merges; "
         "ALTER TABLE crm_events ADD COLUMN properties TEXT; "
         "PRAGMA writable_schema = ON; "
         "UPDATE sqlite_schema SET sql = replace(sql, ', properties TEXT)', "
         "',' || char(10) || '        properties TEXT)') "
         "WHERE name = 'crm_events'; "
         "PRAGMA user_version = 4");
  Db db = OpenDb(path);
  int64_t next = CreateNamed(db.get(), "Mallory");
  EXPECT_GT(next, grace);
  EXPECT_EQ(TimelineSize(db.get(), next), 1u);
}

struct Tampering {
  const char* what;
  const char* sql;
};

class HostileFile : public ::testing::TestWithParam<Tampering> {};

TEST_P(HostileFile, IsRefusedAndLeftUntouched) {
  TempDir dir;
  Workspace workspace = MakeWorkspace(dir);
  const std::string& path = workspace.path;
  Tamper(path, workspace.Substituted(GetParam().sql));
  std::string before = Bytes(path);
  for (int flags : {CRM_OPEN_CREATE, CRM_OPEN_READ_ONLY}) {
    crm_open_options options = CRM_OPEN_OPTIONS_INIT;
    options.flags = static_cast<uint32_t>(flags);
    crm_db* db = nullptr;
    EXPECT_CRM_ERROR(crm_open(&db, path.c_str(), &options), CRM_E_NOT_WORKSPACE,
                     "", "schema");
    EXPECT_EQ(db, nullptr);
    crm_close(db);
  }
  EXPECT_EQ(Bytes(path), before);
}

INSTANTIATE_TEST_SUITE_P(
    Tamperings, HostileFile,
    ::testing::Values(
        Tampering{"trigger_copying_names",
                  "CREATE TABLE loot(name, email);"
                  "CREATE TRIGGER steal AFTER INSERT ON crm_customers BEGIN "
                  "INSERT INTO loot VALUES (new.name, new.email); END"},
        Tampering{"trigger_rewriting_owner",
                  "CREATE TRIGGER own AFTER UPDATE ON crm_customers BEGIN "
                  "UPDATE crm_customers SET owner = 'mallory' "
                  "WHERE id = new.id; END"},
        Tampering{"trigger_keeping_deleted",
                  "CREATE TRIGGER keep BEFORE DELETE ON crm_customers "
                  "BEGIN SELECT RAISE(IGNORE); END"},
        Tampering{"view",
                  "CREATE VIEW everyone AS SELECT * FROM crm_customers"},
        Tampering{"table", "CREATE TABLE extra(x)"},
        Tampering{"index", "CREATE INDEX extra ON crm_customers(name)"},
        Tampering{"index_named_like_a_field_index",
                  "CREATE INDEX crm_ix_f_999 ON crm_customers(name)"},
        Tampering{"missing_standard_index", "DROP INDEX crm_customers_email"},
        Tampering{"missing_field_index", "DROP INDEX crm_ix_f_{plan}"},
        Tampering{"unique_index_made_plain",
                  "DROP INDEX crm_ix_f_{badge};"
                  "CREATE INDEX crm_ix_f_{badge} "
                  "ON crm_customers(\"f_{badge}\")"},
        Tampering{"foreign_column",
                  "ALTER TABLE crm_customers ADD COLUMN secret"},
        Tampering{"dropped_field_column",
                  "ALTER TABLE crm_customers DROP COLUMN f_{score}"},
        Tampering{"column_name_with_sql",
                  "UPDATE crm_fields SET column_name = "
                  "'x\"; DROP TABLE crm_events; --' WHERE name = 'score'"},
        Tampering{"user_field_on_a_bookkeeping_column",
                  "UPDATE crm_fields SET column_name = 'version' "
                  "WHERE name = 'score'"},
        Tampering{"standard_field_on_a_bookkeeping_column",
                  "UPDATE crm_fields SET column_name = 'version' "
                  "WHERE name = 'city'"},
        Tampering{"standard_field_renamed_onto_its_column",
                  "UPDATE crm_fields SET column_name = 'version', "
                  "name = 'version' WHERE name = 'city'"},
        Tampering{"user_field_claiming_to_be_standard",
                  "UPDATE crm_fields SET definition = "
                  "json_set(definition, '$.builtin', json('true')) "
                  "WHERE name = 'score'"},
        Tampering{"standard_field_on_a_missing_column",
                  "UPDATE crm_fields SET column_name = 'nothing' "
                  "WHERE name = 'city'"},
        Tampering{"unreadable_definition",
                  "UPDATE crm_fields SET definition = '{' "
                  "WHERE name = 'plan'"},
        Tampering{"negative_layout_version", "PRAGMA user_version = -1"},
        Tampering{"lowered_layout_version", "PRAGMA user_version = 2"},
        Tampering{"lowered_id_counter",
                  "UPDATE crm_meta SET value = 1 "
                  "WHERE key = 'last_customer_id'"},
        Tampering{"missing_id_counter",
                  "DELETE FROM crm_meta WHERE key = 'last_customer_id'"},
        Tampering{"altered_event_table",
                  "ALTER TABLE crm_events ADD COLUMN extra"},
        Tampering{"altered_profile_table",
                  "ALTER TABLE crm_profiles ADD COLUMN extra"},
        Tampering{"trigger_on_profiles",
                  "CREATE TRIGGER widen AFTER INSERT ON crm_profiles BEGIN "
                  "UPDATE crm_profiles SET definition = '{}'; END"},
        Tampering{"trigger_on_match_keys",
                  "CREATE TRIGGER leak AFTER INSERT ON crm_match_keys BEGIN "
                  "DELETE FROM crm_match_keys; END"},
        Tampering{"index_on_match_keys",
                  "CREATE INDEX extra ON crm_match_keys(key)"},
        Tampering{"altered_duplicate_rule_table",
                  "ALTER TABLE crm_duplicate_rules ADD COLUMN extra"},
        Tampering{"missing_settings_table", "DROP TABLE crm_settings"}),
    [](const ::testing::TestParamInfo<Tampering>& info) {
      return std::string(info.param.what);
    });

// A file whose header names a schema format SQLite does not know (bytes 44
// to 47, 1 to 4 in a real file) fails as soon as SQLite reads its schema,
// which setting a connection's page cache already does: still not a
// workspace, never CRM_E_INTERNAL, and left as it was.
TEST(HostileFile, UnknownFileFormatIsNotAWorkspace) {
  TempDir dir;
  Workspace workspace = MakeWorkspace(dir);
  std::string bytes = Bytes(workspace.path);
  ASSERT_GT(bytes.size(), 100u);
  bytes[47] = 0x7f;
  {
    std::ofstream out(workspace.path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  crm_db* db = nullptr;
  EXPECT_EQ(crm_open(&db, workspace.path.c_str(), nullptr), CRM_E_NOT_WORKSPACE)
      << crm_last_error_message();
  EXPECT_EQ(db, nullptr);
  crm_close(db);
  EXPECT_EQ(Bytes(workspace.path), bytes);
}

// Values edited into rows with the sqlite3 shell pass the schema check; a
// call that reads one fails naming it as damaged, never CRM_E_INTERNAL.
TEST(HostileFile, DamagedStoredValuesAreNamedNotInternalErrors) {
  TempDir dir;
  Workspace workspace = MakeWorkspace(dir);
  Tamper(workspace.path,
         workspace.Substituted("UPDATE crm_customers SET version = 'x', "
                               "f_{score} = 'many', tags = '[1,'"));
  Db db = OpenDb(workspace.path);
  crm_record* raw = nullptr;
  EXPECT_EQ(crm_customer_get(&raw, db.get(), 1), CRM_E_IO);
  EXPECT_STREQ(crm_last_error_rule(), "damaged");
  EXPECT_NE(std::string(crm_last_error_field()), "");
  EXPECT_EQ(raw, nullptr);
  crm_query* query = nullptr;
  ASSERT_EQ(crm_query_new(&query, CRM_QUERY_CUSTOMERS), CRM_OK);
  crm_test::Query owned(query);
  crm_rows* rows = nullptr;
  EXPECT_CRM_ERROR(crm_query_run(&rows, db.get(), query), CRM_E_IO, "",
                   "damaged");
  EXPECT_EQ(rows, nullptr);
  // Each damaged value is named by its field.
  Tamper(workspace.path, "UPDATE crm_customers SET version = 1, tags = NULL");
  EXPECT_CRM_ERROR(crm_customer_get(&raw, db.get(), 1), CRM_E_IO, "score",
                   "damaged");
  Tamper(workspace.path,
         workspace.Substituted("UPDATE crm_customers SET f_{score} = NULL, "
                               "tags = '[1,'"));
  EXPECT_CRM_ERROR(crm_customer_get(&raw, db.get(), 1), CRM_E_IO, "tags",
                   "damaged");
}

TEST(HostileFile, UntamperedWorkspaceWithFieldChangesOpens) {
  TempDir dir;
  std::string path = MakeWorkspace(dir).path;
  {
    Db db = OpenDb(path);
    ASSERT_EQ(crm_field_update(db.get(), "score", R"({"indexed": true})"),
              CRM_OK)
        << crm_last_error_message();
    ASSERT_EQ(crm_field_update(db.get(), "city", R"({"indexed": true})"),
              CRM_OK)
        << crm_last_error_message();
    ASSERT_EQ(crm_field_archive(db.get(), "badge"), CRM_OK);
  }
  Db db = OpenDb(path);
  EXPECT_EQ(crm_test::Count(db.get()), 2);
}

}  // namespace
