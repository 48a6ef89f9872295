// The _v2 writes (crm.h "Write options and results" and "Valid time"):
// options and results, created_at on create, late and corrective updates.
#include <chrono>
#include <cstddef>
#include <cstring>
#include <string>

#include "crm/crm.pb.h"
#include "test_support.h"

namespace crm_test {
namespace {

constexpr int64_t kDay = 86400LL * 1000000;

struct ResultFreer {
  void operator()(crm_write_result* r) const { crm_write_result_free(r); }
};
using Result = std::unique_ptr<crm_write_result, ResultFreer>;

struct TimelineFreer {
  void operator()(crm_field_timeline* t) const { crm_field_timeline_free(t); }
};
using Timeline = std::unique_ptr<crm_field_timeline, TimelineFreer>;

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

crm_write_options Options(int64_t effective_at,
                          int64_t effective_until = CRM_TIME_MAX) {
  crm_write_options options = CRM_WRITE_OPTIONS_INIT;
  options.effective_at = effective_at;
  options.effective_until = effective_until;
  return options;
}

class ValidTimeWriteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Define(db_.get(), R"({"name": "plan", "type": "choice",
                          "options": ["basic", "premium", "gold"]})");
    now_ = NowUs();
  }

  // A customer named `name` created `days_ago` days ago, its city `city`.
  int64_t CreateAged(const char* name, int64_t days_ago,
                     const char* city = "Paris") {
    Record record = NewRecord();
    crm_record_set_text(record.get(), "name", name);
    crm_record_set_text(record.get(), "city", city);
    crm_record_set_datetime(record.get(), "created_at", now_ - days_ago * kDay);
    crm_write_result* raw = nullptr;
    EXPECT_EQ(crm_customer_create_v2(&raw, db_.get(), record.get(), nullptr,
                                     "migration"),
              CRM_OK)
        << crm_last_error_message();
    Result result(raw);
    return crm_write_result_id(result.get());
  }

  // Sets text `field` to `value` with `options`; the result (NULL on error,
  // whose status is in *status when given).
  Result Set(int64_t id, const char* field, const char* value,
             const crm_write_options& options, int* status = nullptr) {
    Record changes = NewRecord();
    crm_record_set_text(changes.get(), field, value);
    crm_write_result* raw = nullptr;
    int rc = crm_customer_update_v2(&raw, db_.get(), id, 0, changes.get(),
                                    &options, "clerk");
    if (status != nullptr) {
      *status = rc;
    } else {
      EXPECT_EQ(rc, CRM_OK) << crm_last_error_message();
    }
    return Result(raw);
  }

  int64_t Version(int64_t id) {
    return crm_record_version(Get(db_.get(), id).get());
  }

  // The customer's history events, oldest first.
  Page History(int64_t id) {
    crm_timeline_options options = CRM_TIMELINE_OPTIONS_INIT;
    options.oldest_first = 1;
    crm_event_page* raw = nullptr;
    EXPECT_EQ(crm_event_timeline(&raw, db_.get(), id, &options), CRM_OK)
        << crm_last_error_message();
    return Page(raw);
  }

  size_t Found(const char* text) {
    crm_rows* raw = nullptr;
    EXPECT_EQ(crm_customer_search(&raw, db_.get(), text, 100), CRM_OK)
        << crm_last_error_message();
    Rows rows(raw);
    return crm_rows_size(rows.get());
  }

  Db db_ = OpenDb(":memory:");
  int64_t now_ = 0;
};

