// What crm query, count and explain share: the query's filter, target,
// parameters, archived fields and point in time as options, and the
// crm_query built from them.
#ifndef CRM_TOOLS_CRM_QUERY_SPEC_H_
#define CRM_TOOLS_CRM_QUERY_SPEC_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "crm/crm.h"
#include "owned.h"

namespace crm::cli {

struct QuerySpec {
  std::string filter;                 // "" for every row
  bool events = false;                // an events query, else customers
  std::vector<std::string> params;    // "name[:kind]=value"
  std::vector<std::string> order_by;  // "field" or "field:asc|desc"
  bool include_archived = false;
  std::string as_of;     // ISO 8601 valid time, "" for now
  std::string known_at;  // ISO 8601 known time, "" for today
};

// Adds the FILTER positional (required when `filter_required`) and --events,
// --param, --include-archived, --as-of and --known-at to `verb`; with
// `order` also --order-by. `spec` outlives the parse.
void AddQuerySpecOptions(CLI::App* verb, QuerySpec& spec, bool filter_required,
                         bool order);

// The crm_query `spec` describes. Throws a usage Failure for a malformed
// --param, --order-by or time, and libcrm's Failure for what libcrm refuses
// while the query is built (the filter itself is checked when it runs).
QueryPtr BuildQuery(const QuerySpec& spec);

// The id column of the target's rows: "seq" for events, else "id".
const char* IdColumn(const QuerySpec& spec);

}  // namespace crm::cli

#endif  // CRM_TOOLS_CRM_QUERY_SPEC_H_
