// Filters, sorts and groupings checked against the workspace's fields and
// turned into store plans.
#ifndef CRM_CORE_QUERY_CHECKER_H_
#define CRM_CORE_QUERY_CHECKER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "core/customer_record.h"
#include "core/field_type.h"
#include "core/schema.h"
#include "query/ast.h"
#include "store/query_plan.h"

namespace crm::core {

enum class QueryTarget { kCustomers, kEvents };

// A name a query can use, resolved: a customer field, or an attribute of an
// event (seq, customer_id, type, channel, actor, source, idempotency_key,
// occurred_at, recorded_at), or from events "customer.<field>".
struct QueryField {
  std::string name;
  store::ColumnRef column;
  FieldType type = FieldType::kText;
  const Field* field = nullptr;  // null for ids and event attributes
  // An event property ("properties.<name>"): its values are typed by what
  // each event holds, so operands are compared as written.
  bool property = false;
};

// Archived fields resolve only with `include_archived`.
absl::StatusOr<QueryField> ResolveQueryField(const Schema& schema,
                                             QueryTarget target,
                                             absl::string_view name,
                                             bool include_archived);

// The store condition for `filter` ("" for none), with parameters taken
// from `params` by name ("1", "2", ... for '?'). Relative times ("within
// last 30 days") are relative to `now_us`.
absl::StatusOr<std::optional<store::Condition>> CheckFilter(
    const Schema& schema, QueryTarget target, absl::string_view filter,
    const CustomerRecord& params, bool include_archived, int64_t now_us);

// CheckFilter() for a filter already parsed (query::Parse()).
absl::StatusOr<store::Condition> CheckParsedFilter(
    const Schema& schema, QueryTarget target, const query::Expr& filter,
    const CustomerRecord& params, bool include_archived, int64_t now_us);

// Whether the condition checked from `filter` depends on nothing but the
// schema: no parameter and no time relative to now.
bool IsConstantFilter(const query::Expr& filter);

// An FTS5 query for the words of `text`: each word quoted (nothing of the
// text is FTS syntax), a trailing '*' kept as a prefix search.
absl::StatusOr<std::string> FullTextQuery(const std::string& text);

// The value a stored form stands for in a query result.
absl::StatusOr<Value> ResultValue(const QueryField& field,
                                  const store::SqlValue& stored);

}  // namespace crm::core

#endif  // CRM_CORE_QUERY_CHECKER_H_
