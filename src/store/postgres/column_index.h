// The indexes on customer values (store/postgres/stored_value.h) and the
// expressions they index. The standard unique columns (email, external_id)
// have indexes over all workspaces, made by migration 3; SetColumnIndex()
// gives a user field an index of its workspace's own: an expression index on
// (the value, workspace_id) with `WHERE workspace_id = N`, named
// crm_ix_<workspace id>_<column>. Stateless; thread-safe.
#ifndef CRM_STORE_POSTGRES_COLUMN_INDEX_H_
#define CRM_STORE_POSTGRES_COLUMN_INDEX_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "store/rows.h"

namespace crm::store::postgres {

// `(data -> 'column')`: the value as jsonb, what lookups and indexes
// compare (as SQLite compares values: text "7" is not the number 7, the
// number 3 equals 3.0). `column` must pass CheckColumnName() (it is spliced
// into the SQL).
std::string ValueExpression(absl::string_view column);
// `lower((data ->> 'column') COLLATE "C")`: the same, ASCII letters folded
// (what SQLite's NOCASE compares).
std::string NoCaseExpression(absl::string_view column);

std::string ColumnIndexName(int64_t workspace_id, absl::string_view column);
// The statistics object beside each such index, crm_st_<workspace>_<column>:
// PostgreSQL keeps no statistics for the expressions of partial indexes, so
// without one it guesses that 0.5% of all rows match a lookup by the value
// and prefers a sequential scan of the shared table.
std::string ColumnStatisticsName(int64_t workspace_id,
                                 absl::string_view column);
std::string ColumnStatisticsSql(int64_t workspace_id, absl::string_view column,
                                ColumnIndex index);
// CREATE INDEX text for `index` (not kNone) on the table crm_customers of
// the search path.
std::string ColumnIndexSql(int64_t workspace_id, absl::string_view column,
                           ColumnIndex index);

// For catalog verification: when `name` is a name ColumnIndexName() gives,
// the CREATE INDEX text SetColumnIndex() would have run for an index of the
// kind `definition` (pg_indexes.indexdef) declares; nullopt otherwise.
// Comparing what that text makes with `definition` tells libcrm's indexes
// from others.
std::optional<std::string> ColumnIndexSqlFor(absl::string_view name,
                                             absl::string_view definition);

// The customer column a unique index or constraint guards, by its name
// ("" for none of libcrm's): for naming the column of a unique violation.
std::string ColumnOfUniqueIndex(absl::string_view name);

}  // namespace crm::store::postgres

#endif  // CRM_STORE_POSTGRES_COLUMN_INDEX_H_
