// Queries as of a valid time and series (crm.h, crm_query_set_as_of and
// crm_query_run_series): counts, filters, rows and aggregates see each
// customer as crm_customer_get_at_v2() would, only customers that existed
// then, and on a restricted handle only those in its scope now.
//
// The data is written live: the test notes the clock between writes, so
// that each noted instant lies strictly between two writes' times.
#include <chrono>
#include <string>
#include <vector>

#include "test_support.h"

namespace crm_test {
namespace {

int64_t ClockMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// An instant after every write so far and before every later one: the
// clock is read, then awaited until it moves on.
int64_t Between() {
  int64_t at = ClockMicros();
  while (ClockMicros() <= at) {
  }
  return at;
}

Query NewQuery(const char* filter, int target = CRM_QUERY_CUSTOMERS) {
  crm_query* raw = nullptr;
  EXPECT_EQ(crm_query_new(&raw, target), CRM_OK);
  EXPECT_EQ(crm_query_set_filter(raw, filter), CRM_OK);
  return Query(raw);
}

// The count of `filter` as of `valid_us` known at `known_at_us`.
int64_t CountAsOf(crm_db* db, const char* filter, int64_t valid_us,
                  int64_t known_at_us = CRM_TIME_MAX) {
  Query query = NewQuery(filter);
  EXPECT_EQ(crm_query_set_as_of(query.get(), valid_us, known_at_us), CRM_OK);
  int64_t count = -1;
  EXPECT_EQ(crm_query_count(&count, db, query.get()), CRM_OK)
      << crm_last_error_message();
  return count;
}

// The rows of `query`'s series at `instants` on `db`.
Rows RunSeries(crm_db* db, const crm_query* query,
               const std::vector<int64_t>& instants) {
  crm_rows* raw = nullptr;
  EXPECT_EQ(
      crm_query_run_series(&raw, db, query, instants.data(), instants.size()),
      CRM_OK)
      << crm_last_error_message();
  return Rows(raw);
}

// "north" reads name, plan and amount; hides secret; sees the customers of
// the north region.
constexpr char kNorth[] = R"({"name": "north",
  "fields": {"name": "read_only", "plan": "read_only", "amount": "read_only",
             "area": "read_only", "secret": "hidden"},
  "scope": "area = 'north'"})";

class ValidTimeQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Define(db_.get(), R"({"name": "plan", "type": "text"})");
    Define(db_.get(), R"({"name": "area", "type": "text"})");
    Define(db_.get(), R"({"name": "secret", "type": "text"})");
    Define(db_.get(), R"({"name": "amount", "type": "integer"})");
    ASSERT_EQ(crm_profile_define(db_.get(), kNorth), CRM_OK)
        << crm_last_error_message();
    before_ = Between();
    ada_ = Add("Ada", "basic", "north", 10);
    t1_ = Between();  // Ada basic
    Update(ada_, "plan", "premium");
    bob_ = Add("Bob", "premium", "south", 5);
    t2_ = Between();  // Ada premium, Bob premium
    cy_ = Add("Cy", "basic", "north", 7);
    t3_ = Between();  // Ada, Bob, Cy
    ASSERT_EQ(crm_customer_delete(db_.get(), cy_, 0, "test"), CRM_OK)
        << crm_last_error_message();
    Update(bob_, "plan", "basic");
    now_ = Between();  // Ada premium, Bob basic; Cy gone
  }

  int64_t Add(const char* name, const char* plan, const char* area,
              int64_t amount) {
    Record record = NewRecord();
    crm_record_set_text(record.get(), "name", name);
    crm_record_set_text(record.get(), "plan", plan);
    crm_record_set_text(record.get(), "area", area);
    crm_record_set_text(record.get(), "secret", "s");
    crm_record_set_integer(record.get(), "amount", amount);
    return Create(db_.get(), record.get());
  }

  void Update(int64_t id, const char* field, const char* value) {
    Record changes = NewRecord();
    crm_record_set_text(changes.get(), field, value);
    int64_t version = 0;
    ASSERT_EQ(
        crm_customer_update(&version, db_.get(), id, 0, changes.get(), "test"),
        CRM_OK)
        << crm_last_error_message();
  }

  // "valid_at=count" per row of a series of `filter`.
  std::string Series(crm_db* db, const char* filter,
                     const std::vector<int64_t>& instants) {
    Query query = NewQuery(filter);
    Rows rows = RunSeries(db, query.get(), instants);
    std::string out;
    for (size_t i = 0; i < crm_rows_size(rows.get()); ++i) {
      crm_record* row = crm_rows_at(rows.get(), i);
      int64_t at = 0, count = -1;
      EXPECT_EQ(crm_record_get_datetime(&at, row, "valid_at"), CRM_OK);
      EXPECT_EQ(crm_record_get_integer(&count, row, "count"), CRM_OK);
      out += (i ? " " : "") + std::to_string(at == instants[i] ? i : 999) +
             "=" + std::to_string(count);
    }
    return out;
  }

  TempDir dir_;
  Db db_ = OpenDb(dir_.File("crm.db"));
  int64_t ada_ = 0, bob_ = 0, cy_ = 0;
  int64_t before_ = 0, t1_ = 0, t2_ = 0, t3_ = 0, now_ = 0;
};

