// A prepared SQLite statement.
#ifndef CRM_STORE_SQLITE_STATEMENT_H_
#define CRM_STORE_SQLITE_STATEMENT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "store/sql_value.h"

struct sqlite3;
struct sqlite3_stmt;

namespace crm::store::sqlite {

// Owns one sqlite3_stmt. Not thread-safe; used under the connection's owner's
// lock. Obtained from Connection::Prepare(), which hands it out reset.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binds parameter `index` (1-based).
  absl::Status Bind(int index, const SqlValue& value);
  // Binds `values` to parameters 1..n.
  absl::Status BindAll(const std::vector<SqlValue>& values);
  // Advances: true when a row is available, false when done.
  absl::StatusOr<bool> Step();
  // Runs to completion, ignoring rows.
  absl::Status Run();
  // Steps through every row, calling `read` with this statement positioned
  // on it (read its columns; do not step or reset it), then resets the
  // statement, also when a step fails (that error is returned).
  absl::Status ForEachRow(absl::FunctionRef<void(const Statement&)> read);

  int ColumnCount() const;
  SqlValue Column(int index) const;
  int64_t ColumnInt(int index) const;
  std::string ColumnText(int index) const;
  bool ColumnIsNull(int index) const;

  // Resets the statement and clears its bindings.
  void Reset();

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

}  // namespace crm::store::sqlite

#endif  // CRM_STORE_SQLITE_STATEMENT_H_