TEST_F(ValidTimeWriteTest, OptionsInitGivesTheMacrosValuesAndChecksTheSize) {
  crm_write_options options;
  std::memset(&options, 0x5a, sizeof options);
  ASSERT_EQ(crm_write_options_init(&options, sizeof options), CRM_OK);
  EXPECT_EQ(options.struct_size, sizeof options);
  EXPECT_EQ(options.effective_at, CRM_EFFECTIVE_NOW);
  EXPECT_EQ(options.effective_until, CRM_TIME_MAX);
  EXPECT_CRM_ERROR(crm_write_options_init(&options, 4), CRM_E_INVALID_ARGUMENT,
                   "", "struct_size");
  EXPECT_CRM_ERROR(crm_write_options_init(&options, sizeof options + 8),
                   CRM_E_INVALID_ARGUMENT, "", "struct_size");
  EXPECT_CRM_ERROR(crm_write_options_init(nullptr, sizeof options),
                   CRM_E_INVALID_ARGUMENT, "", "options");

  int64_t id = CreateAged("Ada", 10);
  crm_write_options small = Options(now_ - kDay);
  small.struct_size = 4;
  Record changes = NewRecord();
  crm_record_set_text(changes.get(), "city", "Rome");
  crm_write_result* raw = reinterpret_cast<crm_write_result*>(&small);
  EXPECT_CRM_ERROR(crm_customer_update_v2(&raw, db_.get(), id, 0, changes.get(),
                                          &small, nullptr),
                   CRM_E_INVALID_ARGUMENT, "", "struct_size");
  EXPECT_EQ(raw, nullptr);
  EXPECT_EQ(Version(id), 1);
}

TEST_F(ValidTimeWriteTest, CreateWithCreatedAtStartsTheCustomerThen) {
  int64_t before = NowUs();
  Record record = NewRecord();
  crm_record_set_text(record.get(), "name", "Ada");
  crm_record_set_datetime(record.get(), "created_at", now_ - 400 * kDay);
  crm_write_result* raw = nullptr;
  ASSERT_EQ(crm_customer_create_v2(&raw, db_.get(), record.get(), nullptr,
                                   "migration"),
            CRM_OK)
      << crm_last_error_message();
  Result result(raw);
  int64_t id = crm_write_result_id(result.get());
  EXPECT_GT(id, 0);
  EXPECT_EQ(crm_write_result_created(result.get()), 1);
  EXPECT_EQ(crm_write_result_version(result.get()), 1);
  EXPECT_EQ(crm_write_result_effective_at(result.get()), now_ - 400 * kDay);
  EXPECT_EQ(crm_write_result_changed_current(result.get()), 1);

  int64_t created_at = 0;
  crm_record_get_datetime(&created_at, Get(db_.get(), id).get(), "created_at");
  EXPECT_EQ(created_at, now_ - 400 * kDay);
  Page page = History(id);
  ASSERT_EQ(crm_event_page_size(page.get()), 1u);
  crm_event* created = crm_event_page_at(page.get(), 0);
  EXPECT_EQ(crm_event_occurred_at(created), now_ - 400 * kDay);
  EXPECT_GE(crm_event_recorded_at(created), before);
}

TEST_F(ValidTimeWriteTest, CreateTakesEffectiveAtAsCreatedAt) {
  Record record = NewRecord();
  crm_record_set_text(record.get(), "name", "Ada");
  crm_write_options options = Options(now_ - 3 * kDay);
  crm_write_result* raw = nullptr;
  ASSERT_EQ(
      crm_customer_create_v2(&raw, db_.get(), record.get(), &options, nullptr),
      CRM_OK)
      << crm_last_error_message();
  Result result(raw);
  int64_t created_at = 0;
  crm_record_get_datetime(
      &created_at, Get(db_.get(), crm_write_result_id(result.get())).get(),
      "created_at");
  EXPECT_EQ(created_at, now_ - 3 * kDay);

  // Both given and equal is fine; different is refused.
  crm_record_set_datetime(record.get(), "created_at", now_ - 3 * kDay);
  ASSERT_EQ(crm_customer_create_v2(nullptr, db_.get(), record.get(), &options,
                                   nullptr),
            CRM_OK)
      << crm_last_error_message();
  crm_record_set_datetime(record.get(), "created_at", now_ - 4 * kDay);
  raw = reinterpret_cast<crm_write_result*>(&options);
  EXPECT_CRM_ERROR(
      crm_customer_create_v2(&raw, db_.get(), record.get(), &options, nullptr),
      CRM_E_INVALID_ARGUMENT, "", "effective_at");
  EXPECT_EQ(raw, nullptr);
  EXPECT_EQ(Count(db_.get()), 2);
}

