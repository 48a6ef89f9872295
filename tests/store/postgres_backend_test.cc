// The PostgreSQL backend (store/postgres/postgres_backend.h) against a real
// server, through the Backend interface the core calls: fields, customers
// and their values of every kind, segments and search text, workspaces
// side by side in one database, unique indexes, hostile stored values, a
// connection killed mid-transaction, read-only handles, dropping a
// workspace. Each test works in a schema of its own (the URL's `options`
// sets the search path).
#include "store/postgres/postgres_backend.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "gtest/gtest.h"
#include "postgres_test_support.h"
#include "store/backend.h"
#include "store/postgres/catalog.h"
#include "store/postgres/connection.h"
#include "store/postgres/workspaces.h"

namespace crm::store::postgres {
namespace {

FieldRow Field(const std::string& name, const std::string& column = "") {
  return {0, name, column, "active", absl::StrCat("{\"name\":\"", name, "\"}")};
}

ColumnValues Values(std::vector<std::string> columns,
                    std::vector<SqlValue> values) {
  return {std::move(columns), std::move(values)};
}

class PostgresBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(GetTestServerUrl(&server_url_));
    schema_ = "b_";
    for (char c : std::string(
             ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
      schema_ += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    schema_ = schema_.substr(0, 60);
    admin_ = Connect();
    ASSERT_NE(admin_, nullptr);
    Exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
    Exec("CREATE SCHEMA " + schema_);
    Exec("SET search_path TO " + schema_);
  }

  void TearDown() override {
    if (admin_ != nullptr && admin_->connected()) {
      Exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
    }
  }

  std::unique_ptr<Connection> Connect() {
    auto opened = Connection::Open(server_url_);
    EXPECT_TRUE(opened.ok()) << opened.status();
    return opened.ok() ? std::move(*opened) : nullptr;
  }

  void Exec(const std::string& sql) {
    ASSERT_TRUE(admin_->ExecuteScript(sql).ok()) << sql;
  }

  // Runs `sql` on the test's schema and returns the first value.
  std::string Value(const std::string& sql) {
    auto result = admin_->Execute(sql);
    EXPECT_TRUE(result.ok()) << result.status() << " " << sql;
    if (!result.ok() || result->rows() == 0) return "<none>";
    return std::string(result->Text(0, 0));
  }

  std::string Url(const std::string& workspace) const {
    return absl::StrCat(server_url_, "&options=-csearch_path%3D", schema_,
                        "&workspace=", workspace);
  }

  // What the core would read from the field definitions: standard columns
  // carry no index of their own, user columns the one `indexes_` names.
  FieldColumnsReader Reader() {
    return [this](const std::vector<FieldRow>& rows)
               -> absl::StatusOr<std::vector<FieldColumn>> {
      std::vector<FieldColumn> columns;
      for (const FieldRow& row : rows) {
        bool standard = !absl::StartsWith(row.column, "f_");
        auto it = indexes_.find(row.column);
        columns.push_back(
            {row.id, standard, row.column,
             it == indexes_.end() ? ColumnIndex::kNone : it->second});
      }
      return columns;
    };
  }

  std::unique_ptr<Backend> Open(const std::string& workspace,
                                ConnectionOptions options = {}) {
    auto opened = OpenWorkspace(Url(workspace), options, Reader());
    EXPECT_TRUE(opened.ok()) << opened.status();
    return opened.ok() ? std::move(*opened) : nullptr;
  }

  // Runs `body` in a write scope and commits it.
  template <typename Body>
  void Write(Backend& backend, Body body) {
    auto scope = Scope::Begin(backend, ScopeKind::kWrite);
    ASSERT_TRUE(scope.ok()) << scope.status();
    body();
    ASSERT_OK(scope->Commit());
  }

  int64_t Insert(Backend& backend, ColumnValues values, int64_t now = 1000) {
    int64_t id = 0;
    Write(backend, [&] {
      auto inserted = backend.InsertCustomer(now, now, values);
      ASSERT_TRUE(inserted.ok()) << inserted.status();
      id = *inserted;
    });
    return id;
  }

  std::optional<CustomerRow> Select(Backend& backend,
                                    const std::vector<std::string>& columns,
                                    const std::string& key_column,
                                    const SqlValue& key, bool nocase = false) {
    auto scope = Scope::Begin(backend, ScopeKind::kRead);
    EXPECT_TRUE(scope.ok()) << scope.status();
    auto row = backend.SelectCustomer(columns, key_column, key, nocase);
    EXPECT_TRUE(row.ok()) << row.status();
    return row.ok() ? *row : std::nullopt;
  }

  std::string server_url_;
  std::string schema_;
  std::unique_ptr<Connection> admin_;
  absl::flat_hash_map<std::string, ColumnIndex> indexes_;
};

TEST_F(PostgresBackendTest, FieldsAreNumberedStoredChangedAndDeleted) {
  auto backend = Open("acme");
  ASSERT_NE(backend, nullptr);
  FieldRow plan;
  int64_t generation = 0;
  Write(*backend, [&] {
    ASSERT_OK(backend->InsertStandardField(Field("email", "email")));
    auto inserted = backend->InsertUserField(Field("plan"));
    ASSERT_TRUE(inserted.ok()) << inserted.status();
    plan = *inserted;
    auto before = backend->SchemaGeneration();
    ASSERT_TRUE(before.ok());
    ASSERT_OK(backend->BumpSchemaGeneration());
    generation = *backend->SchemaGeneration();
    EXPECT_EQ(generation, *before + 1);
  });
  EXPECT_EQ(plan.id, 2);  // from 1 per workspace: email was 1
  EXPECT_EQ(plan.column, "f_2");

  plan.name = "tier";
  plan.status = "archived";
  plan.definition = "{\"name\":\"tier\"}";
  int64_t customer = Insert(*backend, Values({"f_2"}, {std::string("gold")}));
  Write(*backend, [&] { ASSERT_OK(backend->UpdateField(plan)); });
  {
    auto scope = Scope::Begin(*backend, ScopeKind::kRead);
    auto fields = backend->LoadFields();
    ASSERT_TRUE(fields.ok()) << fields.status();
    ASSERT_EQ(fields->size(), 2u);
    EXPECT_EQ((*fields)[0].name, "email");
    EXPECT_EQ((*fields)[0].column, "email");
    EXPECT_EQ((*fields)[1].id, 2);
    EXPECT_EQ((*fields)[1].name, "tier");
    EXPECT_EQ((*fields)[1].status, "archived");
    EXPECT_EQ((*fields)[1].definition, "{\"name\":\"tier\"}");
    EXPECT_EQ(*backend->SchemaGeneration(), generation);
  }

  Write(*backend, [&] {
    ASSERT_OK(backend->SetColumnIndex("f_2", ColumnIndex::kPlain));
    ASSERT_OK(backend->DeleteUserField(plan));
  });
  // Deleted: hidden, its values and index gone, its id never handed out
  // again.
  auto scope = Scope::Begin(*backend, ScopeKind::kWrite);
  auto fields = backend->LoadFields();
  ASSERT_TRUE(fields.ok());
  EXPECT_EQ(fields->size(), 1u);
  EXPECT_EQ(Value("SELECT count(*) FROM crm_fields WHERE status = 'deleted'"),
            "1");
  auto values = backend->ReadColumn("f_2");
  ASSERT_TRUE(values.ok());
  EXPECT_TRUE(values->empty());
  auto row = backend->SelectCustomer({"f_2"}, "id", customer, false);
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_TRUE(IsNull((*row)->values[0]));
  EXPECT_EQ(Value("SELECT count(*) FROM pg_indexes WHERE schemaname = "
                  "current_schema() AND indexname LIKE "
                  "'crm_ix_%'"),
            "0");
  EXPECT_EQ(Value("SELECT count(*) FROM pg_statistic_ext WHERE "
                  "stxnamespace = current_schema()::regnamespace"),
            "0");
  auto next = backend->InsertUserField(Field("plan"));
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->id, 3);
  ASSERT_OK(scope->Commit());
}

TEST_F(PostgresBackendTest, CustomersAreInsertedReadUpdatedAndDeleted) {
  auto backend = Open("acme");
  ASSERT_NE(backend, nullptr);
  int64_t ada = Insert(
      *backend,
      Values({"name", "email", "f_7"},
             {std::string("Ada"), std::string("Ada@Example.com"), int64_t{1}}),
      1000);
  int64_t bob = Insert(
      *backend, Values({"name", "f_7"}, {std::string("Bob"), ada}), 2000);
  EXPECT_EQ(ada, 1);
  EXPECT_EQ(bob, 2);

  auto row = Select(*backend, {"name", "email", "phone"}, "id", ada);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->id, ada);
  EXPECT_EQ(row->version, 1);
  EXPECT_EQ(row->created_at_us, 1000);
  EXPECT_EQ(row->updated_at_us, 1000);
  ASSERT_EQ(row->values.size(), 3u);
  EXPECT_EQ(row->values[0], SqlValue(std::string("Ada")));
  EXPECT_EQ(row->values[1], SqlValue(std::string("Ada@Example.com")));
  EXPECT_TRUE(IsNull(row->values[2]));

