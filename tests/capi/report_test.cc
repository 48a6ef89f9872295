// Decision support: aggregates, fill rates, search, segments, cohorts, and
// event queries that reach the customer.
#include <sqlite3.h>

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "test_support.h"

namespace crm_test {
namespace {

constexpr int64_t kDay = 86400LL * 1000000;

class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Define(db_.get(), R"({"name": "sector", "type": "text"})");
    Define(db_.get(), R"({"name": "revenue", "type": "decimal", "scale": 2})");
  }

  int64_t Customer(const char* name, const char* sector, const char* revenue,
                   const char* stage = "customer") {
    Record record = NewRecord();
    crm_record_set_text(record.get(), "name", name);
    if (sector) crm_record_set_text(record.get(), "sector", sector);
    if (revenue) crm_record_set_decimal(record.get(), "revenue", revenue);
    crm_record_set_text(record.get(), "stage", stage);
    return Create(db_.get(), record.get());
  }

  // Appends an event; `set_properties`, if given, fills its properties.
  void Event(int64_t customer, const char* type, int64_t at_us,
             const char* channel = "web",
             const std::function<void(crm_record*)>& set_properties = {}) {
    crm_event* event = nullptr;
    crm_event_new(&event);
    crm_event_set_customer(event, customer);
    crm_event_set_type(event, type);
    crm_event_set_channel(event, channel);
    crm_event_set_occurred_at(event, at_us);
    if (set_properties) set_properties(crm_event_properties(event));
    int64_t seq = 0;
    EXPECT_EQ(crm_event_append(&seq, nullptr, db_.get(), event), CRM_OK)
        << crm_last_error_message();
    crm_event_free(event);
  }

  Rows Aggregate(crm_query* query) {
    crm_rows* raw = nullptr;
    EXPECT_EQ(crm_query_run_aggregate(&raw, db_.get(), query), CRM_OK)
        << crm_last_error_message();
    return Rows(raw);
  }

  Db db_ = OpenDb(":memory:");
};

std::string Decimal(crm_record* record, const char* field) {
  const char* text = nullptr;
  return crm_record_get_decimal(&text, record, field) == CRM_OK ? text : "-";
}

int64_t Integer(crm_record* record, const char* field) {
  int64_t value = -1;
  crm_record_get_integer(&value, record, field);
  return value;
}

TEST_F(ReportTest, MoneySumsAreExactPerGroup) {
  // 0.10 added a thousand times is exactly 100.00 only without floats.
  ASSERT_EQ(crm_begin(db_.get()), CRM_OK);
  for (int i = 0; i < 1000; ++i) Customer("x", "retail", "0.10");
  Customer("big", "medical", "92233720368547.75");
  Customer("big2", "medical", "0.01");
  Customer("none", nullptr, nullptr, "lead");
  ASSERT_EQ(crm_commit(db_.get()), CRM_OK);
  crm_query* raw = nullptr;
  ASSERT_EQ(crm_query_new(&raw, CRM_QUERY_CUSTOMERS), CRM_OK);
  Query query(raw);
  crm_query_set_filter(query.get(), "stage = 'customer'");
  crm_query_group_by(query.get(), "sector", CRM_BUCKET_NONE);
  crm_query_aggregate(query.get(), CRM_AGG_COUNT, nullptr, nullptr);
  crm_query_aggregate(query.get(), CRM_AGG_SUM, "revenue", "total");
  crm_query_aggregate(query.get(), CRM_AGG_AVG, "revenue", nullptr);
  crm_query_aggregate(query.get(), CRM_AGG_MAX, "revenue", nullptr);
  Rows rows = Aggregate(query.get());
  ASSERT_EQ(crm_rows_size(rows.get()), 2u);
  crm_record* medical = crm_rows_at(rows.get(), 0);
  crm_record* retail = crm_rows_at(rows.get(), 1);
  EXPECT_EQ(Text(medical, "sector"), "medical");
  EXPECT_EQ(Decimal(medical, "total"), "92233720368547.76");
  EXPECT_EQ(Decimal(medical, "avg_revenue"), "46116860184273.8800");
  EXPECT_EQ(Decimal(medical, "max_revenue"), "92233720368547.75");
  EXPECT_EQ(Integer(retail, "count"), 1000);
  EXPECT_EQ(Decimal(retail, "total"), "100.00");
  EXPECT_EQ(Decimal(retail, "avg_revenue"), "0.1000");
}

