#include "store/sqlite/connection.h"

#include <sqlite3.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "base/error.h"
#include "store/sqlite/sql_functions.h"

namespace crm::store::sqlite {
namespace {

// Statements whose text depends on which columns a call touches are many;
// past this many the cache starts again rather than grow without bound.
constexpr size_t kMaxCachedStatements = 512;

// The column a SQLite constraint message names ("... failed: t.col"), if any.
std::string ConstraintColumn(absl::string_view message) {
  size_t colon = message.rfind(": ");
  if (colon == absl::string_view::npos) return {};
  absl::string_view target = message.substr(colon + 2);
  size_t comma = target.find(',');
  if (comma != absl::string_view::npos) target = target.substr(0, comma);
  size_t dot = target.rfind('.');
  if (dot != absl::string_view::npos) target = target.substr(dot + 1);
  return std::string(target);
}

// The name a libcrm SQL function put in single quotes at the start of its
// error message (see sql_functions.h), if any.
std::string QuotedName(absl::string_view message) {
  if (message.empty() || message[0] != '\'') return {};
  size_t end = message.find('\'', 1);
  if (end == absl::string_view::npos) return {};
  return std::string(message.substr(1, end - 1));
}

}  // namespace

absl::Status StatusFromSqlite(sqlite3* db, int rc, absl::string_view context) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) {
    return absl::OkStatus();
  }
  std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string message = absl::StrCat(detail, " (", context, ")");
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return MakeError(ErrorCode::kBusy,
                       absl::StrCat("the workspace is busy: ", message));
    case SQLITE_CONSTRAINT:
      return MakeError(
          ErrorCode::kConstraint, message, ConstraintColumn(detail),
          absl::StrContains(detail, "UNIQUE") ? Rule::kUnique : Rule::kNone);
    case SQLITE_NOTADB:
      return MakeError(ErrorCode::kNotWorkspace,
                       "the file is not a libcrm workspace (not a database)");
    case SQLITE_READONLY:
      return MakeError(ErrorCode::kReadOnly,
                       absl::StrCat("the workspace is read-only: ", message));
    case SQLITE_NOMEM:
      return MakeError(ErrorCode::kNoMemory, "out of memory");
    case SQLITE_MISMATCH:
      // Raised by libcrm's own SQL functions on values they cannot use.
      return MakeError(ErrorCode::kValidation, detail, QuotedName(detail),
                       Rule::kAggregate);
    case SQLITE_TOOBIG:
      return MakeError(ErrorCode::kInvalidArgument,
                       absl::StrCat("value too large: ", message));
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_FULL:
    case SQLITE_CORRUPT:
    case SQLITE_PERM:
    case SQLITE_PROTOCOL:
      return MakeError(ErrorCode::kIo, message);
    default:
      return MakeError(ErrorCode::kInternal, message);
  }
}

std::string QuoteIdentifier(absl::string_view name) {
  return absl::StrCat("\"", absl::StrReplaceAll(name, {{"\"", "\"\""}}), "\"");
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(
    const std::string& path, const ConnectionOptions& options) {
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  if (options.read_only) {
    flags |= SQLITE_OPEN_READONLY;
  } else {
    flags |= SQLITE_OPEN_READWRITE;
    if (options.create) flags |= SQLITE_OPEN_CREATE;
  }
  // A path is a path: "file:..." names a file, never an SQLite URI.
  std::string file = absl::StartsWith(path, "file:") ? "./" + path : path;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(file.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    if ((rc & 0xff) == SQLITE_NOMEM) {
      return MakeError(ErrorCode::kNoMemory,
                       "out of memory opening a workspace");
    }
    return MakeError(ErrorCode::kIo, absl::StrCat("cannot open workspace '",
                                                  path, "': ", detail));
  }
  std::unique_ptr<Connection> connection(new Connection(db, options));
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  sqlite3_extended_result_codes(db, 1);
  // A workspace file is untrusted input (a customer's backup, an upload):
  // nothing stored in it runs as code on libcrm's calls. libcrm itself uses
  // no triggers, views or extensions.
  for (int option :
       {SQLITE_DBCONFIG_DEFENSIVE, SQLITE_DBCONFIG_TRUSTED_SCHEMA,
        SQLITE_DBCONFIG_ENABLE_TRIGGER, SQLITE_DBCONFIG_ENABLE_VIEW,
        SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, SQLITE_DBCONFIG_DQS_DDL,
        SQLITE_DBCONFIG_DQS_DML}) {
    int on = option == SQLITE_DBCONFIG_DEFENSIVE ? 1 : 0;
    rc = sqlite3_db_config(db, option, on, nullptr);
    if (rc != SQLITE_OK) return StatusFromSqlite(db, rc, "defensive settings");
  }
  rc = RegisterSqlFunctions(db);
  if (rc != SQLITE_OK) return StatusFromSqlite(db, rc, "registering functions");
  // Values up to 16 MiB (long text) plus room for the rest of the row.
  sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 32 * 1024 * 1024);
  // Damaged b-tree cells are reported as corruption before they are used.
  CRM_RETURN_IF_ERROR(connection->Execute("PRAGMA cell_size_check = ON"));
  // What a connection deletes or overwrites is zeroed in the file, not left
  // in free space (crm.h, "Erasure"): on for every write, so that values
  // replaced by ordinary updates are gone too, not only an erase's. Each
  // freed page and cell costs a write of zeros.
  CRM_RETURN_IF_ERROR(connection->Execute("PRAGMA secure_delete = ON"));
  return connection;
}

Connection::~Connection() {
  statements_.clear();
  sqlite3_close_v2(db_);
}

absl::Status Connection::Execute(absl::string_view sql) {
  std::string text(sql);
  char* error = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  sqlite3_free(error);
  return StatusFromSqlite(db_, rc, text);
}

absl::Status Connection::ExecuteCached(const std::string& sql) {
  absl::StatusOr<Statement*> statement = Prepare(sql);
  if (!statement.ok()) return statement.status();
  absl::Status status = (*statement)->Run();
  (*statement)->Reset();
  return status;
}

absl::StatusOr<Statement*> Connection::Prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) {
    it->second->Reset();
    return it->second.get();
  }
  if (statements_.size() >= kMaxCachedStatements) statements_.clear();
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return StatusFromSqlite(db_, rc, sql);
  auto statement = std::make_unique<Statement>(db_, stmt);
  Statement* raw = statement.get();
  statements_.emplace(sql, std::move(statement));
  return raw;
}

void Connection::ClearStatementCache() { statements_.clear(); }

int64_t Connection::LastInsertId() const {
  return sqlite3_last_insert_rowid(db_);
}

bool Connection::InTransaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

std::optional<uint32_t> Connection::SnapshotVersion() const {
  if (sqlite3_txn_state(db_, "main") == SQLITE_TXN_NONE) return std::nullopt;
  unsigned int version = 0;
  if (sqlite3_file_control(db_, "main", SQLITE_FCNTL_DATA_VERSION, &version) !=
      SQLITE_OK) {
    return std::nullopt;
  }
  return version;
}

}  // namespace crm::store::sqlite