  // By a column: exact, or ignoring ASCII case; a value of another kind or
  // NULL finds nothing.
  EXPECT_FALSE(Select(*backend, {}, "email", std::string("ada@example.com"))
                   .has_value());
  auto nocase =
      Select(*backend, {}, "email", std::string("ada@EXAMPLE.com"), true);
  ASSERT_TRUE(nocase.has_value());
  EXPECT_EQ(nocase->id, ada);
  EXPECT_EQ(Select(*backend, {}, "name", std::string("Bob"))->id, bob);
  EXPECT_FALSE(Select(*backend, {}, "f_7", std::string("1")).has_value());
  EXPECT_EQ(Select(*backend, {}, "f_7", int64_t{1})->id, ada);
  EXPECT_FALSE(Select(*backend, {}, "name", SqlValue()).has_value());
  EXPECT_FALSE(Select(*backend, {}, "id", int64_t{99}).has_value());

  Write(*backend, [&] {
    // NULL removes a value; others stay as they were.
    ASSERT_OK(backend->UpdateCustomer(
        ada, 2, 3000,
        Values({"email", "phone"}, {SqlValue(), std::string("+1 555")})));
    auto referenced = backend->IsReferenced("f_7", ada);
    ASSERT_TRUE(referenced.ok()) << referenced.status();
    EXPECT_TRUE(*referenced);
    EXPECT_FALSE(*backend->IsReferenced("f_7", bob));
    ASSERT_OK(backend->WriteColumnValue("f_7", bob, SqlValue()));
    EXPECT_FALSE(*backend->IsReferenced("f_7", ada));
  });
  row = Select(*backend, {"name", "email", "phone"}, "id", ada);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->version, 2);
  EXPECT_EQ(row->created_at_us, 1000);
  EXPECT_EQ(row->updated_at_us, 3000);
  EXPECT_EQ(row->values[0], SqlValue(std::string("Ada")));
  EXPECT_TRUE(IsNull(row->values[1]));
  EXPECT_EQ(row->values[2], SqlValue(std::string("+1 555")));

  // Ids are never reused, not even the highest after its delete.
  Write(*backend, [&] { ASSERT_OK(backend->DeleteCustomer(bob)); });
  int64_t cy = Insert(*backend, Values({"name"}, {std::string("Cy")}));
  EXPECT_EQ(cy, 3);
  auto scope = Scope::Begin(*backend, ScopeKind::kRead);
  EXPECT_EQ(*backend->CountCustomers(), 2);
  auto existing = backend->ExistingCustomers({cy, 99, bob, ada, ada});
  ASSERT_TRUE(existing.ok()) << existing.status();
  EXPECT_EQ(*existing, (std::vector<int64_t>{ada, cy}));
  EXPECT_TRUE(backend->ExistingCustomers({})->empty());
  auto column = backend->ReadColumn("name");
  ASSERT_TRUE(column.ok());
  ASSERT_EQ(column->size(), 2u);
  EXPECT_EQ((*column)[0].first, ada);
  EXPECT_EQ((*column)[1], std::make_pair(cy, SqlValue(std::string("Cy"))));
}

