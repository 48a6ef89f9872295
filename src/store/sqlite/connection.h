// One SQLite connection to a workspace file.
#ifndef CRM_STORE_SQLITE_CONNECTION_H_
#define CRM_STORE_SQLITE_CONNECTION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "store/rows.h"
#include "store/sqlite/statement.h"

struct sqlite3;

namespace crm::store::sqlite {

// Owns a sqlite3 handle and a cache of prepared statements. Not thread-safe:
// the workspace serializes all use of a connection.
class Connection {
 public:
  // Opens `path` (":memory:" for a private in-memory database). Does not
  // write to the file; see OpenWorkspace() in migrations.h for that.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(
      const std::string& path, const ConnectionOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs SQL text without parameters (DDL, pragmas, transaction control).
  absl::Status Execute(absl::string_view sql);
  // Runs one parameterless statement through the statement cache (for the
  // transaction control run on every call).
  absl::Status ExecuteCached(const std::string& sql);
  // A prepared statement for `sql`, reset and with no bindings. Borrowed:
  // valid until the connection is closed; do not hold it across another
  // Prepare() of the same text.
  absl::StatusOr<Statement*> Prepare(const std::string& sql);
  // Drops cached statements (after the table layout changed).
  void ClearStatementCache();

  int64_t LastInsertId() const;
  bool InTransaction() const;
  // The data version of the snapshot the open transaction reads
  // (SQLITE_FCNTL_DATA_VERSION): it differs from an earlier one whenever a
  // commit, by any connection, lies between the two snapshots. nullopt while
  // no read has started since BEGIN (a deferred transaction takes its
  // snapshot at its first read) or outside a transaction.
  std::optional<uint32_t> SnapshotVersion() const;
  bool read_only() const { return options_.read_only; }
  // The SQLite handle, for SQLite APIs that take it rather than SQL (the
  // online backup). Borrowed: valid while the connection lives.
  sqlite3* handle() const { return db_; }
  const ConnectionOptions& options() const { return options_; }

 private:
  Connection(sqlite3* db, const ConnectionOptions& options)
      : db_(db), options_(options) {}

  sqlite3* db_;
  ConnectionOptions options_;
  absl::flat_hash_map<std::string, std::unique_ptr<Statement>> statements_;
};

// Maps a SQLite result code to a libcrm error (OK for SQLITE_OK).
absl::Status StatusFromSqlite(sqlite3* db, int rc, absl::string_view context);

// `name` double-quoted for SQL, inner quotes doubled. Column names come from
// field definitions ("email", "f_12"), never from user text; a name read
// from a hostile file is still quoted safely (the schema verifier refuses
// such a file at open).
std::string QuoteIdentifier(absl::string_view name);

}  // namespace crm::store::sqlite

#endif  // CRM_STORE_SQLITE_CONNECTION_H_
