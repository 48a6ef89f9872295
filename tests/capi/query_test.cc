// Queries: the filter language, sorting, paging, counts, aggregates,
// fill rates, search, segments, cohorts.
#include <set>
#include <string>

#include "crm/crm.pb.h"
#include "test_support.h"

namespace crm_test {
namespace {

Query NewQuery(const char* filter, int target = CRM_QUERY_CUSTOMERS) {
  crm_query* raw = nullptr;
  EXPECT_EQ(crm_query_new(&raw, target), CRM_OK);
  EXPECT_EQ(crm_query_set_filter(raw, filter), CRM_OK);
  return Query(raw);
}

class QueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Define(db_.get(), R"({"name": "ltv", "type": "decimal", "scale": 2,
                          "indexed": true})");
    Define(db_.get(), R"({"name": "region_code", "type": "choice",
                          "options": ["north", "south"]})");
    Define(db_.get(), R"({"name": "seats", "type": "integer"})");
    Define(db_.get(), R"({"name": "since", "type": "date"})");
    Define(db_.get(), R"({"name": "vip", "type": "boolean"})");
    struct Row {
      const char* name;
      const char* email;
      const char* stage;
      const char* ltv;
      const char* region;
      int64_t seats;
      const char* since;
      std::vector<const char*> tags;
      const char* phone;
    };
    std::vector<Row> rows = {
        {"Ada Lovelace",
         "ada@example.com",
         "customer",
         "12000.50",
         "north",
         10,
         "2023-12-31",
         {"vip", "b2b"},
         "+44 20 7946 0001"},
        {"Bob Builder",
         "bob@example.com",
         "customer",
         "9999.99",
         "north",
         3,
         "2024-01-01",
         {"b2b"},
         nullptr},
        {"Carla Díaz",
         "carla@example.com",
         "lead",
         "15000.00",
         "south",
         25,
         "2024-01-31",
         {"vip"},
         nullptr},
        {"Dan O'Neil",
         nullptr,
         "prospect",
         nullptr,
         nullptr,
         0,
         nullptr,
         {},
         nullptr},
        {"Eve 100% Real_Name",
         "eve@example.com",
         "customer",
         "10000.00",
         "south",
         7,
         "2024-02-01",
         {},
         nullptr},
    };
    for (const Row& row : rows) {
      Record record = NewRecord();
      crm_record* r = record.get();
      crm_record_set_text(r, "name", row.name);
      if (row.email) crm_record_set_text(r, "email", row.email);
      crm_record_set_text(r, "stage", row.stage);
      if (row.ltv) crm_record_set_decimal(r, "ltv", row.ltv);
      if (row.region) crm_record_set_text(r, "region_code", row.region);
      if (row.seats) crm_record_set_integer(r, "seats", row.seats);
      if (row.since) crm_record_set_date(r, "since", row.since);
      if (!row.tags.empty()) {
        crm_record_set_list(r, "tags", row.tags.data(), row.tags.size());
      }
      if (row.phone) crm_record_set_text(r, "phone", row.phone);
      ids_.push_back(Create(db_.get(), r));
    }
  }

  // The names of the customers a filter selects, in id order.
  std::vector<std::string> Select(const char* filter) {
    Query query = NewQuery(filter);
    return Run(query.get());
  }

  std::vector<std::string> Run(crm_query* query) {
    crm_rows* raw = nullptr;
    EXPECT_EQ(crm_query_run(&raw, db_.get(), query), CRM_OK)
        << crm_last_error_message();
    Rows rows(raw);
    std::vector<std::string> names;
    for (size_t i = 0; i < crm_rows_size(rows.get()); ++i) {
      names.push_back(Text(crm_rows_at(rows.get(), i), "name"));
    }
    return names;
  }

  int FilterError(const char* filter, int target = CRM_QUERY_CUSTOMERS) {
    Query query = NewQuery(filter, target);
    crm_rows* raw = nullptr;
    int rc = crm_query_run(&raw, db_.get(), query.get());
    crm_rows_free(raw);
    return rc;
  }

  Db db_ = OpenDb(":memory:");
  std::vector<int64_t> ids_;
};

using Names = std::vector<std::string>;