TEST_F(PostgresBackendTest, ValuesOfEveryKindReadBackAsStored) {
  auto backend = Open("acme");
  ASSERT_NE(backend, nullptr);
  const std::vector<SqlValue> values = {
      int64_t{0},
      std::numeric_limits<int64_t>::max(),
      std::numeric_limits<int64_t>::min(),
      int64_t{1234567890123456789},  // a decimal as a scaled integer
      3.0,                           // a double without a fraction
      -2.5,
      0.1,
      1e300,
      -1.7976931348623157e308,
      5e-324,
      std::string(""),
      std::string("quote \" backslash \\ newline \n tab \t bell \x07"),
      std::string("ünïcödé \xF0\x9F\x98\x80"),
      std::string("42"),  // text that looks like a number stays text
  };
  std::vector<std::string> columns;
  for (size_t i = 0; i < values.size(); ++i) {
    columns.push_back(absl::StrCat("f_", i + 1));
  }
  int64_t id = Insert(*backend, Values(columns, values));
  auto row = Select(*backend, columns, "id", id);
  ASSERT_TRUE(row.has_value());
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(row->values[i], values[i]) << columns[i];
  }
  // The decimal stays exact in the database too.
  EXPECT_EQ(Value("SELECT data ->> 'f_4' FROM crm_customers"),
            "1234567890123456789");
  EXPECT_EQ(Value("SELECT jsonb_typeof(data -> 'f_5') FROM crm_customers"),
            "number");

  // What JSON cannot hold is refused, and nothing is written.
  auto scope = Scope::Begin(*backend, ScopeKind::kWrite);
  for (const SqlValue& bad :
       {SqlValue(std::nan("")), SqlValue(INFINITY),
        SqlValue(std::string("nul \0 byte", 10)), SqlValue(Blob{"x"})}) {
    auto inserted = backend->InsertCustomer(1, 1, Values({"f_1"}, {bad}));
    ASSERT_FALSE(inserted.ok());
    EXPECT_EQ(CodeOf(inserted.status()), ErrorCode::kInvalidArgument)
        << inserted.status();
  }
  auto hostile_column =
      backend->InsertCustomer(1, 1, Values({"x') OR true; --"}, {int64_t{1}}));
  EXPECT_EQ(CodeOf(hostile_column.status()), ErrorCode::kInvalidArgument);
  EXPECT_EQ(*backend->CountCustomers(), 1);
}

TEST_F(PostgresBackendTest, HostileStoredValuesAreNamedErrors) {
  auto backend = Open("acme");
  ASSERT_NE(backend, nullptr);
  int64_t id = Insert(*backend, Values({"name"}, {std::string("Ada")}));
  for (const char* hostile : {"{\"a\": 1}", "[1, 2]", "true", "null", "1e400",
                              "123456789012345678901", "1.5e400"}) {
    Exec(
        absl::StrCat("UPDATE crm_customers SET data = jsonb_build_object("
                     "'name', '",
                     hostile, "'::jsonb)"));
    SCOPED_TRACE(hostile);
    auto scope = Scope::Begin(*backend, ScopeKind::kRead);
    ASSERT_TRUE(scope.ok());
    auto row = backend->SelectCustomer({"name"}, "id", id, false);
    ASSERT_FALSE(row.ok());
    EXPECT_EQ(CodeOf(row.status()), ErrorCode::kIo);
    EXPECT_EQ(RuleOf(row.status()), "damaged");
    EXPECT_EQ(FieldOf(row.status()), "name");
    auto column = backend->ReadColumn("name");
    ASSERT_FALSE(column.ok());
    EXPECT_EQ(RuleOf(column.status()), "damaged");
    // Other columns of the same customer still read.
    auto other = backend->SelectCustomer({"email"}, "id", id, false);
    ASSERT_TRUE(other.ok()) << other.status();
  }
  // Bookkeeping columns are checked too.
  Exec("ALTER TABLE crm_customers ALTER COLUMN version DROP NOT NULL");
  Exec("UPDATE crm_customers SET version = NULL");
  auto scope = Scope::Begin(*backend, ScopeKind::kRead);
  auto row = backend->SelectCustomer({}, "id", id, false);
  ASSERT_FALSE(row.ok());
  EXPECT_EQ(RuleOf(row.status()), "damaged");
}

