#include "store/postgres/match_key_store.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/error.h"
#include "base/utf8.h"

namespace crm::store::postgres {
namespace {

// Keys in a page of ForEachMatchKeyGroup's scan.
constexpr int kGroupPageRows = 20000;

absl::Status ValidKeys(const std::vector<MatchKeyRow>& keys) {
  for (const MatchKeyRow& key : keys) {
    CRM_RETURN_IF_ERROR(
        ValidateText(key.key, "match key", [] { return "match key"; }));
  }
  return absl::OkStatus();
}

// The array literals of the keys' kinds and texts, for unnest().
std::pair<std::string, std::string> KeyArrays(
    const std::vector<MatchKeyRow>& keys) {
  std::string kinds = "{", texts = "{";
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) {
      kinds += ',';
      texts += ',';
    }
    absl::StrAppend(&kinds, keys[i].kind);
    texts += '"';
    for (char c : keys[i].key) {
      if (c == '"' || c == '\\') texts += '\\';
      texts += c;
    }
    texts += '"';
  }
  kinds += '}';
  texts += '}';
  return {kinds, texts};
}

absl::StatusOr<int> KindAt(const Result& result, int row, int column) {
  CRM_ASSIGN_OR_RETURN(int64_t kind,
                       result.Integer(row, column, "match key kind"));
  if (kind < std::numeric_limits<int>::min() ||
      kind > std::numeric_limits<int>::max()) {
    return DamagedValue(
        absl::StrCat("PostgreSQL sent a match key kind out of range: ", kind));
  }
  return static_cast<int>(kind);
}

}  // namespace

absl::Status ReplaceMatchKeys(Connection& connection, int64_t workspace_id,
                              int64_t id,
                              const std::vector<MatchKeyRow>& keys) {
  CRM_RETURN_IF_ERROR(ValidKeys(keys));
  Parameters owner = {absl::StrCat(workspace_id), absl::StrCat(id)};
  CRM_RETURN_IF_ERROR(Run(connection,
                          "DELETE FROM crm_match_keys WHERE workspace_id = $1 "
                          "AND customer_id = $2",
                          owner));
  if (keys.empty()) return absl::OkStatus();
  auto [kinds, texts] = KeyArrays(keys);
  return Run(connection,
             "INSERT INTO crm_match_keys (workspace_id, kind, key, "
             "customer_id) SELECT $1, k.kind, k.key, $2 FROM "
             "unnest($3::smallint[], $4::text[]) AS k(kind, key) "
             "ON CONFLICT DO NOTHING",
             {absl::StrCat(workspace_id), absl::StrCat(id), kinds, texts});
}

absl::StatusOr<std::vector<MatchKeyRow>> SelectMatchKeys(Connection& connection,
                                                         int64_t workspace_id,
                                                         int64_t id) {
  CRM_ASSIGN_OR_RETURN(
      Result found,
      connection.Execute("SELECT kind, key FROM crm_match_keys WHERE "
                         "workspace_id = $1 AND customer_id = $2 ORDER BY "
                         "kind, key",
                         {absl::StrCat(workspace_id), absl::StrCat(id)}));
  if (found.columns() != 2) {
    return DamagedValue(absl::StrCat("PostgreSQL sent ", found.columns(),
                                     " columns where 2 belong"));
  }
  std::vector<MatchKeyRow> keys;
  keys.reserve(found.rows());
  for (int row = 0; row < found.rows(); ++row) {
    CRM_ASSIGN_OR_RETURN(int kind, KindAt(found, row, 0));
    keys.push_back({kind, std::string(found.Text(row, 1))});
  }
  return keys;
}

absl::StatusOr<std::vector<std::pair<int64_t, MatchKeyRow>>> SelectMatchKeysOf(
    Connection& connection, int64_t workspace_id,
    const std::vector<int64_t>& ids) {
  std::vector<std::pair<int64_t, MatchKeyRow>> keys;
  if (ids.empty()) return keys;
  CRM_ASSIGN_OR_RETURN(
      Result found,
      connection.Execute(
          "SELECT customer_id, kind, key FROM crm_match_keys WHERE "
          "workspace_id = $1 AND customer_id = ANY ($2::bigint[]) ORDER BY "
          "customer_id, kind, key COLLATE \"C\"",
          {absl::StrCat(workspace_id),
           absl::StrCat("{", absl::StrJoin(ids, ","), "}")}));
  if (found.columns() != 3) {
    return DamagedValue(absl::StrCat("PostgreSQL sent ", found.columns(),
                                     " columns where 3 belong"));
  }
  keys.reserve(found.rows());
  for (int row = 0; row < found.rows(); ++row) {
    CRM_ASSIGN_OR_RETURN(int64_t id, found.Integer(row, 0, "customer id"));
    CRM_ASSIGN_OR_RETURN(int kind, KindAt(found, row, 1));
    keys.push_back({id, {kind, std::string(found.Text(row, 2))}});
  }
  return keys;
}

