// Opening, closing, migrating and transactions of workspaces.
#include <sqlite3.h>
#include <sys/stat.h>

#include <cstdlib>
#include <cstring>
#include <fstream>

#include "test_support.h"

namespace crm_test {
namespace {

TEST(Version, HeaderAndLibraryAgree) {
  EXPECT_STREQ(crm_version(), CRM_VERSION_STRING);
  EXPECT_EQ(crm_version_number(), CRM_VERSION_NUMBER);
  EXPECT_GE(crm_schema_version(), 1);
}

TEST(Workspace, CreatesFileAndReopensWithData) {
  TempDir dir;
  std::string path = dir.File("ws.crm");
  {
    Db db = OpenDb(path);
    CreateNamed(db.get(), "Ada");
    int version = 0;
    ASSERT_EQ(crm_db_schema_version(&version, db.get()), CRM_OK);
    EXPECT_EQ(version, crm_schema_version());
  }
  Db db = OpenDb(path);
  EXPECT_EQ(Count(db.get()), 1);
}

TEST(Workspace, MemoryWorkspaceIsPrivateToItsHandle) {
  Db first = OpenDb(":memory:");
  Db second = OpenDb(":memory:");
  CreateNamed(first.get(), "Ada");
  EXPECT_EQ(Count(first.get()), 1);
  EXPECT_EQ(Count(second.get()), 0);
}

TEST(Workspace, MissingFileWithoutCreateFlagFails) {
  TempDir dir;
  crm_open_options options = CRM_OPEN_OPTIONS_INIT;
  options.flags = 0;
  crm_db* db = nullptr;
  EXPECT_EQ(crm_open(&db, dir.File("absent.crm").c_str(), &options), CRM_E_IO);
  EXPECT_EQ(db, nullptr);
  EXPECT_FALSE(std::filesystem::exists(dir.File("absent.crm")));
}

TEST(Workspace, MissingDirectoryIsAnIoError) {
  crm_db* db = nullptr;
  EXPECT_EQ(crm_open(&db, "/nonexistent-dir/sub/ws.crm", nullptr), CRM_E_IO);
  EXPECT_NE(std::string(crm_last_error_message()).find("nonexistent-dir"),
            std::string::npos);
}

TEST(Workspace, EmptyPathIsRefusedNotATemporaryWorkspace) {
  crm_db* db = nullptr;
  EXPECT_CRM_ERROR(crm_open(&db, "", nullptr), CRM_E_INVALID_ARGUMENT, "",
                   "path");
  EXPECT_EQ(db, nullptr);
}

// "file:..." is a file name, not an SQLite URI that could pick an
// in-memory database or another file.
TEST(Workspace, PathStartingWithFileIsAPlainPath) {
  TempDir dir;
  std::filesystem::path before = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  const char* name = "file:ws.crm?mode=memory";
  {
    Db db = OpenDb(name);
    Record record = NewRecord();
    crm_record_set_text(record.get(), "name", "Ada");
    Create(db.get(), record.get());
  }
  EXPECT_TRUE(std::filesystem::exists(dir.File(name)));
  {
    Db db = OpenDb(name);
    EXPECT_EQ(Count(db.get()), 1);
  }
  std::filesystem::current_path(before);
}

TEST(Workspace, TextFileIsNotAWorkspaceAndStaysUntouched) {
  TempDir dir;
  std::string path = dir.File("notes.txt");
  std::string content(8192, 'x');
  std::ofstream(path) << content;
  crm_db* db = nullptr;
  EXPECT_EQ(crm_open(&db, path.c_str(), nullptr), CRM_E_NOT_WORKSPACE);
  std::ifstream in(path);
  std::string after((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(after, content);
}

TEST(Workspace, ForeignSqliteDatabaseIsRefused) {
  TempDir dir;
  std::string path = dir.File("other.db");
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "CREATE TABLE invoices(id INTEGER)", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(raw);
  crm_db* db = nullptr;
  EXPECT_EQ(crm_open(&db, path.c_str(), nullptr), CRM_E_NOT_WORKSPACE);
  ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(raw, "SELECT count(*) FROM sqlite_schema", -1, &stmt,
                     nullptr);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), 1);  // nothing added
  sqlite3_finalize(stmt);
  sqlite3_close(raw);
}

TEST(Workspace, NewerLayoutIsRefusedAndLeftUntouched) {
  TempDir dir;
  std::string path = dir.File("future.crm");
  OpenDb(path).reset();
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  std::string bump =
      "PRAGMA user_version = " + std::to_string(crm_schema_version() + 1);
  ASSERT_EQ(sqlite3_exec(raw, bump.c_str(), nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(raw);
  auto before = std::filesystem::last_write_time(path);
  auto size_before = std::filesystem::file_size(path);

  crm_db* db = nullptr;
  EXPECT_EQ(crm_open(&db, path.c_str(), nullptr), CRM_E_VERSION);
  EXPECT_NE(std::string(crm_last_error_message()).find("newer libcrm"),
            std::string::npos);
  EXPECT_EQ(std::filesystem::last_write_time(path), before);
  EXPECT_EQ(std::filesystem::file_size(path), size_before);
}

TEST(Workspace, ReadOnlyOpenReadsAndRefusesWrites) {
  TempDir dir;
  std::string path = dir.File("ro.crm");
  int64_t id = CreateNamed(OpenDb(path).get(), "Ada");
  crm_open_options options = CRM_OPEN_OPTIONS_INIT;
  options.flags = CRM_OPEN_READ_ONLY;
  crm_db* raw = nullptr;
  ASSERT_EQ(crm_open(&raw, path.c_str(), &options), CRM_OK)
      << crm_last_error_message();
  Db db(raw);
  EXPECT_EQ(Text(Get(db.get(), id).get(), "name"), "Ada");
  Record record = NewRecord();
  crm_record_set_text(record.get(), "name", "Bob");
  int64_t new_id = 0;
  EXPECT_EQ(crm_customer_create(&new_id, db.get(), record.get(), nullptr),
            CRM_E_READ_ONLY);
  EXPECT_EQ(
      crm_field_define(&new_id, db.get(), R"({"name": "x", "type": "text"})"),
      CRM_E_READ_ONLY);
  EXPECT_EQ(Count(db.get()), 1);
}

TEST(Workspace, OptionsWithTooSmallStructSizeAreRejected) {
  crm_open_options options = CRM_OPEN_OPTIONS_INIT;
  options.struct_size = 4;
  crm_db* db = nullptr;
  EXPECT_CRM_ERROR(crm_open(&db, ":memory:", &options), CRM_E_INVALID_ARGUMENT,
                   "", "struct_size");
  options = CRM_OPEN_OPTIONS_INIT;
  options.sync = 42;
  EXPECT_CRM_ERROR(crm_open(&db, ":memory:", &options), CRM_E_INVALID_ARGUMENT,
                   "", "options");
}

// Workspaces in a database server are named by URL, never by a path: the
// scheme picks the backend. Nothing else is one, and no error quotes the
// URL, which may hold a password.
TEST(WorkspaceUrl, OnlyServerUrlsAreAccepted) {
  for (const char* url :
       {"", "/tmp/ws.crm", ":memory:", "ws.crm", "file:ws.crm",
        "mysql://ada:hunter2@host/db?workspace=w", "postgresql:/host/db",
        "postgresqlx://ada:hunter2@host/db", " postgresql://host/db",
        "sqlite://ws.crm"}) {
    SCOPED_TRACE(url);
    crm_db* db = nullptr;
    EXPECT_CRM_ERROR(crm_open_url(&db, url, nullptr), CRM_E_INVALID_ARGUMENT,
                     "", "url");
    EXPECT_EQ(db, nullptr);
    EXPECT_EQ(std::strstr(crm_last_error_message(), "hunter2"), nullptr);
    EXPECT_CRM_ERROR(crm_workspace_create(url), CRM_E_INVALID_ARGUMENT, "",
                     "url");
    EXPECT_EQ(std::strstr(crm_last_error_message(), "hunter2"), nullptr);
    EXPECT_CRM_ERROR(crm_workspace_drop(url), CRM_E_INVALID_ARGUMENT, "",
                     "url");
    EXPECT_EQ(std::strstr(crm_last_error_message(), "hunter2"), nullptr);
  }
  crm_db* db = nullptr;
  EXPECT_CRM_ERROR(crm_open_url(&db, nullptr, nullptr), CRM_E_INVALID_ARGUMENT,
                   "", "url");
  EXPECT_CRM_ERROR(crm_open_url(nullptr, "postgresql://host/db", nullptr),
                   CRM_E_INVALID_ARGUMENT, "", "out");
  EXPECT_CRM_ERROR(crm_workspace_create(nullptr), CRM_E_INVALID_ARGUMENT, "",
                   "url");
  EXPECT_CRM_ERROR(crm_workspace_drop(nullptr), CRM_E_INVALID_ARGUMENT, "",
                   "url");
  // Checked as every text argument is (rule "utf8"), before its meaning.
  EXPECT_CRM_ERROR(crm_open_url(&db, "postgresql://host/\xff", nullptr),
                   CRM_E_INVALID_ARGUMENT, "", "utf8");
}

// crm_open_url() reads its options as crm_open() does, before it loads
// anything.
TEST(WorkspaceUrl, OptionsAreCheckedAsForCrmOpen) {
  crm_open_options options = CRM_OPEN_OPTIONS_INIT;
  options.sync = 42;
  crm_db* db = nullptr;
  EXPECT_CRM_ERROR(
      crm_open_url(&db, "postgresql://host/db?workspace=w", &options),
      CRM_E_INVALID_ARGUMENT, "", "options");
  options = CRM_OPEN_OPTIONS_INIT;
  options.struct_size = 4;
  EXPECT_CRM_ERROR(
      crm_open_url(&db, "postgresql://host/db?workspace=w", &options),
      CRM_E_INVALID_ARGUMENT, "", "struct_size");
  EXPECT_EQ(db, nullptr);
}

// "postgresql://" and "postgres://", in any case, select the PostgreSQL
// backend's plugin; a plugin that cannot be loaded is a named error that
// names the plugin's file, not the URL. (A plugin is loaded once per process
// when it loads: this test's process must not have loaded it before.)
TEST(WorkspaceUrl, SchemeSelectsThePostgresPluginIgnoringCase) {
  ASSERT_EQ(setenv("CRM_PLUGIN_DIR", "/nonexistent-crm-plugins", 1), 0);
  for (const char* url :
       {"postgresql://ada:hunter2@host/db?workspace=w",
        "postgres://ada:hunter2@host/db?workspace=w",
        "PostgreSQL://ada:hunter2@host/db?workspace=w", "POSTGRES://"}) {
    SCOPED_TRACE(url);
    crm_db* db = nullptr;
    EXPECT_CRM_ERROR(crm_open_url(&db, url, nullptr), CRM_E_IO, "", "plugin");
    EXPECT_EQ(db, nullptr);
    EXPECT_NE(std::strstr(crm_last_error_message(), "libcrm_postgres.so.0"),
              nullptr)
        << crm_last_error_message();
    EXPECT_EQ(std::strstr(crm_last_error_message(), "hunter2"), nullptr);
    EXPECT_CRM_ERROR(crm_workspace_create(url), CRM_E_IO, "", "plugin");
    EXPECT_EQ(std::strstr(crm_last_error_message(), "hunter2"), nullptr);
    EXPECT_CRM_ERROR(crm_workspace_drop(url), CRM_E_IO, "", "plugin");
    EXPECT_EQ(std::strstr(crm_last_error_message(), "hunter2"), nullptr);
  }
  ASSERT_EQ(unsetenv("CRM_PLUGIN_DIR"), 0);
}

// The init functions give what the _INIT macros give, for bindings that
// cannot expand a C macro.
TEST(Options, InitFunctionsMatchTheInitMacros) {
  crm_open_options from_macro = CRM_OPEN_OPTIONS_INIT;
  crm_open_options from_function;
  std::memset(&from_function, 0xAB, sizeof(from_function));
  ASSERT_EQ(crm_open_options_init(&from_function, sizeof(from_function)),
            CRM_OK);
  EXPECT_EQ(std::memcmp(&from_macro, &from_function, sizeof(from_macro)), 0);

  crm_timeline_options timeline_macro = CRM_TIMELINE_OPTIONS_INIT;
  crm_timeline_options timeline_function;
  std::memset(&timeline_function, 0xAB, sizeof(timeline_function));
  ASSERT_EQ(
      crm_timeline_options_init(&timeline_function, sizeof(timeline_function)),
      CRM_OK);
  EXPECT_EQ(timeline_function.struct_size, timeline_macro.struct_size);
  EXPECT_EQ(timeline_function.from_us, timeline_macro.from_us);
  EXPECT_EQ(timeline_function.to_us, timeline_macro.to_us);
  EXPECT_EQ(timeline_function.types, nullptr);
  EXPECT_EQ(timeline_function.type_count, 0u);
  EXPECT_EQ(timeline_function.channels, nullptr);
  EXPECT_EQ(timeline_function.oldest_first, timeline_macro.oldest_first);
  EXPECT_EQ(timeline_function.page_size, timeline_macro.page_size);
  EXPECT_EQ(timeline_function.cursor, nullptr);
}

TEST(Options, InitFunctionsRefuseNullAndSizesNoReleaseHad) {
  crm_open_options options;
  EXPECT_CRM_ERROR(crm_open_options_init(nullptr, sizeof(options)),
                   CRM_E_INVALID_ARGUMENT, "", "options");
  EXPECT_CRM_ERROR(crm_open_options_init(&options, 4), CRM_E_INVALID_ARGUMENT,
                   "", "struct_size");
  EXPECT_CRM_ERROR(crm_open_options_init(&options, sizeof(options) + 8),
                   CRM_E_INVALID_ARGUMENT, "", "struct_size");
  crm_timeline_options timeline;
  EXPECT_CRM_ERROR(crm_timeline_options_init(&timeline, 0),
                   CRM_E_INVALID_ARGUMENT, "", "struct_size");
}

TEST(Transaction, CommitKeepsEveryCallsChanges) {
  Db db = OpenDb(":memory:");
  ASSERT_EQ(crm_begin(db.get()), CRM_OK);
  CreateNamed(db.get(), "Ada");
  CreateNamed(db.get(), "Bob");
  ASSERT_EQ(crm_commit(db.get()), CRM_OK);
  EXPECT_EQ(Count(db.get()), 2);
}

TEST(Transaction, RollbackDiscardsEverything) {
  TempDir dir;
  Db db = OpenDb(dir.File("tx.crm"));
  CreateNamed(db.get(), "Kept");
  ASSERT_EQ(crm_begin(db.get()), CRM_OK);
  CreateNamed(db.get(), "Gone");
  Define(db.get(), R"({"name": "plan", "type": "text"})");
  ASSERT_EQ(crm_rollback(db.get()), CRM_OK);
  EXPECT_EQ(Count(db.get()), 1);
  char* json = nullptr;
  EXPECT_EQ(crm_field_describe(&json, db.get(), "plan"), CRM_E_NOT_FOUND);
  // The field can be defined again: the rolled-back one left no trace.
  Define(db.get(), R"({"name": "plan", "type": "integer"})");
}

TEST(Transaction, FailedCallInsideUndoesOnlyItself) {
  Db db = OpenDb(":memory:");
  Define(db.get(), R"({"name": "score", "type": "integer", "max": "10"})");
  ASSERT_EQ(crm_begin(db.get()), CRM_OK);
  int64_t ada = CreateNamed(db.get(), "Ada");
  Record bad = NewRecord();
  crm_record_set_text(bad.get(), "name", "Bob");
  crm_record_set_integer(bad.get(), "score", 11);
  int64_t id = 0;
  EXPECT_EQ(crm_customer_create(&id, db.get(), bad.get(), nullptr),
            CRM_E_VALIDATION);
  ASSERT_EQ(crm_commit(db.get()), CRM_OK);
  EXPECT_EQ(Count(db.get()), 1);
  EXPECT_EQ(Text(Get(db.get(), ada).get(), "name"), "Ada");
}

TEST(Transaction, MisuseIsReported) {
  Db db = OpenDb(":memory:");
  EXPECT_EQ(crm_commit(db.get()), CRM_E_MISUSE);
  EXPECT_EQ(crm_rollback(db.get()), CRM_E_MISUSE);
  ASSERT_EQ(crm_begin(db.get()), CRM_OK);
  EXPECT_EQ(crm_begin(db.get()), CRM_E_MISUSE);
  EXPECT_EQ(crm_rollback(db.get()), CRM_OK);
}

TEST(Transaction, CloseRollsBackAnOpenTransaction) {
  TempDir dir;
  std::string path = dir.File("close.crm");
  {
    Db db = OpenDb(path);
    ASSERT_EQ(crm_begin(db.get()), CRM_OK);
    CreateNamed(db.get(), "Uncommitted");
  }
  EXPECT_EQ(Count(OpenDb(path).get()), 0);
}

}  // namespace
}  // namespace crm_test