TEST_F(PostgresBackendTest, TwoWorkspacesInOneDatabaseNeverSeeEachOther) {
  auto acme = Open("acme");
  auto bolt = Open("bolt");
  ASSERT_NE(acme, nullptr);
  ASSERT_NE(bolt, nullptr);
  // Both number their customers and fields from 1, and the same unique
  // email may live in each.
  EXPECT_EQ(Insert(*acme, Values({"email"}, {std::string("a@x.org")})), 1);
  EXPECT_EQ(Insert(*acme, Values({"email"}, {std::string("b@x.org")})), 2);
  EXPECT_EQ(Insert(*bolt, Values({"email"}, {std::string("a@x.org")})), 1);
  Write(*acme, [&] {
    ASSERT_EQ(acme->InsertUserField(Field("plan"))->id, 1);
    ASSERT_OK(acme->SaveSegment({"vip", "customers", "plan = 'gold'", 5}));
    ASSERT_OK(acme->SetSearchText(1, "ada lovelace", true));
    ASSERT_OK(acme->SetColumnIndex("f_1", ColumnIndex::kUnique));
    ASSERT_OK(acme->WriteColumnValue("f_1", 1, std::string("gold")));
  });
  Write(*bolt, [&] {
    ASSERT_EQ(bolt->InsertUserField(Field("tier"))->id, 1);
    // acme's unique index on f_1 does not reach bolt's f_1.
    ASSERT_OK(bolt->WriteColumnValue("f_1", 1, std::string("gold")));
  });
  EXPECT_EQ(Insert(*bolt, Values({"f_1"}, {std::string("gold")})), 2);

  auto scope = Scope::Begin(*bolt, ScopeKind::kRead);
  EXPECT_EQ(*bolt->CountCustomers(), 2);
  EXPECT_FALSE(Select(*bolt, {}, "id", int64_t{3}).has_value());
  auto fields = bolt->LoadFields();
  ASSERT_EQ(fields->size(), 1u);
  EXPECT_EQ((*fields)[0].name, "tier");
  EXPECT_TRUE(bolt->LoadSegments()->empty());
  EXPECT_FALSE(*bolt->DeleteSegment("vip"));
  EXPECT_EQ(bolt->ExistingCustomers({1, 2, 3})->size(), 2u);
  auto acme_segments = [&] {
    auto acme_scope = Scope::Begin(*acme, ScopeKind::kRead);
    return *acme->LoadSegments();
  }();
  ASSERT_EQ(acme_segments.size(), 1u);
  EXPECT_EQ(acme_segments[0].name, "vip");
  EXPECT_EQ(acme_segments[0].filter, "plan = 'gold'");
  EXPECT_EQ(acme_segments[0].created_at_us, 5);
  EXPECT_EQ(Value("SELECT count(*) FROM crm_customer_search"), "1");
}

TEST_F(PostgresBackendTest, SegmentsAndSearchTextAreStored) {
  auto backend = Open("acme");
  ASSERT_NE(backend, nullptr);
  Write(*backend, [&] {
    ASSERT_OK(backend->SaveSegment({"b", "events", "type = 'x'", 1}));
    ASSERT_OK(backend->SaveSegment({"a", "customers", "name = 'y'", 2}));
    // Saving again replaces filter and target, keeps the creation time.
    ASSERT_OK(backend->SaveSegment({"b", "customers", "name = 'z'", 9}));
    ASSERT_OK(backend->SetSearchText(1, "first text", true));
    ASSERT_OK(backend->SetSearchText(1, "second text", false));
    ASSERT_OK(backend->SetSearchText(2, "other", true));
    ASSERT_OK(backend->SetSearchText(2, "", false));
    ASSERT_OK(backend->SetSearchText(3, "", true));
  });
  auto scope = Scope::Begin(*backend, ScopeKind::kWrite);
  auto segments = backend->LoadSegments();
  ASSERT_TRUE(segments.ok());
  ASSERT_EQ(segments->size(), 2u);
  EXPECT_EQ((*segments)[0].name, "a");
  EXPECT_EQ((*segments)[1].target, "customers");
  EXPECT_EQ((*segments)[1].filter, "name = 'z'");
  EXPECT_EQ((*segments)[1].created_at_us, 1);
  EXPECT_TRUE(*backend->DeleteSegment("a"));
  EXPECT_FALSE(*backend->DeleteSegment("a"));
  EXPECT_EQ(Value("SELECT string_agg(customer_id || ':' || content, ',') FROM "
                  "crm_customer_search"),
            "1:second text");
}