TEST_F(ReportTest, SumsPastSixtyFourBitsNameTheField) {
  // Each value fits; the sums do not. SQLite's sum() failed with a bare
  // "integer overflow" (CRM_E_INTERNAL); now the error is the one a sum of
  // event properties gives, naming the field.
  Define(db_.get(), R"({"name": "units", "type": "integer"})");
  auto customer = [&](const char* sector, const char* revenue, int64_t units) {
    Record record = NewRecord();
    crm_record_set_text(record.get(), "name", "x");
    crm_record_set_text(record.get(), "sector", sector);
    crm_record_set_decimal(record.get(), "revenue", revenue);
    crm_record_set_integer(record.get(), "units", units);
    Event(Create(db_.get(), record.get()), "order.placed",
          1704067200LL * 1000000);
  };
  customer("big", "92233720368547758.00", INT64_MAX);
  customer("big", "92233720368547758.00", 1);
  customer("small", "-92233720368547758.00", INT64_MIN);
  customer("small", "-1.00", -1);
  customer("fits", "92233720368547758.00", INT64_MAX);
  customer("fits", "-92233720368547758.00", INT64_MIN);
  auto aggregate = [&](int target, const char* sector, int function,
                       const char* field, crm_rows** out) {
    crm_query* raw = nullptr;
    crm_query_new(&raw, target);
    Query query(raw);
    std::string filter =
        std::string(target == CRM_QUERY_EVENTS
                        ? "type = 'order.placed' and customer.sector = '"
                        : "sector = '") +
        sector + "'";
    crm_query_set_filter(raw, filter.c_str());
    crm_query_aggregate(raw, function, field, "result");
    return crm_query_run_aggregate(out, db_.get(), raw);
  };
  struct Case {
    int target;
    const char* field;
  };
  for (const Case& c : {Case{CRM_QUERY_CUSTOMERS, "revenue"},
                        Case{CRM_QUERY_CUSTOMERS, "units"},
                        Case{CRM_QUERY_EVENTS, "customer.revenue"},
                        Case{CRM_QUERY_EVENTS, "customer.units"}}) {
    for (const char* sector : {"big", "small"}) {
      for (int function : {CRM_AGG_SUM, CRM_AGG_AVG}) {
        SCOPED_TRACE(std::string(c.field) + " in " + sector + ", function " +
                     std::to_string(function));
        crm_rows* rows = nullptr;
        EXPECT_CRM_ERROR(aggregate(c.target, sector, function, c.field, &rows),
                         CRM_E_VALIDATION, c.field, "aggregate");
        EXPECT_EQ(rows, nullptr);
        EXPECT_NE(std::string(crm_last_error_message()).find("out of range"),
                  std::string::npos)
            << crm_last_error_message();
      }
      for (int function : {CRM_AGG_MIN, CRM_AGG_MAX, CRM_AGG_COUNT}) {
        crm_rows* raw = nullptr;
        EXPECT_EQ(aggregate(c.target, sector, function, c.field, &raw), CRM_OK)
            << crm_last_error_message();
        crm_rows_free(raw);
      }
    }
    crm_rows* raw = nullptr;
    ASSERT_EQ(aggregate(c.target, "fits", CRM_AGG_SUM, c.field, &raw), CRM_OK)
        << crm_last_error_message();
    Rows rows(raw);
    crm_record* row = crm_rows_at(rows.get(), 0);
    if (std::string(c.field).find("revenue") != std::string::npos) {
      EXPECT_EQ(Decimal(row, "result"), "0.00");
    } else {
      EXPECT_EQ(Integer(row, "result"), -1);
    }
  }
}

