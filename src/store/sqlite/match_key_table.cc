#include "store/sqlite/match_key_table.h"

#include <algorithm>
#include <tuple>

#include "base/error.h"
#include "store/sqlite/statement.h"

namespace crm::store::sqlite {

absl::Status ReplaceMatchKeys(Connection& connection, int64_t id,
                              const std::vector<MatchKeyRow>& keys) {
  CRM_ASSIGN_OR_RETURN(
      Statement * remove,
      connection.Prepare("DELETE FROM crm_match_keys WHERE customer_id = ?"));
  CRM_RETURN_IF_ERROR(remove->Bind(1, id));
  absl::Status removed = remove->Run();
  remove->Reset();
  CRM_RETURN_IF_ERROR(removed);
  if (keys.empty()) return absl::OkStatus();
  CRM_ASSIGN_OR_RETURN(
      Statement * insert,
      connection.Prepare("INSERT OR IGNORE INTO crm_match_keys(kind, key, "
                         "customer_id) VALUES (?, ?, ?)"));
  for (const MatchKeyRow& key : keys) {
    CRM_RETURN_IF_ERROR(
        insert->BindAll({static_cast<int64_t>(key.kind), key.key, id}));
    absl::Status inserted = insert->Run();
    insert->Reset();
    CRM_RETURN_IF_ERROR(inserted);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<MatchKeyRow>> SelectMatchKeys(Connection& connection,
                                                         int64_t id) {
  CRM_ASSIGN_OR_RETURN(
      Statement * select,
      connection.Prepare("SELECT kind, key FROM crm_match_keys WHERE "
                         "customer_id = ? ORDER BY kind, key"));
  CRM_RETURN_IF_ERROR(select->Bind(1, id));
  std::vector<MatchKeyRow> keys;
  CRM_RETURN_IF_ERROR(select->ForEachRow([&](const Statement& row) {
    keys.push_back({static_cast<int>(row.ColumnInt(0)), row.ColumnText(1)});
  }));
  return keys;
}

absl::StatusOr<std::vector<MatchKeyHolder>> FindMatchKeyHolders(
    Connection& connection, const std::vector<MatchKeyRow>& keys,
    int64_t exclude_id, int64_t limit_per_key) {
  CRM_ASSIGN_OR_RETURN(
      Statement * select,
      connection.Prepare("SELECT customer_id FROM crm_match_keys WHERE kind "
                         "= ? AND key = ? AND customer_id != ? LIMIT ?"));
  std::vector<MatchKeyHolder> holders;
  std::vector<int64_t> ids;
  for (const MatchKeyRow& key : keys) {
    ids.clear();
    CRM_RETURN_IF_ERROR(
        select->BindAll({static_cast<int64_t>(key.kind), key.key, exclude_id,
                         std::max<int64_t>(limit_per_key, 0) + 1}));
    CRM_RETURN_IF_ERROR(select->ForEachRow(
        [&](const Statement& row) { ids.push_back(row.ColumnInt(0)); }));
    if (static_cast<int64_t>(ids.size()) > limit_per_key) continue;
    for (int64_t id : ids) holders.push_back({id, key.kind});
  }
  auto order = [](const MatchKeyHolder& a, const MatchKeyHolder& b) {
    return std::tie(a.customer_id, a.kind) < std::tie(b.customer_id, b.kind);
  };
  std::sort(holders.begin(), holders.end(), order);
  holders.erase(
      std::unique(holders.begin(), holders.end(),
                  [](const MatchKeyHolder& a, const MatchKeyHolder& b) {
                    return a.customer_id == b.customer_id && a.kind == b.kind;
                  }),
      holders.end());
  return holders;
}

absl::Status ForEachMatchKeyGroup(
    Connection& connection, const std::vector<int>& kinds, int64_t after_id,
    absl::FunctionRef<absl::Status(int, const std::string&,
                                   const std::vector<int64_t>&)>
        visit) {
  std::vector<int> ordered = kinds;
  std::sort(ordered.begin(), ordered.end());
  ordered.erase(std::unique(ordered.begin(), ordered.end()), ordered.end());
  // The key groups holding a customer above after_id, in the primary key's
  // order; EXISTS is answered from the same key's rows.
  CRM_ASSIGN_OR_RETURN(
      Statement * select,
      connection.Prepare(
          "SELECT m.key, m.customer_id FROM crm_match_keys m WHERE m.kind = "
          "?1 AND EXISTS (SELECT 1 FROM crm_match_keys n WHERE n.kind = ?1 "
          "AND n.key = m.key AND n.customer_id > ?2) ORDER BY m.key, "
          "m.customer_id"));
  for (int kind : ordered) {
    CRM_RETURN_IF_ERROR(
        select->BindAll({static_cast<int64_t>(kind), after_id}));
    std::string key;
    std::vector<int64_t> ids;
    absl::Status status = absl::OkStatus();
    while (status.ok()) {
      absl::StatusOr<bool> row = select->Step();
      if (!row.ok()) {
        status = row.status();
        break;
      }
      if (!*row) break;
      std::string next = select->ColumnText(0);
      if (!ids.empty() && next != key) {
        status = visit(kind, key, ids);
        ids.clear();
      }
      key = std::move(next);
      ids.push_back(select->ColumnInt(1));
    }
    select->Reset();
    if (status.ok() && !ids.empty()) status = visit(kind, key, ids);
    CRM_RETURN_IF_ERROR(status);
  }
  return absl::OkStatus();
}

}  // namespace crm::store::sqlite
