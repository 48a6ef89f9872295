// The PostgreSQL catalog (store/postgres/catalog.h) against a real server:
// the layout is created, verified and refused when newer or tampered with,
// and workspaces are created, found, listed and dropped. Each test works in
// a schema of its own, which it makes its connections' search path.
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/error.h"
#include "gtest/gtest.h"
#include "postgres_test_support.h"
#include "store/postgres/catalog.h"
#include "store/postgres/connection.h"

namespace crm::store::postgres {
namespace {

class PostgresCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(GetTestServerUrl(&url_));
    schema_ = std::string("\"t_") +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() +
              "\"";
    connection_ = Connect();
    ASSERT_NE(connection_, nullptr);
    Exec(*connection_, "DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
    Exec(*connection_, "CREATE SCHEMA " + schema_);
    Exec(*connection_, "SET search_path TO " + schema_);
  }

  void TearDown() override {
    if (connection_ != nullptr) {
      Exec(*connection_, "DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
    }
  }

  std::unique_ptr<Connection> Connect() {
    auto opened = Connection::Open(url_);
    EXPECT_TRUE(opened.ok()) << opened.status();
    return opened.ok() ? std::move(*opened) : nullptr;
  }

  static void Exec(Connection& connection, const std::string& sql) {
    ASSERT_TRUE(connection.ExecuteScript(sql).ok()) << sql;
  }

  std::string url_;
  std::string schema_;
  std::unique_ptr<Connection> connection_;
};

TEST_F(PostgresCatalogTest, CreatesTheLayoutOnceAndVerifiesItAfter) {
  ASSERT_EQ(*DatabaseSchemaVersion(*connection_), 0);
  ASSERT_OK(PrepareDatabase(*connection_));
  EXPECT_EQ(*DatabaseSchemaVersion(*connection_), LatestSchemaVersion());
  // The second time finds the layout it made and changes nothing.
  auto again = PrepareDatabase(*connection_);
  ASSERT_TRUE(again.ok()) << again;
  EXPECT_EQ(*DatabaseSchemaVersion(*connection_), LatestSchemaVersion());
  // The scratch schema of the verification is gone.
  auto scratch = connection_->Execute(
      "SELECT count(*) FROM pg_namespace WHERE nspname = "
      "'crm_expected_layout'");
  ASSERT_TRUE(scratch.ok());
  EXPECT_EQ(scratch->Text(0, 0), "0");
}

TEST_F(PostgresCatalogTest, WorkspacesAreCreatedFoundListedAndDropped) {
  ASSERT_OK(PrepareDatabase(*connection_));
  auto acme = CreateWorkspace(*connection_, "acme");
  ASSERT_TRUE(acme.ok()) << acme.status();
  auto clinic = CreateWorkspace(*connection_, "clinic");
  ASSERT_TRUE(clinic.ok()) << clinic.status();
  EXPECT_NE(*acme, *clinic);

  auto twice = CreateWorkspace(*connection_, "acme");
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(CodeOf(twice.status()), ErrorCode::kConstraint);
  EXPECT_EQ(RuleOf(twice.status()), "unique");

  EXPECT_EQ(*FindWorkspace(*connection_, "acme"), *acme);
  EXPECT_EQ(*ListWorkspaces(*connection_),
            (std::vector<std::string>{"acme", "clinic"}));

  ASSERT_TRUE(DropWorkspace(*connection_, "acme").ok());
  auto gone = FindWorkspace(*connection_, "acme");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(CodeOf(gone.status()), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(DropWorkspace(*connection_, "acme")), ErrorCode::kNotFound);
  // A new workspace of the same name is a new one: ids are not reused.
  auto reborn = CreateWorkspace(*connection_, "acme");
  ASSERT_TRUE(reborn.ok());
  EXPECT_GT(*reborn, *clinic);
}

TEST_F(PostgresCatalogTest, ANewerLayoutIsRefusedAndLeftAlone) {
  ASSERT_OK(PrepareDatabase(*connection_));
  const int newer = LatestSchemaVersion() + 1;
  Exec(*connection_,
       "UPDATE crm_schema SET version = " + std::to_string(newer));
  auto refused = PrepareDatabase(*connection_);
  EXPECT_EQ(CodeOf(refused), ErrorCode::kVersion) << refused;
  EXPECT_EQ(*DatabaseSchemaVersion(*connection_), newer);
}

TEST_F(PostgresCatalogTest, TablesLibcrmDidNotMakeAreRefused) {
  // A crm_ table in a database without libcrm's layout: nothing is created.
  Exec(*connection_, "CREATE TABLE crm_customers (id bigint)");
  auto foreign = PrepareDatabase(*connection_);
  EXPECT_EQ(CodeOf(foreign), ErrorCode::kNotWorkspace) << foreign;
  EXPECT_EQ(RuleOf(foreign), "schema");
  EXPECT_EQ(*DatabaseSchemaVersion(*connection_), 0);
  Exec(*connection_, "DROP TABLE crm_customers");

  ASSERT_OK(PrepareDatabase(*connection_));
  const std::vector<std::string> tamperings = {
      "ALTER TABLE crm_workspaces ADD COLUMN note text",
      "ALTER TABLE crm_workspaces DROP CONSTRAINT crm_workspaces_name_key",
      "ALTER TABLE crm_workspaces ALTER COLUMN name DROP NOT NULL",
      "ALTER TABLE crm_workspaces ALTER COLUMN name TYPE varchar(10)",
      "CREATE INDEX crm_sneaky ON crm_workspaces (created_at_us)",
      "CREATE FUNCTION crm_sneaky() RETURNS trigger LANGUAGE plpgsql AS "
      "'BEGIN RETURN NEW; END'; CREATE TRIGGER crm_sneaky BEFORE INSERT ON "
      "crm_customers FOR EACH ROW EXECUTE FUNCTION crm_sneaky()",
      "CREATE RULE crm_sneaky AS ON INSERT TO crm_segments DO ALSO NOTIFY "
      "crm_sneaky",
      "ALTER TABLE crm_customers ENABLE ROW LEVEL SECURITY",
      "CREATE POLICY crm_sneaky ON crm_events USING (false)",
      "ALTER TABLE crm_events DROP CONSTRAINT crm_events_workspace_id_fkey",
      "ALTER TABLE crm_counters ADD CONSTRAINT crm_sneaky CHECK (next_field_id "
      "> "
      "0)",
  };
  for (const std::string& tampering : tamperings) {
    Exec(*connection_, tampering);
    auto refused = PrepareDatabase(*connection_);
    EXPECT_EQ(CodeOf(refused), ErrorCode::kNotWorkspace) << tampering;
    EXPECT_EQ(RuleOf(refused), "schema") << tampering;
    // Undo it for the next one: a fresh layout.
    Exec(*connection_,
         "DROP SCHEMA " + schema_ + " CASCADE; CREATE SCHEMA " + schema_);
    ASSERT_TRUE(PrepareDatabase(*connection_).ok()) << tampering;
  }
}

TEST_F(PostgresCatalogTest, ProcessesPreparingAtOnceMakeTheLayoutOnce) {
  constexpr int kWriters = 4;
  std::vector<std::unique_ptr<Connection>> connections;
  for (int i = 0; i < kWriters; ++i) {
    connections.push_back(Connect());
    ASSERT_NE(connections.back(), nullptr);
    Exec(*connections.back(), "SET search_path TO " + schema_);
  }
  std::vector<absl::Status> results(kWriters);
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back(
        [&, i] { results[i] = PrepareDatabase(*connections[i]); });
  }
  for (std::thread& thread : threads) thread.join();
  for (const absl::Status& result : results) EXPECT_TRUE(result.ok()) << result;
  EXPECT_EQ(*DatabaseSchemaVersion(*connection_), LatestSchemaVersion());
}

}  // namespace
}  // namespace crm::store::postgres
