#include "store/sqlite/statement.h"

#include <sqlite3.h>

#include "store/sqlite/connection.h"

namespace crm::store::sqlite {

Statement::~Statement() { sqlite3_finalize(stmt_); }

absl::Status Statement::Bind(int index, const SqlValue& value) {
  int rc = SQLITE_OK;
  if (std::holds_alternative<std::monostate>(value)) {
    rc = sqlite3_bind_null(stmt_, index);
  } else if (const int64_t* i = std::get_if<int64_t>(&value)) {
    rc = sqlite3_bind_int64(stmt_, index, *i);
  } else if (const double* d = std::get_if<double>(&value)) {
    rc = sqlite3_bind_double(stmt_, index, *d);
  } else if (const Blob* blob = std::get_if<Blob>(&value)) {
    rc = sqlite3_bind_blob64(stmt_, index, blob->bytes.data(),
                             blob->bytes.size(), SQLITE_TRANSIENT);
  } else {
    const std::string& text = std::get<std::string>(value);
    rc = sqlite3_bind_text64(stmt_, index, text.data(), text.size(),
                             SQLITE_TRANSIENT, SQLITE_UTF8);
  }
  return StatusFromSqlite(db_, rc, "bind");
}

absl::Status Statement::BindAll(const std::vector<SqlValue>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    absl::Status status = Bind(static_cast<int>(i + 1), values[i]);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return StatusFromSqlite(db_, rc, sqlite3_sql(stmt_));
}

absl::Status Statement::Run() {
  while (true) {
    absl::StatusOr<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::OkStatus();
  }
}

int Statement::ColumnCount() const { return sqlite3_column_count(stmt_); }

SqlValue Statement::Column(int index) const {
  switch (sqlite3_column_type(stmt_, index)) {
    case SQLITE_INTEGER:
      return static_cast<int64_t>(sqlite3_column_int64(stmt_, index));
    case SQLITE_FLOAT:
      return sqlite3_column_double(stmt_, index);
    case SQLITE_NULL:
      return std::monostate();
    case SQLITE_BLOB: {
      const void* data = sqlite3_column_blob(stmt_, index);
      int size = sqlite3_column_bytes(stmt_, index);
      return Blob{data ? std::string(static_cast<const char*>(data), size)
                       : std::string()};
    }
    default:
      return ColumnText(index);
  }
}

int64_t Statement::ColumnInt(int index) const {
  return sqlite3_column_int64(stmt_, index);
}

std::string Statement::ColumnText(int index) const {
  const unsigned char* text = sqlite3_column_text(stmt_, index);
  int size = sqlite3_column_bytes(stmt_, index);
  return text ? std::string(reinterpret_cast<const char*>(text), size)
              : std::string();
}

bool Statement::ColumnIsNull(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

absl::Status Statement::ForEachRow(
    absl::FunctionRef<void(const Statement&)> read) {
  while (true) {
    absl::StatusOr<bool> more = Step();
    if (!more.ok()) {
      Reset();
      return more.status();
    }
    if (!*more) break;
    read(*this);
  }
  Reset();
  return absl::OkStatus();
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

}  // namespace crm::store::sqlite