TEST_F(ReportTest, TimeBucketsAcrossMonthAndYearEnds) {
  int64_t id = Customer("Ada", "tech", "1.00");
  // 2023-12-31T23:59:59Z, 2024-01-01T00:00:00Z, 2024-01-31T23:00:00Z,
  // 2024-02-01T00:00:00Z, 2024-03-31T12:00:00Z, 2024-04-01T00:00:00Z.
  for (int64_t seconds : {1704067199LL, 1704067200LL, 1706742000LL,
                          1706745600LL, 1711886400LL, 1711929600LL}) {
    Event(id, "order.placed", seconds * 1000000);
  }
  Event(id, "ticket.opened", 1704067200LL * 1000000, "phone");
  auto buckets = [&](int bucket) {
    crm_query* raw = nullptr;
    crm_query_new(&raw, CRM_QUERY_EVENTS);
    Query query(raw);
    crm_query_set_filter(query.get(), "type = 'order.placed'");
    crm_query_group_by(query.get(), "occurred_at", bucket);
    crm_query_aggregate(query.get(), CRM_AGG_COUNT, nullptr, nullptr);
    Rows rows = Aggregate(query.get());
    std::map<std::string, int64_t> counts;
    for (size_t i = 0; i < crm_rows_size(rows.get()); ++i) {
      crm_record* row = crm_rows_at(rows.get(), i);
      counts[Text(row, "occurred_at")] = Integer(row, "count");
    }
    return counts;
  };
  EXPECT_EQ(buckets(CRM_BUCKET_MONTH),
            (std::map<std::string, int64_t>{{"2023-12", 1},
                                            {"2024-01", 2},
                                            {"2024-02", 1},
                                            {"2024-03", 1},
                                            {"2024-04", 1}}));
  EXPECT_EQ(buckets(CRM_BUCKET_QUARTER),
            (std::map<std::string, int64_t>{
                {"2023-Q4", 1}, {"2024-Q1", 4}, {"2024-Q2", 1}}));
  EXPECT_EQ(buckets(CRM_BUCKET_YEAR),
            (std::map<std::string, int64_t>{{"2023", 1}, {"2024", 5}}));
  // 2023-12-31 is a Sunday: its week starts Monday 2023-12-25.
  EXPECT_EQ(buckets(CRM_BUCKET_WEEK).begin()->first, "2023-12-25");
  EXPECT_EQ(buckets(CRM_BUCKET_DAY).begin()->first, "2023-12-31");

  crm_query* raw = nullptr;
  crm_query_new(&raw, CRM_QUERY_EVENTS);
  Query by_type(raw);
  crm_query_group_by(by_type.get(), "type", CRM_BUCKET_NONE);
  crm_query_group_by(by_type.get(), "channel", CRM_BUCKET_NONE);
  crm_query_aggregate(by_type.get(), CRM_AGG_COUNT_DISTINCT, "customer_id",
                      "customers");
  Rows rows = Aggregate(by_type.get());
  ASSERT_EQ(crm_rows_size(rows.get()), 3u);  // created, order, ticket
  EXPECT_EQ(Text(crm_rows_at(rows.get(), 2), "type"), "ticket.opened");
  EXPECT_EQ(Text(crm_rows_at(rows.get(), 2), "channel"), "phone");
}

// Days group by an integer day number computed from the whole seconds, as
// strftime() takes them (so -1 us is still 1970-01-01, and -1 s is not).
TEST_F(ReportTest, DayBucketsOnEitherSideOfMidnightAndOfNineteenSeventy) {
  int64_t id = Customer("Ada", "tech", "1.00");
  constexpr int64_t kDayUs = 86400LL * 1000000;
  for (int64_t us :
       std::vector<int64_t>{-kDayUs - 1, -kDayUs, -1000000, -1, 0, kDayUs - 1,
                            kDayUs, 19723 * kDayUs + 1}) {
    Event(id, "order.placed", us);
  }
  crm_query* raw = nullptr;
  crm_query_new(&raw, CRM_QUERY_EVENTS);
  Query query(raw);
  crm_query_set_filter(query.get(), "type = 'order.placed'");
  crm_query_group_by(query.get(), "occurred_at", CRM_BUCKET_DAY);
  crm_query_aggregate(query.get(), CRM_AGG_COUNT, nullptr, nullptr);
  Rows rows = Aggregate(query.get());
  std::vector<std::pair<std::string, int64_t>> counts;
  for (size_t i = 0; i < crm_rows_size(rows.get()); ++i) {
    crm_record* row = crm_rows_at(rows.get(), i);
    counts.emplace_back(Text(row, "occurred_at"), Integer(row, "count"));
  }
  EXPECT_EQ(counts,
            (std::vector<std::pair<std::string, int64_t>>{{"1969-12-31", 3},
                                                          {"1970-01-01", 3},
                                                          {"1970-01-02", 1},
                                                          {"2024-01-01", 1}}));
}

