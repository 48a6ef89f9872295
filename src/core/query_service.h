// Queries over customers and events: filtered, sorted, paged rows; counts;
// aggregates with time buckets; field fill rates; full-text search; saved
// segments; cohorts.
#ifndef CRM_CORE_QUERY_SERVICE_H_
#define CRM_CORE_QUERY_SERVICE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "core/customer_record.h"
#include "core/query_checker.h"
#include "core/workspace.h"
#include "store/query_plan.h"

namespace crm::core {

struct SortSpec {
  std::string field;
  bool descending = false;
};

struct GroupSpec {
  std::string field;
  store::Bucket bucket = store::Bucket::kNone;
};

struct AggregateSpec {
  store::Function function = store::Function::kCount;
  std::string field;  // empty for a row count
  std::string alias;  // the result's name; a default is made when empty
};

struct QueryRequest {
  QueryTarget target = QueryTarget::kCustomers;
  std::string filter;
  CustomerRecord params;  // "1", "2", ... for '?'; names for ':name'
  bool include_archived = false;
  std::vector<std::string> select;  // empty: every active field
  std::vector<SortSpec> sort;
  int64_t page_size = 100;  // 1 to 10,000
  std::string cursor;
  std::vector<GroupSpec> groups;
  std::vector<AggregateSpec> aggregates;
  // crm_query_set_as_of(): customers as of valid time `valid_us` by what
  // was recorded up to `known_at_us`; INT64_MAX (CRM_TIME_MAX) as valid
  // time is now, today's path. Events queries refuse a past valid time.
  int64_t valid_us = INT64_MAX;
  int64_t known_at_us = INT64_MAX;
};

// Result rows as records (id and version set for customers, id = seq for
// events), and where the next page starts ("" at the end).
struct QueryPage {
  std::vector<std::string> columns;  // the names every row may hold
  std::vector<CustomerRecord> rows;
  std::string next_cursor;
};

absl::StatusOr<QueryPage> RunQuery(Session& session,
                                   const QueryRequest& request);
absl::StatusOr<int64_t> CountQuery(Session& session,
                                   const QueryRequest& request);
// The backend's plan for the request's select, one step a line.
absl::StatusOr<std::string> ExplainQuery(Session& session,
                                         const QueryRequest& request);
// One row per group: the group fields (buckets as text such as "2024-03",
// "2024-Q1", "2024-W" weeks as their Monday), then each aggregate by alias.
absl::StatusOr<QueryPage> RunAggregate(Session& session,
                                       const QueryRequest& request);
// The aggregate of RunAggregate() (a count without aggregates) as of each
// of `instants` (valid times; the request's valid time is replaced, its
// known_at kept), in one pass over the history: rows start with "valid_at",
// one group of rows per instant in the order given. Customers only (rule
// "target"); at least one instant (rule "instants"; the C ABI checks the
// most).
absl::StatusOr<QueryPage> RunSeries(Session& session,
                                    const QueryRequest& request,
                                    const std::vector<int64_t>& instants);

// One row per active field: field, label, group, filled, total.
absl::StatusOr<QueryPage> FillRates(Session& session);

// Customers matching the words of `text` (a trailing * matches a prefix),
// best first, with every active field.
absl::StatusOr<QueryPage> SearchCustomers(Session& session,
                                          absl::string_view text,
                                          int64_t limit);

// The searchable text of a customer whose stored values (aligned with the
// schema's stored fields) are `values`: its textual values, and phone
// numbers' digits.
std::string SearchText(const Schema& schema,
                       const std::vector<store::SqlValue>& values);

// Rebuilds customer `id`'s search text from its stored values (removes it
// when the customer is gone).
absl::Status IndexCustomerText(Session& session, int64_t id);
// Indexes every customer (for files from before the search index).
absl::Status IndexAllCustomerText(Session& session);

// Calls `visit` with the id of every customer the session sees, ascending,
// one page of ids (the query path's largest) in memory at a time; stops at
// `visit`'s first error.
absl::Status ForEachCustomerId(
    Session& session, absl::FunctionRef<absl::Status(int64_t id)> visit);

// Saved segments: a named filter (no parameters) over a target.
absl::Status SaveSegment(Session& session, absl::string_view name,
                         QueryTarget target, absl::string_view filter);
absl::Status DeleteSegment(Session& session, absl::string_view name);
absl::StatusOr<int64_t> CountSegment(Session& session, absl::string_view name);
// One row per segment: name, target, filter, count.
absl::StatusOr<QueryPage> ListSegments(Session& session);
// The segments whose filter names `field` (for refusing to delete it).
absl::StatusOr<std::vector<std::string>> SegmentsUsingField(
    Session& session, absl::string_view field);

// For customers whose first event of type `first_type` falls in each bucket
// (of its time): customers, customers with an event of type `then_type`
// within `within_days` after it, and how many such events.
absl::StatusOr<QueryPage> RunCohort(Session& session,
                                    absl::string_view first_type,
                                    absl::string_view then_type,
                                    int64_t within_days, store::Bucket bucket);

}  // namespace crm::core

#endif  // CRM_CORE_QUERY_SERVICE_H_
