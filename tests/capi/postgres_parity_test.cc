// PostgreSQL counterparts of the C ABI tests that check a promise through a
// file's own bytes, and so stay out of the PostgreSQL conformance run:
//   FieldIndex.IndexedAndUniqueFieldsGetAnIndexOnTheirColumn (sqlite_schema),
//   QueryTest.IndexedUserFieldAndEmailUseAnIndex (SQLite's plan wording),
//   ReportTest.SegmentsEditedInTheFileFailAloneWithANamedError (sqlite3),
//   VerifyPlantedTest.* (problems planted in a file with sqlite3).
// Here the same promises are checked in the server's catalog, its plans and
// its rows, read and written with psql as an administrator would.
// CustomerIds.MigrationStartsAboveIdsOnlyEventsRemember has no counterpart:
// it migrates a file of an older layout; that ids are never handed out again
// is CustomerIds.* of the conformance run.
//
// Registered only in the PostgreSQL conformance run (tests/CMakeLists.txt),
// like PostgresWorkspace.*: they fail, never skip, without the server.
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "backup_support.h"
#include "test_support.h"

namespace crm_test {
namespace {

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class PostgresParity : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(OnPostgres()) << "needs the server CTest starts";
    server_ = std::getenv("CRM_TEST_BACKEND_URL");
  }

  // Opens this test's workspace `name` (standing for a file of dir_, as in
  // the conformance run), and remembers its id. Waits for locks up to 60 s:
  // other tests' field changes on the server hold back this workspace's
  // writes too (crm.h, "Backends: what differs"), which on a loaded machine
  // may take longer than the default busy timeout.
  Db Open(const std::string& name) {
    std::string url = WorkspaceUrlFor(dir_.File(name));
    std::string workspace = url.substr(url.rfind("workspace=") + 10);
    crm_open_options options = CRM_OPEN_OPTIONS_INIT;
    options.busy_timeout_ms = 60000;
    crm_db* raw = nullptr;
    EXPECT_EQ(crm_open_url(&raw, url.c_str(), &options), CRM_OK)
        << crm_last_error_message();
    Db db(raw);
    workspace_id_ =
        Psql("SELECT workspace_id FROM crm_workspaces WHERE name = '" +
             workspace + "'");
    EXPECT_FALSE(workspace_id_.empty()) << workspace;
    return db;
  }

  // What psql prints for `sql` (unaligned, tuples only, trailing newline
  // taken off); fails the test when psql fails.
  std::string Psql(const std::string& sql) {
    TempDir dir;
    std::string script = dir.File("script.sql");
    std::ofstream(script) << sql << ";\n";
    std::string command = "psql -q -X -A -t -v ON_ERROR_STOP=1 -d '" + server_ +
                          "' -f '" + script + "'";
    FILE* pipe = popen(command.c_str(), "r");
    EXPECT_NE(pipe, nullptr) << command;
    if (pipe == nullptr) return "";
    std::string out;
    char buffer[4096];
    size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
      out.append(buffer, n);
    }
    EXPECT_EQ(pclose(pipe), 0) << sql << "\n" << out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }

  // The definition of this workspace's index of user field `field_id` ("" for
  // none), from the server's catalog.
  std::string IndexOf(int64_t field_id) {
    return Psql(
        "SELECT indexdef FROM pg_indexes WHERE tablename = "
        "'crm_customers' AND indexname = 'crm_ix_" +
        workspace_id_ + "_f_" + std::to_string(field_id) + "'");
  }

  // The server's plan (crm_query_explain) of the customers matching
  // `filter`.
  std::string Plan(crm_db* db, const char* filter) {
    crm_query* raw = nullptr;
    EXPECT_EQ(crm_query_new(&raw, CRM_QUERY_CUSTOMERS), CRM_OK);
    Query query(raw);
    EXPECT_EQ(crm_query_set_filter(query.get(), filter), CRM_OK);
    char* plan = nullptr;
    EXPECT_EQ(crm_query_explain(&plan, db, query.get()), CRM_OK)
        << crm_last_error_message();
    String owned(plan);
    return plan ? plan : "";
  }

  TempDir dir_;
  std::string server_;
  std::string workspace_id_;
};

