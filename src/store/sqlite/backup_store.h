// Backup and checks of a workspace file (store::Backend's "backup and
// verify" methods): SQLite's online backup API into a new file, the schema
// verifier that open runs, and SQLite's own integrity check.
#ifndef CRM_STORE_SQLITE_BACKUP_STORE_H_
#define CRM_STORE_SQLITE_BACKUP_STORE_H_

#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/backend.h"
#include "store/sqlite/connection.h"

namespace crm::store::sqlite {

// Backend::BackupToFile for the workspace of `source` (a file or in
// memory), inside the read scope open on it: the copy is of the scope's
// snapshot, taken in steps of kBackupStepPages pages into the empty file at
// `path` (written with journal and syncs off: the caller syncs the file
// once complete, and throws it away otherwise). Always returns true.
inline constexpr int kBackupStepPages = 256;
absl::StatusOr<bool> BackupToFile(
    Connection& source, const std::string& path,
    absl::FunctionRef<absl::Status(int64_t, int64_t, int64_t)> step);

// Backend::CheckLayout: the schema verifier of open (schema_verifier.h) on
// the file's layout version; returns the number of schema objects.
absl::StatusOr<int64_t> CheckLayout(
    Connection& connection, const FieldColumnsReader& read_field_columns);

// Backend::CheckIntegrity: PRAGMA integrity_check and foreign_key_check;
// `checked` is the number of pages.
absl::StatusOr<IntegrityReport> CheckIntegrity(Connection& connection,
                                               int64_t limit);

}  // namespace crm::store::sqlite

#endif  // CRM_STORE_SQLITE_BACKUP_STORE_H_
