// query, count, explain and search: reading customers and events by filter
// or by words, through crm_query_* and crm_customer_search.
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "crm/crm.h"
#include "failure.h"
#include "output.h"
#include "query_spec.h"
#include "rows_table.h"
#include "verbs/verbs.h"
#include "workspace.h"

namespace crm::cli {
namespace {

constexpr uint32_t kDefaultPageSize = 100;
constexpr uint32_t kDefaultSearchLimit = 20;

struct QueryVerbOptions {
  QuerySpec spec;
  std::vector<std::string> select;
  uint32_t limit = kDefaultPageSize;
  std::string cursor;
  bool all = false;
  std::vector<std::string> group_by;    // "field[:bucket]"
  std::vector<std::string> aggregates;  // "function[:field]"
};

// "field" then after a ':' the rest, which is "" when there is no ':'.
std::pair<std::string, std::string> SplitColon(const std::string& text) {
  size_t colon = text.find(':');
  if (colon == std::string::npos) return {text, ""};
  return {text.substr(0, colon), text.substr(colon + 1)};
}

void AddGroup(crm_query* query, const std::string& key) {
  static const auto* buckets = new std::map<std::string, int>{
      {"", CRM_BUCKET_NONE},           {"day", CRM_BUCKET_DAY},
      {"week", CRM_BUCKET_WEEK},       {"month", CRM_BUCKET_MONTH},
      {"quarter", CRM_BUCKET_QUARTER}, {"year", CRM_BUCKET_YEAR}};
  auto [field, bucket] = SplitColon(key);
  auto found = buckets->find(bucket);
  if (field.empty() || found == buckets->end()) {
    UsageError("--group-by: '" + key +
               "' is not FIELD or FIELD:day|week|month|quarter|year");
  }
  Check(crm_query_group_by(query, field.c_str(), found->second),
        "cannot group by '" + field + "'");
}

void AddAggregate(crm_query* query, const std::string& spec) {
  static const auto* functions = new std::map<std::string, int>{
      {"count", CRM_AGG_COUNT}, {"count_distinct", CRM_AGG_COUNT_DISTINCT},
      {"sum", CRM_AGG_SUM},     {"avg", CRM_AGG_AVG},
      {"min", CRM_AGG_MIN},     {"max", CRM_AGG_MAX}};
  auto [function, field] = SplitColon(spec);
  auto found = functions->find(function);
  if (found == functions->end()) {
    UsageError("--aggregate: '" + spec +
               "' is not FUNCTION[:FIELD] with FUNCTION count, "
               "count_distinct, sum, avg, min or max");
  }
  Check(crm_query_aggregate(query, found->second,
                            field.empty() ? nullptr : field.c_str(), nullptr),
        "cannot aggregate '" + spec + "'");
}

// --group-by / --aggregate: one row per group, all groups at once.
void RunAggregate(const Globals& globals, const QueryVerbOptions& options,
                  const CLI::App* verb) {
  for (const char* paged : {"--select", "--limit", "--cursor", "--all"}) {
    if (verb->count(paged) > 0) {
      UsageError(std::string(paged) +
                 " does not apply to --group-by or --aggregate (all groups "
                 "come in one table)");
    }
  }
  Workspace workspace(globals, Access::kRead);
  QueryPtr query = BuildQuery(options.spec);
  for (const std::string& key : options.group_by) AddGroup(query.get(), key);
  for (const std::string& spec : options.aggregates) {
    AddAggregate(query.get(), spec);
  }
  if (options.aggregates.empty()) AddAggregate(query.get(), "count");
  crm_rows* raw = nullptr;
  Check(crm_query_run_aggregate(&raw, workspace.db(), query.get()),
        "cannot run the query");
  RowsPtr rows(raw);
  PrintTable(TableFromRows(rows.get(), ""), globals.format, std::cout);
}

void RunQuery(const Globals& globals, const QueryVerbOptions& options,
              const CLI::App* verb) {
  if (!options.group_by.empty() || !options.aggregates.empty()) {
    RunAggregate(globals, options, verb);
    return;
  }
  Workspace workspace(globals, Access::kRead);
  QueryPtr query = BuildQuery(options.spec);
  for (const std::string& field : options.select) {
    Check(crm_query_select(query.get(), field.c_str()),
          "cannot select '" + field + "'");
  }
  Check(crm_query_set_page_size(query.get(), options.limit),
        "cannot use --limit");
  std::string cursor = options.cursor;
  Table table;
  bool first = true;
  while (true) {
    Check(crm_query_set_cursor(query.get(), cursor.c_str()),
          "cannot use --cursor");
    crm_rows* raw = nullptr;
    Check(crm_query_run(&raw, workspace.db(), query.get()),
          "cannot run the query");
    RowsPtr rows(raw);
    Table page = TableFromRows(rows.get(), IdColumn(options.spec));
    if (first) {
      table = std::move(page);
      first = false;
    } else {
      for (auto& row : page.rows) table.rows.push_back(std::move(row));
    }
    cursor = crm_rows_next_cursor(rows.get());
    if (!options.all || cursor.empty()) break;
  }
  PrintTable(table, globals.format, std::cout);
  if (!cursor.empty()) {
    std::cout.flush();
    std::cerr << "crm: more rows: continue with --cursor " << cursor << '\n';
  }
}

void AddQueryVerb(CLI::App& app, const Globals& globals) {
  auto options = std::make_shared<QueryVerbOptions>();
  auto* verb = app.add_subcommand(
      "query",
      "Customers (or with --events, events) matching a filter, a page at a "
      "time; or with --group-by / --aggregate, one row per group");
  AddQuerySpecOptions(verb, options->spec, false, true);
  verb->add_option("--select", options->select,
                   "Only these fields, in this order (comma separated or "
                   "repeated); default: every active field")
      ->delimiter(',')
      ->allow_extra_args(false);
  verb->add_option("--limit", options->limit,
                   "Rows per page, 1 to 10,000 (default 100)")
      ->check(CLI::Range(1u, 10000u));
  verb->add_option("--cursor", options->cursor,
                   "Continue where an earlier page ended (the cursor crm "
                   "printed on stderr)");
  verb->add_flag("--all", options->all,
                 "Every page, not only the first (pages of --limit rows)");
  verb->add_option("--group-by", options->group_by,
                   "Group by FIELD, or a date/datetime FIELD by "
                   "FIELD:day|week|month|quarter|year (comma separated or "
                   "repeated)")
      ->delimiter(',')
      ->allow_extra_args(false);
  verb->add_option("--aggregate", options->aggregates,
                   "FUNCTION[:FIELD] per group (or over all rows): count, "
                   "count_distinct, sum, avg, min, max; default count "
                   "(comma separated or repeated)")
      ->delimiter(',')
      ->allow_extra_args(false);
  verb->footer(
      "Prints at most --limit rows; when more match, the cursor of the next\n"
      "page goes to stderr (\"crm: more rows: continue with --cursor C\").\n"
      "Examples:\n"
      "  crm query \"plan = 'premium'\" --select name,email --order-by "
      "name\n"
      "  crm query 'revenue >= :min' --param min=100 --all --format csv\n"
      "  crm query --group-by plan --aggregate count,sum:revenue\n"
      "  crm query \"plan = 'premium'\" --as-of 2024-03-01\n"
      "  crm query --events \"type = 'call'\" --select "
      "customer_id,occurred_at");
  verb->callback(
      [&globals, options, verb] { RunQuery(globals, *options, verb); });
}

void AddCountVerb(CLI::App& app, const Globals& globals) {
  auto spec = std::make_shared<QuerySpec>();
  auto* verb = app.add_subcommand(
      "count", "How many customers (or events) match a filter");
  AddQuerySpecOptions(verb, *spec, false, false);
  verb->footer(
      "Examples:\n"
      "  crm count \"plan = 'premium'\"\n"
      "  crm count --events \"channel = 'phone'\"\n"
      "  crm count \"plan = 'premium'\" --as-of 2024-03-01");
  verb->callback([&globals, spec] {
    Workspace workspace(globals, Access::kRead);
    QueryPtr query = BuildQuery(*spec);
    int64_t count = 0;
    Check(crm_query_count(&count, workspace.db(), query.get()), "cannot count");
    PrintTable(Table{{"count"}, {{count}}}, globals.format, std::cout);
  });
}

void AddExplainVerb(CLI::App& app, const Globals& globals) {
  auto spec = std::make_shared<QuerySpec>();
  auto* verb = app.add_subcommand(
      "explain",
      "How the workspace's database runs a filter (its own plan text, one "
      "step per line): to check that an index is used");
  AddQuerySpecOptions(verb, *spec, true, true);
  verb->footer(
      "The plan is the backend's: SQLite's EXPLAIN QUERY PLAN for a file,\n"
      "PostgreSQL's EXPLAIN for a server.\n"
      "Example:\n"
      "  crm explain \"plan = 'premium'\" --order-by name");
  verb->callback([&globals, spec] {
    Workspace workspace(globals, Access::kRead);
    QueryPtr query = BuildQuery(*spec);
    char* plan = nullptr;
    Check(crm_query_explain(&plan, workspace.db(), query.get()),
          "cannot explain the query");
    StringPtr owned(plan);
    Table table{{"plan"}, {}};
    std::istringstream lines(plan);
    for (std::string line; std::getline(lines, line);) {
      table.rows.push_back({line});
    }
    PrintTable(table, globals.format, std::cout);
  });
}

void AddSearchVerb(CLI::App& app, const Globals& globals) {
  struct Options {
    std::string text;
    uint32_t limit = kDefaultSearchLimit;
  };
  auto options = std::make_shared<Options>();
  auto* verb = app.add_subcommand(
      "search",
      "Customers whose names, emails, phone numbers, company or other text "
      "match words, best match first");
  verb->add_option("text", options->text,
                   "Words to find; a trailing * matches a prefix (ada lov*)")
      ->required();
  verb->add_option("--limit", options->limit,
                   "At most this many customers, 1 to 10,000 (default 20)")
      ->check(CLI::Range(1u, 10000u));
  verb->footer(
      "Order among matches: a file ranks by bm25, PostgreSQL by ts_rank\n"
      "(ties by id): the same customers, perhaps in another order.\n"
      "Examples:\n"
      "  crm search 'ada lovelace'\n"
      "  crm search 'lov*' --limit 5 --format jsonl");
  verb->callback([&globals, options] {
    Workspace workspace(globals, Access::kRead);
    crm_rows* raw = nullptr;
    Check(crm_customer_search(&raw, workspace.db(), options->text.c_str(),
                              options->limit),
          "cannot search");
    RowsPtr rows(raw);
    PrintTable(TableFromRows(rows.get(), "id"), globals.format, std::cout);
  });
}

}  // namespace

void AddQueryVerbs(CLI::App& app, const Globals& globals) {
  AddQueryVerb(app, globals);
  AddCountVerb(app, globals);
  AddExplainVerb(app, globals);
  AddSearchVerb(app, globals);
}

}  // namespace crm::cli
