// The history of records: written automatically, read at any instant.
#include <chrono>
#include <thread>

#include "test_support.h"

namespace crm_test {
namespace {

struct TimelineFreer {
  void operator()(crm_field_timeline* t) const { crm_field_timeline_free(t); }
};
using FieldTimeline = std::unique_ptr<crm_field_timeline, TimelineFreer>;

class HistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Define(db_.get(), R"({"name": "plan", "type": "choice",
                          "options": ["basic", "premium"]})");
  }

  // Updates one text field and returns the update's time (updated_at).
  int64_t SetText(int64_t id, const char* field, const char* value,
                  const char* actor = "alice") {
    Pause();
    Record changes = NewRecord();
    if (value) {
      crm_record_set_text(changes.get(), field, value);
    } else {
      crm_record_set_null(changes.get(), field);
    }
    EXPECT_EQ(
        crm_customer_update(nullptr, db_.get(), id, 0, changes.get(), actor),
        CRM_OK)
        << crm_last_error_message();
    return UpdatedAt(id);
  }

  int64_t UpdatedAt(int64_t id) {
    int64_t at = 0;
    crm_record_get_datetime(&at, Get(db_.get(), id).get(), "updated_at");
    return at;
  }

  Record At(int64_t id, int64_t at_us, int expected = CRM_OK) {
    crm_record* raw = nullptr;
    EXPECT_EQ(crm_customer_get_at(&raw, db_.get(), id, at_us), expected)
        << crm_last_error_message();
    return Record(raw);
  }

  // Keeps successive writes at distinct microseconds.
  static void Pause() {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }

  Db db_ = OpenDb(":memory:");
};

TEST_F(HistoryTest, EveryChangeIsAnEventWithBeforeAfterAndActor) {
  Record record = NewRecord();
  crm_record_set_text(record.get(), "name", "Ada");
  crm_record_set_text(record.get(), "plan", "basic");
  int64_t id = Create(db_.get(), record.get());
  SetText(id, "plan", "premium", "billing-bot");
  ASSERT_EQ(crm_customer_delete(db_.get(), id, 0, "gdpr-desk"), CRM_OK);

  crm_timeline_options options = CRM_TIMELINE_OPTIONS_INIT;
  options.oldest_first = 1;
  crm_event_page* raw = nullptr;
  ASSERT_EQ(crm_event_timeline(&raw, db_.get(), id, &options), CRM_OK);
  Page page(raw);
  ASSERT_EQ(crm_event_page_size(page.get()), 3u);
  crm_event* created = crm_event_page_at(page.get(), 0);
  crm_event* updated = crm_event_page_at(page.get(), 1);
  crm_event* deleted = crm_event_page_at(page.get(), 2);
  EXPECT_STREQ(crm_event_type(created), "crm.record.created");
  EXPECT_STREQ(crm_event_actor(created), "test");
  EXPECT_STREQ(crm_event_channel(created), "crm");
  EXPECT_EQ(Text(crm_event_after(created), "name"), "Ada");
  EXPECT_STREQ(crm_event_type(updated), "crm.record.updated");
  EXPECT_STREQ(crm_event_actor(updated), "billing-bot");
  EXPECT_EQ(Text(crm_event_before(updated), "plan"), "basic");
  EXPECT_EQ(Text(crm_event_after(updated), "plan"), "premium");
  EXPECT_EQ(crm_record_field_count(crm_event_after(updated)), 1u);
  EXPECT_STREQ(crm_event_type(deleted), "crm.record.deleted");
  EXPECT_STREQ(crm_event_actor(deleted), "gdpr-desk");
  EXPECT_EQ(Text(crm_event_before(deleted), "plan"), "premium");
}

TEST_F(HistoryTest, UpdateThatChangesNothingWritesNothing) {
  Record record = NewRecord();
  crm_record_set_text(record.get(), "name", "Ada");
  int64_t id = Create(db_.get(), record.get());
  Record same = NewRecord();
  crm_record_set_text(same.get(), "name", "Ada");
  int64_t version = 0;
  ASSERT_EQ(
      crm_customer_update(&version, db_.get(), id, 1, same.get(), nullptr),
      CRM_OK);
  EXPECT_EQ(version, 1);
  crm_event_page* raw = nullptr;
  ASSERT_EQ(crm_event_timeline(&raw, db_.get(), id, nullptr), CRM_OK);
  EXPECT_EQ(crm_event_page_size(raw), 1u);
  crm_event_page_free(raw);
}