absl::StatusOr<std::vector<MatchKeyHolder>> FindMatchKeyHolders(
    Connection& connection, int64_t workspace_id,
    const std::vector<MatchKeyRow>& keys, int64_t exclude_id,
    int64_t limit_per_key) {
  std::vector<MatchKeyHolder> holders;
  if (keys.empty() || limit_per_key <= 0) return holders;
  CRM_RETURN_IF_ERROR(ValidKeys(keys));
  auto [kinds, texts] = KeyArrays(keys);
  // Per key at most limit + 1 holders are read: one more than the limit
  // tells that the key is too common, without reading all of them.
  CRM_ASSIGN_OR_RETURN(
      Result found,
      connection.Execute(
          "SELECT h.customer_id, w.kind FROM unnest($2::smallint[], "
          "$3::text[]) AS w(kind, key) CROSS JOIN LATERAL (SELECT "
          "array_agg(s.customer_id) AS ids FROM (SELECT m.customer_id FROM "
          "crm_match_keys m WHERE m.workspace_id = $1 AND m.kind = w.kind "
          "AND m.key = w.key COLLATE \"C\" AND m.customer_id <> $4 LIMIT "
          "$5::bigint + 1) s) a CROSS JOIN LATERAL unnest(a.ids) AS "
          "h(customer_id) WHERE cardinality(a.ids) <= $5::bigint GROUP BY "
          "h.customer_id, w.kind ORDER BY h.customer_id, w.kind",
          {absl::StrCat(workspace_id), kinds, texts, absl::StrCat(exclude_id),
           absl::StrCat(limit_per_key)}));
  holders.reserve(found.rows());
  for (int row = 0; row < found.rows(); ++row) {
    CRM_ASSIGN_OR_RETURN(int64_t id, found.Integer(row, 0, "customer id"));
    CRM_ASSIGN_OR_RETURN(int kind, KindAt(found, row, 1));
    holders.push_back({id, kind});
  }
  return holders;
}

