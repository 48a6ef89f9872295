// Golden tests of the PostgreSQL query renderer (store/postgres/query_sql.h):
// a filter text and field definitions in; the SQL text and the bound
// parameters ($1 the workspace id) out, as one string. A change to the
// checker or to the renderer shows here as a diff of what the server is
// asked, before any test runs it (tests/core/query_golden_test.cc is the
// same for SQLite). No server is needed.
#include <gtest/gtest.h>

#include <string>
#include <vector>

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

// The standard fields and a few user fields, as crm_fields rows.
std::shared_ptr<const Schema> TestSchema() {
  std::vector<store::FieldRow> rows;
  int64_t id = 0;
  for (const wire::FieldDefinition& definition : StandardFieldDefinitions()) {
    rows.push_back({++id, definition.name(), definition.name(), "active",
                    MessageToJson(definition)});
  }
  for (const char* json : {
           R"({"name": "seats", "type": "integer"})",
           R"({"name": "ltv", "type": "decimal", "scale": 2})",
           R"({"name": "since", "type": "date"})",
           R"({"name": "vip", "type": "boolean"})",
           R"({"name": "channels", "type": "multi_choice",
               "options": ["email", "phone"]})",
       }) {
    wire::FieldDefinition definition;
    absl::Status parsed =
        MessageFromJson(json, "field definition", &definition);
    EXPECT_TRUE(parsed.ok()) << parsed;
    ++id;
    rows.push_back({id, definition.name(), absl::StrCat("f_", id), "active",
                    MessageToJson(definition)});
  }
  absl::StatusOr<std::shared_ptr<const Schema>> schema =
      Schema::FromRows(rows, {}, 1);
  EXPECT_TRUE(schema.ok()) << schema.status();
  return *schema;
}

std::string Shown(const std::optional<std::string>& param) {
  return param ? absl::StrCat("'", *param, "'") : "NULL";
}

std::string Shown(const absl::StatusOr<store::postgres::RenderedSql>& sql) {
  if (!sql.ok()) return absl::StrCat("error ", RuleOf(sql.status()));
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
  static const std::shared_ptr<const Schema> schema = TestSchema();
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
      {"stage = 'lead'", ""},
      {"name = 'Ada' and seats > 5", ""},
      {"not (stage = 'lead' or vip = true)", ""},
      {"seats between 2 and 10", ""},
      {"stage not in ('former')", ""},
      {"stage != 'lead'", ""},
      {"ltv > 1.5", ""},
      {"since within last 30 days", ""},
      {"created_at within last 2 weeks", ""},
      {"email = 'Ada@Example.com'", ""},
      {"tags has any ('vip', 'b2b')", ""},
      {"channels has all ('email', 'phone')", ""},
      {"tags is null", ""},
      {"name contains '50%_off'", ""},
      {"name icontains 'A_%'", ""},
      {"name starts with 'A'", ""},
      {"name ends with 'a'", ""},
      {"phone is not null", ""},
      {"id = 7", ""},
      {"seats = 'many'", ""},
  };
  ExpectGoldens(QueryTarget::kCustomers, cases);
}

TEST(PostgresQueryGolden, EventFilters) {
  const std::vector<Case> cases = {
      {"type = 'call'", ""},
      {"channel != 'web'", ""},
      {"occurred_at within last 7 days", ""},
      {"customer.stage = 'customer'", ""},
      {"properties.amount > 100", ""},
      {"properties.sku = 'A-1'", ""},
      {"properties.skus has any ('a', 'b')", ""},
      {"properties.note icontains 'door'", ""},
      {"idempotency_key = 'k-1'", ""},
  };
  ExpectGoldens(QueryTarget::kEvents, cases);
}

TEST(PostgresQueryGolden, SearchIsNotRenderedYet) {
  EXPECT_EQ(Golden(QueryTarget::kCustomers, "search matches 'ada'"),
            "error backend");
}

TEST(PostgresQueryGolden, ValuesPostgresCannotHoldFailTheRender) {
  CustomerRecord params;
  params.Set("1", Value::Text(std::string("a\0b", 3)));
  EXPECT_EQ(Golden(QueryTarget::kCustomers, "name = ?", params), "error none");
}

TEST(PostgresQueryGolden, SelectSortsNullsAsSqliteAndPagesByKeyset) {
  store::SelectPlan plan;
  plan.target = store::Table::kCustomers;
  plan.columns.push_back(
      {store::Table::kCustomers, "name", false, false, false, ""});
  plan.sort.push_back(
      {{store::Table::kCustomers, "f_17", false, false, false, ""}, true});
  plan.after_keys.push_back(int64_t{5});
  plan.after_id = 9;
  plan.limit = 11;
  EXPECT_EQ(Shown(store::postgres::RenderSelectSql(kWorkspace, plan)), "");
}

}  // namespace
}  // namespace crm::core