TEST_F(QueryTest, EveryOperator) {
  EXPECT_EQ(Select("stage = 'lead'"), Names{"Carla Díaz"});
  EXPECT_EQ(Select("stage != 'customer'"), (Names{"Carla Díaz", "Dan O'Neil"}));
  EXPECT_EQ(Select("stage <> 'customer' and region_code != 'south'"),
            Names{"Dan O'Neil"});  // no region: "not south" includes it
  EXPECT_EQ(Select("ltv > 10000"), (Names{"Ada Lovelace", "Carla Díaz"}));
  EXPECT_EQ(Select("ltv >= 10000"),
            (Names{"Ada Lovelace", "Carla Díaz", "Eve 100% Real_Name"}));
  EXPECT_EQ(Select("ltv < 10000.00"), Names{"Bob Builder"});
  EXPECT_EQ(Select("seats <= 3"), Names{"Bob Builder"});
  EXPECT_EQ(Select("seats between 5 and 10"),
            (Names{"Ada Lovelace", "Eve 100% Real_Name"}));
  EXPECT_EQ(Select("stage in ('lead', 'prospect')"),
            (Names{"Carla Díaz", "Dan O'Neil"}));
  EXPECT_EQ(Select("region_code not in ('north')"),
            (Names{"Carla Díaz", "Dan O'Neil", "Eve 100% Real_Name"}));
  EXPECT_EQ(Select("email is null"), Names{"Dan O'Neil"});
  EXPECT_EQ(Select("tags is null"),
            (Names{"Dan O'Neil", "Eve 100% Real_Name"}));
  EXPECT_EQ(Select("tags is not null and ltv is not null").size(), 3u);
  EXPECT_EQ(Select("name contains 'Lace'"), Names{});
  EXPECT_EQ(Select("name icontains 'LACE'"), Names{"Ada Lovelace"});
  EXPECT_EQ(Select("name starts with 'Bo'"), Names{"Bob Builder"});
  EXPECT_EQ(Select("name istarts with 'bo'"), Names{"Bob Builder"});
  EXPECT_EQ(Select("name ends with 'íaz'"), Names{"Carla Díaz"});
  EXPECT_EQ(Select("name iends with 'DÍAZ'"), Names{});  // ASCII case only
  EXPECT_EQ(Select("name icontains '100%'"), Names{"Eve 100% Real_Name"});
  EXPECT_EQ(Select("name icontains '_'"), Names{"Eve 100% Real_Name"});
  EXPECT_EQ(Select("name contains ''''"), Names{"Dan O'Neil"});
  EXPECT_EQ(Select("tags has 'vip'"), (Names{"Ada Lovelace", "Carla Díaz"}));
  EXPECT_EQ(Select("tags has any ('b2b', 'nothing')"),
            (Names{"Ada Lovelace", "Bob Builder"}));
  EXPECT_EQ(Select("tags has all ('vip', 'b2b')"), Names{"Ada Lovelace"});
  EXPECT_EQ(Select("since >= '2024-01-01' and since < '2024-02-01'"),
            (Names{"Bob Builder", "Carla Díaz"}));
  EXPECT_EQ(Select("email = 'ADA@EXAMPLE.COM'"), Names{"Ada Lovelace"});
  std::string by_id = "id = " + std::to_string(ids_[1]);
  EXPECT_EQ(Select(by_id.c_str()), Names{"Bob Builder"});
  EXPECT_EQ(Select("created_at within last 1 days").size(), 5u);
  EXPECT_EQ(Select("created_at within previous year").size(), 0u);
  EXPECT_EQ(Select("").size(), 5u);
}

