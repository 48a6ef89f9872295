#include "store/postgres/search.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "store/postgres/search_terms.h"

namespace crm::store::postgres {

absl::StatusOr<std::vector<int64_t>> SearchCustomers(Connection& connection,
                                                     int64_t workspace_id,
                                                     const std::string& query,
                                                     int64_t limit) {
  CRM_ASSIGN_OR_RETURN(std::optional<std::string> tsquery,
                       TsQueryLiteral(query));
  std::vector<int64_t> ids;
  if (!tsquery.has_value() || limit <= 0) return ids;
  CRM_ASSIGN_OR_RETURN(
      Result found,
      connection.Execute(
          "SELECT customer_id FROM crm_customer_search WHERE workspace_id = "
          "$1 AND terms @@ $2::tsquery ORDER BY ts_rank(terms, $2::tsquery) "
          "DESC, customer_id LIMIT $3",
          {absl::StrCat(workspace_id), *tsquery, absl::StrCat(limit)}));
  ids.reserve(found.rows());
  for (int row = 0; row < found.rows(); ++row) {
    CRM_ASSIGN_OR_RETURN(int64_t id, found.Integer(row, 0, "customer id"));
    ids.push_back(id);
  }
  return ids;
}

absl::Status IndexStoredSearchText(Connection& connection) {
  constexpr int kBatchRows = 1000;
  Parameters after = {"0", "0", absl::StrCat(kBatchRows)};
  while (true) {
    CRM_ASSIGN_OR_RETURN(
        Result batch,
        connection.Execute(
            "SELECT workspace_id, customer_id, content FROM "
            "crm_customer_search WHERE (workspace_id, customer_id) > "
            "($1::bigint, $2::bigint) ORDER BY workspace_id, customer_id "
            "LIMIT $3",
            after));
    for (int row = 0; row < batch.rows(); ++row) {
      CRM_ASSIGN_OR_RETURN(std::string terms,
                           TsVectorLiteral(batch.Text(row, 2)));
      after[0] = std::string(batch.Text(row, 0));
      after[1] = std::string(batch.Text(row, 1));
      CRM_RETURN_IF_ERROR(
          Run(connection,
              "UPDATE crm_customer_search SET terms = $3::tsvector WHERE "
              "workspace_id = $1 AND customer_id = $2",
              Parameters{after[0], after[1], terms}));
    }
    if (batch.rows() < kBatchRows) return absl::OkStatus();
  }
}

}  // namespace crm::store::postgres