// A user field that is indexed or unique gets an index of its own workspace
// (a partial index, WHERE workspace_id = N), and loses it when it no longer
// needs one; a unique value is unique within its workspace only.
TEST_F(PostgresParity, IndexedAndUniqueFieldsGetTheirWorkspacesIndex) {
  Db db = Open("index");
  ASSERT_NE(db, nullptr);
  const std::string own = "workspace_id = '" + workspace_id_ + "'::bigint";
  int64_t indexed = Define(db.get(), R"({"name": "region_code",
                                         "type": "text", "indexed": true})");
  int64_t plain = Define(db.get(), R"({"name": "note", "type": "text"})");
  EXPECT_TRUE(Has(IndexOf(indexed), own)) << IndexOf(indexed);
  EXPECT_EQ(IndexOf(plain), "");

  ASSERT_EQ(crm_field_update(db.get(), "note", R"({"unique": true})"), CRM_OK)
      << crm_last_error_message();
  ASSERT_EQ(crm_field_update(db.get(), "region_code", R"({"indexed": false})"),
            CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(IndexOf(indexed), "");  // dropped again
  std::string unique = IndexOf(plain);
  EXPECT_EQ(unique.rfind("CREATE UNIQUE INDEX", 0), 0u) << unique;
  EXPECT_TRUE(Has(unique, own)) << unique;

  // Another workspace's field of the same name has its own index, and the
  // value the first workspace holds is free in it.
  Record record = NewRecord();
  crm_record_set_text(record.get(), "note", "same");
  Create(db.get(), record.get());
  const std::string first_id = workspace_id_;
  Db other = Open("other");
  ASSERT_NE(other, nullptr);
  ASSERT_NE(workspace_id_, first_id);
  int64_t other_note = Define(other.get(), R"({"name": "note", "type": "text",
                                              "unique": true})");
  EXPECT_TRUE(Has(IndexOf(other_note),
                  "workspace_id = '" + workspace_id_ + "'::bigint"))
      << IndexOf(other_note);
  Create(other.get(), record.get());
  int64_t id = 0;
  EXPECT_CRM_ERROR(crm_customer_create(&id, other.get(), record.get(), "test"),
                   CRM_E_CONSTRAINT, "note", CRM_RULE_UNIQUE);
}

// The server's plan answers a filter on an indexed user field, on email and
// on external_id from their indexes, once it knows the workspace's rows
// (its statistics, which ANALYZE brings up to date as autovacuum would); a
// field without an index uses none of them.
TEST_F(PostgresParity, IndexedUserFieldAndEmailUseAnIndex) {
  Db db = Open("plans");
  ASSERT_NE(db, nullptr);
  int64_t ltv = Define(db.get(), R"({"name": "ltv", "type": "decimal",
                                     "scale": 2, "indexed": true})");
  Define(db.get(), R"({"name": "seats", "type": "integer"})");
  ASSERT_EQ(crm_begin(db.get()), CRM_OK);
  for (int i = 0; i < 2000; ++i) {
    Record record = NewRecord();
    std::string n = std::to_string(i);
    crm_record_set_text(record.get(), "name", ("Customer " + n).c_str());
    crm_record_set_text(record.get(), "email",
                        ("c" + n + "@example.com").c_str());
    crm_record_set_text(record.get(), "external_id", ("E" + n).c_str());
    crm_record_set_decimal(record.get(), "ltv", (n + ".50").c_str());
    crm_record_set_integer(record.get(), "seats", i % 10);
    Create(db.get(), record.get());
  }
  ASSERT_EQ(crm_commit(db.get()), CRM_OK) << crm_last_error_message();
  Psql("ANALYZE crm_customers");

  const std::string ltv_index =
      "crm_ix_" + workspace_id_ + "_f_" + std::to_string(ltv);
  for (const auto& [filter, index] :
       {std::pair<const char*, std::string>{"ltv > 1990", ltv_index},
        {"ltv = 12.50", ltv_index},
        {"email = 'c7@example.com'", "crm_customers_email"},
        {"external_id = 'E1'", "crm_customers_external_id"}}) {
    std::string plan = Plan(db.get(), filter);
    EXPECT_TRUE(Has(plan, index)) << filter << "\n" << plan;
  }
  std::string scan = Plan(db.get(), "seats > 3");
  EXPECT_FALSE(Has(scan, "crm_ix_")) << scan;
  EXPECT_FALSE(Has(scan, "crm_customers_email")) << scan;
}