TEST_F(PostgresBackendTest, UniqueIndexesRefuseDuplicatesNamingTheColumn) {
  indexes_ = {{"f_1", ColumnIndex::kUniqueNoCase},
              {"f_2", ColumnIndex::kUnique}};
  auto backend = Open("acme");
  ASSERT_NE(backend, nullptr);
  Insert(*backend, Values({"email", "external_id", "f_1", "f_2"},
                          {std::string("Ada@x.org"), std::string("E1"),
                           std::string("Key"), int64_t{7}}));
  Write(*backend, [&] {
    ASSERT_TRUE(backend->InsertUserField(Field("code")).ok());
    ASSERT_TRUE(backend->InsertUserField(Field("number")).ok());
    ASSERT_OK(backend->SetColumnIndex("f_1", ColumnIndex::kUniqueNoCase));
    ASSERT_OK(backend->SetColumnIndex("f_2", ColumnIndex::kUnique));
  });
  int64_t bob = Insert(*backend, Values({"name"}, {std::string("Bob")}));

  struct Case {
    std::string column;
    SqlValue value;
  };
  auto scope = Scope::Begin(*backend, ScopeKind::kWrite);
  ASSERT_TRUE(scope.ok());
  for (const Case& duplicate :
       {Case{"email", std::string("ADA@x.org")},
        Case{"external_id", std::string("E1")}, Case{"f_1", std::string("kEY")},
        Case{"f_2", int64_t{7}}}) {
    SCOPED_TRACE(duplicate.column);
    auto inserted = backend->InsertCustomer(
        1, 1, Values({duplicate.column}, {duplicate.value}));
    ASSERT_FALSE(inserted.ok());
    EXPECT_EQ(CodeOf(inserted.status()), ErrorCode::kConstraint);
    EXPECT_EQ(RuleOf(inserted.status()), "unique");
    EXPECT_EQ(FieldOf(inserted.status()), duplicate.column);
    absl::Status updated = backend->UpdateCustomer(
        bob, 2, 1, Values({duplicate.column}, {duplicate.value}));
    EXPECT_EQ(CodeOf(updated), ErrorCode::kConstraint);
    EXPECT_EQ(FieldOf(updated), duplicate.column);
    // The transaction goes on after the refusal, as a batch's does.
    EXPECT_TRUE(backend->InTransaction());
  }
  // Text "7" is not the number 7; "E1" differs from "e1" where case counts.
  auto fine = backend->InsertCustomer(
      1, 1,
      Values({"f_2", "external_id"}, {std::string("7"), std::string("e1")}));
  ASSERT_TRUE(fine.ok()) << fine.status();
  // A unique index over values that are not unique is refused too.
  ASSERT_OK(backend->WriteColumnValue("name", *fine, std::string("Bob")));
  absl::Status index = backend->SetColumnIndex("name", ColumnIndex::kUnique);
  EXPECT_EQ(CodeOf(index), ErrorCode::kConstraint);
  EXPECT_EQ(RuleOf(index), "unique");
  EXPECT_EQ(FieldOf(index), "name");
  scope->Commit().IgnoreError();
}

TEST_F(PostgresBackendTest, VerificationAcceptsColumnIndexesAndRefusesOthers) {
  indexes_ = {{"f_1", ColumnIndex::kPlain}};
  {
    auto backend = Open("acme");
    ASSERT_NE(backend, nullptr);
    Write(*backend, [&] {
      ASSERT_TRUE(backend->InsertUserField(Field("plan")).ok());
      ASSERT_OK(backend->SetColumnIndex("f_1", ColumnIndex::kPlain));
    });
  }
  // Opened again: the index is libcrm's and the one the field needs.
  ASSERT_NE(Open("acme"), nullptr);
  // The field now wants a unique index: the workspace is refused.
  indexes_ = {{"f_1", ColumnIndex::kUnique}};
  auto wrong = OpenWorkspace(Url("acme"), {}, Reader());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(CodeOf(wrong.status()), ErrorCode::kNotWorkspace);
  EXPECT_EQ(RuleOf(wrong.status()), "schema");
  indexes_ = {{"f_1", ColumnIndex::kPlain}};
  // An index under libcrm's name but not of its making is refused, and so
  // is an index of no name libcrm gives. Each tampering is undone after.
  const std::string restore =
      "DROP INDEX IF EXISTS crm_ix_1_f_1; CREATE INDEX crm_ix_1_f_1 ON "
      "crm_customers ((data -> 'f_1'), workspace_id) WHERE "
      "workspace_id = '1'::bigint";
  struct Tampering {
    std::string sql, undo;
  };
  for (const Tampering& foreign : std::vector<Tampering>{
           {"DROP INDEX crm_ix_1_f_1; CREATE INDEX crm_ix_1_f_1 ON "
            "crm_customers ((data -> 'f_1'), workspace_id) WHERE "
            "workspace_id = '2'::bigint",
            restore},
           {"DROP INDEX crm_ix_1_f_1; CREATE INDEX crm_ix_1_f_1 ON "
            "crm_customers ((data -> 'f_2'), workspace_id) WHERE "
            "workspace_id = '1'::bigint",
            restore},
           {"DROP INDEX crm_ix_1_f_1", restore},
           {"CREATE INDEX crm_customers_sneaky ON crm_customers (version)",
            "DROP INDEX crm_customers_sneaky"},
           {"CREATE INDEX crm_ix_1_f_9 ON crm_fields (workspace_id)",
            "DROP INDEX crm_ix_1_f_9"}}) {
    SCOPED_TRACE(foreign.sql);
    Exec(foreign.sql);
    auto refused = OpenWorkspace(Url("acme"), {}, Reader());
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(CodeOf(refused.status()), ErrorCode::kNotWorkspace);
    EXPECT_EQ(RuleOf(refused.status()), "schema") << refused.status();
    Exec(foreign.undo);
    ASSERT_NE(Open("acme"), nullptr);
  }
}

