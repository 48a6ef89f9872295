// Two-axis reads (crm.h "Valid time"): point-in-time reads and field
// timelines as libcrm knew them at an instant, durations and held time,
// and the end of a correction's valid time on its history event. These
// cases need only live writes; late and corrective changes are in
// valid_time_late_read_test.cc.
#include <chrono>
#include <string>
#include <thread>

#include "field_timeline_support.h"
#include "test_support.h"

namespace crm_test {
namespace {

using FieldTimeline = OwnedTimeline;

class ValidTimeReadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Define(db_.get(), R"({"name": "plan", "type": "text"})");
    Record record = NewRecord();
    crm_record_set_text(record.get(), "name", "Ada");
    crm_record_set_text(record.get(), "plan", "basic");
    id_ = Create(db_.get(), record.get());
    created_ = UpdatedAt(id_);
  }

  // Sets `plan` live; returns the update's time (updated_at).
  int64_t SetPlan(const char* value) {
    Pause();
    Record changes = NewRecord();
    crm_record_set_text(changes.get(), "plan", value);
    EXPECT_EQ(crm_customer_update(nullptr, db_.get(), id_, 0, changes.get(),
                                  "billing"),
              CRM_OK)
        << crm_last_error_message();
    return UpdatedAt(id_);
  }

  int64_t UpdatedAt(int64_t id) {
    int64_t at = 0;
    crm_record_get_datetime(&at, Get(db_.get(), id).get(), "updated_at");
    return at;
  }

  FieldTimeline Timeline(int64_t known_at_us, const char* field = "plan") {
    crm_field_timeline* raw = nullptr;
    EXPECT_EQ(
        crm_field_timeline_get_v2(&raw, db_.get(), id_, field, known_at_us),
        CRM_OK)
        << crm_last_error_message();
    return FieldTimeline(raw);
  }

  static int64_t Held(const crm_field_timeline* timeline, const char* plan,
                      int64_t from_us, int64_t to_us) {
    return HeldText(timeline, "plan", plan, from_us, to_us);
  }

  // Keeps successive writes at distinct microseconds.
  static void Pause() {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }

  Db db_ = OpenDb(":memory:");
  int64_t id_ = 0;
  int64_t created_ = 0;
};

TEST_F(ValidTimeReadTest, GetAtV2WithTodaysKnowledgeIsGetAt) {
  int64_t premium = SetPlan("premium");
  for (int64_t at : {created_, premium - 1, premium, CRM_TIME_MAX}) {
    crm_record* v1 = nullptr;
    crm_record* v2 = nullptr;
    ASSERT_EQ(crm_customer_get_at(&v1, db_.get(), id_, at), CRM_OK);
    ASSERT_EQ(crm_customer_get_at_v2(&v2, db_.get(), id_, at, CRM_TIME_MAX),
              CRM_OK);
    Record a(v1), b(v2);
    EXPECT_EQ(Text(a.get(), "plan"), Text(b.get(), "plan"));
    EXPECT_EQ(crm_record_version(a.get()), crm_record_version(b.get()));
  }
  crm_record* raw = nullptr;
  ASSERT_EQ(
      crm_customer_get_at_v2(&raw, db_.get(), id_, premium - 1, CRM_TIME_MAX),
      CRM_OK);
  Record before(raw);
  EXPECT_EQ(Text(before.get(), "plan"), "basic");
  EXPECT_EQ(crm_record_version(before.get()), 1);
  int64_t created_at = 0, updated_at = 0;
  crm_record_get_datetime(&created_at, before.get(), "created_at");
  crm_record_get_datetime(&updated_at, before.get(), "updated_at");
  EXPECT_EQ(created_at, created_);
  EXPECT_EQ(updated_at, created_);
}

