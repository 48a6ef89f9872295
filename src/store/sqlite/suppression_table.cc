#include "store/sqlite/suppression_table.h"

#include <algorithm>
#include <variant>

#include "base/error.h"

namespace crm::store::sqlite {
namespace {

constexpr size_t kKeyBytes = 32;

// Whether the statement, with `hash` bound to its one parameter, yields a
// row; runs it to completion (for a RETURNING clause) and resets it.
absl::StatusOr<bool> YieldsRow(Statement* statement, const std::string& hash) {
  CRM_RETURN_IF_ERROR(statement->Bind(1, Blob{hash}));
  bool any = false;
  CRM_RETURN_IF_ERROR(
      statement->ForEachRow([&](const Statement&) { any = true; }));
  return any;
}

}  // namespace

absl::StatusOr<std::optional<std::string>> LoadSuppressionKey(
    Connection& connection) {
  CRM_ASSIGN_OR_RETURN(
      Statement * statement,
      connection.Prepare("SELECT key FROM crm_suppression_key WHERE id = 1"));
  std::optional<SqlValue> stored;
  CRM_RETURN_IF_ERROR(statement->ForEachRow(
      [&](const Statement& row) { stored = row.Column(0); }));
  if (!stored.has_value()) return std::optional<std::string>();
  const Blob* key = std::get_if<Blob>(&*stored);
  if (key == nullptr || key->bytes.size() != kKeyBytes) {
    return DamagedValue("the workspace's suppression key is not 32 bytes");
  }
  return std::optional<std::string>(key->bytes);
}

absl::StatusOr<std::string> StoreSuppressionKey(Connection& connection,
                                                const std::string& key) {
  CRM_ASSIGN_OR_RETURN(
      Statement * statement,
      connection.Prepare("INSERT INTO crm_suppression_key(id, key) VALUES "
                         "(1, ?) ON CONFLICT(id) DO NOTHING"));
  CRM_RETURN_IF_ERROR(statement->Bind(1, Blob{key}));
  CRM_RETURN_IF_ERROR(statement->Run());
  CRM_ASSIGN_OR_RETURN(std::optional<std::string> stored,
                       LoadSuppressionKey(connection));
  if (!stored.has_value()) {
    return DamagedValue("the workspace's suppression key was not stored");
  }
  return *std::move(stored);
}

absl::StatusOr<bool> InsertSuppression(Connection& connection,
                                       const SuppressionRow& row) {
  CRM_ASSIGN_OR_RETURN(
      Statement * statement,
      connection.Prepare(
          "INSERT INTO crm_suppressions(hash, kind, normalization, "
          "created_at) VALUES (?, ?, ?, ?) ON CONFLICT(hash) DO NOTHING "
          "RETURNING 1"));
  CRM_RETURN_IF_ERROR(statement->Bind(2, int64_t{row.kind}));
  CRM_RETURN_IF_ERROR(statement->Bind(3, int64_t{row.normalization}));
  CRM_RETURN_IF_ERROR(statement->Bind(4, row.created_at_us));
  return YieldsRow(statement, row.hash);
}

absl::StatusOr<bool> HasSuppressions(Connection& connection) {
  CRM_ASSIGN_OR_RETURN(
      Statement * statement,
      connection.Prepare("SELECT 1 FROM crm_suppressions LIMIT 1"));
  bool any = false;
  CRM_RETURN_IF_ERROR(
      statement->ForEachRow([&](const Statement&) { any = true; }));
  return any;
}

absl::StatusOr<bool> FindSuppression(Connection& connection,
                                     const std::vector<std::string>& hashes) {
  for (const std::string& hash : hashes) {
    CRM_ASSIGN_OR_RETURN(
        Statement * statement,
        connection.Prepare("SELECT 1 FROM crm_suppressions WHERE hash = ?"));
    CRM_ASSIGN_OR_RETURN(bool found, YieldsRow(statement, hash));
    if (found) return true;
  }
  return false;
}

absl::StatusOr<int64_t> DeleteSuppressions(
    Connection& connection, const std::vector<std::string>& hashes) {
  int64_t removed = 0;
  for (const std::string& hash : hashes) {
    CRM_ASSIGN_OR_RETURN(
        Statement * statement,
        connection.Prepare(
            "DELETE FROM crm_suppressions WHERE hash = ? RETURNING 1"));
    CRM_ASSIGN_OR_RETURN(bool found, YieldsRow(statement, hash));
    removed += found ? 1 : 0;
  }
  return removed;
}

absl::StatusOr<int64_t> CountSuppressions(Connection& connection) {
  CRM_ASSIGN_OR_RETURN(
      Statement * statement,
      connection.Prepare("SELECT count(*) FROM crm_suppressions"));
  int64_t count = 0;
  CRM_RETURN_IF_ERROR(statement->ForEachRow(
      [&](const Statement& row) { count = row.ColumnInt(0); }));
  return count;
}

absl::StatusOr<std::vector<SuppressionRow>> LoadSuppressions(
    Connection& connection) {
  CRM_ASSIGN_OR_RETURN(
      Statement * statement,
      connection.Prepare("SELECT hash, kind, normalization, created_at FROM "
                         "crm_suppressions ORDER BY hash"));
  std::vector<SuppressionRow> rows;
  bool damaged = false;
  CRM_RETURN_IF_ERROR(statement->ForEachRow([&](const Statement& row) {
    SqlValue value = row.Column(0);
    const Blob* bytes = std::get_if<Blob>(&value);
    const int64_t kind = row.ColumnInt(1);
    if (bytes == nullptr || bytes->bytes.size() != kKeyBytes || kind < 1 ||
        kind > 2) {
      damaged = true;
      return;
    }
    rows.push_back(
        {bytes->bytes, static_cast<int>(kind),
         static_cast<int>(std::clamp<int64_t>(row.ColumnInt(2), 0, 1 << 30)),
         row.ColumnInt(3)});
  }));
  if (damaged) return DamagedValue("a suppression row libcrm never writes");
  return rows;
}

}  // namespace crm::store::sqlite