TEST_F(ValidTimeQueryTest, CountsAndFiltersSeeTheCustomersOfThatInstant) {
  EXPECT_EQ(CountAsOf(db_.get(), "", before_), 0);
  EXPECT_EQ(CountAsOf(db_.get(), "", t1_), 1);
  EXPECT_EQ(CountAsOf(db_.get(), "plan = 'premium'", t1_), 0);
  EXPECT_EQ(CountAsOf(db_.get(), "plan = 'basic'", t1_), 1);
  EXPECT_EQ(CountAsOf(db_.get(), "plan = 'premium'", t2_), 2);
  // Cy existed at t3 only; deleted customers are absent later.
  EXPECT_EQ(CountAsOf(db_.get(), "", t3_), 3);
  EXPECT_EQ(CountAsOf(db_.get(), "area = 'north'", t3_), 2);
  EXPECT_EQ(CountAsOf(db_.get(), "", now_), 2);
  EXPECT_EQ(CountAsOf(db_.get(), "plan = 'premium'", now_), 1);
  // CRM_TIME_MAX is today's path: the same answers.
  EXPECT_EQ(CountAsOf(db_.get(), "plan = 'premium'", CRM_TIME_MAX), 1);
  EXPECT_EQ(CountAsOf(db_.get(), "", CRM_TIME_MAX), 2);
}

TEST_F(ValidTimeQueryTest, ReadOnlyHandlesQueryAsOf) {
  crm_open_options options = CRM_OPEN_OPTIONS_INIT;
  options.flags = CRM_OPEN_READ_ONLY;
  crm_db* raw = nullptr;
  ASSERT_EQ(OpenOn(&raw, dir_.File("crm.db"), &options), CRM_OK)
      << crm_last_error_message();
  Db reader(raw);
  EXPECT_EQ(CountAsOf(reader.get(), "plan = 'premium'", t2_), 2);
  EXPECT_EQ(Series(reader.get(), "", {t1_, t3_}), "0=1 1=3");
  // A second as-of query on the same connection sees only its own rows.
  EXPECT_EQ(CountAsOf(reader.get(), "", t1_), 1);
}

TEST_F(ValidTimeQueryTest, KnownAtAloneAnswersForNow) {
  // Valid now (CRM_TIME_MAX) by what libcrm knew at t1: Ada alone, basic.
  EXPECT_EQ(CountAsOf(db_.get(), "", CRM_TIME_MAX, t1_), 1);
  EXPECT_EQ(CountAsOf(db_.get(), "plan = 'basic'", CRM_TIME_MAX, t1_), 1);
  EXPECT_EQ(CountAsOf(db_.get(), "", CRM_TIME_MAX, CRM_TIME_MAX), 2);
}

TEST_F(ValidTimeQueryTest, KnownAtAnswersAsLibcrmWouldHaveThen) {
  // At t1 libcrm knew only Ada, on the basic plan, whatever valid time is
  // asked for.
  EXPECT_EQ(CountAsOf(db_.get(), "", now_, t1_), 1);
  EXPECT_EQ(CountAsOf(db_.get(), "plan = 'basic'", now_, t1_), 1);
  EXPECT_EQ(CountAsOf(db_.get(), "plan = 'premium'", now_, t2_), 2);
  EXPECT_EQ(CountAsOf(db_.get(), "", now_, t3_), 3);
  EXPECT_EQ(CountAsOf(db_.get(), "", now_, before_), 0);
}