TEST_F(PostgresBackendTest, AConnectionKilledMidTransactionWritesNothing) {
  auto backend = Open("acme");
  ASSERT_NE(backend, nullptr);
  auto scope = Scope::Begin(*backend, ScopeKind::kWrite);
  ASSERT_TRUE(scope.ok());
  ASSERT_TRUE(
      backend->InsertCustomer(1, 1, Values({"name"}, {std::string("A")})).ok());
  // Kill the backend's server process from another connection (this
  // backend's only: other tests run beside this one).
  Exec(absl::StrCat(
      "SELECT pg_terminate_backend(",
      static_cast<PostgresBackend&>(*backend).connection().BackendPid(),
      ", 5000)"));
  auto lost =
      backend->InsertCustomer(1, 1, Values({"name"}, {std::string("B")}));
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(CodeOf(lost.status()), ErrorCode::kIo);
  EXPECT_EQ(RuleOf(lost.status()), "connection");
  absl::Status commit = scope->Commit();
  EXPECT_EQ(RuleOf(commit), "connection");
  EXPECT_FALSE(backend->InTransaction());
  scope = absl::InternalError("ended");  // rolls back: nothing to do

  // The next scope connects again, with the session's settings. The id
  // taken in the lost transaction was never committed and stays taken (a
  // sequence never goes back).
  EXPECT_EQ(Insert(*backend, Values({"name"}, {std::string("C")})), 2);
  auto* postgres = dynamic_cast<PostgresBackend*>(backend.get());
  ASSERT_NE(postgres, nullptr);
  auto timeout = postgres->connection().Execute("SHOW lock_timeout");
  ASSERT_TRUE(timeout.ok());
  EXPECT_EQ(timeout->Text(0, 0), "5s");
  auto read = Scope::Begin(*backend, ScopeKind::kRead);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*backend->CountCustomers(), 1);
  EXPECT_EQ(Value("SELECT count(*) FROM crm_customers WHERE data ->> 'name' "
                  "IN ('A', 'B')"),
            "0");
}

TEST_F(PostgresBackendTest, AHostTransactionHoldsCallsAsSavepoints) {
  auto backend = Open("acme");
  ASSERT_NE(backend, nullptr);
  ASSERT_OK(backend->BeginTransaction());
  EXPECT_TRUE(backend->InTransaction());
  EXPECT_EQ(CodeOf(backend->BeginTransaction()), ErrorCode::kMisuse);
  Insert(*backend, Values({"name"}, {std::string("kept")}));
  {
    // A failed call undoes only its own work.
    auto scope = Scope::Begin(*backend, ScopeKind::kWrite);
    ASSERT_TRUE(scope.ok());
    ASSERT_TRUE(
        backend->InsertCustomer(1, 1, Values({"name"}, {std::string("undone")}))
            .ok());
    // A statement the server refuses aborts the transaction up to the
    // savepoint, which the scope's end rolls back.
    EXPECT_FALSE(backend->SetColumnIndex("name", ColumnIndex::kNone).ok() &&
                 backend->DeleteUserField({0, "x", "bad name", "", ""}).ok());
  }
  EXPECT_TRUE(backend->InTransaction());
  // Nothing is visible to others before the commit.
  EXPECT_EQ(Value("SELECT count(*) FROM crm_customers"), "0");
  ASSERT_OK(backend->CommitTransaction());
  EXPECT_FALSE(backend->InTransaction());
  EXPECT_EQ(Value("SELECT string_agg(data ->> 'name', ',') FROM "
                  "crm_customers"),
            "kept");
  EXPECT_EQ(CodeOf(backend->CommitTransaction()), ErrorCode::kMisuse);
  EXPECT_EQ(CodeOf(backend->RollbackTransaction()), ErrorCode::kMisuse);

  ASSERT_OK(backend->BeginTransaction());
  Insert(*backend, Values({"name"}, {std::string("dropped")}));
  ASSERT_OK(backend->RollbackTransaction());
  EXPECT_EQ(Value("SELECT count(*) FROM crm_customers"), "1");
}

TEST_F(PostgresBackendTest, AHostTransactionLostWithItsConnectionEnds) {
  auto backend = Open("acme");
  ASSERT_NE(backend, nullptr);
  ASSERT_OK(backend->BeginTransaction());
  Insert(*backend, Values({"name"}, {std::string("lost")}));
  // This backend's connection only: other tests run beside this one.
  Exec(absl::StrCat(
      "SELECT pg_terminate_backend(",
      static_cast<PostgresBackend&>(*backend).connection().BackendPid(),
      ", 5000)"));
  auto scope = Scope::Begin(*backend, ScopeKind::kWrite);
  ASSERT_FALSE(scope.ok());
  EXPECT_EQ(RuleOf(scope.status()), "connection");
  // The server rolled it back: nothing to commit, and nothing stored.
  EXPECT_FALSE(backend->InTransaction());
  EXPECT_EQ(CodeOf(backend->CommitTransaction()), ErrorCode::kMisuse);
  EXPECT_EQ(Value("SELECT count(*) FROM crm_customers"), "0");
  // The next call connects again; id 1 went with the lost transaction.
  EXPECT_EQ(Insert(*backend, Values({"name"}, {std::string("new")})), 2);
}

