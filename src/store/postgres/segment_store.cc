#include "store/postgres/segment_store.h"

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "store/postgres/search_terms.h"

namespace crm::store::postgres {

absl::Status SetSearchText(Connection& connection, int64_t workspace_id,
                           int64_t id, const std::string& text, bool is_new) {
  if (text.empty()) {
    if (is_new) return absl::OkStatus();
    return connection
        .Execute(
            "DELETE FROM crm_customer_search WHERE workspace_id = $1 AND "
            "customer_id = $2",
            {absl::StrCat(workspace_id), absl::StrCat(id)})
        .status();
  }
  CRM_ASSIGN_OR_RETURN(std::string terms, TsVectorLiteral(text));
  return connection
      .Execute(
          "INSERT INTO crm_customer_search (workspace_id, customer_id, "
          "content, terms) VALUES ($1, $2, $3, $4::tsvector) ON CONFLICT "
          "(workspace_id, customer_id) DO UPDATE SET content = "
          "excluded.content, terms = excluded.terms",
          {absl::StrCat(workspace_id), absl::StrCat(id), text, terms})
      .status();
}

absl::StatusOr<std::optional<std::string>> SearchText(Connection& connection,
                                                      int64_t workspace_id,
                                                      int64_t id) {
  CRM_ASSIGN_OR_RETURN(
      Result read,
      connection.Execute("SELECT content FROM crm_customer_search WHERE "
                         "workspace_id = $1 AND customer_id = $2",
                         {absl::StrCat(workspace_id), absl::StrCat(id)}));
  if (read.rows() == 0) return std::optional<std::string>();
  return std::optional<std::string>(std::string(read.Text(0, 0)));
}

absl::Status SaveSegment(Connection& connection, int64_t workspace_id,
                         const SegmentRow& segment) {
  return connection
      .Execute(
          "INSERT INTO crm_segments (workspace_id, name, target, filter, "
          "created_at_us) VALUES ($1, $2, $3, $4, $5) ON CONFLICT "
          "(workspace_id, name) DO UPDATE SET target = excluded.target, "
          "filter = excluded.filter",
          {absl::StrCat(workspace_id), segment.name, segment.target,
           segment.filter, absl::StrCat(segment.created_at_us)})
      .status();
}

absl::StatusOr<bool> DeleteSegment(Connection& connection, int64_t workspace_id,
                                   const std::string& name) {
  CRM_ASSIGN_OR_RETURN(
      Result deleted,
      connection.Execute(
          "DELETE FROM crm_segments WHERE workspace_id = $1 AND name = $2",
          {absl::StrCat(workspace_id), name}));
  return deleted.AffectedRows() > 0;
}

absl::StatusOr<std::vector<SegmentRow>> LoadSegments(Connection& connection,
                                                     int64_t workspace_id) {
  CRM_ASSIGN_OR_RETURN(
      Result loaded,
      connection.Execute("SELECT name, target, filter, created_at_us FROM "
                         "crm_segments WHERE workspace_id = $1 ORDER BY name",
                         {absl::StrCat(workspace_id)}));
  std::vector<SegmentRow> rows;
  rows.reserve(loaded.rows());
  for (int row = 0; row < loaded.rows(); ++row) {
    CRM_ASSIGN_OR_RETURN(int64_t created,
                         loaded.Integer(row, 3, "segment creation time"));
    rows.push_back({std::string(loaded.Text(row, 0)),
                    std::string(loaded.Text(row, 1)),
                    std::string(loaded.Text(row, 2)), created});
  }
  return rows;
}

}  // namespace crm::store::postgres