TEST_F(QueryTest, PrecedenceAndNot) {
  // and binds tighter than or.
  EXPECT_EQ(Select("stage = 'lead' or stage = 'customer' and seats > 5"),
            (Names{"Ada Lovelace", "Carla Díaz", "Eve 100% Real_Name"}));
  EXPECT_EQ(Select("(stage = 'lead' or stage = 'customer') and seats > 5"),
            (Names{"Ada Lovelace", "Carla Díaz", "Eve 100% Real_Name"}));
  EXPECT_EQ(Select("(stage = 'lead' or stage = 'prospect') and seats > 5"),
            Names{"Carla Díaz"});
  EXPECT_EQ(Select("not stage = 'customer'"),
            (Names{"Carla Díaz", "Dan O'Neil"}));
  EXPECT_EQ(Select("not (stage = 'customer' or stage = 'lead')"),
            Names{"Dan O'Neil"});
  // Keywords ignore case; field names do not.
  EXPECT_EQ(Select("stage = 'lead' OR seats > 20 AnD NOT vip is null"),
            Names{"Carla Díaz"});
  EXPECT_EQ(FilterError("STAGE = 'lead'"), CRM_E_VALIDATION);
}

TEST_F(QueryTest, ParametersByPositionAndName) {
  Query query = NewQuery("ltv >= :min and region_code = ? and seats > ?");
  crm_record* params = crm_query_params(query.get());
  crm_record_set_decimal(params, "min", "10000");
  crm_record_set_text(params, "1", "north");
  crm_record_set_integer(params, "2", 5);
  EXPECT_EQ(Run(query.get()), Names{"Ada Lovelace"});
  Query missing = NewQuery("ltv >= :min");
  crm_rows* rows = nullptr;
  EXPECT_CRM_ERROR(crm_query_run(&rows, db_.get(), missing.get()),
                   CRM_E_INVALID_ARGUMENT, "min", "parameter");
  EXPECT_EQ(crm_last_error_position(), 7);
  // Integers are exact, so a decimal field takes them as parameters too.
  Query whole = NewQuery("ltv >= :min");
  crm_record_set_integer(crm_query_params(whole.get()), "min", 12001);
  Query exact = NewQuery("ltv >= :min");
  crm_record_set_decimal(crm_query_params(exact.get()), "min", "12001.00");
  EXPECT_EQ(Run(whole.get()), Run(exact.get()));
  EXPECT_EQ(Run(whole.get()), Names{"Carla Díaz"});
  // A parameter's text is a value, never SQL.
  Query hostile = NewQuery("name = :name");
  crm_record_set_text(crm_query_params(hostile.get()), "name", "x' OR '1'='1");
  EXPECT_EQ(Run(hostile.get()), Names{});
}

TEST_F(QueryTest, ErrorsNameThePosition) {
  struct Case {
    const char* filter;
    int status;
    const char* rule;
    int64_t position;
  };
  std::vector<Case> cases = {
      {"stage = ", CRM_E_INVALID_ARGUMENT, "syntax", 8},
      {"stage = 'lead' and", CRM_E_INVALID_ARGUMENT, "syntax", 18},
      {"stage == 'lead'", CRM_E_INVALID_ARGUMENT, "syntax", 7},
      {"(stage = 'lead'", CRM_E_INVALID_ARGUMENT, "syntax", 15},
      {"stage = 'lead", CRM_E_INVALID_ARGUMENT, "syntax", 8},
      {"stage = 'lead' ; drop table crm_customers", CRM_E_INVALID_ARGUMENT,
       "syntax", 15},
      {"nosuchfield = 1", CRM_E_VALIDATION, "unknown_field", 0},
      {"seats contains 'x'", CRM_E_VALIDATION, "operator", 0},
      {"tags = 'vip'", CRM_E_VALIDATION, "operator", 0},
      {"vip > true", CRM_E_VALIDATION, "operator", 0},
      {"seats = 'many'", CRM_E_VALIDATION, "type", 8},
      {"ltv > 1.234", CRM_E_VALIDATION, "scale", 6},
      {"since = '2024-02-30'", CRM_E_VALIDATION, "format", 8},
      {"seats within last 3 days", CRM_E_VALIDATION, "operator", 0},
      {"since within last 0 days", CRM_E_INVALID_ARGUMENT, "syntax", 18},
      {"name matches 'ada'", CRM_E_VALIDATION, "operator", 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.filter);
    EXPECT_EQ(FilterError(c.filter), c.status) << crm_last_error_message();
    EXPECT_STREQ(crm_last_error_rule(), c.rule) << crm_last_error_message();
    EXPECT_EQ(crm_last_error_position(), c.position)
        << crm_last_error_message();
  }
}