TEST_F(ValidTimeQueryTest, RowsHoldTheValuesAndVersionsOfThatInstant) {
  Query query = NewQuery("");
  ASSERT_EQ(crm_query_set_as_of(query.get(), t2_, CRM_TIME_MAX), CRM_OK);
  ASSERT_EQ(crm_query_order_by(query.get(), "name", 0), CRM_OK);
  crm_rows* raw = nullptr;
  ASSERT_EQ(crm_query_run(&raw, db_.get(), query.get()), CRM_OK)
      << crm_last_error_message();
  Rows rows(raw);
  ASSERT_EQ(crm_rows_size(rows.get()), 2u);
  crm_record* ada = crm_rows_at(rows.get(), 0);
  crm_record* bob = crm_rows_at(rows.get(), 1);
  EXPECT_EQ(crm_record_id(ada), ada_);
  EXPECT_EQ(Text(ada, "plan"), "premium");
  EXPECT_EQ(crm_record_version(ada), 2);
  EXPECT_EQ(crm_record_id(bob), bob_);
  EXPECT_EQ(Text(bob, "plan"), "premium");  // basic only since
  EXPECT_EQ(crm_record_version(bob), 1);

  // Paging runs over the same instant.
  Query paged = NewQuery("");
  ASSERT_EQ(crm_query_set_as_of(paged.get(), t3_, CRM_TIME_MAX), CRM_OK);
  ASSERT_EQ(crm_query_set_page_size(paged.get(), 2), CRM_OK);
  ASSERT_EQ(crm_query_run(&raw, db_.get(), paged.get()), CRM_OK);
  Rows first(raw);
  ASSERT_EQ(crm_rows_size(first.get()), 2u);
  ASSERT_EQ(
      crm_query_set_cursor(paged.get(), crm_rows_next_cursor(first.get())),
      CRM_OK);
  ASSERT_EQ(crm_query_run(&raw, db_.get(), paged.get()), CRM_OK);
  Rows second(raw);
  ASSERT_EQ(crm_rows_size(second.get()), 1u);
  EXPECT_EQ(crm_record_id(crm_rows_at(second.get(), 0)), cy_);
}

TEST_F(ValidTimeQueryTest, AggregatesGroupTheValuesOfThatInstant) {
  Query query = NewQuery("");
  ASSERT_EQ(crm_query_set_as_of(query.get(), t3_, CRM_TIME_MAX), CRM_OK);
  ASSERT_EQ(crm_query_group_by(query.get(), "plan", CRM_BUCKET_NONE), CRM_OK);
  ASSERT_EQ(crm_query_aggregate(query.get(), CRM_AGG_SUM, "amount", nullptr),
            CRM_OK);
  crm_rows* raw = nullptr;
  ASSERT_EQ(crm_query_run_aggregate(&raw, db_.get(), query.get()), CRM_OK)
      << crm_last_error_message();
  Rows rows(raw);
  ASSERT_EQ(crm_rows_size(rows.get()), 2u);
  int64_t sum = 0;
  EXPECT_EQ(Text(crm_rows_at(rows.get(), 0), "plan"), "basic");
  ASSERT_EQ(
      crm_record_get_integer(&sum, crm_rows_at(rows.get(), 0), "sum_amount"),
      CRM_OK);
  EXPECT_EQ(sum, 7);  // Cy
  EXPECT_EQ(Text(crm_rows_at(rows.get(), 1), "plan"), "premium");
  ASSERT_EQ(
      crm_record_get_integer(&sum, crm_rows_at(rows.get(), 1), "sum_amount"),
      CRM_OK);
  EXPECT_EQ(sum, 15);  // Ada and Bob
}

std::string Explain(crm_db* db, const crm_query* query) {
  char* raw = nullptr;
  EXPECT_EQ(crm_query_explain(&raw, db, query), CRM_OK)
      << crm_last_error_message();
  String plan(raw);
  return plan ? plan.get() : "";
}

