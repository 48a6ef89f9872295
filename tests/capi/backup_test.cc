// crm_backup() and crm_restore(): a backup taken while others write holds
// one consistent state, opens as a workspace (a file's) and restores into
// an empty workspace of the backend under test with the same content
// checksum; a failed or cancelled backup leaves no file; restore refuses
// what is not a backup and targets that are not empty.
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "backup_support.h"
#include "test_support.h"

namespace crm_test {
namespace {

// Opens the workspace file at `path` itself (not the backend under test).
Db OpenFile(const std::string& path) {
  crm_db* db = nullptr;
  EXPECT_EQ(crm_open(&db, path.c_str(), nullptr), CRM_OK)
      << crm_last_error_message();
  return Db(db);
}

std::string FileStart(const std::string& path, size_t size) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes(size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  bytes.resize(static_cast<size_t>(in.gcount()));
  return bytes;
}

// The names in `dir`.
std::vector<std::string> Names(const TempDir& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Fills `source` (FillWorkspace) and backs it up to `backup`; false (and a
// test failure) when the backup fails.
bool FillAndBackUp(crm_db* source, const std::string& backup) {
  FillWorkspace(source);
  const int rc = crm_backup(source, backup.c_str(), nullptr);
  EXPECT_EQ(rc, CRM_OK) << crm_last_error_message();
  return rc == CRM_OK;
}

// A new workspace of the backend under test at `path`, `backup` restored
// into it.
Db Restored(const std::string& path, const std::string& backup) {
  Db restored = OpenDb(path);
  EXPECT_EQ(crm_restore(restored.get(), backup.c_str(), nullptr), CRM_OK)
      << crm_last_error_message();
  return restored;
}

TEST(BackupTest, RestoreGivesTheSameChecksum) {
  TempDir dir;
  Db source = OpenDb(dir.File("source.crm"));
  const std::string backup = dir.File("backup.bak");
  ASSERT_TRUE(FillAndBackUp(source.get(), backup));
  Db restored = Restored(dir.File("restored.crm"), backup);
  EXPECT_EQ(Checksum(restored.get()), Checksum(source.get()));
  EXPECT_EQ(Count(restored.get()), kFilledCreated - 2);
  // A workspace's file is copied as a workspace file, a server's as a dump.
  EXPECT_EQ(FileStart(backup, 8),
            OnPostgres() ? std::string("CRMDUMP\n") : std::string("SQLite f"));
}

TEST(BackupTest, FileBackupOpensAsTheSameWorkspace) {
  TempDir dir;
  Db source = OpenFile(dir.File("source.crm"));
  const std::string backup = dir.File("backup.crm");
  ASSERT_TRUE(FillAndBackUp(source.get(), backup));
  EXPECT_EQ(Names(dir),
            (std::vector<std::string>{"backup.crm", "source.crm",
                                      "source.crm-shm", "source.crm-wal"}));
  Db copy = OpenFile(backup);
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(Checksum(copy.get()), Checksum(source.get()));
  EXPECT_TRUE(VerifiesOk(copy.get()));
}

TEST(BackupTest, InMemoryWorkspaceBacksUpToAFile) {
  TempDir dir;
  Db source = OpenFile(":memory:");
  const std::string backup = dir.File("memory.crm");
  ASSERT_TRUE(FillAndBackUp(source.get(), backup));
  Db copy = OpenFile(backup);
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(Checksum(copy.get()), Checksum(source.get()));
  EXPECT_EQ(Count(copy.get()), kFilledCreated - 2);
}

// A file workspace's backup restores into the backend under test: on a
// PostgreSQL run, a SQLite file into a PostgreSQL workspace.
TEST(BackupTest, FileBackupRestoresIntoTheBackendUnderTest) {
  TempDir dir;
  Db source = OpenFile(dir.File("source.crm"));
  const std::string backup = dir.File("backup.crm");
  ASSERT_TRUE(FillAndBackUp(source.get(), backup));
  Db restored = Restored(dir.File("restored.crm"), backup);
  EXPECT_EQ(Checksum(restored.get()), Checksum(source.get()));
  // The ids go on above the restored ones.
  EXPECT_GT(CreateNamed(restored.get(), "Next"), kFilledCreated);
  EXPECT_TRUE(VerifiesOk(restored.get()));
}

// Writes through another handle between the backup's steps: the backup
// holds the state it started from, not a mix.
struct WritingProgress {
  crm_db* writer;
  int calls = 0;
  int written = 0;
};

int WriteBetweenSteps(void* context, int64_t, int64_t, int64_t) {
  auto* progress = static_cast<WritingProgress*>(context);
  ++progress->calls;
  Record record = NewRecord();
  crm_record_set_text(record.get(), "name", "Written meanwhile");
  Record change = NewRecord();
  crm_record_set_text(change.get(), "name", "Changed meanwhile");
  int64_t id = 0;
  if (crm_customer_create(&id, progress->writer, record.get(), "w") == CRM_OK &&
      crm_customer_update(nullptr, progress->writer, 1, 0, change.get(), "w") ==
          CRM_OK) {
    ++progress->written;
  }
  return 0;
}

TEST(BackupTest, BackupTakenWhileAnotherHandleWritesIsOneState) {
  TempDir dir;
  const std::string path = dir.File("busy.crm");
  Db source = OpenFile(path);
  Define(source.get(), R"({"name":"bio","type":"long_text"})");
  // Enough pages for many steps (SQLite's backup copies 256 pages a step).
  const std::string bio(2000, 'x');
  for (int batch = 0; batch < 10; ++batch) {
    ASSERT_EQ(crm_begin(source.get()), CRM_OK);
    for (int i = 0; i < 100; ++i) {
      Record record = NewRecord();
      crm_record_set_text(record.get(), "name", "Bulk");
      crm_record_set_text(record.get(), "bio", bio.c_str());
      Create(source.get(), record.get());
    }
    ASSERT_EQ(crm_commit(source.get()), CRM_OK);
  }
  const std::string before = Checksum(source.get());
  const int64_t count = Count(source.get());
  Db writer = OpenFile(path);
  WritingProgress progress{.writer = writer.get(), .calls = 0, .written = 0};
  crm_transfer_options options = CRM_TRANSFER_OPTIONS_INIT;
  options.progress = WriteBetweenSteps;
  options.progress_context = &progress;
  const std::string backup = dir.File("backup.crm");
  ASSERT_EQ(crm_backup(source.get(), backup.c_str(), &options), CRM_OK)
      << crm_last_error_message();
  EXPECT_GE(progress.calls, 2);
  EXPECT_EQ(progress.written, progress.calls);
  EXPECT_EQ(Count(source.get()), count + progress.written);
  Db copy = OpenFile(backup);
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(Count(copy.get()), count);
  EXPECT_EQ(Checksum(copy.get()), before);
  EXPECT_TRUE(VerifiesOk(copy.get()));
}

int Cancel(void*, int64_t, int64_t, int64_t) { return 1; }

TEST(BackupTest, CancelledBackupLeavesNoFileAndKeepsTheOldOne) {
  TempDir dir;
  Db source = OpenDb(dir.File("source.crm"));
  FillWorkspace(source.get());
  const std::string backup = dir.File("backup.bak");
  {
    std::ofstream old(backup);
    old << "the previous backup";
  }
  const std::vector<std::string> before = Names(dir);
  crm_transfer_options options = CRM_TRANSFER_OPTIONS_INIT;
  options.progress = Cancel;
  EXPECT_CRM_ERROR(crm_backup(source.get(), backup.c_str(), &options),
                   CRM_E_CANCELLED, "", "");
  EXPECT_EQ(Names(dir), before);
  EXPECT_EQ(FileStart(backup, 100), "the previous backup");
}

TEST(BackupTest, CancelledRestoreLeavesTheTargetEmpty) {
  TempDir dir;
  Db source = OpenDb(dir.File("source.crm"));
  const std::string backup = dir.File("backup.bak");
  ASSERT_TRUE(FillAndBackUp(source.get(), backup));
  Db target = OpenDb(dir.File("target.crm"));
  const std::string empty = Checksum(target.get());
  crm_transfer_options options = CRM_TRANSFER_OPTIONS_INIT;
  options.progress = Cancel;
  EXPECT_CRM_ERROR(crm_restore(target.get(), backup.c_str(), &options),
                   CRM_E_CANCELLED, "", "");
  EXPECT_EQ(Checksum(target.get()), empty);
  EXPECT_EQ(Count(target.get()), 0);
}

TEST(BackupTest, NotInsideAHostTransaction) {
  TempDir dir;
  Db source = OpenFile(dir.File("source.crm"));
  ASSERT_EQ(crm_begin(source.get()), CRM_OK);
  CreateNamed(source.get(), "Uncommitted");
  const std::string backup = dir.File("backup.crm");
  EXPECT_CRM_ERROR(crm_backup(source.get(), backup.c_str(), nullptr),
                   CRM_E_MISUSE, "", "");
  EXPECT_FALSE(std::filesystem::exists(backup));
  ASSERT_EQ(crm_rollback(source.get()), CRM_OK);
  ASSERT_EQ(crm_backup(source.get(), backup.c_str(), nullptr), CRM_OK)
      << crm_last_error_message();
  Db copy = OpenFile(backup);
  EXPECT_EQ(Count(copy.get()), 0);
}

TEST(BackupTest, BackupIntoAMissingFolderFailsNamingThePath) {
  TempDir dir;
  Db source = OpenDb(dir.File("source.crm"));
  CreateNamed(source.get(), "Ada");
  const std::string backup = dir.File("missing/backup.bak");
  EXPECT_CRM_ERROR(crm_backup(source.get(), backup.c_str(), nullptr), CRM_E_IO,
                   "", "path");
  EXPECT_FALSE(std::filesystem::exists(dir.File("missing")));
}

TEST(BackupTest, RestoreRefusesATargetThatIsNotEmpty) {
  TempDir dir;
  Db source = OpenFile(dir.File("source.crm"));
  CreateNamed(source.get(), "Ada");
  const std::string backup = dir.File("backup.crm");
  ASSERT_EQ(crm_backup(source.get(), backup.c_str(), nullptr), CRM_OK)
      << crm_last_error_message();
  Db target = OpenDb(dir.File("target.crm"));
  CreateNamed(target.get(), "Grace");
  const std::string checksum = Checksum(target.get());
  EXPECT_CRM_ERROR(crm_restore(target.get(), backup.c_str(), nullptr),
                   CRM_E_CONFLICT, "", "target");
  EXPECT_EQ(Checksum(target.get()), checksum);
}

TEST(BackupTest, RestoreRefusesWhatIsNotABackup) {
  TempDir dir;
  Db target = OpenDb(dir.File("target.crm"));
  const std::string empty = Checksum(target.get());
  EXPECT_CRM_ERROR(
      crm_restore(target.get(), dir.File("absent.bak").c_str(), nullptr),
      CRM_E_NOT_FOUND, "", "path");
  const std::string text = dir.File("notes.txt");
  {
    std::ofstream out(text);
    out << "name,email\nAda,ada@x.org\n";
  }
  EXPECT_CRM_ERROR(crm_restore(target.get(), text.c_str(), nullptr),
                   CRM_E_NOT_WORKSPACE, "", "file");
  // A SQLite database that is no workspace: refused by the open's checks.
  const std::string foreign = dir.File("foreign.db");
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(foreign.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "CREATE TABLE crm_customers(id INTEGER)", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(raw);
  EXPECT_CRM_ERROR(crm_restore(target.get(), foreign.c_str(), nullptr),
                   CRM_E_NOT_WORKSPACE, "", "schema");
  EXPECT_EQ(Checksum(target.get()), empty);
}

TEST(BackupTest, ArgumentsAreChecked) {
  TempDir dir;
  Db db = OpenDb(dir.File("db.crm"));
  const std::string path = dir.File("backup.bak");
  EXPECT_CRM_ERROR(crm_backup(db.get(), nullptr, nullptr),
                   CRM_E_INVALID_ARGUMENT, "", "path");
  EXPECT_CRM_ERROR(crm_restore(nullptr, path.c_str(), nullptr),
                   CRM_E_INVALID_ARGUMENT, "", "to");
  EXPECT_CRM_ERROR(crm_restore(db.get(), nullptr, nullptr),
                   CRM_E_INVALID_ARGUMENT, "", "path");
  crm_transfer_options small = CRM_TRANSFER_OPTIONS_INIT;
  small.struct_size = 2;
  EXPECT_CRM_ERROR(crm_backup(db.get(), path.c_str(), &small),
                   CRM_E_INVALID_ARGUMENT, "", "struct_size");
  EXPECT_CRM_ERROR(crm_restore(db.get(), path.c_str(), &small),
                   CRM_E_INVALID_ARGUMENT, "", "struct_size");
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(BackupTest, RestrictedHandlesMayNotRestoreNorBackUpWithoutTheGrant) {
  TempDir dir;
  Db admin = OpenDb(dir.File("admin.crm"));
  CreateNamed(admin.get(), "Ada");
  Db view = RestrictedDesk(admin.get());
  const std::string path = dir.File("backup.bak");
  EXPECT_CRM_ERROR(crm_backup(view.get(), path.c_str(), nullptr), CRM_E_DENIED,
                   "", "operation");
  EXPECT_FALSE(std::filesystem::exists(path));
  ASSERT_EQ(crm_backup(admin.get(), path.c_str(), nullptr), CRM_OK)
      << crm_last_error_message();
  Db empty = OpenDb(dir.File("empty.crm"));
  Db empty_view = RestrictedDesk(empty.get());
  EXPECT_CRM_ERROR(crm_restore(empty_view.get(), path.c_str(), nullptr),
                   CRM_E_DENIED, "", "operation");
}

// A profile granting "backup" that withholds nothing takes the whole
// workspace; granting it while scoping the customers is refused.
TEST(BackupTest, RestrictedHandleWithTheGrantBacksUpEverything) {
  TempDir dir;
  Db admin = OpenDb(dir.File("admin.crm"));
  CreateNamed(admin.get(), "Ada");
  ASSERT_EQ(crm_profile_define(admin.get(), R"({"name": "all",
      "groups": {"standard": "read_write"}, "operations": ["backup"]})"),
            CRM_OK)
      << crm_last_error_message();
  ASSERT_EQ(crm_profile_define(admin.get(), R"({"name": "scoped",
      "groups": {"standard": "read_write"}, "scope": "owner = :actor",
      "operations": ["backup"]})"),
            CRM_OK)
      << crm_last_error_message();
  Db scoped = RestrictTo(admin.get(), "scoped", "agent");
  const std::string path = dir.File("backup.bak");
  EXPECT_CRM_ERROR(crm_backup(scoped.get(), path.c_str(), nullptr),
                   CRM_E_DENIED, "", "operation");
  EXPECT_FALSE(std::filesystem::exists(path));
  Db all = RestrictTo(admin.get(), "all", "agent");
  ASSERT_EQ(crm_backup(all.get(), path.c_str(), nullptr), CRM_OK)
      << crm_last_error_message();
  Db restored = Restored(dir.File("restored.crm"), path);
  EXPECT_EQ(Checksum(restored.get()), Checksum(admin.get()));
}

}  // namespace
}  // namespace crm_test
