// Saved segments and the searchable text of customers of PostgreSQL
// workspaces (crm_segments, crm_customer_search): the text and its words as
// a tsvector (search_terms.h), which search.h searches. The PostgreSQL
// backend's methods of the same names forward here (store/backend.h states
// each contract); every function takes the workspace's id and runs inside
// the transaction the caller opened on `connection`.
#ifndef CRM_STORE_POSTGRES_SEGMENT_STORE_H_
#define CRM_STORE_POSTGRES_SEGMENT_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/postgres/connection.h"
#include "store/rows.h"

namespace crm::store::postgres {

absl::Status SetSearchText(Connection& connection, int64_t workspace_id,
                           int64_t id, const std::string& text, bool is_new);
// The stored text of customer `id`, nullopt when it has none.
absl::StatusOr<std::optional<std::string>> SearchText(Connection& connection,
                                                      int64_t workspace_id,
                                                      int64_t id);

absl::Status SaveSegment(Connection& connection, int64_t workspace_id,
                         const SegmentRow& segment);
absl::StatusOr<bool> DeleteSegment(Connection& connection, int64_t workspace_id,
                                   const std::string& name);
absl::StatusOr<std::vector<SegmentRow>> LoadSegments(Connection& connection,
                                                     int64_t workspace_id);

}  // namespace crm::store::postgres

#endif  // CRM_STORE_POSTGRES_SEGMENT_STORE_H_