TEST_F(ValidTimeQueryTest, ExplainReadsTheAsOfTable) {
  // Now, the email index of the customers table serves the filter; as of a
  // past time the rows come from the as-of table, which has none.
  Query query = NewQuery("email = 'ada@example.com'");
  std::string now = Explain(db_.get(), query.get());
  EXPECT_NE(now.find("crm_customers"), std::string::npos) << now;
  ASSERT_EQ(crm_query_set_as_of(query.get(), t1_, CRM_TIME_MAX), CRM_OK);
  std::string then = Explain(db_.get(), query.get());
  EXPECT_FALSE(then.empty());
  EXPECT_EQ(then.find("crm_customers"), std::string::npos) << then;
}

TEST_F(ValidTimeQueryTest, SeriesCountsEachInstantInTheOrderGiven) {
  EXPECT_EQ(Series(db_.get(), "", {before_, t1_, t2_, t3_, now_}),
            "0=0 1=1 2=2 3=3 4=2");
  // Given out of order, and an instant twice.
  EXPECT_EQ(Series(db_.get(), "plan = 'premium'", {now_, t2_, t1_, t2_}),
            "0=1 1=2 2=0 3=2");
}

TEST_F(ValidTimeQueryTest, SeriesGroupsWithinEachInstant) {
  Query query = NewQuery("");
  ASSERT_EQ(crm_query_group_by(query.get(), "plan", CRM_BUCKET_NONE), CRM_OK);
  Rows rows = RunSeries(db_.get(), query.get(), {t1_, now_});
  std::string out;
  for (size_t i = 0; i < crm_rows_size(rows.get()); ++i) {
    crm_record* row = crm_rows_at(rows.get(), i);
    int64_t at = 0, count = 0;
    ASSERT_EQ(crm_record_get_datetime(&at, row, "valid_at"), CRM_OK);
    ASSERT_EQ(crm_record_get_integer(&count, row, "count"), CRM_OK);
    out += std::string(at == t1_    ? "t1"
                       : at == now_ ? "now"
                                    : "?") +
           ":" + Text(row, "plan") + "=" + std::to_string(count) + " ";
  }
  EXPECT_EQ(out, "t1:basic=1 now:basic=1 now:premium=1 ");
}

TEST_F(ValidTimeQueryTest, BadArgumentsAndEventsFail) {
  Query query = NewQuery("");
  crm_rows* raw = nullptr;
  std::vector<int64_t> many(CRM_MAX_SERIES_INSTANTS + 1, t1_);
  EXPECT_CRM_ERROR(
      crm_query_run_series(&raw, db_.get(), query.get(), many.data(), 0),
      CRM_E_INVALID_ARGUMENT, "", "instants");
  EXPECT_EQ(raw, nullptr);
  EXPECT_CRM_ERROR(crm_query_run_series(&raw, db_.get(), query.get(),
                                        many.data(), many.size()),
                   CRM_E_INVALID_ARGUMENT, "", "instants");
  EXPECT_CRM_ERROR(
      crm_query_run_series(&raw, db_.get(), query.get(), nullptr, 1),
      CRM_E_INVALID_ARGUMENT, "", "instants");
  EXPECT_CRM_ERROR(
      crm_query_run_series(&raw, db_.get(), nullptr, many.data(), 1),
      CRM_E_INVALID_ARGUMENT, "", "query");
  EXPECT_CRM_ERROR(crm_query_set_as_of(nullptr, t1_, CRM_TIME_MAX),
                   CRM_E_INVALID_ARGUMENT, "", "query");
  // Instants are datetimes: "now" (CRM_TIME_MAX) and times outside the
  // years 0001-9999 are refused, first or later.
  for (int64_t bad : {CRM_TIME_MAX, CRM_TIME_MIN}) {
    std::vector<int64_t> instants = {bad, t1_};
    EXPECT_CRM_ERROR(crm_query_run_series(&raw, db_.get(), query.get(),
                                          instants.data(), instants.size()),
                     CRM_E_INVALID_ARGUMENT, "", "instants");
    std::swap(instants[0], instants[1]);
    EXPECT_CRM_ERROR(crm_query_run_series(&raw, db_.get(), query.get(),
                                          instants.data(), instants.size()),
                     CRM_E_INVALID_ARGUMENT, "", "instants");
  }
  // The most instants run.
  many.pop_back();
  ASSERT_EQ(crm_query_run_series(&raw, db_.get(), query.get(), many.data(),
                                 many.size()),
            CRM_OK)
      << crm_last_error_message();
  Rows all(raw);
  EXPECT_EQ(crm_rows_size(all.get()), many.size());

  // Events do not change: as of a past time they fail, now they run.
  Query events = NewQuery("", CRM_QUERY_EVENTS);
  ASSERT_EQ(crm_query_set_as_of(events.get(), t1_, CRM_TIME_MAX), CRM_OK);
  int64_t count = 0;
  EXPECT_CRM_ERROR(crm_query_count(&count, db_.get(), events.get()),
                   CRM_E_INVALID_ARGUMENT, "", "target");
  EXPECT_CRM_ERROR(crm_query_run(&raw, db_.get(), events.get()),
                   CRM_E_INVALID_ARGUMENT, "", "target");
  EXPECT_CRM_ERROR(
      crm_query_run_series(&raw, db_.get(), events.get(), many.data(), 1),
      CRM_E_INVALID_ARGUMENT, "", "target");
  ASSERT_EQ(crm_query_set_as_of(events.get(), CRM_TIME_MAX, CRM_TIME_MAX),
            CRM_OK);
  EXPECT_EQ(crm_query_count(&count, db_.get(), events.get()), CRM_OK)
      << crm_last_error_message();
  EXPECT_GT(count, 0);
}