TEST_F(HistoryTest, PointInTimeReadsAcrossUpdatesRenamesAndDelete) {
  Record record = NewRecord();
  crm_record_set_text(record.get(), "name", "Ada");
  crm_record_set_text(record.get(), "plan", "basic");
  int64_t id = Create(db_.get(), record.get());
  int64_t created = UpdatedAt(id);
  int64_t upgraded = SetText(id, "plan", "premium");
  int64_t renamed_person = SetText(id, "name", "Ada Lovelace");
  ASSERT_EQ(crm_field_update(db_.get(), "plan", R"({"name": "tier"})"), CRM_OK);

  At(id, created - 1, CRM_E_NOT_FOUND);
  Record at_creation = At(id, created);
  EXPECT_EQ(Text(at_creation.get(), "tier"), "basic");  // current field name
  EXPECT_EQ(Text(at_creation.get(), "name"), "Ada");
  EXPECT_EQ(crm_record_version(at_creation.get()), 1);
  Record before_rename = At(id, renamed_person - 1);
  EXPECT_EQ(Text(before_rename.get(), "tier"), "premium");
  EXPECT_EQ(Text(before_rename.get(), "name"), "Ada");
  EXPECT_EQ(crm_record_version(before_rename.get()), 2);
  Record now = At(id, renamed_person);
  EXPECT_EQ(Text(now.get(), "name"), "Ada Lovelace");
  int64_t updated_at = 0;
  crm_record_get_datetime(&updated_at, now.get(), "updated_at");
  EXPECT_EQ(updated_at, renamed_person);
  EXPECT_GT(upgraded, created);

  Pause();
  ASSERT_EQ(crm_customer_delete(db_.get(), id, 0, nullptr), CRM_OK);
  At(id, INT64_MAX, CRM_E_NOT_FOUND);
  EXPECT_EQ(Text(At(id, renamed_person).get(), "name"), "Ada Lovelace");
}

TEST_F(HistoryTest, FieldTimelineGivesIntervalsPerValue) {
  Record record = NewRecord();
  crm_record_set_text(record.get(), "plan", "basic");
  int64_t id = Create(db_.get(), record.get());
  int64_t t0 = UpdatedAt(id);
  int64_t t1 = SetText(id, "plan", "premium");
  int64_t t2 = SetText(id, "plan", nullptr);
  int64_t t3 = SetText(id, "plan", "basic");
  SetText(id, "name", "unrelated change");
  ASSERT_EQ(crm_field_archive(db_.get(), "plan"), CRM_OK);  // still readable

  crm_field_timeline* raw = nullptr;
  ASSERT_EQ(crm_field_timeline_get(&raw, db_.get(), id, "plan"), CRM_OK)
      << crm_last_error_message();
  FieldTimeline timeline(raw);
  ASSERT_EQ(crm_field_timeline_size(timeline.get()), 3u);
  EXPECT_EQ(crm_field_timeline_from(timeline.get(), 0), t0);
  EXPECT_EQ(crm_field_timeline_to(timeline.get(), 0), t1);
  EXPECT_EQ(Text(crm_field_timeline_value(timeline.get(), 0), "plan"), "basic");
  EXPECT_EQ(crm_field_timeline_from(timeline.get(), 1), t1);
  EXPECT_EQ(crm_field_timeline_to(timeline.get(), 1), t2);
  EXPECT_EQ(Text(crm_field_timeline_value(timeline.get(), 1), "plan"),
            "premium");
  EXPECT_EQ(crm_field_timeline_from(timeline.get(), 2), t3);
  EXPECT_EQ(crm_field_timeline_to(timeline.get(), 2), CRM_TIME_MAX);
  EXPECT_EQ(crm_field_timeline_value(timeline.get(), 3), nullptr);
  EXPECT_CRM_ERROR(crm_field_timeline_get(&raw, db_.get(), id, "nope"),
                   CRM_E_NOT_FOUND, "nope", "unknown_field");
}

TEST_F(HistoryTest, ReferenceHistoryStaysReadableWhenTheTargetChanges) {
  Define(db_.get(), R"({"name": "employer", "type": "reference"})");
  Record a = NewRecord();
  crm_record_set_text(a.get(), "name", "Acme");
  int64_t acme = Create(db_.get(), a.get());
  Record b = NewRecord();
  crm_record_set_text(b.get(), "name", "Globex");
  int64_t globex = Create(db_.get(), b.get());
  Record person = NewRecord();
  crm_record_set_integer(person.get(), "employer", acme);
  int64_t jane = Create(db_.get(), person.get());
  int64_t at_acme = UpdatedAt(jane);
  Pause();
  Record move = NewRecord();
  crm_record_set_integer(move.get(), "employer", globex);
  ASSERT_EQ(
      crm_customer_update(nullptr, db_.get(), jane, 0, move.get(), nullptr),
      CRM_OK);
  ASSERT_EQ(crm_customer_delete(db_.get(), acme, 0, nullptr), CRM_OK);
  int64_t employer = 0;
  ASSERT_EQ(
      crm_record_get_integer(&employer, At(jane, at_acme).get(), "employer"),
      CRM_OK);
  EXPECT_EQ(employer, acme);
  EXPECT_EQ(Text(At(acme, at_acme).get(), "name"), "Acme");
}

TEST_F(HistoryTest, BatchWritesHistoryToo) {
  Record record = NewRecord();
  crm_record_set_text(record.get(), "external_id", "E-1");
  crm_record_set_text(record.get(), "plan", "basic");
  int64_t id = 0;
  ASSERT_EQ(crm_customer_upsert(&id, nullptr, db_.get(), record.get(), "erp"),
            CRM_OK);
  Pause();
  crm_record_set_text(record.get(), "plan", "premium");
  ASSERT_EQ(crm_customer_upsert(&id, nullptr, db_.get(), record.get(), "erp"),
            CRM_OK);
  crm_field_timeline* raw = nullptr;
  ASSERT_EQ(crm_field_timeline_get(&raw, db_.get(), id, "plan"), CRM_OK);
  FieldTimeline timeline(raw);
  EXPECT_EQ(crm_field_timeline_size(timeline.get()), 2u);
}

}  // namespace
}  // namespace crm_test