absl::Status ForEachMatchKeyGroup(
    Connection& connection, int64_t workspace_id, const std::vector<int>& kinds,
    int64_t after_id,
    absl::FunctionRef<absl::Status(int, const std::string&,
                                   const std::vector<int64_t>&)>
        visit) {
  std::vector<int> ordered = kinds;
  std::sort(ordered.begin(), ordered.end());
  ordered.erase(std::unique(ordered.begin(), ordered.end()), ordered.end());
  // Keyset paging on the primary key (workspace_id, kind, key, customer_id):
  // each page starts after the last row of the one before.
  const std::string sql = absl::StrCat(
      "SELECT m.key, m.customer_id FROM crm_match_keys m WHERE "
      "m.workspace_id = $1 AND m.kind = $2 AND (m.key, m.customer_id) > "
      "($3 COLLATE \"C\", $4::bigint)",
      after_id > 0
          ? " AND EXISTS (SELECT 1 FROM crm_match_keys n WHERE "
            "n.workspace_id = $1 AND n.kind = $2 AND n.key = m.key AND "
            "n.customer_id > $5::bigint)"
          : " AND $5::bigint IS NOT NULL",
      " ORDER BY m.key, m.customer_id LIMIT ", kGroupPageRows);
  for (int kind : ordered) {
    std::string key;
    std::vector<int64_t> ids;
    std::string last_key;
    int64_t last_id = std::numeric_limits<int64_t>::min();
    for (;;) {
      CRM_ASSIGN_OR_RETURN(
          Result page,
          connection.Execute(
              sql, {absl::StrCat(workspace_id), absl::StrCat(kind), last_key,
                    absl::StrCat(last_id), absl::StrCat(after_id)}));
      if (page.columns() != 2) {
        return DamagedValue(absl::StrCat("PostgreSQL sent ", page.columns(),
                                         " columns where 2 belong"));
      }
      for (int row = 0; row < page.rows(); ++row) {
        CRM_ASSIGN_OR_RETURN(int64_t id, page.Integer(row, 1, "customer id"));
        absl::string_view next = page.Text(row, 0);
        if (!ids.empty() && next != key) {
          CRM_RETURN_IF_ERROR(visit(kind, key, ids));
          ids.clear();
        }
        if (ids.empty()) key = std::string(next);
        ids.push_back(id);
        last_id = id;
      }
      if (page.rows() > 0) last_key = key;
      if (page.rows() < kGroupPageRows) break;
    }
    if (!ids.empty()) CRM_RETURN_IF_ERROR(visit(kind, key, ids));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
LoadDuplicateRules(Connection& connection, int64_t workspace_id) {
  CRM_ASSIGN_OR_RETURN(
      Result found,
      connection.Execute("SELECT name, definition FROM crm_duplicate_rules "
                         "WHERE workspace_id = $1 ORDER BY name COLLATE \"C\"",
                         {absl::StrCat(workspace_id)}));
  if (found.columns() != 2) {
    return DamagedValue(absl::StrCat("PostgreSQL sent ", found.columns(),
                                     " columns where 2 belong"));
  }
  std::vector<std::pair<std::string, std::string>> rules;
  rules.reserve(found.rows());
  for (int row = 0; row < found.rows(); ++row) {
    rules.emplace_back(found.Text(row, 0), found.Text(row, 1));
  }
  return rules;
}

absl::Status UpsertDuplicateRule(Connection& connection, int64_t workspace_id,
                                 const std::string& name,
                                 const std::string& definition) {
  for (const std::string* text : {&name, &definition}) {
    CRM_RETURN_IF_ERROR(
        ValidateText(*text, "duplicate rule", [] { return "duplicate rule"; }));
  }
  return Run(connection,
             "INSERT INTO crm_duplicate_rules (workspace_id, name, definition) "
             "VALUES ($1, $2, $3) ON CONFLICT (workspace_id, name) DO UPDATE "
             "SET definition = excluded.definition",
             {absl::StrCat(workspace_id), name, definition});
}

absl::StatusOr<bool> DeleteDuplicateRule(Connection& connection,
                                         int64_t workspace_id,
                                         const std::string& name) {
  CRM_ASSIGN_OR_RETURN(
      Result deleted,
      connection.Execute("DELETE FROM crm_duplicate_rules WHERE workspace_id "
                         "= $1 AND name = $2",
                         {absl::StrCat(workspace_id), name}));
  return deleted.AffectedRows() > 0;
}

absl::StatusOr<std::optional<std::string>> LoadSetting(Connection& connection,
                                                       int64_t workspace_id,
                                                       const std::string& key) {
  CRM_ASSIGN_OR_RETURN(
      Result found,
      connection.Execute("SELECT value FROM crm_settings WHERE workspace_id = "
                         "$1 AND key = $2",
                         {absl::StrCat(workspace_id), key}));
  if (found.rows() == 0) return std::optional<std::string>();
  if (found.columns() != 1) {
    return DamagedValue(absl::StrCat("PostgreSQL sent ", found.columns(),
                                     " columns where 1 belongs"));
  }
  return std::optional<std::string>(std::string(found.Text(0, 0)));
}

absl::Status StoreSetting(Connection& connection, int64_t workspace_id,
                          const std::string& key, const std::string& value) {
  for (const std::string* text : {&key, &value}) {
    CRM_RETURN_IF_ERROR(
        ValidateText(*text, "setting", [] { return "setting"; }));
  }
  return Run(connection,
             "INSERT INTO crm_settings (workspace_id, key, value) VALUES ($1, "
             "$2, $3) ON CONFLICT (workspace_id, key) DO UPDATE SET value = "
             "excluded.value",
             {absl::StrCat(workspace_id), key, value});
}

absl::StatusOr<bool> TakeWorkspaceFlag(Connection& connection,
                                       int64_t workspace_id,
                                       const std::string& key) {
  CRM_ASSIGN_OR_RETURN(
      Result deleted,
      connection.Execute("DELETE FROM crm_workspace_flags WHERE workspace_id "
                         "= $1 AND key = $2",
                         {absl::StrCat(workspace_id), key}));
  return deleted.AffectedRows() > 0;
}

}  // namespace crm::store::postgres