TEST_F(ReportTest, EventsFilteredByTheirCustomersFields) {
  int64_t ada = Customer("Ada", "tech", "1.00", "customer");
  int64_t bob = Customer("Bob", "tech", "1.00", "lead");
  Event(ada, "ticket.opened", kDay);
  Event(bob, "ticket.opened", kDay);
  Event(ada, "call", kDay);
  crm_query* raw = nullptr;
  crm_query_new(&raw, CRM_QUERY_EVENTS);
  Query query(raw);
  crm_query_set_filter(query.get(),
                       "type = 'ticket.opened' and customer.stage = "
                       "'customer'");
  int64_t count = 0;
  ASSERT_EQ(crm_query_count(&count, db_.get(), query.get()), CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(count, 1);
  crm_rows* rows = nullptr;
  ASSERT_EQ(crm_query_run(&rows, db_.get(), query.get()), CRM_OK);
  Rows owned(rows);
  ASSERT_EQ(crm_rows_size(rows), 1u);
  EXPECT_EQ(Integer(crm_rows_at(rows, 0), "customer_id"), ada);
  EXPECT_EQ(Text(crm_rows_at(rows, 0), "type"), "ticket.opened");
  crm_query_set_filter(query.get(), "customer.nosuch = 1");
  EXPECT_EQ(crm_query_count(&count, db_.get(), query.get()), CRM_E_VALIDATION);
  crm_query_set_filter(query.get(), "stage = 'lead'");
  EXPECT_EQ(crm_query_count(&count, db_.get(), query.get()), CRM_E_VALIDATION);
}

TEST_F(ReportTest, FillRatesShowWhatNobodyRecords) {
  Customer("Ada", "tech", "10.00");
  Customer("Bob", nullptr, "20.00");
  Customer("Cy", nullptr, nullptr);
  crm_rows* raw = nullptr;
  ASSERT_EQ(crm_field_fill_rates(&raw, db_.get()), CRM_OK);
  Rows rows(raw);
  std::map<std::string, std::pair<int64_t, int64_t>> rates;
  for (size_t i = 0; i < crm_rows_size(rows.get()); ++i) {
    crm_record* row = crm_rows_at(rows.get(), i);
    rates[Text(row, "field")] = {Integer(row, "filled"), Integer(row, "total")};
  }
  EXPECT_EQ(rates["sector"], (std::pair<int64_t, int64_t>{1, 3}));
  EXPECT_EQ(rates["revenue"], (std::pair<int64_t, int64_t>{2, 3}));
  EXPECT_EQ(rates["name"], (std::pair<int64_t, int64_t>{3, 3}));
  EXPECT_EQ(rates["tags"], (std::pair<int64_t, int64_t>{0, 3}));
}

TEST_F(ReportTest, FullTextSearchWithPrefixesPhonesAndRanking) {
  Record ada = NewRecord();
  crm_record_set_text(ada.get(), "name", "Ada Lovelace");
  crm_record_set_text(ada.get(), "email", "ada@analytical.example");
  crm_record_set_text(ada.get(), "phone", "+44 (20) 7946-0001");
  crm_record_set_text(ada.get(), "sector", "computing engines");
  int64_t ada_id = Create(db_.get(), ada.get());
  Customer("Lovelace Holdings", "finance", nullptr);
  Customer("Bob", "Loveless industries", nullptr);
  auto search = [&](const char* text) {
    crm_rows* raw = nullptr;
    EXPECT_EQ(crm_customer_search(&raw, db_.get(), text, 10), CRM_OK)
        << crm_last_error_message();
    Rows rows(raw);
    std::vector<std::string> names;
    for (size_t i = 0; i < crm_rows_size(rows.get()); ++i) {
      names.push_back(Text(crm_rows_at(rows.get(), i), "name"));
    }
    return names;
  };
  EXPECT_EQ(search("lovelace").size(), 2u);
  EXPECT_EQ(search("love*").size(), 3u);
  EXPECT_EQ(search("ada lovelace"), std::vector<std::string>{"Ada Lovelace"});
  EXPECT_EQ(search("442079460001"), std::vector<std::string>{"Ada Lovelace"});
  EXPECT_EQ(search("analytical"), std::vector<std::string>{"Ada Lovelace"});
  EXPECT_EQ(search("engines"), std::vector<std::string>{"Ada Lovelace"});
  EXPECT_EQ(search("\"OR NEAR( * ^"), std::vector<std::string>{});
  // The index follows updates and deletes.
  Record rename = NewRecord();
  crm_record_set_text(rename.get(), "name", "Augusta King");
  ASSERT_EQ(
      crm_customer_update(nullptr, db_.get(), ada_id, 0, rename.get(), nullptr),
      CRM_OK);
  EXPECT_EQ(search("augusta"), std::vector<std::string>{"Augusta King"});
  EXPECT_EQ(search("lovelace"), std::vector<std::string>{"Lovelace Holdings"});
  ASSERT_EQ(crm_customer_delete(db_.get(), ada_id, 0, nullptr), CRM_OK);
  EXPECT_EQ(search("augusta").size(), 0u);
  crm_rows* raw = nullptr;
  EXPECT_EQ(crm_customer_search(&raw, db_.get(), "   ", 10), CRM_E_VALIDATION);
  Query query(nullptr);
  crm_query* q = nullptr;
  crm_query_new(&q, CRM_QUERY_CUSTOMERS);
  query.reset(q);
  crm_query_set_filter(q, "search matches 'holdings' and sector = 'finance'");
  int64_t count = 0;
  ASSERT_EQ(crm_query_count(&count, db_.get(), q), CRM_OK);
  EXPECT_EQ(count, 1);
}

TEST_F(ReportTest, SegmentsCountLiveAndProtectTheirFields) {
  Customer("Ada", "tech", "10.00");
  ASSERT_EQ(crm_segment_save(db_.get(), "tech customers", CRM_QUERY_CUSTOMERS,
                             "sector = 'tech'"),
            CRM_OK);
  int64_t count = 0;
  ASSERT_EQ(crm_segment_count(&count, db_.get(), "tech customers"), CRM_OK);
  EXPECT_EQ(count, 1);
  Customer("Bob", "tech", "1.00");
  ASSERT_EQ(crm_segment_count(&count, db_.get(), "tech customers"), CRM_OK);
  EXPECT_EQ(count, 2);
  EXPECT_CRM_ERROR(crm_field_delete(db_.get(), "sector"), CRM_E_CONSTRAINT,
                   "sector", "segment");
  EXPECT_CRM_ERROR(crm_field_update(db_.get(), "sector", R"({"name": "x"})"),
                   CRM_E_CONSTRAINT, "sector", "segment");
  EXPECT_EQ(crm_segment_save(db_.get(), "bad", CRM_QUERY_CUSTOMERS,
                             "sector = :value"),
            CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(
      crm_segment_save(db_.get(), "bad", CRM_QUERY_CUSTOMERS, "nosuch = 1"),
      CRM_E_VALIDATION);
  crm_rows* raw = nullptr;
  ASSERT_EQ(crm_segment_list(&raw, db_.get()), CRM_OK);
  Rows rows(raw);
  ASSERT_EQ(crm_rows_size(rows.get()), 1u);
  EXPECT_EQ(Integer(crm_rows_at(rows.get(), 0), "count"), 2);
  ASSERT_EQ(crm_segment_delete(db_.get(), "tech customers"), CRM_OK);
  EXPECT_EQ(crm_segment_count(&count, db_.get(), "tech customers"),
            CRM_E_NOT_FOUND);
  EXPECT_EQ(crm_field_delete(db_.get(), "sector"), CRM_OK);
}

// The rows of crm_segment_list: name -> count, or "error: <message>".
std::map<std::string, std::string> ListSegments(crm_db* db) {
  crm_rows* raw = nullptr;
  EXPECT_EQ(crm_segment_list(&raw, db), CRM_OK) << crm_last_error_message();
  Rows rows(raw);
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < crm_rows_size(rows.get()); ++i) {
    crm_record* row = crm_rows_at(rows.get(), i);
    int64_t count = -1;
    std::string shown = crm_record_get_integer(&count, row, "count") == CRM_OK
                            ? std::to_string(count)
                            : "error: " + Text(row, "error");
    out[Text(row, "name")] = shown;
  }
  return out;
}

TEST_F(ReportTest, ASegmentThatCannotRunIsListedWithWhy) {
  Define(db_.get(), R"({"name": "seats", "type": "integer"})");
  Customer("Ada", "tech", "10.00");
  for (const auto& [name, filter] :
       std::vector<std::pair<const char*, const char*>>{
           {"tech", "sector = 'tech'"},
           {"rich", "revenue > 5"},
           {"big", "seats > 5"}}) {
    ASSERT_EQ(crm_segment_save(db_.get(), name, CRM_QUERY_CUSTOMERS, filter),
              CRM_OK);
  }
  // Archiving a field, or changing its type, is allowed while a segment
  // uses it; the segment then cannot run. It used to make crm_segment_list
  // fail for every segment until it was deleted.
  ASSERT_EQ(crm_field_archive(db_.get(), "revenue"), CRM_OK);
  ASSERT_EQ(crm_field_update(db_.get(), "seats", R"({"type": "text"})"), CRM_OK)
      << crm_last_error_message();
  std::map<std::string, std::string> listed = ListSegments(db_.get());
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed["tech"], "1");
  EXPECT_NE(listed["rich"].find("error: field 'revenue' is archived"),
            std::string::npos)
      << listed["rich"];
  EXPECT_NE(listed["big"].find("error: "), std::string::npos) << listed["big"];
  int64_t count = -1;
  EXPECT_CRM_ERROR(crm_segment_count(&count, db_.get(), "rich"),
                   CRM_E_VALIDATION, "revenue", "archived");
  EXPECT_CRM_ERROR(crm_segment_count(&count, db_.get(), "big"),
                   CRM_E_VALIDATION, "seats", "type");
  EXPECT_EQ(crm_last_error_position(), 8);
  // Mended by restoring the field; or saved anew, or deleted.
  ASSERT_EQ(crm_field_restore(db_.get(), "revenue"), CRM_OK);
  EXPECT_EQ(ListSegments(db_.get())["rich"], "1");
  ASSERT_EQ(
      crm_segment_save(db_.get(), "big", CRM_QUERY_CUSTOMERS, "seats = '5'"),
      CRM_OK);
  EXPECT_EQ(ListSegments(db_.get())["big"], "0");
}