// Writers of one workspace run at once (each would fail as busy after 50
// ms of waiting); a field change, which updates the workspace's counters
// row, waits for every writer, and other workspaces do not.
TEST_F(PostgresBackendTest, WritersOfOneWorkspaceRunAtOnceFieldChangesWait) {
  ConnectionOptions quick;
  quick.busy_timeout_ms = 50;
  auto first = Open("acme", quick);
  auto second = Open("acme", quick);
  auto other = Open("bolt", quick);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_NE(other, nullptr);
  auto holding = Scope::Begin(*first, ScopeKind::kWrite);
  ASSERT_TRUE(holding.ok());
  ASSERT_TRUE(
      first->InsertCustomer(1, 1, Values({"name"}, {std::string("a")})).ok());
  EXPECT_EQ(Insert(*second, Values({"name"}, {std::string("b")})), 2);
  {
    auto changing = Scope::Begin(*second, ScopeKind::kWrite);
    ASSERT_TRUE(changing.ok()) << changing.status();
    absl::Status bumped = second->BumpSchemaGeneration();
    EXPECT_EQ(CodeOf(bumped), ErrorCode::kBusy) << bumped;
  }
  EXPECT_FALSE(second->InTransaction());
  // Readers and other workspaces' writers go on.
  auto reading = Scope::Begin(*second, ScopeKind::kRead);
  ASSERT_TRUE(reading.ok()) << reading.status();
  EXPECT_EQ(*second->CountCustomers(), 1);
  ASSERT_OK(reading->Commit());
  EXPECT_EQ(Insert(*other, Values({"name"}, {std::string("x")})), 1);
  ASSERT_OK(holding->Commit());
  Write(*second, [&] { ASSERT_OK(second->BumpSchemaGeneration()); });
}

// A workspace's id sequences (id_sequences.h) are part of its layout:
// one missing or made otherwise is refused at open, and dropping the
// workspace drops them.
TEST_F(PostgresBackendTest, AWorkspaceWithoutItsSequencesIsRefused) {
  ASSERT_NE(Open("acme"), nullptr);
  for (const char* kind : {"customer_ids", "event_seqs", "string_ids"}) {
    const std::string name = absl::StrCat("crm_ws1_", kind);
    for (const std::string& tampering :
         {"DROP SEQUENCE " + name, "ALTER SEQUENCE " + name + " CACHE 20"}) {
      SCOPED_TRACE(tampering);
      Exec(tampering);
      auto refused = OpenWorkspace(Url("acme"), {}, Reader());
      ASSERT_FALSE(refused.ok());
      EXPECT_EQ(CodeOf(refused.status()), ErrorCode::kNotWorkspace);
      EXPECT_EQ(RuleOf(refused.status()), "schema") << refused.status();
      Exec("DROP SEQUENCE IF EXISTS " + name + "; CREATE SEQUENCE " + name +
           " AS bigint INCREMENT 1 MINVALUE 1 NO MAXVALUE CACHE 1 NO CYCLE "
           "START 5");
      ASSERT_NE(Open("acme"), nullptr);
    }
  }
  ASSERT_OK(DropWorkspace(Url("acme")));
  EXPECT_EQ(Value("SELECT count(*) FROM pg_sequences WHERE schemaname = "
                  "current_schema() AND sequencename LIKE 'crm\\_ws%'"),
            "0");
}

// Migration 5 gives the workspaces of an older layout sequences that start
// past every stored id and past the floors of crm_counters (the id of a
// deleted customer, seqs of deleted events): no id is handed out twice.
TEST_F(PostgresBackendTest, MigrationStartsSequencesPastStoredIdsAndFloors) {
  {
    auto backend = Open("acme");
    ASSERT_NE(backend, nullptr);
    Insert(*backend, Values({"name"}, {std::string("a")}));
    Insert(*backend, Values({"name"}, {std::string("b")}));
    Write(*backend, [&] { ASSERT_TRUE(backend->InternString("call").ok()); });
  }
  // Layout 4 as it was: no sequences, floors in crm_counters, none of the
  // tables of layouts 6 to 10.
  Exec(
      "DROP TABLE crm_stubs, crm_suppression_keys, crm_suppressions, "
      "crm_profiles, crm_match_keys, crm_duplicate_rules, crm_settings, "
      "crm_workspace_flags, crm_merges; "
      "DROP SEQUENCE crm_ws1_customer_ids, crm_ws1_event_seqs, "
      "crm_ws1_string_ids; UPDATE crm_schema SET version = 4; UPDATE "
      "crm_counters SET next_customer_id = 10, next_seq = 7, "
      "next_string_id = 3");
  auto backend = Open("acme");
  ASSERT_NE(backend, nullptr);
  EXPECT_EQ(Value("SELECT version FROM crm_schema"),
            std::to_string(LatestSchemaVersion()));
  EXPECT_EQ(Insert(*backend, Values({"name"}, {std::string("c")})), 10);
  Write(*backend, [&] {
    auto email = backend->InternString("email");
    ASSERT_TRUE(email.ok()) << email.status();
    EXPECT_EQ(*email, 6);  // past "call", 5, above the floor of 3
    EventRow row;
    row.customer_id = 1;
    row.body = "b";
    auto seq = backend->InsertEvent(row, EventIds{kRecordCreatedTypeId});
    ASSERT_TRUE(seq.ok()) << seq.status();
    EXPECT_EQ(*seq, 7);
  });
}

TEST_F(PostgresBackendTest, AReadOnlyHandleWritesNothing) {
  auto writer = Open("acme");
  ASSERT_NE(writer, nullptr);
  Insert(*writer, Values({"name"}, {std::string("Ada")}));
  ConnectionOptions read_only;
  read_only.read_only = true;
  auto reader = Open("acme", read_only);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(CodeOf(Scope::Begin(*reader, ScopeKind::kWrite).status()),
            ErrorCode::kReadOnly);
  EXPECT_EQ(CodeOf(reader->BeginTransaction()), ErrorCode::kReadOnly);
  auto scope = Scope::Begin(*reader, ScopeKind::kRead);
  ASSERT_TRUE(scope.ok());
  EXPECT_EQ(Select(*reader, {"name"}, "id", int64_t{1})->values[0],
            SqlValue(std::string("Ada")));
  // Even a write inside a read scope is refused by the server.
  auto inserted = reader->InsertCustomer(1, 1, Values({}, {}));
  EXPECT_EQ(CodeOf(inserted.status()), ErrorCode::kReadOnly)
      << inserted.status();
  // A read-only handle does not create its workspace.
  auto absent = OpenWorkspace(Url("nobody"), read_only, Reader());
  EXPECT_EQ(CodeOf(absent.status()), ErrorCode::kNotFound);
}