TEST_F(ValidTimeWriteTest, CreateRefusesAnEndAndTheFuture) {
  Record record = NewRecord();
  crm_record_set_text(record.get(), "name", "Ada");
  crm_write_options bounded = Options(now_ - 3 * kDay, now_ - kDay);
  EXPECT_CRM_ERROR(crm_customer_create_v2(nullptr, db_.get(), record.get(),
                                          &bounded, nullptr),
                   CRM_E_INVALID_ARGUMENT, "", "effective_until");
  crm_write_options ahead = Options(now_ + 3600LL * 1000000);
  EXPECT_CRM_ERROR(
      crm_customer_create_v2(nullptr, db_.get(), record.get(), &ahead, nullptr),
      CRM_E_VALIDATION, "effective_at", "future");
  crm_record_set_datetime(record.get(), "created_at", now_ + 2 * kDay);
  EXPECT_CRM_ERROR(crm_customer_create_v2(nullptr, db_.get(), record.get(),
                                          nullptr, nullptr),
                   CRM_E_VALIDATION, "created_at", "future");
  EXPECT_EQ(Count(db_.get()), 0);

  // Within the clock skew a time ahead is now.
  crm_record_set_datetime(record.get(), "created_at", NowUs() + 30000000);
  crm_write_result* raw = nullptr;
  ASSERT_EQ(
      crm_customer_create_v2(&raw, db_.get(), record.get(), nullptr, nullptr),
      CRM_OK)
      << crm_last_error_message();
  Result result(raw);
  EXPECT_LE(crm_write_result_effective_at(result.get()), NowUs());
}

TEST_F(ValidTimeWriteTest, UpdateRefusesFutureRangeAndBeforeCreated) {
  int64_t id = CreateAged("Ada", 30);
  int status = CRM_OK;
  struct Case {
    crm_write_options options;
    const char* field;
    const char* rule;
  };
  const Case cases[] = {
      {Options(now_ + kDay), "effective_at", "future"},
      {Options(now_ - 5 * kDay, now_ + kDay), "effective_until", "future"},
      {Options(now_ - 5 * kDay, now_ - 5 * kDay), "effective_until", "range"},
      {Options(now_ - 5 * kDay, now_ - 6 * kDay), "effective_until", "range"},
      {Options(now_ - 31 * kDay), "effective_at", "before_created"},
      {Options(INT64_MIN + 1), "effective_at", "range"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.field) + "/" + c.rule);
    Result result = Set(id, "city", "Rome", c.options, &status);
    EXPECT_EQ(status, CRM_E_VALIDATION);
    EXPECT_STREQ(crm_last_error_field(), c.field);
    EXPECT_STREQ(crm_last_error_rule(), c.rule);
    EXPECT_EQ(result, nullptr);
  }
  EXPECT_EQ(Version(id), 1);
  EXPECT_EQ(Text(Get(db_.get(), id).get(), "city"), "Paris");
}

// The issue's example: plan=premium recorded from 15 days ago, then
// plan=basic from 30 days ago: basic held from then to 15 days ago,
// premium since.
TEST_F(ValidTimeWriteTest, LateChangeEndsAtTheNextKnownChange) {
  int64_t id = CreateAged("Ada", 60);
  Result premium = Set(id, "plan", "premium", Options(now_ - 15 * kDay));
  EXPECT_EQ(crm_write_result_changed_current(premium.get()), 1);
  EXPECT_EQ(crm_write_result_version(premium.get()), 2);
  Result basic = Set(id, "plan", "basic", Options(now_ - 30 * kDay));
  EXPECT_EQ(crm_write_result_changed_current(basic.get()), 0);
  EXPECT_EQ(crm_write_result_version(basic.get()), 3);
  EXPECT_EQ(crm_write_result_effective_at(basic.get()), now_ - 30 * kDay);
  EXPECT_EQ(crm_write_result_created(basic.get()), 0);
  EXPECT_EQ(crm_write_result_id(basic.get()), id);
  EXPECT_EQ(Text(Get(db_.get(), id).get(), "plan"), "premium");
  EXPECT_EQ(Version(id), 3);

  // The timeline lists events by occurred_at: created, basic, premium.
  Page page = History(id);
  ASSERT_EQ(crm_event_page_size(page.get()), 3u);
  crm_event* late = crm_event_page_at(page.get(), 1);
  EXPECT_EQ(crm_event_occurred_at(late), now_ - 30 * kDay);
  EXPECT_GE(crm_event_recorded_at(late), now_);
  EXPECT_EQ(Text(crm_event_after(late), "plan"), "basic");
  // The value in force at its effective_at: none yet.
  EXPECT_EQ(Text(crm_event_before(late), "plan"), "<none>");
}