TEST_F(ValidTimeQueryTest, RestrictedHandleSeesItsScopeNow) {
  Db north = RestrictTo(db_.get(), "north", "alice");
  // Ada is north now; Cy was north but is deleted now: as for
  // crm_customer_get_at(), out of scope.
  EXPECT_EQ(CountAsOf(north.get(), "", t3_), 1);
  EXPECT_EQ(CountAsOf(north.get(), "plan = 'basic'", t1_), 1);
  EXPECT_EQ(CountAsOf(north.get(), "plan = 'premium'", t2_), 1);
  EXPECT_EQ(Series(north.get(), "", {t1_, t3_, now_}), "0=1 1=1 2=1");
  Query hidden = NewQuery("secret = 's'");
  ASSERT_EQ(crm_query_set_as_of(hidden.get(), t2_, CRM_TIME_MAX), CRM_OK);
  int64_t count = 0;
  EXPECT_CRM_ERROR(crm_query_count(&count, north.get(), hidden.get()),
                   CRM_E_DENIED, "secret", "hidden");
}

// Late data (crm_customer_create_v2 and crm_customer_update_v2 with valid
// times in the past): each month-end of 2024 as libcrm knows it now, and as
// it knew it before a late change was recorded.
class LateDataQueryTest : public ::testing::Test {
 protected:
  static constexpr int64_t kDayUs = 86400LL * 1000000;
  static constexpr int64_t kJan1 = 1704067200LL * 1000000;  // 2024-01-01
  static constexpr int64_t kFeb1 = kJan1 + 31 * kDayUs;
  static constexpr int64_t kMar1 = kFeb1 + 29 * kDayUs;
  static constexpr int64_t kApr1 = kMar1 + 31 * kDayUs;
  static constexpr int64_t kMay1 = kApr1 + 30 * kDayUs;

  void SetUp() override {
    Define(db_.get(), R"({"name": "plan", "type": "text"})");
    ada_ = CreateAt("Ada", "basic", kJan1);
    bob_ = CreateAt("Bob", "basic", kMar1 + 14 * kDayUs);  // 15 March
    before_late_ = Between();
    // Recorded now: Ada on premium from 1 March.
    UpdateAt(ada_, "premium", kMar1, CRM_TIME_MAX);
    before_fix_ = Between();
    // A correction of a closed stretch: Ada on trial 1-15 February.
    UpdateAt(ada_, "trial", kFeb1, kFeb1 + 14 * kDayUs);
  }

  int64_t CreateAt(const char* name, const char* plan, int64_t at) {
    Record record = NewRecord();
    crm_record_set_text(record.get(), "name", name);
    crm_record_set_text(record.get(), "plan", plan);
    crm_write_options options = CRM_WRITE_OPTIONS_INIT;
    options.effective_at = at;
    crm_write_result* result = nullptr;
    EXPECT_EQ(crm_customer_create_v2(&result, db_.get(), record.get(), &options,
                                     "test"),
              CRM_OK)
        << crm_last_error_message();
    int64_t id = crm_write_result_id(result);
    crm_write_result_free(result);
    return id;
  }

