#include "store/sqlite/backup_store.h"

#include <sqlite3.h>

#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/schema_verifier.h"

namespace crm::store::sqlite {
namespace {

// The one integer the pragma or query `sql` returns (0 for none).
absl::StatusOr<int64_t> ReadNumber(Connection& connection,
                                   const std::string& sql) {
  CRM_ASSIGN_OR_RETURN(Statement * statement, connection.Prepare(sql));
  CRM_ASSIGN_OR_RETURN(bool row, statement->Step());
  const int64_t value = row ? statement->ColumnInt(0) : 0;
  statement->Reset();
  return value;
}

// SQLite's error on `db` as libcrm's; an error SQLite does not class (a
// generic SQLITE_ERROR) is the backup file's, kIo, never kInternal.
absl::Status BackupError(sqlite3* db, int rc, absl::string_view context) {
  absl::Status status = StatusFromSqlite(db, rc, context);
  if (CodeOf(status) != ErrorCode::kInternal) return status;
  return MakeError(
      ErrorCode::kIo,
      absl::StrCat("the backup could not be written: ", status.message()), "",
      Rule::kPath);
}

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};

}  // namespace

absl::StatusOr<bool> BackupToFile(
    Connection& source, const std::string& path,
    absl::FunctionRef<absl::Status(int64_t, int64_t, int64_t)> step) {
  // The scope's snapshot is taken at its first read: read now, so that
  // every step copies that one snapshot. (A step that finds no read
  // transaction opens and ends one of its own, and the backup restarts
  // whenever another connection commits between two steps.)
  CRM_ASSIGN_OR_RETURN(const int64_t page_bytes,
                       ReadNumber(source, "PRAGMA main.page_size"));
  CRM_RETURN_IF_ERROR(
      ReadNumber(source, "SELECT count(*) FROM sqlite_schema").status());
  sqlite3* opened = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &opened,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, nullptr);
  std::unique_ptr<sqlite3, CloseDb> target(opened);
  if (rc != SQLITE_OK) return BackupError(opened, rc, "opening the backup");
  // No journal and no syncs: a backup that fails is thrown away whole, and
  // the caller syncs the complete file once.
  rc = sqlite3_exec(target.get(),
                    "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF",
                    nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return BackupError(target.get(), rc, "backup settings");
  sqlite3_backup* backup =
      sqlite3_backup_init(target.get(), "main", source.handle(), "main");
  if (backup == nullptr) {
    return BackupError(target.get(), sqlite3_errcode(target.get()),
                       "starting the backup");
  }
  absl::Status status;
  while (true) {
    rc = sqlite3_backup_step(backup, kBackupStepPages);
    if (rc != SQLITE_OK && rc != SQLITE_DONE) break;
    const int64_t total = sqlite3_backup_pagecount(backup);
    status = step(total - sqlite3_backup_remaining(backup), total, page_bytes);
    if (!status.ok() || rc == SQLITE_DONE) break;
  }
  // sqlite3_backup_finish() returns the step's error, if any; it is stored
  // on the target connection.
  const int finished = sqlite3_backup_finish(backup);
  if (!status.ok()) return status;
  if (finished != SQLITE_OK) {
    return BackupError(target.get(), finished, "copying the workspace");
  }
  rc = sqlite3_close(target.release());
  if (rc != SQLITE_OK) return BackupError(nullptr, rc, "closing the backup");
  return true;
}

absl::StatusOr<int64_t> CheckLayout(
    Connection& connection, const FieldColumnsReader& read_field_columns) {
  CRM_ASSIGN_OR_RETURN(int version, SchemaVersion(connection));
  CRM_RETURN_IF_ERROR(VerifySchema(connection, version, read_field_columns));
  CRM_ASSIGN_OR_RETURN(std::vector<SchemaObject> objects,
                       ReadSchemaObjects(connection));
  return static_cast<int64_t>(objects.size());
}

absl::StatusOr<IntegrityReport> CheckIntegrity(Connection& connection,
                                               int64_t limit) {
  IntegrityReport report;
  CRM_ASSIGN_OR_RETURN(report.checked,
                       ReadNumber(connection, "PRAGMA main.page_count"));
  if (limit <= 0) return report;
  CRM_ASSIGN_OR_RETURN(Statement * integrity,
                       connection.Prepare(absl::StrCat(
                           "PRAGMA main.integrity_check(", limit, ")")));
  CRM_RETURN_IF_ERROR(integrity->ForEachRow([&](const Statement& row) {
    std::string text = row.ColumnText(0);
    if (text != "ok") report.problems.push_back(std::move(text));
  }));
  CRM_ASSIGN_OR_RETURN(Statement * keys,
                       connection.Prepare("PRAGMA main.foreign_key_check"));
  CRM_RETURN_IF_ERROR(keys->ForEachRow([&](const Statement& row) {
    if (static_cast<int64_t>(report.problems.size()) >= limit) return;
    report.problems.push_back(
        absl::StrCat("row ", row.ColumnText(1), " of ", row.ColumnText(0),
                     " refers to a missing row of ", row.ColumnText(2)));
  }));
  return report;
}

}  // namespace crm::store::sqlite