TEST_F(PostgresBackendTest, WorkspacesAreCreatedAndDroppedWithAllTheyHold) {
  ASSERT_OK(CreateWorkspace(Url("acme")));
  absl::Status again = CreateWorkspace(Url("acme"));
  EXPECT_EQ(CodeOf(again), ErrorCode::kConstraint);
  EXPECT_EQ(RuleOf(again), "unique");
  ConnectionOptions existing;
  existing.create = false;
  EXPECT_EQ(CodeOf(OpenWorkspace(Url("bolt"), existing, Reader()).status()),
            ErrorCode::kNotFound);
  indexes_ = {{"f_1", ColumnIndex::kPlain}};
  auto acme = Open("acme", existing);
  auto bolt = Open("bolt");
  ASSERT_NE(acme, nullptr);
  ASSERT_NE(bolt, nullptr);
  for (Backend* backend : {acme.get(), bolt.get()}) {
    Write(*backend, [&] {
      ASSERT_TRUE(backend->InsertUserField(Field("plan")).ok());
      ASSERT_OK(backend->SetColumnIndex("f_1", ColumnIndex::kPlain));
      ASSERT_TRUE(
          backend->InsertCustomer(1, 1, Values({"f_1"}, {std::string("g")}))
              .ok());
      ASSERT_OK(backend->SetSearchText(1, "text", true));
      ASSERT_OK(backend->SaveSegment({"s", "customers", "f", 1}));
    });
  }
  acme.reset();
  ASSERT_OK(DropWorkspace(Url("acme")));
  EXPECT_EQ(CodeOf(DropWorkspace(Url("acme"))), ErrorCode::kNotFound);
  for (const char* table :
       {"crm_customers", "crm_fields", "crm_segments", "crm_customer_search"}) {
    EXPECT_EQ(Value(absl::StrCat("SELECT count(*) FROM ", table)), "1")
        << table;
  }
  EXPECT_EQ(Value("SELECT string_agg(indexname, ',') FROM pg_indexes WHERE "
                  "schemaname = current_schema() AND "
                  "indexname LIKE 'crm_ix_%'"),
            Value("SELECT 'crm_ix_' || workspace_id || '_f_1' FROM "
                  "crm_workspaces WHERE name = 'bolt'"));
  EXPECT_EQ(Value("SELECT string_agg(stxname, ',') FROM pg_statistic_ext "
                  "WHERE stxnamespace = current_schema()::regnamespace"),
            Value("SELECT 'crm_st_' || workspace_id || '_f_1' FROM "
                  "crm_workspaces WHERE name = 'bolt'"));
  auto scope = Scope::Begin(*bolt, ScopeKind::kRead);
  EXPECT_EQ(*bolt->CountCustomers(), 1);
}

TEST_F(PostgresBackendTest, ANewWorkspaceIsAtTheLatestLayout) {
  auto backend = Open("acme");
  ASSERT_NE(backend, nullptr);
  auto scope = Scope::Begin(*backend, ScopeKind::kRead);
  EXPECT_FALSE(*backend->TakeMetaFlag("history_baseline_pending"));
  EXPECT_EQ(*backend->SchemaVersion(), LatestSchemaVersion());
}

TEST_F(PostgresBackendTest, TheEventLogIsSeededAndReachedThroughTheBackend) {
  auto backend = Open("acme");
  ASSERT_NE(backend, nullptr);
  auto scope = Scope::Begin(*backend, ScopeKind::kWrite);
  ASSERT_TRUE(scope.ok());
  // CreateWorkspace seeded the fixed strings (store/rows.h).
  auto created = backend->FindString("crm.record.created");
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(*created, std::optional<int64_t>(kRecordCreatedTypeId));
  auto channel = backend->FindString("crm");
  ASSERT_TRUE(channel.ok());
  EXPECT_EQ(*channel, std::optional<int64_t>(kSystemChannelId));
  auto call = backend->InternString("call");
  ASSERT_TRUE(call.ok()) << call.status();
  EXPECT_EQ(*backend->InternString("call"), *call);
  ASSERT_OK(backend->UpsertEventType("call", "{}"));
  ASSERT_OK(scope->Commit());
  auto types = [&] {
    auto read = Scope::Begin(*backend, ScopeKind::kRead);
    return *backend->LoadEventTypes();
  }();
  ASSERT_EQ(types.size(), 1u);
  EXPECT_EQ(types[0].first, "call");
}

TEST_F(PostgresBackendTest, ErrorsNeverNameThePassword) {
  std::string url =
      "postgresql://someone:s3cr3t-pw@/crm_test?host=/nonexistent/socket&"
      "workspace=acme";
  for (const absl::Status& status :
       {OpenWorkspace(url, {}, Reader()).status(), CreateWorkspace(url),
        DropWorkspace(url)}) {
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(RuleOf(status), "connection");
    EXPECT_FALSE(absl::StrContains(status.message(), "s3cr3t")) << status;
  }
}

}  // namespace
}  // namespace crm::store::postgres