TEST_F(QueryTest, HostileFiltersFailCleanlyAndChangeNothing) {
  std::string nested(10000, '(');
  nested += "stage = 'lead'" + std::string(10000, ')');
  EXPECT_EQ(FilterError(nested.c_str()), CRM_E_INVALID_ARGUMENT);
  std::string nots;
  for (int i = 0; i < 10000; ++i) nots += "not ";
  nots += "stage = 'lead'";
  EXPECT_EQ(FilterError(nots.c_str()), CRM_E_INVALID_ARGUMENT);
  std::string huge = "name = '" + std::string(1024 * 1024, 'x') + "'";
  EXPECT_EQ(FilterError(huge.c_str()), CRM_E_INVALID_ARGUMENT);
  crm_query* raw = nullptr;
  ASSERT_EQ(crm_query_new(&raw, CRM_QUERY_CUSTOMERS), CRM_OK);
  Query query(raw);
  EXPECT_EQ(crm_query_set_filter(query.get(), "name = 'caf\xc3('"),
            CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(FilterError("name = 'a' or 1 = 1"), CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(FilterError("\"name\" = 'x'"), CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(Select("name = 'x''); DELETE FROM crm_customers; --'"), Names{});
  EXPECT_EQ(Count(db_.get()), 5);
}

TEST_F(QueryTest, ArchivedFieldsOnlyWhenAskedFor) {
  ASSERT_EQ(crm_field_archive(db_.get(), "seats"), CRM_OK);
  EXPECT_EQ(FilterError("seats > 5"), CRM_E_VALIDATION);
  EXPECT_STREQ(crm_last_error_rule(), "archived");
  Query query = NewQuery("seats > 5");
  crm_query_include_archived(query.get(), 1);
  EXPECT_EQ(Run(query.get()).size(), 3u);
}

TEST_F(QueryTest, SortSelectAndCount) {
  Query query = NewQuery("stage != 'prospect'");
  crm_query_select(query.get(), "name");
  crm_query_select(query.get(), "ltv");
  crm_query_order_by(query.get(), "ltv", 1);
  crm_rows* raw = nullptr;
  ASSERT_EQ(crm_query_run(&raw, db_.get(), query.get()), CRM_OK);
  Rows rows(raw);
  ASSERT_EQ(crm_rows_size(rows.get()), 4u);
  const char* ltv = nullptr;
  ASSERT_EQ(crm_record_get_decimal(&ltv, crm_rows_at(rows.get(), 0), "ltv"),
            CRM_OK);
  EXPECT_STREQ(ltv, "15000.00");
  EXPECT_EQ(crm_record_kind(crm_rows_at(rows.get(), 0), "email"),
            CRM_VALUE_NULL);  // not selected
  EXPECT_EQ(crm_record_id(crm_rows_at(rows.get(), 0)), ids_[2]);
  int64_t count = 0;
  ASSERT_EQ(crm_query_count(&count, db_.get(), query.get()), CRM_OK);
  EXPECT_EQ(count, 4);
  Query nulls_first = NewQuery("");
  crm_query_order_by(nulls_first.get(), "ltv", 0);
  EXPECT_EQ(Run(nulls_first.get()).front(), "Dan O'Neil");
}

TEST_F(QueryTest, KeysetPagingIsStableUnderConcurrentInserts) {
  for (int i = 0; i < 40; ++i) {
    Record record = NewRecord();
    std::string name = "Extra " + std::to_string(i);
    crm_record_set_text(record.get(), "name", name.c_str());
    if (i % 4) crm_record_set_integer(record.get(), "seats", i % 9);
    Create(db_.get(), record.get());
  }
  Query query = NewQuery("");
  crm_query_order_by(query.get(), "seats", 1);
  crm_query_set_page_size(query.get(), 7);
  std::multiset<std::string> seen;
  std::string cursor;
  int inserted = 0;
  do {
    crm_query_set_cursor(query.get(), cursor.c_str());
    crm_rows* raw = nullptr;
    ASSERT_EQ(crm_query_run(&raw, db_.get(), query.get()), CRM_OK)
        << crm_last_error_message();
    Rows rows(raw);
    for (size_t i = 0; i < crm_rows_size(rows.get()); ++i) {
      seen.insert(Text(crm_rows_at(rows.get(), i), "name"));
    }
    cursor = crm_rows_next_cursor(rows.get());
    // New customers with the most seats sort before the position reached:
    // keyset paging never shows them, and never repeats or skips a row.
    Record late = NewRecord();
    std::string name = "Late " + std::to_string(inserted++);
    crm_record_set_text(late.get(), "name", name.c_str());
    crm_record_set_integer(late.get(), "seats", 1000);
    Create(db_.get(), late.get());
  } while (!cursor.empty());
  EXPECT_EQ(seen.size(), 45u);
  for (const std::string& name : seen) {
    EXPECT_EQ(seen.count(name), 1u) << name;
    EXPECT_EQ(name.rfind("Late", 0), std::string::npos) << name;
  }
  EXPECT_GT(inserted, 5);
  Query bad = NewQuery("");
  crm_query_set_cursor(bad.get(), "q1.garbage");
  crm_rows* raw = nullptr;
  EXPECT_CRM_ERROR(crm_query_run(&raw, db_.get(), bad.get()),
                   CRM_E_INVALID_ARGUMENT, "", "cursor");
}

TEST_F(QueryTest, IndexedUserFieldAndEmailUseAnIndex) {
  for (const char* filter :
       {"ltv > 10000", "email = 'ada@example.com'", "external_id = 'E1'"}) {
    Query query = NewQuery(filter);
    char* plan = nullptr;
    ASSERT_EQ(crm_query_explain(&plan, db_.get(), query.get()), CRM_OK);
    String owned(plan);
    EXPECT_NE(std::string(plan).find("USING INDEX"), std::string::npos)
        << filter << "\n"
        << plan;
  }
  // Sorting by an indexed field walks its index instead of sorting.
  Query sorted = NewQuery("");
  ASSERT_EQ(crm_query_order_by(sorted.get(), "ltv", 0), CRM_OK);
  char* sorted_plan = nullptr;
  ASSERT_EQ(crm_query_explain(&sorted_plan, db_.get(), sorted.get()), CRM_OK);
  String sorted_owned(sorted_plan);
  EXPECT_NE(std::string(sorted_plan).find("USING INDEX"), std::string::npos)
      << sorted_plan;
  EXPECT_EQ(std::string(sorted_plan).find("TEMP B-TREE"), std::string::npos)
      << sorted_plan;
  Query scan = NewQuery("seats > 3");
  char* plan = nullptr;
  ASSERT_EQ(crm_query_explain(&plan, db_.get(), scan.get()), CRM_OK);
  String owned(plan);
  EXPECT_NE(std::string(plan).find("SCAN"), std::string::npos) << plan;
}

TEST_F(QueryTest, EncodedPageCarriesEveryRow) {
  Query query = NewQuery("stage = 'customer'");
  crm_rows* raw = nullptr;
  ASSERT_EQ(crm_query_run(&raw, db_.get(), query.get()), CRM_OK);
  Rows rows(raw);
  const void* bytes = nullptr;
  size_t size = 0;
  ASSERT_EQ(crm_rows_encode(&bytes, &size, rows.get()), CRM_OK);
  crm::wire::RowSet set;
  ASSERT_TRUE(set.ParseFromArray(bytes, static_cast<int>(size)));
  ASSERT_EQ(set.rows_size(), 3);
  int name_column = -1;
  for (int i = 0; i < set.columns_size(); ++i) {
    if (set.columns(i) == "name") name_column = i;
  }
  ASSERT_GE(name_column, 0);
  EXPECT_EQ(set.rows(1).values(name_column).text(), "Bob Builder");
  // Every field the query returns is a column, even one no row holds.
  bool has_postal_code = false;
  for (const std::string& column : set.columns()) {
    has_postal_code |= column == "postal_code";
  }
  EXPECT_TRUE(has_postal_code);
  EXPECT_EQ(set.rows(1).values_size(), set.columns_size());
  EXPECT_EQ(set.ids(0), ids_[0]);
}

}  // namespace
}  // namespace crm_test