TEST_F(ValidTimeReadTest, KnownAtAnswersWhatLibcrmKnewThen) {
  int64_t premium = SetPlan("premium");
  int64_t gold = SetPlan("gold");
  // As known just before the change to gold, premium is the value now.
  crm_record* raw = nullptr;
  ASSERT_EQ(
      crm_customer_get_at_v2(&raw, db_.get(), id_, CRM_TIME_MAX, gold - 1),
      CRM_OK)
      << crm_last_error_message();
  Record then(raw);
  EXPECT_EQ(Text(then.get(), "plan"), "premium");
  EXPECT_EQ(crm_record_version(then.get()), 2);
  int64_t updated_at = 0;
  crm_record_get_datetime(&updated_at, then.get(), "updated_at");
  EXPECT_EQ(updated_at, premium);

  FieldTimeline known = Timeline(gold - 1);
  ASSERT_EQ(crm_field_timeline_size(known.get()), 2u);
  EXPECT_EQ(crm_field_timeline_from(known.get(), 1), premium);
  EXPECT_EQ(crm_field_timeline_to(known.get(), 1), CRM_TIME_MAX);
  EXPECT_EQ(Text(crm_field_timeline_value(known.get(), 1), "plan"), "premium");

  FieldTimeline today = Timeline(CRM_TIME_MAX);
  ASSERT_EQ(crm_field_timeline_size(today.get()), 3u);
  EXPECT_EQ(crm_field_timeline_to(today.get(), 1), gold);
  EXPECT_EQ(crm_field_timeline_from(today.get(), 2), gold);

  // Before the customer was recorded libcrm knew nothing of it.
  EXPECT_CRM_ERROR(
      crm_customer_get_at_v2(&raw, db_.get(), id_, CRM_TIME_MAX, created_ - 1),
      CRM_E_NOT_FOUND, "", "");
  crm_field_timeline* none = nullptr;
  EXPECT_CRM_ERROR(
      crm_field_timeline_get_v2(&none, db_.get(), id_, "plan", created_ - 1),
      CRM_E_NOT_FOUND, "", "");
  EXPECT_EQ(none, nullptr);
}

TEST_F(ValidTimeReadTest, GetAtBeforeCreatedAndAfterDeleteIsNotFound) {
  int64_t premium = SetPlan("premium");
  crm_record* raw = nullptr;
  EXPECT_CRM_ERROR(
      crm_customer_get_at_v2(&raw, db_.get(), id_, created_ - 1, CRM_TIME_MAX),
      CRM_E_NOT_FOUND, "", "");
  Pause();
  ASSERT_EQ(crm_customer_delete(db_.get(), id_, 0, nullptr), CRM_OK);
  int64_t deleted_seen_after = 0;
  {
    // Any time after the deletion: gone; before it: as it was.
    EXPECT_CRM_ERROR(crm_customer_get_at_v2(&raw, db_.get(), id_, CRM_TIME_MAX,
                                            CRM_TIME_MAX),
                     CRM_E_NOT_FOUND, "", "");
    ASSERT_EQ(
        crm_customer_get_at_v2(&raw, db_.get(), id_, premium, CRM_TIME_MAX),
        CRM_OK);
    Record at_premium(raw);
    EXPECT_EQ(Text(at_premium.get(), "plan"), "premium");
    // Known before the deletion was recorded, it still exists now.
    ASSERT_EQ(
        crm_customer_get_at_v2(&raw, db_.get(), id_, CRM_TIME_MAX, premium),
        CRM_OK);
    Record known(raw);
    EXPECT_EQ(Text(known.get(), "plan"), "premium");
  }
  // The deletion closes the last interval.
  FieldTimeline timeline = Timeline(CRM_TIME_MAX);
  ASSERT_EQ(crm_field_timeline_size(timeline.get()), 2u);
  deleted_seen_after = crm_field_timeline_to(timeline.get(), 1);
  EXPECT_GT(deleted_seen_after, premium);
  EXPECT_LT(deleted_seen_after, CRM_TIME_MAX);
  EXPECT_EQ(crm_field_timeline_duration(timeline.get(), 1),
            deleted_seen_after - premium);
}