TEST_F(ReportTest, SegmentsEditedInTheFileFailAloneWithANamedError) {
  TempDir dir;
  std::string path = dir.File("segments.crm");
  {
    Db db = OpenDb(path);
    Define(db.get(), R"({"name": "seats", "type": "integer"})");
    for (const char* name : {"deep", "good", "long", "target", "unknown"}) {
      ASSERT_EQ(
          crm_segment_save(db.get(), name, CRM_QUERY_CUSTOMERS, "seats > 1"),
          CRM_OK);
    }
  }
  {
    // What libcrm would never save, written into the file by hand (or by
    // an older libcrm with looser limits).
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
    std::string deep = "UPDATE crm_segments SET filter = '";
    for (int i = 0; i < 45; ++i) deep += "not ";
    deep += "seats > 1' WHERE name = 'deep'";
    std::string chain = "UPDATE crm_segments SET filter = 'seats > 1";
    for (int i = 1; i < 999; ++i) chain += " and seats > 1";
    chain += "' WHERE name = 'long'";
    for (const std::string& sql :
         {deep, chain,
          std::string("UPDATE crm_segments SET target = 'orders' "
                      "WHERE name = 'target'"),
          std::string("UPDATE crm_segments SET filter = 'nosuch = 1' "
                      "WHERE name = 'unknown'")}) {
      ASSERT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr),
                SQLITE_OK)
          << sqlite3_errmsg(raw);
    }
    sqlite3_close(raw);
  }
  Db db = OpenDb(path);
  std::map<std::string, std::string> listed = ListSegments(db.get());
  ASSERT_EQ(listed.size(), 5u);
  EXPECT_EQ(listed["good"], "0");
  for (const char* name : {"deep", "long", "target", "unknown"}) {
    EXPECT_EQ(listed[name].rfind("error: ", 0), 0u) << name << listed[name];
  }
  int64_t count = -1;
  EXPECT_CRM_ERROR(crm_segment_count(&count, db.get(), "deep"),
                   CRM_E_INVALID_ARGUMENT, "", "depth");
  EXPECT_EQ(crm_last_error_position(), 40);
  EXPECT_CRM_ERROR(crm_segment_count(&count, db.get(), "long"),
                   CRM_E_INVALID_ARGUMENT, "", "terms");
  EXPECT_CRM_ERROR(crm_segment_count(&count, db.get(), "target"),
                   CRM_E_VALIDATION, "", "target");
  EXPECT_CRM_ERROR(crm_segment_count(&count, db.get(), "unknown"),
                   CRM_E_VALIDATION, "nosuch", "unknown_field");
  EXPECT_EQ(crm_segment_count(&count, db.get(), "good"), CRM_OK);
  EXPECT_EQ(crm_segment_delete(db.get(), "deep"), CRM_OK);
  EXPECT_EQ(ListSegments(db.get()).size(), 4u);
}

