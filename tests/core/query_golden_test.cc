// Golden tests of the query pipeline: a filter text and field definitions
// in; the SQL text and the bound parameters the checker and the renderer
// make out, as one string (the way LevelDB's write_batch_test states
// snapshots). A change to the lexer, parser, checker or renderer shows here
// as a diff of what SQLite is asked, before any test runs it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "core/access.h"
#include "core/customer_record.h"
#include "core/json.h"
#include "core/query_access.h"
#include "core/query_checker.h"
#include "core/schema.h"
#include "query_test_schema.h"
#include "store/sqlite/query_sql.h"

namespace crm::core {
namespace {

std::string Shown(const store::SqlValue& value) {
  if (store::IsNull(value)) return "NULL";
  if (const int64_t* number = std::get_if<int64_t>(&value)) {
    return absl::StrCat(*number);
  }
  if (const double* real = std::get_if<double>(&value)) {
    return absl::StrCat(*real, "r");
  }
  if (const std::string* text = std::get_if<std::string>(&value)) {
    return absl::StrCat("'", *text, "'");
  }
  return "<blob>";
}

// "SQL | param, param" of a count of `target` under `condition`.
std::string CountSql(QueryTarget target,
                     const std::optional<store::Condition>& condition) {
  store::sqlite::RenderedSql rendered = store::sqlite::RenderCountSql(
      target == QueryTarget::kCustomers ? store::Table::kCustomers
                                        : store::Table::kEvents,
      condition);
  std::string out = rendered.sql;
  const char* separator = " | ";
  for (const store::SqlValue& param : rendered.params) {
    absl::StrAppend(&out, separator, Shown(param));
    separator = ", ";
  }
  return out;
}

// "SQL | param, param" for `filter`, or "error <rule> @<position>".
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
  return CountSql(target, *condition);
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

TEST(QueryGolden, CustomerFilters) {
  const std::vector<Case> cases = {
      {"stage = 'lead'",
       "SELECT count(*) FROM crm_customers c WHERE c.\"stage\" IN (?) | "
       "'lead'"},
      {"name = 'Ada' and seats > 5",
       "SELECT count(*) FROM crm_customers c WHERE (c.\"name\" IN (?) AND "
       "c.\"f_17\" > ?) | 'Ada', 5"},
      {"not (stage = 'lead' or vip = true)",
       "SELECT count(*) FROM crm_customers c WHERE NOT ((c.\"stage\" IN (?) OR "
       "c.\"f_20\" IN (?))) | 'lead', 1"},
      {"seats between 2 and 10",
       "SELECT count(*) FROM crm_customers c WHERE c.\"f_17\" BETWEEN ? AND ? "
       "| 2, 10"},
      {"stage in ('lead', 'prospect')",
       "SELECT count(*) FROM crm_customers c WHERE c.\"stage\" IN (?, ?) | "
       "'lead', 'prospect'"},
      {"stage not in ('former')",
       "SELECT count(*) FROM crm_customers c WHERE (c.\"stage\" IS NULL OR "
       "c.\"stage\" NOT IN (?)) | 'former'"},
      {"ltv > 1.5",
       "SELECT count(*) FROM crm_customers c WHERE c.\"f_18\" > ? | 150"},
      {"since >= '2024-01-31'",
       "SELECT count(*) FROM crm_customers c WHERE c.\"f_19\" >= ? | "
       "'2024-01-31'"},
      {"since within last 30 days",
       "SELECT count(*) FROM crm_customers c WHERE (c.\"f_19\" >= ? AND "
       "c.\"f_19\" < ?) | '2024-01-31', '2024-03-02'"},
      {"created_at within last 2 weeks",
       "SELECT count(*) FROM crm_customers c WHERE (c.\"created_at\" >= ? AND "
       "c.\"created_at\" < ?) | 1708041600000000, 1709251201000000"},
      {"tags has 'vip'",
       "SELECT count(*) FROM crm_customers c WHERE EXISTS (SELECT 1 FROM "
       "json_each(c.\"tags\") WHERE value IN (?)) | 'vip'"},
      {"tags has any ('vip', 'b2b')",
       "SELECT count(*) FROM crm_customers c WHERE EXISTS (SELECT 1 FROM "
       "json_each(c.\"tags\") WHERE value IN (?, ?)) | 'b2b', 'vip'"},
      {"channels has all ('email', 'phone')",
       "SELECT count(*) FROM crm_customers c WHERE (SELECT count(DISTINCT "
       "value) FROM json_each(c.\"f_21\") WHERE value IN (?, ?)) = 2 | "
       "'email', 'phone'"},
      {"name contains '50%_off'",
       "SELECT count(*) FROM crm_customers c WHERE instr(c.\"name\", ?) > 0 | "
       "'50%_off'"},
      {"name icontains 'ADA'",
       "SELECT count(*) FROM crm_customers c WHERE c.\"name\" LIKE ? ESCAPE "
       "'\\' | '%ADA%'"},
      {"name starts with 'A'",
       "SELECT count(*) FROM crm_customers c WHERE substr(c.\"name\", 1, "
       "length(?)) = ? | 'A', 'A'"},
      {"email is null",
       "SELECT count(*) FROM crm_customers c WHERE c.\"email\" IS NULL"},
      {"phone is not null",
       "SELECT count(*) FROM crm_customers c WHERE c.\"phone\" IS NOT NULL"},
      {"id = 7",
       "SELECT count(*) FROM crm_customers c WHERE c.\"id\" IN (?) | 7"},
      {"seats = 'many'", "error type @8"},
      {"nosuch = 1", "error unknown_field @0"},
      {"(((stage = 'lead')))",
       "SELECT count(*) FROM crm_customers c WHERE c.\"stage\" IN (?) | "
       "'lead'"},
  };
  ExpectGoldens(QueryTarget::kCustomers, cases);
}

TEST(QueryGolden, EventFilters) {
  const std::vector<Case> cases = {
      {"type = 'call'",
       "SELECT count(*) FROM crm_events e WHERE e.\"type_id\" IN (SELECT id "
       "FROM crm_strings WHERE text IN (?)) | 'call'"},
      {"channel in ('web', 'phone') and occurred_at within last 7 days",
       "SELECT count(*) FROM crm_events e WHERE (e.\"channel_id\" IN (SELECT "
       "id FROM crm_strings WHERE text IN (?, ?)) AND (e.\"occurred_at\" >= ? "
       "AND e.\"occurred_at\" < ?)) | 'web', 'phone', 1708646400000000, "
       "1709251201000000"},
      {"customer.stage = 'customer'",
       "SELECT count(*) FROM crm_events e LEFT JOIN crm_customers c ON c.id = "
       "e.customer_id WHERE c.\"stage\" IN (?) | 'customer'"},
      {"properties.amount > 100",
       "SELECT count(*) FROM crm_events e WHERE crm_property(e.body, "
       "'amount') > ? | 100"},
      {"properties.sku = 'A-1'",
       "SELECT count(*) FROM crm_events e WHERE crm_property(e.body, 'sku') "
       "IN (?) | 'A-1'"},
      {"properties.skus has any ('a', 'b')",
       "SELECT count(*) FROM crm_events e WHERE EXISTS (SELECT 1 FROM "
       "json_each(crm_property_list(e.body, 'skus')) WHERE value IN (?, ?)) | "
       "'a', 'b'"},
      {"properties.sku not in ('A-1')",
       "SELECT count(*) FROM crm_events e WHERE (crm_property(e.body, 'sku') "
       "IS NULL OR crm_property(e.body, 'sku') NOT IN (?)) | 'A-1'"},
      {"customer.seats >= 3 and type != 'visit'",
       "SELECT count(*) FROM crm_events e LEFT JOIN crm_customers c ON c.id = "
       "e.customer_id WHERE (c.\"f_17\" >= ? AND (e.\"type_id\" IS NULL OR "
       "e.\"type_id\" NOT IN (SELECT id FROM crm_strings WHERE text IN (?)))) "
       "| 3, 'visit'"},
  };
  ExpectGoldens(QueryTarget::kEvents, cases);
}

TEST(QueryGolden, ParametersBindAsTheFieldStoresThem) {
  CustomerRecord params;
  params.Set("min", Value::Decimal("12.5"));
  params.Set("1", Value::Integer(3));
  EXPECT_EQ(
      Golden(QueryTarget::kCustomers, "ltv >= :min and seats < ?", params),
      "SELECT count(*) FROM crm_customers c WHERE (c.\"f_18\" >= ? AND "
      "c.\"f_17\" < ?) | 1250, 3");
}

// The condition a restricted handle ANDs into event queries for the
// (type, channel) pairs its profile reads (query_access.h ReadableEvents).
std::string ReadableGolden(std::vector<EventRule> rules) {
  static const std::shared_ptr<const Schema> schema = QueryTestSchema();
  ProfileDefinition definition;
  definition.name = "p";
  definition.events = std::move(rules);
  Access access(definition, *schema);
  return CountSql(QueryTarget::kEvents, ReadableEvents(access));
}

TEST(QueryGolden, EventsAProfileReads) {
  using enum EventAccess;
  // No rule: no event.
  EXPECT_EQ(ReadableGolden({}),
            "SELECT count(*) FROM crm_events e WHERE e.\"seq\" IS NULL");
  // A type on any channel.
  EXPECT_EQ(ReadableGolden({{"call", "", kRead}}),
            "SELECT count(*) FROM crm_events e WHERE e.\"type_id\" IN (SELECT "
            "id FROM crm_strings WHERE text IN (?)) | 'call'");
  // A type but one channel; a channel of any other type.
  EXPECT_EQ(
      ReadableGolden({{"call", "", kAppend},
                      {"call", "sms", kHidden},
                      {"", "email", kRead}}),
      "SELECT count(*) FROM crm_events e WHERE ((e.\"type_id\" IN (SELECT id "
      "FROM crm_strings WHERE text IN (?)) AND e.\"channel_id\" IN (SELECT "
      "id FROM crm_strings WHERE text IN (?))) OR (e.\"type_id\" IN (SELECT "
      "id FROM crm_strings WHERE text IN (?)) AND (e.\"channel_id\" IS NULL "
      "OR e.\"channel_id\" NOT IN (SELECT id FROM crm_strings WHERE text IN "
      "(?, ?)))) OR ((e.\"type_id\" IS NULL OR e.\"type_id\" NOT IN (SELECT "
      "id FROM crm_strings WHERE text IN (?))) AND e.\"channel_id\" IN "
      "(SELECT id FROM crm_strings WHERE text IN (?)))) | 'call', 'email', "
      "'call', 'email', 'sms', 'call', 'email'");
}

}  // namespace
}  // namespace crm::core
