// Workspaces opened by URL (crm_open_url), created and dropped by call. The
// URL checks run everywhere; PostgresWorkspace needs the server CTest starts
// (CRM_TEST_BACKEND_URL) and runs only in the PostgreSQL conformance run.
#include <cstring>
#include <string>

#include "test_support.h"

namespace crm_test {
namespace {

// `server` with workspace `name` added as its query parameter.
std::string WithWorkspace(const std::string& server, const std::string& name) {
  return server + (server.find('?') == std::string::npos ? "?" : "&") +
         "workspace=" + name;
}

// What is not a server URL at all is refused before any plugin loads
// (WorkspaceUrl.* in workspace_test.cc); a server URL the plugin cannot use
// is refused by the plugin, with the same rule.
TEST(OpenUrl, ServerUrlWithoutAValidWorkspaceIsRefused) {
  for (const char* url : {
           "postgresql://localhost/crm",                     // none named
           "postgresql://localhost/crm?workspace=Bad-Name",  // not [a-z0-9_]
           "postgresql://localhost/crm?workspace=a&workspace=b",  // two
           "postgresql://localhost/crm?workspace=w&nonsense=1",   // not libpq's
       }) {
    crm_db* db = nullptr;
    EXPECT_CRM_ERROR(crm_open_url(&db, url, nullptr), CRM_E_INVALID_ARGUMENT,
                     "", CRM_RULE_URL);
    EXPECT_EQ(db, nullptr) << url;
    EXPECT_CRM_ERROR(crm_workspace_create(url), CRM_E_INVALID_ARGUMENT, "",
                     CRM_RULE_URL);
  }
}

TEST(OpenUrl, NeverEchoesAPassword) {
  const std::string secret = "s3cr3t-Pa55";
  const std::string urls[] = {
      "postgresql://crm:" + secret + "@localhost/crm?workspace=Bad-Name",
      "postgresql://crm@localhost/crm?password=" + secret + "&workspace=x-y",
      // A server that is not there: the connection error names no password.
      "postgresql://crm:" + secret +
          "@/crm?host=/nonexistent-libcrm-socket&workspace=acme",
  };
  for (const std::string& url : urls) {
    crm_db* db = nullptr;
    EXPECT_NE(crm_open_url(&db, url.c_str(), nullptr), CRM_OK) << url;
    EXPECT_EQ(std::strstr(crm_last_error_message(), secret.c_str()), nullptr)
        << crm_last_error_message();
    EXPECT_NE(crm_workspace_drop(url.c_str()), CRM_OK);
    EXPECT_EQ(std::strstr(crm_last_error_message(), secret.c_str()), nullptr)
        << crm_last_error_message();
  }
}

TEST(OpenUrl, UnreachableServerIsAConnectionError) {
  crm_db* db = nullptr;
  EXPECT_CRM_ERROR(
      crm_open_url(&db,
                   "postgresql:///crm?host=/nonexistent-libcrm-socket&"
                   "workspace=acme",
                   nullptr),
      CRM_E_IO, "", CRM_RULE_CONNECTION);
  EXPECT_EQ(db, nullptr);
}

class PostgresWorkspace : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* server = std::getenv("CRM_TEST_BACKEND_URL");
    ASSERT_NE(server, nullptr) << "needs the server CTest starts";
    server_ = server;
    // Unique per test and per run of the suite against one server.
    const ::testing::TestInfo* test =
        ::testing::UnitTest::GetInstance()->current_test_info();
    prefix_ = "u_" + std::to_string(getpid()) + "_" +
              std::to_string(std::hash<std::string>()(test->name()) % 100000);
  }
  std::string Url(const std::string& name) const {
    return WithWorkspace(server_, prefix_ + "_" + name);
  }

  std::string server_;
  std::string prefix_;
};

