// Storage of the full-text index over customers and of saved segments.
#ifndef CRM_STORE_SQLITE_SEARCH_TABLE_H_
#define CRM_STORE_SQLITE_SEARCH_TABLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "store/rows.h"
#include "store/sqlite/connection.h"

namespace crm::store::sqlite {

// Replaces the searchable text of customer `id` (empty text removes it).
// `is_new` skips looking for an earlier text of a just-created customer.
absl::Status SetSearchText(Connection& connection, int64_t id,
                           const std::string& text, bool is_new = false);

// Customers matching an FTS5 query, best first: (id, rank).
absl::StatusOr<std::vector<int64_t>> SearchCustomers(
    Connection& connection, const std::string& fts_query, int64_t limit);

absl::Status SaveSegment(Connection& connection, const SegmentRow& segment);
absl::StatusOr<bool> DeleteSegment(Connection& connection,
                                   const std::string& name);
absl::StatusOr<std::vector<SegmentRow>> LoadSegments(Connection& connection);

}  // namespace crm::store::sqlite

#endif  // CRM_STORE_SQLITE_SEARCH_TABLE_H_