TEST_F(ValidTimeReadTest, RecordedAtDurationAndHeld) {
  int64_t premium = SetPlan("premium");
  int64_t basic_again = SetPlan("basic");
  FieldTimeline timeline = Timeline(CRM_TIME_MAX);
  const crm_field_timeline* t = timeline.get();
  ASSERT_EQ(crm_field_timeline_size(t), 3u);
  // Live changes are recorded when they hold.
  EXPECT_EQ(crm_field_timeline_recorded_at(t, 0), created_);
  EXPECT_EQ(crm_field_timeline_recorded_at(t, 1), premium);
  EXPECT_EQ(crm_field_timeline_recorded_at(t, 2), basic_again);
  EXPECT_EQ(crm_field_timeline_recorded_at(t, 3), 0);
  EXPECT_EQ(crm_field_timeline_duration(t, 0), premium - created_);
  EXPECT_EQ(crm_field_timeline_duration(t, 1), basic_again - premium);
  EXPECT_EQ(crm_field_timeline_duration(t, 3), 0);
  EXPECT_EQ(crm_field_timeline_duration(nullptr, 0), 0);
  // The current interval counts up to the time the timeline was read: the
  // same however long after the read it is asked.
  int64_t current = crm_field_timeline_duration(t, 2);
  EXPECT_GE(current, 0);
  Pause();
  EXPECT_EQ(crm_field_timeline_duration(t, 2), current);

  // Held: exact sums over a window, the current interval up to the read.
  EXPECT_EQ(Held(t, "premium", created_, CRM_TIME_MAX), basic_again - premium);
  EXPECT_EQ(Held(t, "premium", premium + 1, basic_again - 1),
            basic_again - premium - 2);
  EXPECT_EQ(Held(t, "basic", created_, basic_again), premium - created_);
  EXPECT_EQ(Held(t, "basic", CRM_TIME_MIN, CRM_TIME_MAX),
            premium - created_ + current);
  EXPECT_EQ(Held(t, "basic", premium, basic_again), 0);
  EXPECT_EQ(Held(t, "gold", CRM_TIME_MIN, CRM_TIME_MAX), 0);
  EXPECT_EQ(Held(t, "premium", premium, premium), 0);
}

TEST_F(ValidTimeReadTest, HeldChecksItsArguments) {
  FieldTimeline timeline = Timeline(CRM_TIME_MAX);
  int64_t held = 0;
  Record value = NewRecord();
  crm_record_set_text(value.get(), "plan", "basic");
  EXPECT_CRM_ERROR(
      crm_field_timeline_held(nullptr, timeline.get(), value.get(), 0, 1),
      CRM_E_INVALID_ARGUMENT, "", "out");
  EXPECT_CRM_ERROR(
      crm_field_timeline_held(&held, timeline.get(), nullptr, 0, 1),
      CRM_E_INVALID_ARGUMENT, "", "value");
  EXPECT_CRM_ERROR(crm_field_timeline_held(&held, nullptr, value.get(), 0, 1),
                   CRM_E_INVALID_ARGUMENT, "", "value");
  EXPECT_CRM_ERROR(
      crm_field_timeline_held(&held, timeline.get(), value.get(), 2, 1),
      CRM_E_INVALID_ARGUMENT, "from_us", "range");
  // Not exactly the timeline's field: another field, or one more.
  Record other = NewRecord();
  crm_record_set_text(other.get(), "name", "basic");
  EXPECT_CRM_ERROR(
      crm_field_timeline_held(&held, timeline.get(), other.get(), 0, 1),
      CRM_E_INVALID_ARGUMENT, "value", "value");
  crm_record_set_text(value.get(), "name", "Ada");
  EXPECT_CRM_ERROR(
      crm_field_timeline_held(&held, timeline.get(), value.get(), 0, 1),
      CRM_E_INVALID_ARGUMENT, "value", "value");
  Record empty = NewRecord();
  EXPECT_CRM_ERROR(
      crm_field_timeline_held(&held, timeline.get(), empty.get(), 0, 1),
      CRM_E_INVALID_ARGUMENT, "value", "value");
  // A value the timeline gives is accepted as it is.
  EXPECT_EQ(crm_field_timeline_held(&held, timeline.get(),
                                    crm_field_timeline_value(timeline.get(), 0),
                                    created_, created_ + 5),
            CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(held, 5);
  crm_field_timeline* raw = nullptr;
  EXPECT_CRM_ERROR(
      crm_field_timeline_get_v2(&raw, db_.get(), id_, nullptr, CRM_TIME_MAX),
      CRM_E_INVALID_ARGUMENT, "", "field");
  EXPECT_CRM_ERROR(
      crm_field_timeline_get_v2(nullptr, db_.get(), id_, "plan", CRM_TIME_MAX),
      CRM_E_INVALID_ARGUMENT, "", "out");
  EXPECT_CRM_ERROR(crm_customer_get_at_v2(nullptr, db_.get(), id_, CRM_TIME_MAX,
                                          CRM_TIME_MAX),
                   CRM_E_INVALID_ARGUMENT, "", "out");
}

TEST_F(ValidTimeReadTest, LiveHistoryEventsHoldForGood) {
  SetPlan("premium");
  crm_event_page* raw = nullptr;
  ASSERT_EQ(crm_event_timeline(&raw, db_.get(), id_, nullptr), CRM_OK);
  Page page(raw);
  ASSERT_EQ(crm_event_page_size(page.get()), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(crm_event_valid_until(crm_event_page_at(page.get(), i)),
              CRM_TIME_MAX);
  }
  EXPECT_EQ(crm_event_valid_until(nullptr), 0);
}

// "desk" reads name and plan, masks email, hides secret; its scope: the
// customers its actor owns.
constexpr char kDesk[] = R"({"name": "desk",
  "fields": {"name": "read_write", "owner": "read_write", "plan": "read_only",
             "email": "masked", "secret": "hidden",
             "created_at": "read_only", "updated_at": "read_only"},
  "scope": "owner = :actor"})";