TEST_F(PostgresWorkspace, CreateOpenAndDropByCall) {
  const std::string url = Url("acme");
  crm_open_options existing = CRM_OPEN_OPTIONS_INIT;
  existing.flags = 0;  // no CRM_OPEN_CREATE
  crm_db* db = nullptr;
  EXPECT_CRM_ERROR(crm_open_url(&db, url.c_str(), &existing), CRM_E_NOT_FOUND,
                   "", "");
  EXPECT_EQ(db, nullptr);

  ASSERT_EQ(crm_workspace_create(url.c_str()), CRM_OK)
      << crm_last_error_message();
  EXPECT_CRM_ERROR(crm_workspace_create(url.c_str()), CRM_E_CONSTRAINT, "",
                   CRM_RULE_UNIQUE);
  {
    ASSERT_EQ(crm_open_url(&db, url.c_str(), &existing), CRM_OK)
        << crm_last_error_message();
    Db opened(db);
    CreateNamed(opened.get(), "Ada");
  }
  {
    ASSERT_EQ(crm_open_url(&db, url.c_str(), &existing), CRM_OK);
    Db reopened(db);
    EXPECT_EQ(Count(reopened.get()), 1);
    EXPECT_EQ(Text(Get(reopened.get(), 1).get(), "name"), "Ada");
  }

  ASSERT_EQ(crm_workspace_drop(url.c_str()), CRM_OK)
      << crm_last_error_message();
  EXPECT_CRM_ERROR(crm_workspace_drop(url.c_str()), CRM_E_NOT_FOUND, "", "");
  EXPECT_CRM_ERROR(crm_open_url(&db, url.c_str(), &existing), CRM_E_NOT_FOUND,
                   "", "");
  // Created again, it starts empty: nothing of the dropped one is left.
  ASSERT_EQ(crm_open_url(&db, url.c_str(), nullptr), CRM_OK);
  Db again(db);
  EXPECT_EQ(Count(again.get()), 0);
}

TEST_F(PostgresWorkspace, WorkspacesInOneDatabaseAreApart) {
  Db acme = OpenDbUrl(Url("acme"));
  Db globex = OpenDbUrl(Url("globex"));
  ASSERT_NE(acme, nullptr);
  ASSERT_NE(globex, nullptr);
  int64_t ada = CreateNamed(acme.get(), "Ada");
  int64_t bob = CreateNamed(globex.get(), "Bob");
  // Ids are numbered per workspace, as in a file.
  EXPECT_EQ(ada, 1);
  EXPECT_EQ(bob, 1);
  EXPECT_EQ(Text(Get(acme.get(), 1).get(), "name"), "Ada");
  EXPECT_EQ(Text(Get(globex.get(), 1).get(), "name"), "Bob");
  Define(acme.get(), R"({"name": "plan", "type": "text"})");
  char* json = nullptr;
  EXPECT_EQ(crm_field_describe(&json, globex.get(), "plan"), CRM_E_NOT_FOUND);
  EXPECT_EQ(json, nullptr);
  ASSERT_EQ(crm_field_describe(&json, acme.get(), "plan"), CRM_OK);
  crm_string_free(json);
  EXPECT_EQ(Count(acme.get()), 1);
  EXPECT_EQ(Count(globex.get()), 1);
}

// The server ends the connection under a handle (an administrator, a
// failover, a network cut): the call in flight fails with a named status,
// nothing of the transaction it was in remains, and a later call, outside any
// transaction, reconnects.
TEST_F(PostgresWorkspace, LostConnectionLosesNothingCommittedAndReconnects) {
  const std::string application = prefix_ + "_lost";
  const std::string url = Url("lost") + "&application_name=" + application;
  Db db = OpenDbUrl(url);
  ASSERT_NE(db, nullptr);
  CreateNamed(db.get(), "Committed");
  ASSERT_EQ(crm_begin(db.get()), CRM_OK);
  CreateNamed(db.get(), "Uncommitted");

  // psql, the server's own client, ends every connection of that name.
  const std::string kill =
      "psql -q -X -d '" + server_ +
      "' -c \"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
      "application_name = '" +
      application + "'\" >/dev/null";
  ASSERT_EQ(std::system(kill.c_str()), 0) << kill;

  Record record = NewRecord();
  crm_record_set_text(record.get(), "name", "After");
  int64_t id = 0;
  EXPECT_CRM_ERROR(crm_customer_create(&id, db.get(), record.get(), "test"),
                   CRM_E_IO, "", CRM_RULE_CONNECTION);
  // The host ends its transaction as after any I/O error.
  EXPECT_EQ(crm_rollback(db.get()), CRM_OK) << crm_last_error_message();
  // The next call reconnects: the committed customer is there, the
  // uncommitted one is not.
  EXPECT_EQ(Count(db.get()), 1);
  EXPECT_EQ(Text(Get(db.get(), 1).get(), "name"), "Committed");
  // Unlike on SQLite, the id the rolled-back transaction took stays taken
  // (a sequence never goes back, docs/postgresql.md): id 2 is a hole.
  EXPECT_EQ(Create(db.get(), record.get()), 3);
}

}  // namespace
}  // namespace crm_test
