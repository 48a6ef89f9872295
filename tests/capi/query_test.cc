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

// A value that is not an option of a choice field can match nothing: it is
// a mistake to report, not an empty answer.
TEST_F(QueryTest, ChoiceValuesMustBeOptions) {
  Define(db_.get(), R"({"name": "channels", "type": "multi_choice",
                        "options": ["email", "phone"]})");
  struct Case {
    const char* filter;
    const char* field;
    int64_t position;
  };
  std::vector<Case> cases = {
      {"region_code = 'nowhere'", "region_code", 14},
      {"region_code != 'nowhere'", "region_code", 15},
      {"region_code in ('north', 'nowhere')", "region_code", 25},
      {"region_code not in ('nowhere')", "region_code", 20},
      {"stage = 'customers'", "stage", 8},
      {"channels has 'fax'", "channels", 13},
      {"channels has any ('email', 'fax')", "channels", 27},
      {"channels has all ('fax')", "channels", 18},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.filter);
    EXPECT_EQ(FilterError(c.filter), CRM_E_VALIDATION)
        << crm_last_error_message();
    EXPECT_STREQ(crm_last_error_field(), c.field);
    EXPECT_STREQ(crm_last_error_rule(), "options");
    EXPECT_EQ(crm_last_error_position(), c.position);
  }
  // Bound parameters are checked the same way.
  Query bound = NewQuery("region_code = :region");
  crm_record_set_text(crm_query_params(bound.get()), "region", "nowhere");
  int64_t count = 0;
  EXPECT_CRM_ERROR(crm_query_count(&count, db_.get(), bound.get()),
                   CRM_E_VALIDATION, "region_code", "options");
  // Options still filter as before.
  EXPECT_EQ(FilterError("region_code in ('north', 'south')"), CRM_OK);
  EXPECT_EQ(FilterError("channels has any ('email', 'phone')"), CRM_OK);
  // Text operators look inside values, so any text is fine there.
  EXPECT_EQ(FilterError("region_code contains 'or'"), CRM_OK);
}

