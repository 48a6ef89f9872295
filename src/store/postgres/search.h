// Full-text search of PostgreSQL workspaces' customers: the tsvector column
// `terms` of crm_customer_search (catalog.cc, migration 4), which
// SetSearchText() (segment_store.h) fills from the words search_terms.h
// makes, under a GIN index. Which results match the SQLite backend's and
// which may differ is stated in docs/postgresql.md ("Search").
#ifndef CRM_STORE_POSTGRES_SEARCH_H_
#define CRM_STORE_POSTGRES_SEARCH_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "store/postgres/connection.h"

namespace crm::store::postgres {

// Backend::SearchCustomers() for workspace `workspace_id`: the ids of at most
// `limit` customers whose text matches `query` (an FTS5 query of the form
// search_terms.h's TsQueryLiteral() takes), best first by ts_rank and then
// by id. Runs in the caller's transaction on `connection`. Errors: those of
// TsQueryLiteral() and of the connection; kIo rule "damaged" for an id that
// is no number.
absl::StatusOr<std::vector<int64_t>> SearchCustomers(Connection& connection,
                                                     int64_t workspace_id,
                                                     const std::string& query,
                                                     int64_t limit);

// Computes `terms` from `content` for every row of crm_customer_search in
// the database (all workspaces): for PrepareDatabase(), inside its
// transaction, after the migration that added the column. One statement per
// row, in batches of rows read by key.
absl::Status IndexStoredSearchText(Connection& connection);

}  // namespace crm::store::postgres

#endif  // CRM_STORE_POSTGRES_SEARCH_H_
