// Golden tests of the PostgreSQL query renderer (store/postgres/query_sql.h):
// a filter text and field definitions in; the SQL text and the bound
// parameters ($1 the workspace id) out, as one string. A change to the
// checker or to the renderer shows here as a diff of what the server is
// asked, before any test runs it (tests/core/query_golden_test.cc is the
// same for SQLite). No server is needed.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../core/query_test_schema.h"
#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "core/customer_record.h"
#include "core/json.h"
#include "core/query_checker.h"
#include "core/schema.h"
#include "store/postgres/query_sql.h"

namespace crm::core {
namespace {

constexpr int64_t kWorkspace = 42;

std::string Shown(const std::optional<std::string>& param) {
  return param ? absl::StrCat("'", *param, "'") : "NULL";
}

std::string Shown(const absl::StatusOr<store::postgres::RenderedSql>& sql) {
  if (!sql.ok()) {
    std::string rule = RuleOf(sql.status());
    return rule.empty() ? "error" : absl::StrCat("error ", rule);
  }
  std::string out = sql->sql;
  const char* separator = " | ";
  for (const std::optional<std::string>& param : sql->params) {
    absl::StrAppend(&out, separator, Shown(param));
    separator = ", ";
  }
  return out;
}

// "SQL | $1, $2, ..." of the count of `filter`, or "error <rule>".
std::string Golden(QueryTarget target, const std::string& filter,
                   const CustomerRecord& params = {}) {
  static const std::shared_ptr<const Schema> schema = QueryTestSchema();
  // 2024-03-01T00:00:00Z: relative times ("within last") are fixed.
  constexpr int64_t kNow = 1709251200000000;
  absl::StatusOr<std::optional<store::Condition>> condition =
      CheckFilter(*schema, target, filter, params, false, kNow);
  if (!condition.ok()) {
    return absl::StrCat("error ", RuleOf(condition.status()), " @",
                        PositionOf(condition.status()));
  }
  return Shown(store::postgres::RenderCountSql(kWorkspace,
                                               target == QueryTarget::kCustomers
                                                   ? store::Table::kCustomers
                                                   : store::Table::kEvents,
                                               *condition));
}

struct Case {
  const char* filter;
  const char* golden;
};

void ExpectGoldens(QueryTarget target, const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    EXPECT_EQ(Golden(target, c.filter), c.golden) << "filter: " << c.filter;
  }
}

TEST(PostgresQueryGolden, CustomerFilters) {
  const std::vector<Case> cases = {
      {"stage = 'lead'",
       "SELECT count(*) FROM crm_customers c WHERE c.workspace_id = $1 AND "
       "(c.data -> 'stage') IN ($2::jsonb) | '42', '\"lead\"'"},
      {"name = 'Ada' and seats > 5",
       "SELECT count(*) FROM crm_customers c WHERE c.workspace_id = $1 AND "
       "((c.data -> 'name') IN ($2::jsonb) AND (c.data -> 'f_17') > $3::jsonb) "
       "| '42', '\"Ada\"', '5'"},
      {"not (stage = 'lead' or vip = true)",
       "SELECT count(*) FROM crm_customers c WHERE c.workspace_id = $1 AND NOT "
       "(((c.data -> 'stage') IN ($2::jsonb) OR (c.data -> 'f_20') IN "
       "($3::jsonb))) | '42', '\"lead\"', '1'"},
      {"seats between 2 and 10",
       "SELECT count(*) FROM crm_customers c WHERE c.workspace_id = $1 AND "
       "(c.data -> 'f_17') BETWEEN $2::jsonb AND $3::jsonb | '42', '2', '10'"},
      {"stage not in ('former')",
       "SELECT count(*) FROM crm_customers c WHERE c.workspace_id = $1 AND "
       "((c.data -> 'stage') IS NULL OR (c.data -> 'stage') NOT IN "
       "($2::jsonb)) | '42', '\"former\"'"},
      {"stage != 'lead'",
       "SELECT count(*) FROM crm_customers c WHERE c.workspace_id = $1 AND "
       "(c.data -> 'stage') IS DISTINCT FROM $2::jsonb | '42', '\"lead\"'"},
      {"ltv > 1.5",
       "SELECT count(*) FROM crm_customers c WHERE c.workspace_id = $1 AND "
       "(c.data -> 'f_18') > $2::jsonb | '42', '150'"},
      {"since within last 30 days",
       "SELECT count(*) FROM crm_customers c WHERE c.workspace_id = $1 AND "
       "((c.data -> 'f_19') >= $2::jsonb AND (c.data -> 'f_19') < $3::jsonb) | "
       "'42', '\"2024-01-31\"', '\"2024-03-02\"'"},
      {"created_at within last 2 weeks",
       "SELECT count(*) FROM crm_customers c WHERE c.workspace_id = $1 AND "
       "(c.created_at_us >= $2::bigint AND c.created_at_us < $3::bigint) | "
       "'42', '1708041600000000', '1709251201000000'"},
      {"email = 'Ada@Example.com'",
       "SELECT count(*) FROM crm_customers c WHERE c.workspace_id = $1 AND "
       "lower((data ->> 'email') COLLATE \"C\") IN (lower($2::text COLLATE "
       "\"C\")) | '42', 'Ada@Example.com'"},
      {"tags has any ('vip', 'b2b')",
       "SELECT count(*) FROM crm_customers c WHERE c.workspace_id = $1 AND "
       "EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN "
       "jsonb_typeof((c.data -> 'tags')) = 'string' AND left((c.data -> "
       "'tags') #>> '{}', 1) = '[' THEN ((c.data -> 'tags') #>> '{}')::jsonb "
       "ELSE '[]'::jsonb END) AS item(value) WHERE item.value IN ($2::jsonb, "
       "$3::jsonb)) | '42', '\"b2b\"', '\"vip\"'"},
      {"channels has all ('email', 'phone')",
       "SELECT count(*) FROM crm_customers c WHERE c.workspace_id = $1 AND "
       "(SELECT count(DISTINCT item.value) FROM jsonb_array_elements(CASE WHEN "
       "jsonb_typeof((c.data -> 'f_21')) = 'string' AND left((c.data -> "
       "'f_21') #>> '{}', 1) = '[' THEN ((c.data -> 'f_21') #>> '{}')::jsonb "
       "ELSE '[]'::jsonb END) AS item(value) WHERE item.value IN ($2::jsonb, "
       "$3::jsonb)) = 2 | '42', '\"email\"', '\"phone\"'"},
      {"tags is null",
       "SELECT count(*) FROM crm_customers c WHERE c.workspace_id = $1 AND "
       "((c.data -> 'tags') IS NULL OR (c.data -> 'tags') IN ('\"[]\"'::jsonb, "
       "'[]'::jsonb)) | '42'"},
      {"name contains '50%_off'",
       "SELECT count(*) FROM crm_customers c WHERE c.workspace_id = $1 AND "
       "strpos(((c.data -> 'name') #>> '{}'), $2::text) > 0 | '42', '50%_off'"},
      {"name icontains 'A_%'",
       "SELECT count(*) FROM crm_customers c WHERE c.workspace_id = $1 AND "
       "lower(((c.data -> 'name') #>> '{}') COLLATE \"C\") LIKE lower($2::text "
       "COLLATE \"C\") ESCAPE '\\' | '42', '%A\\_\\%%'"},
      {"name starts with 'A'",
       "SELECT count(*) FROM crm_customers c WHERE c.workspace_id = $1 AND "
       "starts_with(((c.data -> 'name') #>> '{}'), $2::text) | '42', 'A'"},
      {"name ends with 'a'",
       "SELECT count(*) FROM crm_customers c WHERE c.workspace_id = $1 AND "
       "right(((c.data -> 'name') #>> '{}'), length($2::text)) = $3::text | "
       "'42', 'a', 'a'"},
      {"phone is not null",
       "SELECT count(*) FROM crm_customers c WHERE c.workspace_id = $1 AND "
       "(c.data -> 'phone') IS NOT NULL | '42'"},
      {"id = 7",
       "SELECT count(*) FROM crm_customers c WHERE c.workspace_id = $1 AND "
       "c.customer_id IN ($2::bigint) | '42', '7'"},
      {"seats = 'many'", "error type @8"},
  };
  ExpectGoldens(QueryTarget::kCustomers, cases);
}

TEST(PostgresQueryGolden, EventFilters) {
  const std::vector<Case> cases = {
      {"type = 'call'",
       "SELECT count(*) FROM crm_events e WHERE e.workspace_id = $1 AND "
       "e.type_id IN (SELECT s.string_id FROM crm_strings s WHERE "
       "s.workspace_id = $1 AND s.text IN ($2::text)) | '42', 'call'"},
      {"channel != 'web'",
       "SELECT count(*) FROM crm_events e WHERE e.workspace_id = $1 AND "
       "(e.channel_id IS NULL OR e.channel_id NOT IN (SELECT s.string_id FROM "
       "crm_strings s WHERE s.workspace_id = $1 AND s.text IN ($2::text))) | "
       "'42', 'web'"},
      {"occurred_at within last 7 days",
       "SELECT count(*) FROM crm_events e WHERE e.workspace_id = $1 AND "
       "(e.occurred_at_us >= $2::bigint AND e.occurred_at_us < $3::bigint) | "
       "'42', '1708646400000000', '1709251201000000'"},
      {"customer.stage = 'customer'",
       "SELECT count(*) FROM crm_events e LEFT JOIN crm_customers c ON "
       "c.workspace_id = $1 AND c.customer_id = e.customer_id WHERE "
       "e.workspace_id = $1 AND (c.data -> 'stage') IN ($2::jsonb) | '42', "
       "'\"customer\"'"},
      {"properties.amount > 100",
       "SELECT count(*) FROM crm_events e WHERE e.workspace_id = $1 AND (CASE "
       "jsonb_typeof((e.properties -> 'amount')) WHEN 'boolean' THEN "
       "to_jsonb(((e.properties -> 'amount'))::boolean::int) WHEN 'null' THEN "
       "NULL ELSE (e.properties -> 'amount') END) > $2::jsonb | '42', '100'"},
      {"properties.sku = 'A-1'",
       "SELECT count(*) FROM crm_events e WHERE e.workspace_id = $1 AND (CASE "
       "jsonb_typeof((e.properties -> 'sku')) WHEN 'boolean' THEN "
       "to_jsonb(((e.properties -> 'sku'))::boolean::int) WHEN 'null' THEN "
       "NULL ELSE (e.properties -> 'sku') END) IN ($2::jsonb) | '42', "
       "'\"A-1\"'"},
      {"properties.skus has any ('a', 'b')",
       "SELECT count(*) FROM crm_events e WHERE e.workspace_id = $1 AND EXISTS "
       "(SELECT 1 FROM jsonb_array_elements(CASE WHEN "
       "jsonb_typeof((e.properties -> 'skus')) = 'array' THEN (e.properties -> "
       "'skus') ELSE '[]'::jsonb END) AS item(value) WHERE item.value IN "
       "($2::jsonb, $3::jsonb)) | '42', '\"a\"', '\"b\"'"},
      {"properties.note icontains 'door'",
       "SELECT count(*) FROM crm_events e WHERE e.workspace_id = $1 AND "
       "lower(((CASE jsonb_typeof((e.properties -> 'note')) WHEN 'boolean' "
       "THEN to_jsonb(((e.properties -> 'note'))::boolean::int) WHEN 'null' "
       "THEN NULL ELSE (e.properties -> 'note') END) #>> '{}') COLLATE \"C\") "
       "LIKE lower($2::text COLLATE \"C\") ESCAPE '\\' | '42', '%door%'"},
      {"idempotency_key = 'k-1'",
       "SELECT count(*) FROM crm_events e WHERE e.workspace_id = $1 AND "
       "e.idempotency_key IN ($2::text) | '42', 'k-1'"},
  };
  ExpectGoldens(QueryTarget::kEvents, cases);
}

// The query's words become a tsquery parameter (search_terms.h); a query
// without words matches nothing, as in FTS5.
TEST(PostgresQueryGolden, SearchMatchesTheCustomersWords) {
  EXPECT_EQ(Golden(QueryTarget::kCustomers, "search matches 'Ådå lov*'"),
            "SELECT count(*) FROM crm_customers c WHERE c.workspace_id = $1 "
            "AND EXISTS (SELECT 1 FROM crm_customer_search s WHERE "
            "s.workspace_id = $1 AND s.customer_id = c.customer_id AND "
            "s.terms @@ $2::tsquery) | '42', '('ada') & ('lov':*)'");
  EXPECT_EQ(Golden(QueryTarget::kCustomers, "search matches '--'"),
            "SELECT count(*) FROM crm_customers c WHERE c.workspace_id = $1 "
            "AND false | '42'");
}

TEST(PostgresQueryGolden, ColumnsNoTableHasFailTheRender) {
  // Names reach the SQL text, so only those of libcrm's columns may.
  for (const char* column : {"f_1'; DROP TABLE crm_events; --", "body"}) {
    store::Condition condition;
    condition.column.table = store::Table::kEvents;
    condition.column.column = column;
    condition.op = store::Compare::kIsNull;
    EXPECT_EQ(Shown(store::postgres::RenderCountSql(
                  kWorkspace, store::Table::kEvents, condition)),
              "error")
        << column;
  }
}

TEST(PostgresQueryGolden, SelectSortsNullsAsSqliteAndPagesByKeyset) {
  store::SelectPlan plan;
  plan.target = store::Table::kCustomers;
  store::ColumnRef name;
  name.column = "name";
  plan.columns.push_back(name);
  store::SortKey seats;
  seats.column.column = "f_17";
  seats.descending = true;
  plan.sort.push_back(seats);
  plan.after_keys.emplace_back(std::in_place_type<int64_t>, 5);
  plan.after_id = 9;
  plan.limit = 11;
  EXPECT_EQ(
      Shown(store::postgres::RenderSelectSql(kWorkspace, plan)),
      "SELECT c.customer_id, c.version, (jsonb_typeof((c.data -> 'name')) || "
      "':' || ((c.data -> 'name') #>> '{}')), (jsonb_typeof((c.data -> "
      "'f_17')) || ':' || ((c.data -> 'f_17') #>> '{}')) FROM crm_customers c "
      "WHERE c.workspace_id = $1 AND ((c.data -> 'f_17') < $2::jsonb OR "
      "(c.data -> 'f_17') IS NULL OR ((c.data -> 'f_17') = $3::jsonb AND "
      "c.customer_id > $4::bigint)) ORDER BY (c.data -> 'f_17') DESC NULLS "
      "LAST, c.customer_id LIMIT $5::bigint | '42', '5', '5', '9', '11'");
}

}  // namespace
}  // namespace crm::core