// Messages quote what they point at as whole characters: an error text is
// always valid UTF-8.
TEST_F(QueryTest, UnexpectedCharacterIsQuotedWhole) {
  EXPECT_EQ(FilterError("name = 'a' é"), CRM_E_INVALID_ARGUMENT);
  EXPECT_NE(std::string(crm_last_error_message()).find("'é'"),
            std::string::npos)
      << crm_last_error_message();
  EXPECT_EQ(crm_last_error_position(), 11);
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

// "not " `n` times, then `comparison`.
std::string Nots(int n, const std::string& comparison) {
  std::string out;
  for (int i = 0; i < n; ++i) out += "not ";
  return out + comparison;
}

// `n` comparisons `comparison` joined by "and".
std::string Chain(int n, const std::string& comparison) {
  std::string out = comparison;
  for (int i = 1; i < n; ++i) out += " and " + comparison;
  return out;
}

struct Comparison {
  std::string text;
  int values;  // the values it holds
};

// A filter as hard on SQL as the filter language's limits allow: `depth`
// levels of parentheses, each holding an "or" over an "and" (which SQL
// nests twice), then a chain of the rest of `terms` comparisons, the last an
// "in" list over `in_field` that brings the values to `values`. The
// comparisons are `costly` cycled, starting with the first.
struct HardFilter {
  HardFilter(const std::vector<Comparison>& costly, const std::string& in_field,
             int depth, int terms, int values) {
    size_t next = 0;
    auto add = [&] {
      const Comparison& comparison = costly[next++ % costly.size()];
      values -= comparison.values;
      --terms;
      text += comparison.text;
    };
    for (int level = 0; level < depth; ++level) {
      add();
      text += " or ";
      add();
      deepest_paren = text.size() + 5;
      text += " and (";
    }
    while (terms > 1) {
      add();
      text += " and ";
    }
    last_term = text.size();
    text += in_field + " in (";
    for (int i = 0; i < values; ++i) {
      if (i > 0) text += ", ";
      last_value = text.size();
      text += "1";
    }
    text += ")" + std::string(depth, ')');
  }

  std::string text;
  int64_t deepest_paren = -1;  // the byte of the innermost "("
  int64_t last_term = -1;      // ... of the last comparison
  int64_t last_value = -1;     // ... of the last value
};

// The costliest comparisons to render, per target: subqueries over
// interned names, JSON lists and the full-text index, joined customers.
const std::vector<Comparison> kCostlyCustomers = {
    {"stage = 'customer'", 1},
    {"region_code not in ('north')", 1},
    {"tags has all ('vip', 'b2b')", 2},
    {"search matches 'ada'", 1},
    {"since within last 3 days", 1},
    {"name istarts with 'a'", 1},
    {"email not in ('x@example.com')", 1},
    {"seats between 1 and 30", 2},
};
const std::vector<Comparison> kCostlyEvents = {
    {"type = 'order.placed'", 1},
    {"type not in ('call')", 1},
    {"customer.tags has all ('vip', 'b2b')", 2},
    {"properties.skus has all ('A-1', 'B-2')", 2},
    {"channel != 'x'", 1},
    {"customer.since within last 3 days", 1},
    {"properties.note icontains 'door'", 1},
    {"customer.region_code not in ('north')", 1},
};

// Through every call that takes a filter: a count, a page of rows sorted by
// 8 keys and the page after it (whose keyset condition is the costliest
// SQL), an aggregate, and a saved segment's count. `status` is what each
// must return, with `rule` and `position` on failure.
class FilterEverywhere {
 public:
  FilterEverywhere(crm_db* db, int target) : db_(db), target_(target) {}

  void Expect(const std::string& filter, int status, const char* rule = "",
              int64_t position = -1) {
    SCOPED_TRACE(filter.substr(0, 120));
    bool customers = target_ == CRM_QUERY_CUSTOMERS;
    auto check = [&](int rc, const char* call) {
      EXPECT_EQ(rc, status) << call << ": " << crm_last_error_message();
      if (rc == CRM_OK || rc != status) return;
      EXPECT_STREQ(crm_last_error_rule(), rule) << call;
      EXPECT_EQ(crm_last_error_position(), position) << call;
    };
    Query query = NewQuery(filter.c_str(), target_);
    int64_t count = -1;
    check(crm_query_count(&count, db_, query.get()), "count");

    const char* customer_keys[] = {"region_code", "email", "name",  "since",
                                   "seats",       "ltv",   "stage", "vip"};
    const char* event_keys[] = {
        "type",          "channel",           "actor",       "source",
        "customer.name", "properties.amount", "occurred_at", "customer.seats"};
    for (int i = 0; i < 8; ++i) {
      crm_query_order_by(query.get(),
                         (customers ? customer_keys : event_keys)[i], i % 2);
    }
    crm_query_set_page_size(query.get(), 1);
    crm_rows* raw = nullptr;
    int rc = crm_query_run(&raw, db_, query.get());
    check(rc, "run");
    Rows rows(raw);
    if (rc == CRM_OK && count > 1) {
      std::string cursor = crm_rows_next_cursor(rows.get());
      EXPECT_FALSE(cursor.empty());
      crm_query_set_cursor(query.get(), cursor.c_str());
      crm_rows* next = nullptr;
      check(crm_query_run(&next, db_, query.get()), "run after a cursor");
      crm_rows_free(next);
    }

    Query aggregate = NewQuery(filter.c_str(), target_);
    crm_query_group_by(aggregate.get(), customers ? "region_code" : "type",
                       CRM_BUCKET_NONE);
    crm_query_aggregate(aggregate.get(), CRM_AGG_SUM,
                        customers ? "ltv" : "properties.amount", nullptr);
    crm_query_aggregate(aggregate.get(), CRM_AGG_AVG,
                        customers ? "seats" : "customer.seats", nullptr);
    crm_rows* groups = nullptr;
    check(crm_query_run_aggregate(&groups, db_, aggregate.get()), "aggregate");
    crm_rows_free(groups);

    rc = crm_segment_save(db_, "hard", target_, filter.c_str());
    check(rc, "segment save");
    if (rc == CRM_OK) {
      int64_t segment_count = -1;
      EXPECT_EQ(crm_segment_count(&segment_count, db_, "hard"), CRM_OK)
          << crm_last_error_message();
      EXPECT_EQ(segment_count, count);
      EXPECT_EQ(crm_segment_delete(db_, "hard"), CRM_OK);
    }
  }

 private:
  crm_db* db_;
  int target_;
};

TEST_F(QueryTest, FiltersPastTheLimitsNameTheRuleAndTheByte) {
  // SQLite refused these with "parser stack overflow" and "Expression tree
  // is too large": CRM_E_INTERNAL, as if libcrm had a bug.
  FilterEverywhere customers(db_.get(), CRM_QUERY_CUSTOMERS);
  customers.Expect(Nots(45, "seats = 1"), CRM_E_INVALID_ARGUMENT, "depth", 40);
  customers.Expect(Nots(11, "seats = 1"), CRM_E_INVALID_ARGUMENT, "depth", 40);
  customers.Expect(Nots(10, "seats = 1"), CRM_OK);
  std::string parens = "seats = 1";
  for (int i = 0; i < 11; ++i) {
    parens = "(seats = " + std::to_string(i % 10) + " or " + parens + ")";
  }
  // The innermost "(" is the 11th: at byte 10 x "(seats = N or ".
  customers.Expect(parens, CRM_E_INVALID_ARGUMENT, "depth", 10 * 14);
  customers.Expect(parens.substr(1, parens.size() - 2), CRM_OK);
  customers.Expect(Chain(999, "seats = 1"), CRM_E_INVALID_ARGUMENT, "terms",
                   500 * 14);  // "seats = 1 and " is 14 bytes
  customers.Expect(Chain(501, "seats = 1"), CRM_E_INVALID_ARGUMENT, "terms",
                   500 * 14);
  customers.Expect(Chain(500, "seats = 1"), CRM_OK);
  std::string list = "seats in (1";
  for (int i = 1; i < 10000; ++i) list += ", 1";
  customers.Expect(list + ")", CRM_OK);
  customers.Expect(list + ", 1)", CRM_E_INVALID_ARGUMENT, "values",
                   static_cast<int64_t>(list.size()) + 2);
  // A span of time is a value too.
  customers.Expect(list + ") or since within last 3 days",
                   CRM_E_INVALID_ARGUMENT, "values",
                   static_cast<int64_t>(list.size()) + 18);
  // Events, and the customer fields they reach.
  FilterEverywhere events(db_.get(), CRM_QUERY_EVENTS);
  events.Expect(Nots(45, "customer.seats = 1"), CRM_E_INVALID_ARGUMENT, "depth",
                40);
  events.Expect(Nots(10, "customer.tags has all ('vip', 'b2b')"), CRM_OK);
  events.Expect(Chain(999, "customer.seats = 1"), CRM_E_INVALID_ARGUMENT,
                "terms", 500 * 23);
}

TEST_F(QueryTest, FiltersAtEveryLimitAtOnceRunEverywhere) {
  for (int64_t id : {ids_[0], ids_[1], ids_[2]}) {
    crm_event* raw = nullptr;
    ASSERT_EQ(crm_event_new(&raw), CRM_OK);
    Event event(raw);
    crm_event_set_customer(raw, id);
    crm_event_set_type(raw, "order.placed");
    crm_record* properties = crm_event_properties(raw);
    crm_record_set_decimal(properties, "amount", "12.50");
    crm_record_set_text(properties, "note", "leave at door");
    const char* skus[] = {"A-1", "B-2"};
    crm_record_set_list(properties, "skus", skus, 2);
    int64_t seq = 0;
    ASSERT_EQ(crm_event_append(&seq, nullptr, db_.get(), raw), CRM_OK)
        << crm_last_error_message();
  }
  struct Target {
    int target;
    const std::vector<Comparison>* costly;
    const char* in_field;
  };
  for (const Target& t :
       {Target{CRM_QUERY_CUSTOMERS, &kCostlyCustomers, "seats"},
        Target{CRM_QUERY_EVENTS, &kCostlyEvents, "customer.seats"}}) {
    FilterEverywhere everywhere(db_.get(), t.target);
    HardFilter hard(*t.costly, t.in_field, 10, 500, 10000);
    ASSERT_LT(hard.text.size(), 64u * 1024);
    everywhere.Expect(hard.text, CRM_OK);
    HardFilter deeper(*t.costly, t.in_field, 11, 500, 10000);
    everywhere.Expect(deeper.text, CRM_E_INVALID_ARGUMENT, "depth",
                      deeper.deepest_paren);
    HardFilter longer(*t.costly, t.in_field, 10, 501, 10000);
    everywhere.Expect(longer.text, CRM_E_INVALID_ARGUMENT, "terms",
                      longer.last_term);
    HardFilter more(*t.costly, t.in_field, 10, 500, 10001);
    everywhere.Expect(more.text, CRM_E_INVALID_ARGUMENT, "values",
                      more.last_value);
  }
}

TEST_F(QueryTest, CaseInsensitiveTextPastSqlitesPatternLimitIsNamed) {
  // icontains, istarts with and iends with become LIKE patterns, which
  // SQLite refused past 50,000 bytes: CRM_E_INTERNAL "LIKE or GLOB pattern
  // too complex".
  std::string at_limit(10000, '%');
  EXPECT_EQ(Select(("name icontains '" + at_limit + "'").c_str()), Names{});
  std::string past = "name istarts with '" + at_limit + "_'";
  EXPECT_EQ(FilterError(past.c_str()), CRM_E_VALIDATION);
  EXPECT_STREQ(crm_last_error_field(), "name");
  EXPECT_STREQ(crm_last_error_rule(), "max_length");
  EXPECT_EQ(crm_last_error_position(), 18);
  // The same through a parameter, and for an event property.
  std::string long_text(50000, 'a');
  for (int target : {CRM_QUERY_CUSTOMERS, CRM_QUERY_EVENTS}) {
    bool customers = target == CRM_QUERY_CUSTOMERS;
    Query query = NewQuery(
        customers ? "name iends with :text" : "properties.note icontains ?",
        target);
    crm_record_set_text(crm_query_params(query.get()), customers ? "text" : "1",
                        long_text.c_str());
    int64_t count = -1;
    EXPECT_CRM_ERROR(crm_query_count(&count, db_.get(), query.get()),
                     CRM_E_VALIDATION, customers ? "name" : "properties.note",
                     "max_length");
    EXPECT_EQ(crm_last_error_position(), customers ? 16 : 26);
  }
}

TEST_F(QueryTest, QueriesPastSqlitesColumnLimitsNameThePart) {
  // A result of more than 2,000 columns, or the keyset condition of more
  // than 13 sort keys after a cursor, failed in SQLite: CRM_E_INTERNAL.
  auto run = [&](crm_query* query) {
    crm_rows* raw = nullptr;
    int rc = crm_query_run(&raw, db_.get(), query);
    crm_rows_free(raw);
    return rc;
  };
  auto aggregate = [&](crm_query* query) {
    crm_rows* raw = nullptr;
    int rc = crm_query_run_aggregate(&raw, db_.get(), query);
    crm_rows_free(raw);
    return rc;
  };
  Query select = NewQuery("");
  for (int i = 0; i < 1500; ++i) crm_query_select(select.get(), "seats");
  EXPECT_EQ(run(select.get()), CRM_OK) << crm_last_error_message();
  for (int i = 0; i < 600; ++i) crm_query_select(select.get(), "seats");
  EXPECT_CRM_ERROR(run(select.get()), CRM_E_INVALID_ARGUMENT, "", "select");
  Query sort = NewQuery("");
  for (int i = 0; i < 9; ++i) crm_query_order_by(sort.get(), "seats", i % 2);
  EXPECT_CRM_ERROR(run(sort.get()), CRM_E_INVALID_ARGUMENT, "", "sort");
  char* plan = nullptr;
  EXPECT_CRM_ERROR(crm_query_explain(&plan, db_.get(), sort.get()),
                   CRM_E_INVALID_ARGUMENT, "", "sort");
  Query groups = NewQuery("");
  for (int i = 0; i < 500; ++i) {
    crm_query_group_by(groups.get(), "seats", CRM_BUCKET_NONE);
    crm_query_aggregate(groups.get(), CRM_AGG_AVG, "ltv", nullptr);
  }
  EXPECT_EQ(aggregate(groups.get()), CRM_OK) << crm_last_error_message();
  crm_query_group_by(groups.get(), "seats", CRM_BUCKET_NONE);
  EXPECT_CRM_ERROR(aggregate(groups.get()), CRM_E_INVALID_ARGUMENT, "",
                   "group");
  Query aggregates = NewQuery("");
  for (int i = 0; i < 2100; ++i) {
    crm_query_aggregate(aggregates.get(), CRM_AGG_COUNT, nullptr, nullptr);
  }
  EXPECT_CRM_ERROR(aggregate(aggregates.get()), CRM_E_INVALID_ARGUMENT, "",
                   "aggregates");
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
  // An equality on an indexed field reads the index in id order, so the
  // page needs no sort of its own.
  for (const char* filter : {"email = 'ada@example.com'", "ltv = 12000.50"}) {
    Query equal = NewQuery(filter);
    char* equal_plan = nullptr;
    ASSERT_EQ(crm_query_explain(&equal_plan, db_.get(), equal.get()), CRM_OK);
    String equal_owned(equal_plan);
    EXPECT_EQ(std::string(equal_plan).find("TEMP B-TREE"), std::string::npos)
        << filter << "\n"
        << equal_plan;
  }
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