// The issue's example read back (crm_field_timeline_get and
// crm_customer_get_at replay history along valid time).
TEST_F(ValidTimeWriteTest, LateChangeReadsBackInTimelineAndGetAt) {
  int64_t id = CreateAged("Ada", 60);
  Set(id, "plan", "premium", Options(now_ - 15 * kDay));
  Set(id, "plan", "basic", Options(now_ - 30 * kDay));
  crm_field_timeline* raw = nullptr;
  ASSERT_EQ(crm_field_timeline_get(&raw, db_.get(), id, "plan"), CRM_OK)
      << crm_last_error_message();
  Timeline timeline(raw);
  ASSERT_EQ(crm_field_timeline_size(timeline.get()), 2u);
  EXPECT_EQ(crm_field_timeline_from(timeline.get(), 0), now_ - 30 * kDay);
  EXPECT_EQ(crm_field_timeline_to(timeline.get(), 0), now_ - 15 * kDay);
  EXPECT_EQ(Text(crm_field_timeline_value(timeline.get(), 0), "plan"), "basic");
  EXPECT_EQ(crm_field_timeline_from(timeline.get(), 1), now_ - 15 * kDay);
  EXPECT_EQ(Text(crm_field_timeline_value(timeline.get(), 1), "plan"),
            "premium");
  crm_record* at_raw = nullptr;
  ASSERT_EQ(crm_customer_get_at(&at_raw, db_.get(), id, now_ - 20 * kDay),
            CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(Text(Record(at_raw).get(), "plan"), "basic");
}

TEST_F(ValidTimeWriteTest, ResendingTheSameLateChangeRecordsNothing) {
  int64_t id = CreateAged("Ada", 60);
  Set(id, "plan", "premium", Options(now_ - 15 * kDay));
  Set(id, "plan", "basic", Options(now_ - 30 * kDay));
  for (int i = 0; i < 2; ++i) {
    Result again = Set(id, "plan", "basic", Options(now_ - 30 * kDay));
    EXPECT_EQ(crm_write_result_version(again.get()), 3);
    EXPECT_EQ(crm_write_result_changed_current(again.get()), 0);
    // Inside a stretch that already holds the value: nothing either.
    Result inside = Set(id, "plan", "basic", Options(now_ - 20 * kDay));
    EXPECT_EQ(crm_write_result_version(inside.get()), 3);
  }
  EXPECT_EQ(Version(id), 3);
  EXPECT_EQ(crm_event_page_size(History(id).get()), 3u);
}

TEST_F(ValidTimeWriteTest, LateChangeWithNoLaterChangeBecomesCurrent) {
  int64_t id = CreateAged("Ada", 60, "Paris");
  Result moved = Set(id, "city", "Berlin", Options(now_ - 10 * kDay));
  EXPECT_EQ(crm_write_result_changed_current(moved.get()), 1);
  EXPECT_EQ(Text(Get(db_.get(), id).get(), "city"), "Berlin");
  EXPECT_EQ(Found("Berlin"), 1u);
  EXPECT_EQ(Found("Paris"), 0u);
  Page page = History(id);
  ASSERT_EQ(crm_event_page_size(page.get()), 2u);
  EXPECT_EQ(Text(crm_event_before(crm_event_page_at(page.get(), 1)), "city"),
            "Paris");
}

TEST_F(ValidTimeWriteTest, LateChangeOverriddenLaterKeepsValuesAndSearch) {
  int64_t id = CreateAged("Ada", 60, "Paris");
  Set(id, "city", "Lyon", Options(CRM_EFFECTIVE_NOW));
  Result past = Set(id, "city", "Berlin", Options(now_ - 10 * kDay));
  EXPECT_EQ(crm_write_result_changed_current(past.get()), 0);
  EXPECT_EQ(crm_write_result_version(past.get()), 3);
  EXPECT_EQ(Text(Get(db_.get(), id).get(), "city"), "Lyon");
  EXPECT_EQ(Found("Lyon"), 1u);
  EXPECT_EQ(Found("Berlin"), 0u);
}

TEST_F(ValidTimeWriteTest, BoundedCorrectionRestoresWhatHeldAfterIt) {
  int64_t id = CreateAged("Ada", 60, "Paris");
  Result fix =
      Set(id, "city", "Rome", Options(now_ - 20 * kDay, now_ - 10 * kDay));
  EXPECT_EQ(crm_write_result_changed_current(fix.get()), 0);
  EXPECT_EQ(crm_write_result_version(fix.get()), 2);
  EXPECT_EQ(Text(Get(db_.get(), id).get(), "city"), "Paris");
  Page page = History(id);
  ASSERT_EQ(crm_event_page_size(page.get()), 2u);
  crm_event* correction = crm_event_page_at(page.get(), 1);
  EXPECT_EQ(crm_event_occurred_at(correction), now_ - 20 * kDay);
  EXPECT_EQ(crm_event_valid_until(correction), now_ - 10 * kDay);
  EXPECT_EQ(crm_event_valid_until(crm_event_page_at(page.get(), 0)),
            CRM_TIME_MAX);
  EXPECT_EQ(Text(crm_event_before(correction), "city"), "Paris");
  EXPECT_EQ(Text(crm_event_after(correction), "city"), "Rome");

  // A correction up to now (within the skew) changes the current value.
  Result till_now = Set(id, "city", "Oslo", Options(now_ - 5 * kDay, NowUs()));
  EXPECT_EQ(crm_write_result_version(till_now.get()), 3);
  EXPECT_EQ(Text(Get(db_.get(), id).get(), "city"), "Paris");
}

// Unique values are checked only for values that become current: the past
// may have held a value another customer holds now.
TEST_F(ValidTimeWriteTest, UniqueHoldsForCurrentValuesOnly) {
  int64_t ada = CreateAged("Ada", 60);
  int64_t bob = CreateAged("Bob", 60);
  Set(ada, "email", "ada@example.com", Options(CRM_EFFECTIVE_NOW));
  Result past = Set(bob, "email", "ada@example.com",
                    Options(now_ - 20 * kDay, now_ - 10 * kDay));
  EXPECT_EQ(crm_write_result_changed_current(past.get()), 0);
  int status = CRM_OK;
  Result now =
      Set(bob, "email", "ada@example.com", Options(now_ - 5 * kDay), &status);
  EXPECT_EQ(status, CRM_E_CONSTRAINT);
  EXPECT_STREQ(crm_last_error_field(), "email");
  EXPECT_STREQ(crm_last_error_rule(), "unique");
  EXPECT_EQ(now, nullptr);
  EXPECT_EQ(Version(bob), 2);
  EXPECT_EQ(Text(Get(db_.get(), bob).get(), "email"), "<none>");
}

TEST_F(ValidTimeWriteTest, UpsertChecksCreatedAtAgainstTheStoredOne) {
  Record record = NewRecord();
  crm_record_set_text(record.get(), "name", "Ada");
  crm_record_set_text(record.get(), "external_id", "crm-old-7");
  crm_record_set_datetime(record.get(), "created_at", now_ - 90 * kDay);
  crm_write_options bounded = Options(now_ - 3 * kDay, now_ - kDay);
  EXPECT_CRM_ERROR(crm_customer_upsert_v2(nullptr, db_.get(), record.get(),
                                          &bounded, nullptr),
                   CRM_E_INVALID_ARGUMENT, "", "effective_until");
  crm_write_result* raw = nullptr;
  ASSERT_EQ(
      crm_customer_upsert_v2(&raw, db_.get(), record.get(), nullptr, nullptr),
      CRM_OK)
      << crm_last_error_message();
  Result created(raw);
  EXPECT_EQ(crm_write_result_created(created.get()), 1);
  int64_t id = crm_write_result_id(created.get());

  // Re-sent as it was: it updates, and changes nothing.
  ASSERT_EQ(
      crm_customer_upsert_v2(&raw, db_.get(), record.get(), nullptr, nullptr),
      CRM_OK)
      << crm_last_error_message();
  Result again(raw);
  EXPECT_EQ(crm_write_result_created(again.get()), 0);
  EXPECT_EQ(crm_write_result_id(again.get()), id);
  EXPECT_EQ(crm_write_result_version(again.get()), 1);
  EXPECT_EQ(crm_write_result_changed_current(again.get()), 0);

  crm_record_set_datetime(record.get(), "created_at", now_ - 80 * kDay);
  EXPECT_CRM_ERROR(crm_customer_upsert_v2(nullptr, db_.get(), record.get(),
                                          nullptr, nullptr),
                   CRM_E_VALIDATION, "created_at", "read_only");
  EXPECT_EQ(Version(id), 1);
}

std::string AgedBatch(int64_t now_us, int64_t second_created_at) {
  crm::wire::CustomerBatch batch;
  batch.add_columns("name");
  batch.add_columns("created_at");
  batch.add_columns("external_id");
  const int64_t starts[] = {now_us - 100 * kDay, second_created_at};
  for (int n = 0; n < 2; ++n) {
    crm::wire::CustomerRow* row = batch.add_rows();
    row->add_values()->set_text("row" + std::to_string(n));
    row->add_values()->set_datetime_us(starts[n]);
    row->add_values()->set_text("ext-" + std::to_string(n));
  }
  return batch.SerializeAsString();
}

TEST_F(ValidTimeWriteTest, BatchRowsCreateWithTheirOwnCreatedAt) {
  std::string batch = AgedBatch(now_, now_ - 50 * kDay);
  crm_batch_report* raw = nullptr;
  ASSERT_EQ(
      crm_customer_write_batch_v2(&raw, db_.get(), batch.data(), batch.size(),
                                  CRM_BATCH_CREATE, nullptr),
      CRM_OK)
      << crm_last_error_message();
  Report report(raw);
  int64_t created_at = 0;
  crm_record_get_datetime(
      &created_at, Get(db_.get(), crm_batch_report_id(report.get(), 1)).get(),
      "created_at");
  EXPECT_EQ(created_at, now_ - 50 * kDay);

  // Upserted again with the same starts: updates; with another: refused.
  ASSERT_EQ(
      crm_customer_write_batch_v2(nullptr, db_.get(), batch.data(),
                                  batch.size(), CRM_BATCH_UPSERT, nullptr),
      CRM_OK)
      << crm_last_error_message();
  std::string moved = AgedBatch(now_, now_ - 40 * kDay);
  ASSERT_EQ(
      crm_customer_write_batch_v2(&raw, db_.get(), moved.data(), moved.size(),
                                  CRM_BATCH_UPSERT, nullptr),
      CRM_E_VALIDATION);
  Report refused(raw);
  EXPECT_EQ(crm_batch_report_status(refused.get(), 1), CRM_E_VALIDATION);
  EXPECT_STREQ(crm_batch_report_field(refused.get(), 1), "created_at");
  EXPECT_STREQ(crm_batch_report_rule(refused.get(), 1), "read_only");
  EXPECT_EQ(Count(db_.get()), 2);
}

TEST_F(ValidTimeWriteTest, BatchOptionsApplyToEveryRow) {
  int64_t id = CreateAged("Ada", 60);
  Record external = NewRecord();
  crm_record_set_text(external.get(), "external_id", "ext-ada");
  ASSERT_EQ(
      crm_customer_update(nullptr, db_.get(), id, 0, external.get(), nullptr),
      CRM_OK);
  crm::wire::CustomerBatch batch;
  batch.add_columns("external_id");
  batch.add_columns("city");
  crm::wire::CustomerRow* row = batch.add_rows();
  row->add_values()->set_text("ext-ada");
  row->add_values()->set_text("Rome");
  std::string encoded = batch.SerializeAsString();
  crm_write_options correction = Options(now_ - 20 * kDay, now_ - 10 * kDay);
  ASSERT_EQ(crm_customer_write_batch_v2(nullptr, db_.get(), encoded.data(),
                                        encoded.size(), CRM_BATCH_UPSERT,
                                        &correction),
            CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(Text(Get(db_.get(), id).get(), "city"), "Paris");
  Page page = History(id);
  ASSERT_EQ(crm_event_page_size(page.get()), 3u);
  // By occurred_at: created, the correction, the external_id set now.
  EXPECT_EQ(crm_event_occurred_at(crm_event_page_at(page.get(), 1)),
            now_ - 20 * kDay);
  crm_write_options small = correction;
  small.struct_size = 2;
  EXPECT_CRM_ERROR(
      crm_customer_write_batch_v2(nullptr, db_.get(), encoded.data(),
                                  encoded.size(), CRM_BATCH_UPSERT, &small),
      CRM_E_INVALID_ARGUMENT, "", "struct_size");
}

TEST_F(ValidTimeWriteTest, V1CallsAndNullOptionsWriteNow) {
  Record record = NewRecord();
  crm_record_set_text(record.get(), "name", "Ada");
  int64_t id = 0;
  ASSERT_EQ(crm_customer_create(&id, db_.get(), record.get(), nullptr), CRM_OK);
  Record changes = NewRecord();
  crm_record_set_text(changes.get(), "city", "Rome");
  int64_t version = 0;
  ASSERT_EQ(
      crm_customer_update(&version, db_.get(), id, 1, changes.get(), nullptr),
      CRM_OK);
  EXPECT_EQ(version, 2);
  // An update that changes nothing returns the current version.
  ASSERT_EQ(
      crm_customer_update(&version, db_.get(), id, 2, changes.get(), nullptr),
      CRM_OK);
  EXPECT_EQ(version, 2);
  crm_record_set_text(changes.get(), "city", "Oslo");
  crm_write_result* raw = nullptr;
  ASSERT_EQ(crm_customer_update_v2(&raw, db_.get(), id, 2, changes.get(),
                                   nullptr, nullptr),
            CRM_OK);
  Result result(raw);
  EXPECT_EQ(crm_write_result_version(result.get()), 3);
  EXPECT_EQ(crm_write_result_changed_current(result.get()), 1);
  EXPECT_GE(crm_write_result_effective_at(result.get()), now_);
  EXPECT_CRM_ERROR(crm_customer_update_v2(nullptr, db_.get(), id, 2,
                                          changes.get(), nullptr, nullptr),
                   CRM_E_CONFLICT, "", "");
  EXPECT_EQ(crm_write_result_id(nullptr), 0);
  crm_write_result_free(nullptr);
}

TEST_F(ValidTimeWriteTest, RestrictedHandleKeepsItsWriteRules) {
  int64_t id = CreateAged("Ada", 60);
  ASSERT_EQ(crm_profile_define(db_.get(), R"({"name": "desk", "fields": {
      "name": "read_only", "city": "read_write", "plan": "read_only"}})"),
            CRM_OK)
      << crm_last_error_message();
  Db desk = RestrictTo(db_.get(), "desk", "desk-user");
  crm_write_options late = Options(now_ - 10 * kDay);
  Record plan = NewRecord();
  crm_record_set_text(plan.get(), "plan", "gold");
  EXPECT_CRM_ERROR(crm_customer_update_v2(nullptr, desk.get(), id, 0,
                                          plan.get(), &late, nullptr),
                   CRM_E_DENIED, "plan", "not_writable");
  Record city = NewRecord();
  crm_record_set_text(city.get(), "city", "Rome");
  crm_write_result* raw = nullptr;
  ASSERT_EQ(crm_customer_update_v2(&raw, desk.get(), id, 0, city.get(), &late,
                                   nullptr),
            CRM_OK)
      << crm_last_error_message();
  Result result(raw);
  EXPECT_EQ(crm_write_result_changed_current(result.get()), 1);
  Page page = History(id);
  ASSERT_EQ(crm_event_page_size(page.get()), 2u);
  EXPECT_STREQ(crm_event_actor(crm_event_page_at(page.get(), 1)), "desk-user");
}

}  // namespace
}  // namespace crm_test
