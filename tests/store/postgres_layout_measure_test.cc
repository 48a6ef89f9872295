// A measurement, not a test: run by hand (it is disabled by default) to see
// what the jsonb layout of customer values (store/postgres/stored_value.h)
// costs per operation on this machine's server:
//   crm_postgres_tests --gtest_also_run_disabled_tests
//     --gtest_filter='*MeasureLayout*'
// 20,000 customers of 10 values each are inserted (a scope per 1,000, as a
// batch runs), then each is read back by id and by a unique indexed field,
// all in one read scope and again each in a scope of its own, as single
// calls run. Prints the times; asserts only that the work was done.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "store/backend.h"
#include "store/postgres/connection.h"
#include "store/postgres/workspaces.h"

namespace crm::store::postgres {
namespace {

const int kCustomers = std::getenv("CRM_MEASURE_SMALL") ? 2000 : 20000;
constexpr int kFields = 10;

double MicrosSince(std::chrono::steady_clock::time_point start, int count) {
  auto elapsed = std::chrono::steady_clock::now() - start;
  return std::chrono::duration<double, std::micro>(elapsed).count() / count;
}

TEST(PostgresLayoutTest, DISABLED_MeasureLayout) {
  const char* server = std::getenv("CRM_TEST_POSTGRES_URL");
  ASSERT_NE(server, nullptr);
  auto admin = Connection::Open(server);
  ASSERT_TRUE(admin.ok());
  ASSERT_TRUE((*admin)
                  ->ExecuteScript("DROP SCHEMA IF EXISTS measure CASCADE; "
                                  "CREATE SCHEMA measure")
                  .ok());
  std::string url = absl::StrCat(
      server, "&options=-csearch_path%3Dmeasure&workspace=measure");
  auto opened = OpenWorkspace(url, {}, [](const std::vector<FieldRow>& rows) {
    std::vector<FieldColumn> columns;
    for (const FieldRow& row : rows) {
      columns.push_back(
          {row.id, false, row.column,
           row.column == "f_1" ? ColumnIndex::kUnique : ColumnIndex::kNone});
    }
    return absl::StatusOr<std::vector<FieldColumn>>(columns);
  });
  ASSERT_TRUE(opened.ok()) << opened.status();
  Backend& backend = **opened;
  std::vector<std::string> columns;
  {
    auto scope = Scope::Begin(backend, ScopeKind::kWrite);
    for (int f = 0; f < kFields; ++f) {
      auto field = backend.InsertUserField(
          {0, absl::StrCat("field", f), "", "active", "{}"});
      ASSERT_TRUE(field.ok());
      columns.push_back(field->column);
    }
    ASSERT_TRUE(backend.SetColumnIndex("f_1", ColumnIndex::kUnique).ok());
    ASSERT_TRUE(scope->Commit().ok());
  }
  auto row_values = [&](int i) {
    ColumnValues values{columns, std::vector<SqlValue>(kFields)};
    values.values[0].emplace<std::string>(absl::StrCat("key-", i));  // unique
    for (int f = 1; f < kFields; ++f) {
      if (f % 3 == 0) {
        values.values[f].emplace<int64_t>(int64_t{i} * 100 + f);
      } else if (f % 3 == 1) {
        values.values[f].emplace<double>(i * 0.5 + f);
      } else {
        values.values[f].emplace<std::string>(
            absl::StrCat("text value ", i, " of ", f));
      }
    }
    return values;
  };

  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kCustomers; i += 1000) {
    auto scope = Scope::Begin(backend, ScopeKind::kWrite);
    for (int j = i; j < i + 1000; ++j) {
      ASSERT_TRUE(backend.InsertCustomer(1, 1, row_values(j)).ok());
    }
    ASSERT_TRUE(scope->Commit().ok());
  }
  double insert = MicrosSince(start, kCustomers);
  // Statistics as autovacuum's ANALYZE leaves them soon after a bulk load
  // (until then the planner may scan the table for a lookup by field).
  ASSERT_TRUE((*admin)->ExecuteScript("ANALYZE measure.crm_customers").ok());

  start = std::chrono::steady_clock::now();
  {
    auto scope = Scope::Begin(backend, ScopeKind::kRead);
    for (int i = 1; i <= kCustomers; ++i) {
      auto row = backend.SelectCustomer(columns, "id", int64_t{i}, false);
      ASSERT_TRUE(row.ok() && row->has_value());
    }
  }
  double by_id = MicrosSince(start, kCustomers);

  start = std::chrono::steady_clock::now();
  {
    auto scope = Scope::Begin(backend, ScopeKind::kRead);
    for (int i = 0; i < kCustomers; ++i) {
      auto row = backend.SelectCustomer(columns, "f_1", absl::StrCat("key-", i),
                                        false);
      ASSERT_TRUE(row.ok() && row->has_value());
    }
  }
  double by_field = MicrosSince(start, kCustomers);

  constexpr int kCalls = 2000;
  start = std::chrono::steady_clock::now();
  for (int i = 1; i <= kCalls; ++i) {
    auto scope = Scope::Begin(backend, ScopeKind::kRead);
    ASSERT_TRUE(backend.SelectCustomer(columns, "id", int64_t{i}, false).ok());
    ASSERT_TRUE(scope->Commit().ok());
  }
  double call_by_id = MicrosSince(start, kCalls);
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < kCalls; ++i) {
    auto scope = Scope::Begin(backend, ScopeKind::kWrite);
    ASSERT_TRUE(backend.InsertCustomer(1, 1, row_values(kCustomers + i)).ok());
    ASSERT_TRUE(scope->Commit().ok());
  }
  double call_insert = MicrosSince(start, kCalls);

  // Planned as the backend's lookups are: parameters apart from the SQL.
  auto plan = (*admin)->Execute(
      "EXPLAIN SELECT customer_id FROM measure.crm_customers WHERE "
      "workspace_id = $1 AND (data -> 'f_1') = $2::jsonb",
      {std::string("1"), std::string("\"key-7\"")});
  ASSERT_TRUE(plan.ok());
  auto size = (*admin)->Execute(
      "SELECT pg_total_relation_size('measure.crm_customers')");
  std::printf(
      "%d customers, %d values each (jsonb):\n"
      "  insert, 1,000 per scope:        %8.1f us per customer\n"
      "  read by id, one scope:          %8.1f us per customer\n"
      "  read by unique field, one scope:%8.1f us per customer\n"
      "  read by id, a scope per call:   %8.1f us per call\n"
      "  insert, a scope per call:       %8.1f us per call\n"
      "  table with indexes:             %8.1f MB\n"
      "  plan of a lookup by field: %s\n",
      kCustomers, kFields, insert, by_id, by_field, call_by_id, call_insert,
      std::stod(std::string(size->Text(0, 0))) / 1e6,
      std::string(plan->Text(0, 0)).c_str());
  if (std::getenv("CRM_MEASURE_KEEP") == nullptr) {
    ASSERT_TRUE((*admin)->ExecuteScript("DROP SCHEMA measure CASCADE").ok());
  }
}

}  // namespace
}  // namespace crm::store::postgres