// A segment row changed behind libcrm's back (by hand, or by an older libcrm
// with looser limits) fails alone, with the error its filter gives; the
// others are listed and counted as usual.
TEST_F(PostgresParity, SegmentsEditedInTheDatabaseFailAloneWithANamedError) {
  Db db = Open("segments");
  ASSERT_NE(db, nullptr);
  Define(db.get(), R"({"name": "seats", "type": "integer"})");
  for (const char* name : {"deep", "good", "long", "target", "unknown"}) {
    ASSERT_EQ(
        crm_segment_save(db.get(), name, CRM_QUERY_CUSTOMERS, "seats > 1"),
        CRM_OK);
  }
  std::string deep;
  for (int i = 0; i < 45; ++i) deep += "not ";
  deep += "seats > 1";
  std::string chain = "seats > 1";
  for (int i = 1; i < 999; ++i) chain += " and seats > 1";
  const std::string where = "' WHERE workspace_id = " + workspace_id_;
  Psql("UPDATE crm_segments SET filter = '" + deep + where +
       " AND name = 'deep'; UPDATE crm_segments SET filter = '" + chain +
       where + " AND name = 'long'; UPDATE crm_segments SET target = 'orders" +
       where + " AND name = 'target'; UPDATE crm_segments SET filter = " +
       "'nosuch = 1" + where + " AND name = 'unknown'");

  crm_rows* raw = nullptr;
  ASSERT_EQ(crm_segment_list(&raw, db.get()), CRM_OK)
      << crm_last_error_message();
  Rows listed(raw);
  ASSERT_EQ(crm_rows_size(listed.get()), 5u);
  for (size_t i = 0; i < 5; ++i) {
    crm_record* row = crm_rows_at(listed.get(), i);
    int64_t count = -1;
    bool counted = crm_record_get_integer(&count, row, "count") == CRM_OK;
    EXPECT_EQ(counted, Text(row, "name") == "good") << Text(row, "name");
    EXPECT_EQ(Text(row, "error") == "<none>", counted) << Text(row, "name");
  }
  struct Refusal {
    const char* segment;
    int status;
    const char* field;
    const char* rule;
    int64_t position;
  };
  for (const Refusal& expected : {
           Refusal{"deep", CRM_E_INVALID_ARGUMENT, "", CRM_RULE_DEPTH, 40},
           Refusal{"long", CRM_E_INVALID_ARGUMENT, "", CRM_RULE_TERMS, -1},
           Refusal{"target", CRM_E_VALIDATION, "", CRM_RULE_TARGET, -1},
           Refusal{"unknown", CRM_E_VALIDATION, "nosuch",
                   CRM_RULE_UNKNOWN_FIELD, -1},
       }) {
    int64_t count = -1;
    EXPECT_CRM_ERROR(crm_segment_count(&count, db.get(), expected.segment),
                     expected.status, expected.field, expected.rule);
    if (expected.position >= 0) {
      EXPECT_EQ(crm_last_error_position(), expected.position);
    }
  }
  int64_t count = -1;
  EXPECT_EQ(crm_segment_count(&count, db.get(), "good"), CRM_OK);
  EXPECT_EQ(crm_segment_delete(db.get(), "deep"), CRM_OK);
  ASSERT_EQ(crm_segment_list(&raw, db.get()), CRM_OK);
  Rows after(raw);
  EXPECT_EQ(crm_rows_size(after.get()), 4u);
}

// crm_verify() names what was changed in the database behind libcrm's
// back: a value without its history, a customer id sequence set back below
// the ids stored, a search row of no customer.
TEST_F(PostgresParity, VerifyNamesProblemsPlantedInTheDatabase) {
  Db db = Open("verify");
  ASSERT_NE(db, nullptr);
  std::vector<int64_t> ids = FillWorkspace(db.get());
  ASSERT_TRUE(VerifiesOk(db.get()));
  const std::string where = " WHERE workspace_id = " + workspace_id_;
  Psql(
      "UPDATE crm_customers SET data = jsonb_set(data, '{email}', "
      "'\"changed@x.org\"')" +
      where + " AND customer_id = " + std::to_string(ids[6]) +
      "; ALTER SEQUENCE crm_ws" + workspace_id_ +
      "_customer_ids RESTART WITH 2; INSERT INTO crm_customer_search "
      "(workspace_id, customer_id, content, terms) VALUES (" +
      workspace_id_ + ", 999999, 'nobody', '')");
  const std::string report = Verify(db.get());
  EXPECT_TRUE(Has(report, "{\"ok\":false,")) << report;
  EXPECT_TRUE(Has(report, "{\"check\":\"history\",\"customer_id\":" +
                              std::to_string(ids[6]) +
                              ",\"field\":\"email\",\"message\":"))
      << report;
  EXPECT_TRUE(Has(report, "the customer id counter stands at 1 but " +
                              std::to_string(ids.back()) + " is stored"))
      << report;
  EXPECT_TRUE(Has(report, "{\"name\":\"integrity\",\"ok\":false")) << report;
  EXPECT_TRUE(Has(report, "1 search rows belong to no stored customer"))
      << report;
  EXPECT_TRUE(Has(report, "{\"name\":\"schema\",\"ok\":true")) << report;
}

}  // namespace
}  // namespace crm_test