TEST_F(ReportTest, EventPropertiesAreQueryable) {
  int64_t id = Customer("Ada", "tech", "1.00");
  struct Order {
    const char* amount;
    const char* region;
    bool gift;
    const char* note;
  };
  std::vector<Order> orders = {{"99.90", "north", false, "leave at door"},
                               {"150.00", "south", true, "call first"},
                               {"1200.50", "north", false, "door code 12"}};
  for (const Order& order : orders) {
    crm_event* event = nullptr;
    crm_event_new(&event);
    crm_event_set_customer(event, id);
    crm_event_set_type(event, "order.placed");
    crm_record* props = crm_event_properties(event);
    crm_record_set_decimal(props, "amount", order.amount);
    crm_record_set_text(props, "region", order.region);
    crm_record_set_boolean(props, "gift", order.gift);
    crm_record_set_text(props, "note", order.note);
    const char* skus[] = {"A-1", order.gift ? "GIFT" : "B-2"};
    crm_record_set_list(props, "skus", skus, 2);
    int64_t seq = 0;
    ASSERT_EQ(crm_event_append(&seq, nullptr, db_.get(), event), CRM_OK)
        << crm_last_error_message();
    crm_event_free(event);
  }
  auto count = [&](const char* filter, const char* min = nullptr) {
    crm_query* raw = nullptr;
    crm_query_new(&raw, CRM_QUERY_EVENTS);
    Query query(raw);
    crm_query_set_filter(query.get(), filter);
    if (min) crm_record_set_decimal(crm_query_params(query.get()), "min", min);
    int64_t n = -1;
    EXPECT_EQ(crm_query_count(&n, db_.get(), query.get()), CRM_OK)
        << filter << ": " << crm_last_error_message();
    return n;
  };
  EXPECT_EQ(count("properties.amount > 100"), 2);
  EXPECT_EQ(count("properties.amount >= :min", "150.00"), 2);
  EXPECT_EQ(count("properties.amount between 99.9 and 150"), 2);
  EXPECT_EQ(count("properties.region = 'north'"), 2);
  EXPECT_EQ(count("properties.region in ('south', 'east')"), 1);
  EXPECT_EQ(count("properties.gift = true"), 1);
  EXPECT_EQ(count("properties.note contains 'door'"), 2);
  EXPECT_EQ(count("properties.note istarts with 'CALL'"), 1);
  EXPECT_EQ(count("properties.skus has 'GIFT'"), 1);
  EXPECT_EQ(count("properties.skus has all ('A-1', 'B-2')"), 2);
  EXPECT_EQ(count("properties.coupon is null and type = 'order.placed'"), 3);
  EXPECT_EQ(count("properties.region = 'north' and customer.sector = 'tech'"),
            2);
  // A property that holds no list has none of the values (its text used to
  // be parsed as JSON: CRM_E_INTERNAL "malformed JSON").
  EXPECT_EQ(count("properties.note has 'call first'"), 0);
  EXPECT_EQ(count("properties.note has any ('door', 'x')"), 0);
  EXPECT_EQ(count("properties.note has all ('door')"), 0);
  EXPECT_EQ(count("properties.amount has 150"), 0);
  EXPECT_EQ(
      count("not properties.region has 'north' and type = 'order.placed'"), 3);
  crm_query* raw = nullptr;
  crm_query_new(&raw, CRM_QUERY_EVENTS);
  Query query(raw);
  crm_query_set_filter(query.get(), "properties.Bad = 1");
  int64_t n = 0;
  EXPECT_EQ(crm_query_count(&n, db_.get(), query.get()), CRM_E_VALIDATION);
  crm_query_set_filter(query.get(), "properties.amount within last 3 days");
  EXPECT_EQ(crm_query_count(&n, db_.get(), query.get()), CRM_E_VALIDATION);
  // Grouped by a property, with the largest amount per group.
  crm_query_set_filter(query.get(), "type = 'order.placed'");
  crm_query_group_by(query.get(), "properties.region", CRM_BUCKET_NONE);
  crm_query_aggregate(query.get(), CRM_AGG_COUNT, nullptr, nullptr);
  crm_query_aggregate(query.get(), CRM_AGG_MAX, "properties.amount", "top");
  Rows rows = Aggregate(query.get());
  ASSERT_EQ(crm_rows_size(rows.get()), 2u);
  EXPECT_EQ(Text(crm_rows_at(rows.get(), 0), "properties.region"), "north");
  EXPECT_EQ(Integer(crm_rows_at(rows.get(), 0), "count"), 2);
  EXPECT_EQ(Decimal(crm_rows_at(rows.get(), 0), "top"), "1200.5");
}

