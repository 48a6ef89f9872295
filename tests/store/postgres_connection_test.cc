// The libpq connection of the PostgreSQL backend against a real server,
// the one scripts/postgres.sh starts for CTest (CRM_TEST_POSTGRES_URL): its
// values round-trip, its errors are libcrm's, and a lost connection is
// named and can be opened again.
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "gtest/gtest.h"
#include "store/postgres/connection.h"

namespace crm::store::postgres {
namespace {

std::string ServerUrl() {
  const char* url = std::getenv("CRM_TEST_POSTGRES_URL");
  return url != nullptr ? url : "";
}

class PostgresConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // No quiet skip: these tests run only with a server, which CTest starts.
    ASSERT_FALSE(ServerUrl().empty())
        << "CRM_TEST_POSTGRES_URL is not set: run through ctest, which "
           "starts a server with scripts/postgres.sh";
    auto opened = Connection::Open(ServerUrl());
    ASSERT_TRUE(opened.ok()) << opened.status();
    connection_ = std::move(*opened);
    table_ =
        "t_" +
        std::string(
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_TRUE(connection_->Execute("DROP TABLE IF EXISTS " + table_).ok());
  }

  void TearDown() override {
    if (connection_ != nullptr && connection_->connected()) {
      (void)connection_->Execute("DROP TABLE IF EXISTS " + table_);
    }
  }

  std::unique_ptr<Connection> connection_;
  std::string table_;
};

TEST_F(PostgresConnectionTest, ParametersTravelApartFromTheSql) {
  ASSERT_TRUE(connection_
                  ->Execute("CREATE TABLE " + table_ +
                            " (id bigint PRIMARY KEY, name text COLLATE \"C\")")
                  .ok());
  // A value that would break SQL spliced into it arrives as it was.
  const std::string hostile = "O'Brien\"; DROP TABLE " + table_ + "; --";
  std::vector<std::optional<std::string>> row = {"1", hostile};
  auto inserted =
      connection_->Execute("INSERT INTO " + table_ + " VALUES ($1, $2)", row);
  ASSERT_TRUE(inserted.ok()) << inserted.status();
  EXPECT_EQ(inserted->AffectedRows(), 1);
  std::vector<std::optional<std::string>> null_row = {"2", std::nullopt};
  ASSERT_TRUE(
      connection_
          ->Execute("INSERT INTO " + table_ + " VALUES ($1, $2)", null_row)
          .ok());

  auto read =
      connection_->Execute("SELECT id, name FROM " + table_ + " ORDER BY id");
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->rows(), 2);
  ASSERT_EQ(read->columns(), 2);
  EXPECT_EQ(read->Text(0, 0), "1");
  EXPECT_EQ(read->Text(0, 1), hostile);
  EXPECT_FALSE(read->IsNull(0, 1));
  EXPECT_TRUE(read->IsNull(1, 1));
  EXPECT_EQ(read->Text(1, 1), "");
}

TEST_F(PostgresConnectionTest, ServerErrorsBecomeLibcrmErrors) {
  ASSERT_TRUE(
      connection_->Execute("CREATE TABLE " + table_ + " (email text UNIQUE)")
          .ok());
  std::vector<std::optional<std::string>> email = {"a@example.com"};
  ASSERT_TRUE(
      connection_->Execute("INSERT INTO " + table_ + " VALUES ($1)", email)
          .ok());
  auto twice =
      connection_->Execute("INSERT INTO " + table_ + " VALUES ($1)", email);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(CodeOf(twice.status()), ErrorCode::kConstraint);
  EXPECT_EQ(RuleOf(twice.status()), "unique");
  EXPECT_NE(twice.status().message().find("23505"), absl::string_view::npos);

  auto missing = connection_->Execute("SELECT * FROM crm_no_such_table");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(CodeOf(missing.status()), ErrorCode::kNotWorkspace);
  EXPECT_EQ(RuleOf(missing.status()), "schema");

  auto nonsense = connection_->Execute("SELEKT 1");
  ASSERT_FALSE(nonsense.ok());
  EXPECT_EQ(CodeOf(nonsense.status()), ErrorCode::kIo);
  EXPECT_EQ(RuleOf(nonsense.status()), "server");

  // After errors the connection still serves.
  auto one = connection_->Execute("SELECT 1");
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(one->Text(0, 0), "1");
}

TEST_F(PostgresConnectionTest, ALostConnectionIsNamedAndOpensAgain) {
  int pid = connection_->BackendPid();
  ASSERT_GT(pid, 0);
  auto other = Connection::Open(ServerUrl());
  ASSERT_TRUE(other.ok()) << other.status();
  std::vector<std::optional<std::string>> victim = {std::to_string(pid)};
  auto killed =
      (*other)->Execute("SELECT pg_terminate_backend($1::int, 5000)", victim);
  ASSERT_TRUE(killed.ok()) << killed.status();
  ASSERT_EQ(killed->Text(0, 0), "t");

  auto lost = connection_->Execute("SELECT 1");
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(CodeOf(lost.status()), ErrorCode::kIo);
  EXPECT_EQ(RuleOf(lost.status()), "connection");
  EXPECT_FALSE(connection_->connected());
  // Not silently on a new connection: the next call fails the same way.
  auto still = connection_->Execute("SELECT 1");
  ASSERT_FALSE(still.ok());
  EXPECT_EQ(RuleOf(still.status()), "connection");

  ASSERT_TRUE(connection_->Reconnect().ok());
  EXPECT_NE(connection_->BackendPid(), pid);
  auto back = connection_->Execute("SELECT 2");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->Text(0, 0), "2");
}

TEST(PostgresConnectTest, AnUnreachableServerIsNamedWithoutItsPassword) {
  auto opened = Connection::Open(
      "postgresql://crm:s3cret-Pw@/crm_test?host=/nonexistent/socket/dir"
      "&connect_timeout=2");
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(CodeOf(opened.status()), ErrorCode::kIo);
  EXPECT_EQ(RuleOf(opened.status()), "connection");
  EXPECT_EQ(opened.status().message().find("s3cret"), absl::string_view::npos)
      << opened.status().message();
}

}  // namespace
}  // namespace crm::store::postgres
