#include "store/postgres/suppression_store.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/error.h"

namespace crm::store::postgres {
namespace {

constexpr size_t kKeyBytes = 32;

// Hashes as one text[] parameter of hex strings, which the statements
// decode(): bytes never travel as text.
std::string HexArray(const std::vector<std::string>& hashes) {
  std::string array = "{";
  for (const std::string& hash : hashes) {
    if (array.size() > 1) array += ',';
    array += absl::BytesToHexString(hash);
  }
  return array + "}";
}

}  // namespace

absl::StatusOr<std::optional<std::string>> LoadSuppressionKey(
    Connection& connection, int64_t workspace_id) {
  // base64 whatever the server's bytea_output; decoding checks the text.
  CRM_ASSIGN_OR_RETURN(
      Result read,
      connection.Execute("SELECT encode(secret, 'base64') FROM "
                         "crm_suppression_keys WHERE workspace_id = $1",
                         {absl::StrCat(workspace_id)}));
  if (read.rows() == 0) return std::optional<std::string>();
  std::string key;
  if (read.IsNull(0, 0) || !absl::Base64Unescape(read.Text(0, 0), &key) ||
      key.size() != kKeyBytes) {
    return DamagedValue("the workspace's suppression key is not 32 bytes");
  }
  return std::optional<std::string>(std::move(key));
}

absl::StatusOr<std::string> StoreSuppressionKey(Connection& connection,
                                                int64_t workspace_id,
                                                const std::string& key) {
  CRM_RETURN_IF_ERROR(
      Run(connection,
          "INSERT INTO crm_suppression_keys (workspace_id, "
          "secret) VALUES ($1, decode($2, 'hex')) ON CONFLICT "
          "(workspace_id) DO NOTHING",
          {absl::StrCat(workspace_id), absl::BytesToHexString(key)}));
  CRM_ASSIGN_OR_RETURN(std::optional<std::string> stored,
                       LoadSuppressionKey(connection, workspace_id));
  if (!stored.has_value()) {
    return DamagedValue("the workspace's suppression key was not stored");
  }
  return *std::move(stored);
}

absl::StatusOr<bool> InsertSuppression(Connection& connection,
                                       int64_t workspace_id,
                                       const SuppressionRow& row) {
  CRM_ASSIGN_OR_RETURN(
      Result inserted,
      connection.Execute(
          "INSERT INTO crm_suppressions (workspace_id, hash, kind, "
          "normalization, created_at_us) VALUES ($1, decode($2, 'hex'), $3, "
          "$4, $5) ON CONFLICT (workspace_id, hash) DO NOTHING",
          {absl::StrCat(workspace_id), absl::BytesToHexString(row.hash),
           absl::StrCat(row.kind), absl::StrCat(row.normalization),
           absl::StrCat(row.created_at_us)}));
  return inserted.AffectedRows() > 0;
}

absl::StatusOr<bool> HasSuppressions(Connection& connection,
                                     int64_t workspace_id) {
  CRM_ASSIGN_OR_RETURN(Result read,
                       connection.Execute("SELECT 1 FROM crm_suppressions "
                                          "WHERE workspace_id = $1 LIMIT 1",
                                          {absl::StrCat(workspace_id)}));
  return read.rows() > 0;
}

absl::StatusOr<bool> FindSuppression(Connection& connection,
                                     int64_t workspace_id,
                                     const std::vector<std::string>& hashes) {
  if (hashes.empty()) return false;
  CRM_ASSIGN_OR_RETURN(
      Result read,
      connection.Execute(
          "SELECT 1 FROM crm_suppressions WHERE workspace_id = $1 AND hash = "
          "ANY (SELECT decode(h, 'hex') FROM unnest($2::text[]) AS h) LIMIT 1",
          {absl::StrCat(workspace_id), HexArray(hashes)}));
  return read.rows() > 0;
}

absl::StatusOr<int64_t> DeleteSuppressions(
    Connection& connection, int64_t workspace_id,
    const std::vector<std::string>& hashes) {
  if (hashes.empty()) return 0;
  CRM_ASSIGN_OR_RETURN(
      Result deleted,
      connection.Execute(
          "DELETE FROM crm_suppressions WHERE workspace_id = $1 AND hash = "
          "ANY (SELECT decode(h, 'hex') FROM unnest($2::text[]) AS h)",
          {absl::StrCat(workspace_id), HexArray(hashes)}));
  return deleted.AffectedRows();
}

absl::StatusOr<int64_t> CountSuppressions(Connection& connection,
                                          int64_t workspace_id) {
  CRM_ASSIGN_OR_RETURN(Result read,
                       connection.Execute("SELECT count(*) FROM "
                                          "crm_suppressions WHERE "
                                          "workspace_id = $1",
                                          {absl::StrCat(workspace_id)}));
  return read.Integer(0, 0, "suppression count");
}

absl::StatusOr<std::vector<SuppressionRow>> LoadSuppressions(
    Connection& connection, int64_t workspace_id) {
  CRM_ASSIGN_OR_RETURN(
      Result read,
      connection.Execute("SELECT encode(hash, 'base64'), kind, normalization, "
                         "created_at_us FROM crm_suppressions WHERE "
                         "workspace_id = $1 ORDER BY hash",
                         {absl::StrCat(workspace_id)}));
  std::vector<SuppressionRow> rows;
  for (int i = 0; i < read.rows(); ++i) {
    SuppressionRow row;
    if (read.IsNull(i, 0) ||
        !absl::Base64Unescape(read.Text(i, 0), &row.hash) ||
        row.hash.size() != kKeyBytes) {
      return DamagedValue("a suppression's hash is not 32 bytes");
    }
    CRM_ASSIGN_OR_RETURN(int64_t kind, read.Integer(i, 1, "suppression kind"));
    CRM_ASSIGN_OR_RETURN(int64_t normalization,
                         read.Integer(i, 2, "suppression normalization"));
    CRM_ASSIGN_OR_RETURN(row.created_at_us,
                         read.Integer(i, 3, "suppression time"));
    if (kind < 1 || kind > 2) {
      return DamagedValue("a suppression of a kind libcrm never writes");
    }
    row.kind = static_cast<int>(kind);
    row.normalization =
        static_cast<int>(std::clamp<int64_t>(normalization, 0, 1 << 30));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace crm::store::postgres