TEST_F(ReportTest, EventPropertySumsAreExactPerMonth) {
  int64_t id = Customer("Ada", "tech", "1.00");
  int64_t jan = 1704067200LL * 1000000;  // 2024-01-01
  int64_t feb = 1706745600LL * 1000000;  // 2024-02-01
  auto order = [&](int64_t at, const char* amount, int64_t units,
                   const char* type = "order.placed") {
    Event(id, type, at, "web", [&](crm_record* properties) {
      if (amount) crm_record_set_decimal(properties, "amount", amount);
      crm_record_set_integer(properties, "units", units);
    });
  };
  // 0.1 + 0.2 + ... is not exact in floating point; three scales mixed.
  ASSERT_EQ(crm_begin(db_.get()), CRM_OK);
  for (int i = 0; i < 300; ++i) order(jan + i, i % 3 == 0 ? "0.1" : "0.20", 1);
  order(jan + 400, "0.005", 2);
  order(feb, "92233720368547.75", 3);
  order(feb + 1, "0.01", 4);
  order(feb + 2, nullptr, 5);  // no amount: not summed, not counted
  ASSERT_EQ(crm_commit(db_.get()), CRM_OK);
  crm_query* raw = nullptr;
  ASSERT_EQ(crm_query_new(&raw, CRM_QUERY_EVENTS), CRM_OK);
  Query query(raw);
  crm_query_set_filter(query.get(), "type = 'order.placed'");
  crm_query_group_by(query.get(), "occurred_at", CRM_BUCKET_MONTH);
  crm_query_aggregate(query.get(), CRM_AGG_SUM, "properties.amount", "sales");
  crm_query_aggregate(query.get(), CRM_AGG_AVG, "properties.amount", "avg");
  crm_query_aggregate(query.get(), CRM_AGG_SUM, "properties.units", "units");
  Rows rows = Aggregate(query.get());
  ASSERT_EQ(crm_rows_size(rows.get()), 2u);
  crm_record* january = crm_rows_at(rows.get(), 0);
  crm_record* february = crm_rows_at(rows.get(), 1);
  EXPECT_EQ(Text(january, "occurred_at"), "2024-01");
  EXPECT_EQ(Decimal(january, "sales"), "50.005");  // 100 x 0.1 + 200 x 0.2
  EXPECT_EQ(Decimal(january, "avg"), "0.16613");   // 50.005 / 301, rounded
  EXPECT_EQ(Integer(january, "units"), 302);
  EXPECT_EQ(Decimal(february, "sales"), "92233720368547.76");
  EXPECT_EQ(Decimal(february, "avg"), "46116860184273.8800");
  EXPECT_EQ(Integer(february, "units"), 12);

  // A property that holds text in some event cannot be summed: the error
  // names it, and nothing is returned.
  Event(id, "order.placed", feb, "web", [](crm_record* properties) {
    crm_record_set_text(properties, "amount", "twelve");
  });
  crm_rows* failed = nullptr;
  EXPECT_EQ(crm_query_run_aggregate(&failed, db_.get(), query.get()),
            CRM_E_VALIDATION);
  EXPECT_EQ(failed, nullptr);
  EXPECT_STREQ(crm_last_error_field(), "properties.amount");
  EXPECT_NE(std::string(crm_last_error_message()).find("twelve"),
            std::string::npos);

  // A sum past the range of 64-bit scaled units is refused, not wrapped.
  order(feb + 3, "92233720368547758.00", 1, "order.big");
  order(feb + 4, "92233720368547758.00", 1, "order.big");
  crm_query_set_filter(query.get(), "type = 'order.big'");
  EXPECT_EQ(crm_query_run_aggregate(&failed, db_.get(), query.get()),
            CRM_E_VALIDATION);
  EXPECT_NE(std::string(crm_last_error_message()).find("out of range"),
            std::string::npos);
}

