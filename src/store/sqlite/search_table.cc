#include "store/sqlite/search_table.h"

#include "base/error.h"

namespace crm::store::sqlite {

absl::Status SetSearchText(Connection& connection, int64_t id,
                           const std::string& text, bool is_new) {
  if (!is_new) {
    CRM_ASSIGN_OR_RETURN(
        Statement * remove,
        connection.Prepare("DELETE FROM crm_customer_search WHERE rowid = ?"));
    CRM_RETURN_IF_ERROR(remove->Bind(1, id));
    CRM_RETURN_IF_ERROR(remove->Run());
  }
  if (text.empty()) return absl::OkStatus();
  CRM_ASSIGN_OR_RETURN(
      Statement * insert,
      connection.Prepare(
          "INSERT INTO crm_customer_search(rowid, content) VALUES (?, ?)"));
  CRM_RETURN_IF_ERROR(insert->BindAll({id, text}));
  return insert->Run();
}

absl::StatusOr<std::vector<int64_t>> SearchCustomers(
    Connection& connection, const std::string& fts_query, int64_t limit) {
  CRM_ASSIGN_OR_RETURN(
      Statement * search,
      connection.Prepare("SELECT rowid FROM crm_customer_search WHERE "
                         "crm_customer_search MATCH ? ORDER BY rank, rowid "
                         "LIMIT ?"));
  CRM_RETURN_IF_ERROR(search->BindAll({fts_query, limit}));
  std::vector<int64_t> ids;
  while (true) {
    absl::StatusOr<bool> more = search->Step();
    if (!more.ok()) {
      search->Reset();
      return more.status();
    }
    if (!*more) break;
    ids.push_back(search->ColumnInt(0));
  }
  search->Reset();
  return ids;
}

absl::Status SaveSegment(Connection& connection, const SegmentRow& segment) {
  CRM_ASSIGN_OR_RETURN(
      Statement * upsert,
      connection.Prepare(
          "INSERT INTO crm_segments(name, target, filter, created_at) "
          "VALUES (?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET "
          "target = excluded.target, filter = excluded.filter"));
  CRM_RETURN_IF_ERROR(upsert->BindAll(
      {segment.name, segment.target, segment.filter, segment.created_at_us}));
  return upsert->Run();
}

absl::StatusOr<bool> DeleteSegment(Connection& connection,
                                   const std::string& name) {
  CRM_ASSIGN_OR_RETURN(
      Statement * remove,
      connection.Prepare("DELETE FROM crm_segments WHERE name = ? "
                         "RETURNING name"));
  CRM_RETURN_IF_ERROR(remove->Bind(1, name));
  CRM_ASSIGN_OR_RETURN(bool found, remove->Step());
  if (found) CRM_RETURN_IF_ERROR(remove->Run());
  remove->Reset();
  return found;
}

absl::StatusOr<std::vector<SegmentRow>> LoadSegments(Connection& connection) {
  CRM_ASSIGN_OR_RETURN(
      Statement * select,
      connection.Prepare("SELECT name, target, filter, created_at FROM "
                         "crm_segments ORDER BY name"));
  std::vector<SegmentRow> rows;
  while (true) {
    CRM_ASSIGN_OR_RETURN(bool more, select->Step());
    if (!more) break;
    rows.push_back({select->ColumnText(0), select->ColumnText(1),
                    select->ColumnText(2), select->ColumnInt(3)});
  }
  select->Reset();
  return rows;
}

}  // namespace crm::store::sqlite