  void UpdateAt(int64_t id, const char* plan, int64_t at, int64_t until) {
    Record changes = NewRecord();
    crm_record_set_text(changes.get(), "plan", plan);
    crm_write_options options = CRM_WRITE_OPTIONS_INIT;
    options.effective_at = at;
    options.effective_until = until;
    EXPECT_EQ(crm_customer_update_v2(nullptr, db_.get(), id, 0, changes.get(),
                                     &options, "test"),
              CRM_OK)
        << crm_last_error_message();
  }

  int64_t CountAsOf(const char* filter, int64_t valid_us,
                    int64_t known_at_us = CRM_TIME_MAX) {
    return crm_test::CountAsOf(db_.get(), filter, valid_us, known_at_us);
  }

  // The counts of a series of `filter` at the month-ends, known at
  // `known_at_us`, as "n n n n".
  std::string MonthEnds(const char* filter, int64_t known_at_us) {
    Query query = NewQuery(filter);
    EXPECT_EQ(crm_query_set_as_of(query.get(), CRM_TIME_MAX, known_at_us),
              CRM_OK);
    std::vector<int64_t> ends = {kFeb1 - 1, kMar1 - 1, kApr1 - 1, kMay1 - 1};
    Rows rows = RunSeries(db_.get(), query.get(), ends);
    std::string out;
    for (size_t i = 0; i < crm_rows_size(rows.get()); ++i) {
      int64_t at = 0, count = -1;
      crm_record* row = crm_rows_at(rows.get(), i);
      EXPECT_EQ(crm_record_get_datetime(&at, row, "valid_at"), CRM_OK);
      EXPECT_EQ(at, ends[i]);
      EXPECT_EQ(crm_record_get_integer(&count, row, "count"), CRM_OK);
      out += (i ? " " : "") + std::to_string(count);
    }
    return out;
  }

  TempDir dir_;
  Db db_ = OpenDb(dir_.File("crm.db"));
  int64_t ada_ = 0, bob_ = 0;
  int64_t before_late_ = 0, before_fix_ = 0;
};

TEST_F(LateDataQueryTest, LateChangesHoldFromTheirValidTime) {
  EXPECT_EQ(CountAsOf("plan = 'premium'", kMar1 - 1), 0);
  EXPECT_EQ(CountAsOf("plan = 'premium'", kMar1), 1);
  // The correction: trial from 1 to 15 February, basic again after.
  EXPECT_EQ(CountAsOf("plan = 'trial'", kFeb1 + 9 * kDayUs), 1);
  EXPECT_EQ(CountAsOf("plan = 'basic'", kFeb1 + 9 * kDayUs), 0);
  EXPECT_EQ(CountAsOf("plan = 'basic'", kFeb1 + 20 * kDayUs), 1);
  // Bob exists from 15 March on.
  EXPECT_EQ(CountAsOf("", kMar1 + 13 * kDayUs), 1);
  EXPECT_EQ(CountAsOf("", kMar1 + 14 * kDayUs), 2);
}

TEST_F(LateDataQueryTest, KnownAtGivesTheAnswerFromBeforeALateChange) {
  // Before the late change libcrm had Ada on basic throughout.
  EXPECT_EQ(CountAsOf("plan = 'premium'", kApr1, before_late_), 0);
  EXPECT_EQ(CountAsOf("plan = 'basic'", kApr1, before_late_), 2);
  EXPECT_EQ(CountAsOf("plan = 'premium'", kApr1, before_fix_), 1);
  EXPECT_EQ(CountAsOf("plan = 'trial'", kFeb1 + kDayUs, before_fix_), 0);
  EXPECT_EQ(CountAsOf("plan = 'trial'", kFeb1 + kDayUs), 1);
}

TEST_F(LateDataQueryTest, SeriesOfMonthEnds) {
  EXPECT_EQ(MonthEnds("", CRM_TIME_MAX), "1 1 2 2");
  EXPECT_EQ(MonthEnds("plan = 'premium'", CRM_TIME_MAX), "0 0 1 1");
  EXPECT_EQ(MonthEnds("plan = 'premium'", before_late_), "0 0 0 0");
  EXPECT_EQ(MonthEnds("plan = 'basic'", before_late_), "1 1 2 2");
  EXPECT_EQ(MonthEnds("plan = 'basic'", CRM_TIME_MAX), "1 1 1 1");
}

}  // namespace
}  // namespace crm_test