TEST_F(ReportTest, GroupsOfInternedNamesComeInTextOrder) {
  int64_t id = Customer("Ada", "tech", "1.00");
  // Interned in the order web, phone, email: the reverse of text order.
  for (const char* channel : {"web", "web", "phone", "email", "web"}) {
    Event(id, "order.placed", 1704067200LL * 1000000, channel);
  }
  crm_query* raw = nullptr;
  ASSERT_EQ(crm_query_new(&raw, CRM_QUERY_EVENTS), CRM_OK);
  Query query(raw);
  crm_query_group_by(query.get(), "channel", CRM_BUCKET_NONE);
  crm_query_group_by(query.get(), "type", CRM_BUCKET_NONE);
  crm_query_aggregate(query.get(), CRM_AGG_COUNT, nullptr, nullptr);
  Rows rows = Aggregate(query.get());
  std::vector<std::pair<std::string, int64_t>> groups;
  for (size_t i = 0; i < crm_rows_size(rows.get()); ++i) {
    crm_record* row = crm_rows_at(rows.get(), i);
    if (Text(row, "type") != "order.placed") continue;  // history events
    groups.push_back({Text(row, "channel"), Integer(row, "count")});
  }
  std::vector<std::pair<std::string, int64_t>> expected = {
      {"email", 1}, {"phone", 1}, {"web", 3}};
  EXPECT_EQ(groups, expected);
}

TEST_F(ReportTest, CohortOfTicketsWithinSixtyDaysOfFirstPurchase) {
  int64_t a = Customer("A", nullptr, nullptr);
  int64_t b = Customer("B", nullptr, nullptr);
  int64_t c = Customer("C", nullptr, nullptr);
  int64_t jan = 1704067200LL * 1000000;  // 2024-01-01
  int64_t feb = 1706745600LL * 1000000;  // 2024-02-01
  Event(a, "order.placed", jan);
  Event(a, "order.placed", jan + 90 * kDay);  // not a first purchase
  Event(a, "ticket.opened", jan + 10 * kDay);
  Event(a, "ticket.opened", jan + 59 * kDay);
  Event(a, "ticket.opened", jan + 61 * kDay);  // too late
  Event(b, "order.placed", jan + 5 * kDay);
  Event(c, "order.placed", feb);
  Event(c, "ticket.opened", feb + kDay);
  crm_rows* raw = nullptr;
  ASSERT_EQ(crm_cohort(&raw, db_.get(), "order.placed", "ticket.opened", 60,
                       CRM_BUCKET_MONTH),
            CRM_OK)
      << crm_last_error_message();
  Rows rows(raw);
  ASSERT_EQ(crm_rows_size(rows.get()), 2u);
  crm_record* january = crm_rows_at(rows.get(), 0);
  EXPECT_EQ(Text(january, "cohort"), "2024-01");
  EXPECT_EQ(Integer(january, "customers"), 2);
  EXPECT_EQ(Integer(january, "converted"), 1);
  EXPECT_EQ(Integer(january, "events"), 2);
  EXPECT_EQ(Integer(crm_rows_at(rows.get(), 1), "converted"), 1);
  EXPECT_EQ(crm_cohort(&raw, db_.get(), "order.placed", "ticket.opened", 0,
                       CRM_BUCKET_NONE),
            CRM_E_INVALID_ARGUMENT);
}

}  // namespace
}  // namespace crm_test