TEST_F(ValidTimeReadTest, RestrictedHandlesKeepTheProfilesRules) {
  Define(db_.get(), R"({"name": "secret", "type": "text"})");
  ASSERT_EQ(crm_profile_define(db_.get(), kDesk), CRM_OK)
      << crm_last_error_message();
  Record mine = NewRecord();
  crm_record_set_text(mine.get(), "name", "Mine");
  crm_record_set_text(mine.get(), "owner", "alice");
  crm_record_set_text(mine.get(), "email", "mine@example.com");
  crm_record_set_text(mine.get(), "secret", "s1");
  int64_t mine_id = Create(db_.get(), mine.get());
  int64_t mine_created = UpdatedAt(mine_id);
  Pause();
  Record hidden_change = NewRecord();
  crm_record_set_text(hidden_change.get(), "secret", "s2");
  ASSERT_EQ(crm_customer_update(nullptr, db_.get(), mine_id, 0,
                                hidden_change.get(), nullptr),
            CRM_OK);
  Db view = RestrictTo(db_.get(), "desk", "alice");

  crm_field_timeline* raw = nullptr;
  EXPECT_CRM_ERROR(crm_field_timeline_get_v2(&raw, view.get(), mine_id,
                                             "secret", CRM_TIME_MAX),
                   CRM_E_DENIED, "secret", "hidden");
  // id_ (SetUp's customer) has no owner: out of the scope.
  EXPECT_CRM_ERROR(
      crm_field_timeline_get_v2(&raw, view.get(), id_, "plan", CRM_TIME_MAX),
      CRM_E_NOT_FOUND, "", "");
  crm_record* record = nullptr;
  EXPECT_CRM_ERROR(crm_customer_get_at_v2(&record, view.get(), id_,
                                          CRM_TIME_MAX, CRM_TIME_MAX),
                   CRM_E_NOT_FOUND, "", "");

  ASSERT_EQ(crm_field_timeline_get_v2(&raw, view.get(), mine_id, "email",
                                      CRM_TIME_MAX),
            CRM_OK)
      << crm_last_error_message();
  FieldTimeline email(raw);
  ASSERT_EQ(crm_field_timeline_size(email.get()), 1u);
  std::string masked = Text(crm_field_timeline_value(email.get(), 0), "email");
  EXPECT_NE(masked, "mine@example.com");
  EXPECT_EQ(masked.find("mine@"), std::string::npos) << masked;

  // The hidden change shows no bump, as known now or at any time.
  ASSERT_EQ(crm_customer_get_at_v2(&record, view.get(), mine_id, CRM_TIME_MAX,
                                   CRM_TIME_MAX),
            CRM_OK)
      << crm_last_error_message();
  Record now(record);
  EXPECT_EQ(crm_record_version(now.get()), 1);
  int64_t updated_at = 0;
  crm_record_get_datetime(&updated_at, now.get(), "updated_at");
  EXPECT_EQ(updated_at, mine_created);
  EXPECT_EQ(Text(now.get(), "secret"), "<none>");
  EXPECT_NE(Text(now.get(), "email"), "mine@example.com");
  // The admin sees both versions.
  ASSERT_EQ(crm_customer_get_at_v2(&record, db_.get(), mine_id, CRM_TIME_MAX,
                                   CRM_TIME_MAX),
            CRM_OK);
  Record admin(record);
  EXPECT_EQ(crm_record_version(admin.get()), 2);
  EXPECT_EQ(Text(admin.get(), "secret"), "s2");
}

}  // namespace
}  // namespace crm_test
