// Two-axis reads of late and corrective changes (crm.h "Valid time"): the
// issue's example, bounded corrections, what libcrm said before a
// correction was recorded, held time to the microsecond, and a
// correction's end on its history event.
#include <chrono>
#include <string>
#include <vector>

#include "field_timeline_support.h"
#include "test_support.h"

namespace crm_test {
namespace {

constexpr int64_t kDay = 86400LL * 1000000;

using FieldTimeline = OwnedTimeline;

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class ValidTimeLateReadTest : public ::testing::Test {
 protected:
  // A customer on plan "trial" created 100 days ago (day 0).
  void SetUp() override {
    Define(db_.get(), R"({"name": "plan", "type": "text"})");
    day0_ = NowUs() - 100 * kDay;
    Record record = NewRecord();
    crm_record_set_text(record.get(), "name", "Ada");
    crm_record_set_text(record.get(), "owner", "alice");
    crm_record_set_text(record.get(), "plan", "trial");
    crm_record_set_datetime(record.get(), "created_at", day0_);
    crm_write_result* raw = nullptr;
    ASSERT_EQ(crm_customer_create_v2(&raw, db_.get(), record.get(), nullptr,
                                     "migration"),
              CRM_OK)
        << crm_last_error_message();
    id_ = crm_write_result_id(raw);
    crm_write_result_free(raw);
  }

  int64_t Day(int n) const { return day0_ + n * kDay; }

  // Sets `field` to `value` from day `from` (until day `until` when >= 0).
  void SetFrom(int from, const char* value, int until = -1,
               const char* field = "plan") {
    crm_write_options options = CRM_WRITE_OPTIONS_INIT;
    options.effective_at = Day(from);
    if (until >= 0) options.effective_until = Day(until);
    Record changes = NewRecord();
    crm_record_set_text(changes.get(), field, value);
    ASSERT_EQ(crm_customer_update_v2(nullptr, db_.get(), id_, 0, changes.get(),
                                     &options, "clerk"),
              CRM_OK)
        << crm_last_error_message();
  }

  FieldTimeline Timeline(int64_t known_at_us) {
    crm_field_timeline* raw = nullptr;
    EXPECT_EQ(
        crm_field_timeline_get_v2(&raw, db_.get(), id_, "plan", known_at_us),
        CRM_OK)
        << crm_last_error_message();
    return FieldTimeline(raw);
  }

  // The intervals as "from-to:value" in days since day 0 ("now" for an
  // open end), so that a failure shows the whole timeline.
  std::vector<std::string> Show(const crm_field_timeline* timeline) const {
    std::vector<std::string> out;
    for (size_t i = 0; i < crm_field_timeline_size(timeline); ++i) {
      int64_t from = crm_field_timeline_from(timeline, i);
      int64_t to = crm_field_timeline_to(timeline, i);
      EXPECT_EQ((from - day0_) % kDay, 0);
      std::string shown = std::to_string((from - day0_) / kDay) + "-";
      shown += to == CRM_TIME_MAX ? "now" : std::to_string((to - day0_) / kDay);
      shown += ":" + Text(crm_field_timeline_value(
                              const_cast<crm_field_timeline*>(timeline), i),
                          "plan");
      out.push_back(shown);
    }
    return out;
  }

  Record At(int64_t valid_us, int64_t known_at_us, int expected = CRM_OK) {
    crm_record* raw = nullptr;
    EXPECT_EQ(
        crm_customer_get_at_v2(&raw, db_.get(), id_, valid_us, known_at_us),
        expected)
        << crm_last_error_message();
    return Record(raw);
  }

  static int64_t Held(const crm_field_timeline* timeline, const char* plan,
                      int64_t from_us, int64_t to_us) {
    return HeldText(timeline, "plan", plan, from_us, to_us);
  }

  static int64_t DateTime(const crm_record* record, const char* field) {
    int64_t at = 0;
    EXPECT_EQ(crm_record_get_datetime(&at, record, field), CRM_OK);
    return at;
  }

  Db db_ = OpenDb(":memory:");
  int64_t day0_ = 0;
  int64_t id_ = 0;
};

TEST_F(ValidTimeLateReadTest, TheIssuesExampleAndWhatWasKnownBefore) {
  SetFrom(15, "premium");
  SetFrom(1, "basic");  // recorded later, effective earlier
  FieldTimeline today = Timeline(CRM_TIME_MAX);
  EXPECT_EQ(
      Show(today.get()),
      (std::vector<std::string>{"0-1:trial", "1-15:basic", "15-now:premium"}));
  // The late change was recorded after the premium one.
  int64_t premium_recorded = crm_field_timeline_recorded_at(today.get(), 2);
  int64_t basic_recorded = crm_field_timeline_recorded_at(today.get(), 1);
  EXPECT_GT(basic_recorded, premium_recorded);
  EXPECT_GT(premium_recorded, Day(99));
  EXPECT_LT(crm_field_timeline_recorded_at(today.get(), 0), premium_recorded);

  // Before the late change was recorded: trial until day 15.
  FieldTimeline before = Timeline(basic_recorded - 1);
  EXPECT_EQ(Show(before.get()),
            (std::vector<std::string>{"0-15:trial", "15-now:premium"}));
  EXPECT_EQ(Text(At(Day(5), basic_recorded - 1).get(), "plan"), "trial");
  Record day5 = At(Day(5), CRM_TIME_MAX);
  EXPECT_EQ(Text(day5.get(), "plan"), "basic");
  // Versions by valid time: the create and the change from day 1.
  EXPECT_EQ(crm_record_version(day5.get()), 2);
  EXPECT_EQ(DateTime(day5.get(), "updated_at"), Day(1));
  EXPECT_EQ(DateTime(day5.get(), "created_at"), Day(0));
  Record day20 = At(Day(20), CRM_TIME_MAX);
  EXPECT_EQ(Text(day20.get(), "plan"), "premium");
  EXPECT_EQ(crm_record_version(day20.get()), 3);
  EXPECT_EQ(DateTime(day20.get(), "updated_at"), Day(15));
  Record day20_then = At(Day(20), basic_recorded - 1);
  EXPECT_EQ(crm_record_version(day20_then.get()), 2);

  // Held to the microsecond.
  EXPECT_EQ(Held(today.get(), "basic", Day(0), Day(30)), 14 * kDay);
  EXPECT_EQ(Held(today.get(), "basic", Day(3) + 7, Day(30)), 12 * kDay - 7);
  EXPECT_EQ(Held(before.get(), "basic", Day(0), Day(30)), 0);
  EXPECT_EQ(Held(before.get(), "trial", Day(0), Day(30)), 15 * kDay);
  EXPECT_EQ(crm_field_timeline_duration(today.get(), 1), 14 * kDay);
  EXPECT_EQ(crm_field_timeline_duration(today.get(), 0), kDay);

  // Before created_at the customer did not exist, by any knowledge.
  At(Day(0) - 1, CRM_TIME_MAX, CRM_E_NOT_FOUND);
  EXPECT_EQ(Text(At(Day(0), CRM_TIME_MAX).get(), "plan"), "trial");
  // The values now are the current record's.
  EXPECT_EQ(Text(Get(db_.get(), id_).get(), "plan"), "premium");
}

TEST_F(ValidTimeLateReadTest, BoundedCorrectionsInsideAndAcrossChanges) {
  SetFrom(10, "basic");
  SetFrom(30, "premium");
  // Inside basic's stretch: basic resumes after it.
  SetFrom(12, "promo", 14);
  // Across the change to premium: premium resumes at its end.
  SetFrom(25, "gold", 40);
  FieldTimeline today = Timeline(CRM_TIME_MAX);
  EXPECT_EQ(Show(today.get()),
            (std::vector<std::string>{"0-10:trial", "10-12:basic",
                                      "12-14:promo", "14-25:basic",
                                      "25-40:gold", "40-now:premium"}));
  EXPECT_EQ(Held(today.get(), "basic", Day(0), Day(50)), 13 * kDay);
  EXPECT_EQ(Held(today.get(), "premium", Day(0), Day(50)), 10 * kDay);
  EXPECT_EQ(Held(today.get(), "gold", Day(26), Day(27) + 1), kDay + 1);
  EXPECT_EQ(Text(At(Day(13), CRM_TIME_MAX).get(), "plan"), "promo");
  EXPECT_EQ(Text(At(Day(14), CRM_TIME_MAX).get(), "plan"), "basic");
  EXPECT_EQ(Text(Get(db_.get(), id_).get(), "plan"), "premium");

  // The corrections' history events carry their ends; the others none.
  // The timeline lists them by occurred_at: their valid times.
  crm_timeline_options options = CRM_TIMELINE_OPTIONS_INIT;
  options.oldest_first = 1;
  crm_event_page* raw = nullptr;
  ASSERT_EQ(crm_event_timeline(&raw, db_.get(), id_, &options), CRM_OK);
  Page page(raw);
  ASSERT_EQ(crm_event_page_size(page.get()), 5u);
  std::vector<std::string> ends;
  for (size_t i = 0; i < 5; ++i) {
    const crm_event* event = crm_event_page_at(page.get(), i);
    int64_t until = crm_event_valid_until(event);
    ends.push_back(
        std::to_string((crm_event_occurred_at(event) - day0_) / kDay) + "-" +
        (until == CRM_TIME_MAX ? "open"
                               : std::to_string((until - day0_) / kDay)));
  }
  EXPECT_EQ(ends, (std::vector<std::string>{"0-open", "10-open", "12-14",
                                            "25-40", "30-open"}));
}

TEST_F(ValidTimeLateReadTest, OpenChangeBeforeACorrectionEndsWhereItStarts) {
  SetFrom(20, "promo", 30);
  SetFrom(10, "basic");
  FieldTimeline today = Timeline(CRM_TIME_MAX);
  EXPECT_EQ(Show(today.get()),
            (std::vector<std::string>{"0-10:trial", "10-20:basic",
                                      "20-30:promo", "30-now:trial"}));
  EXPECT_EQ(Text(Get(db_.get(), id_).get(), "plan"), "trial");
}

TEST_F(ValidTimeLateReadTest, RestrictedHandleSeesLateChangesOfItsFields) {
  ASSERT_EQ(crm_profile_define(db_.get(), R"({"name": "desk",
      "fields": {"name": "read_write", "owner": "read_only",
                 "plan": "masked", "created_at": "read_only",
                 "updated_at": "read_only"},
      "scope": "owner = :actor"})"),
            CRM_OK)
      << crm_last_error_message();
  Define(db_.get(), R"({"name": "secret", "type": "text"})");
  SetFrom(5, "basic");
  SetFrom(3, "s1", -1, "secret");  // hidden: no bump, no change shown
  Db view = RestrictTo(db_.get(), "desk", "alice");
  crm_record* raw = nullptr;
  ASSERT_EQ(crm_customer_get_at_v2(&raw, view.get(), id_, Day(6), CRM_TIME_MAX),
            CRM_OK)
      << crm_last_error_message();
  Record day6(raw);
  EXPECT_EQ(crm_record_version(day6.get()), 2);
  EXPECT_EQ(DateTime(day6.get(), "updated_at"), Day(5));
  EXPECT_EQ(Text(day6.get(), "secret"), "<none>");
  EXPECT_NE(Text(day6.get(), "plan"), "basic");  // masked
  // Its current record: the late hidden change shows no bump either, and
  // updated_at is when the last visible change was recorded.
  Record now = Get(view.get(), id_);
  EXPECT_EQ(crm_record_version(now.get()), 2);
  int64_t visible_updated_at = DateTime(now.get(), "updated_at");
  crm_field_timeline* timeline = nullptr;
  EXPECT_CRM_ERROR(crm_field_timeline_get_v2(&timeline, view.get(), id_,
                                             "secret", CRM_TIME_MAX),
                   CRM_E_DENIED, "secret", "hidden");
  ASSERT_EQ(crm_field_timeline_get_v2(&timeline, view.get(), id_, "plan",
                                      CRM_TIME_MAX),
            CRM_OK);
  FieldTimeline masked(timeline);
  ASSERT_EQ(crm_field_timeline_size(masked.get()), 2u);
  EXPECT_EQ(crm_field_timeline_from(masked.get(), 1), Day(5));
  EXPECT_NE(Text(crm_field_timeline_value(masked.get(), 1), "plan"), "basic");
  // Its current updated_at: when the late plan change was recorded (not its
  // valid time, nor the later hidden change's recording).
  EXPECT_EQ(visible_updated_at,
            crm_field_timeline_recorded_at(masked.get(), 1));
  EXPECT_LT(visible_updated_at,
            DateTime(Get(db_.get(), id_).get(), "updated_at"));
  // The admin sees three versions at day 6.
  Record admin = At(Day(6), CRM_TIME_MAX);
  EXPECT_EQ(crm_record_version(admin.get()), 3);
}

}  // namespace
}  // namespace crm_test
