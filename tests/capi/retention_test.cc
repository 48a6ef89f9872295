// Retention periods and the definitions of retention and legal hold, through
// the C ABI, on both backends (the stub itself: tests/core/legal_hold_test.cc).
#include <map>
#include <string>
#include <vector>

#include "test_support.h"

namespace crm_test {
namespace {

constexpr int64_t kDay = 86400LL * 1000000;
constexpr int64_t kNow = 1735689600000000;  // 2025-01-01T00:00:00Z

int64_t AppendAt(crm_db* db, int64_t customer, const char* type,
                 int64_t occurred_us) {
  crm_event* raw = nullptr;
  EXPECT_EQ(crm_event_new(&raw), CRM_OK);
  Event event(raw);
  crm_event_set_customer(raw, customer);
  crm_event_set_type(raw, type);
  crm_event_set_occurred_at(raw, occurred_us);
  crm_record_set_text(crm_event_properties(raw), "url", "https://a.example");
  int64_t seq = 0;
  EXPECT_EQ(crm_event_append(&seq, nullptr, db, raw), CRM_OK)
      << crm_last_error_message();
  return seq;
}

std::string Apply(crm_db* db, int64_t now_us) {
  char* json = nullptr;
  EXPECT_EQ(crm_retention_apply(&json, db, now_us), CRM_OK)
      << crm_last_error_message();
  String owned(json);
  return json == nullptr ? "" : json;
}

// Type and seq of every event of `customer`, oldest first.
std::vector<std::pair<std::string, int64_t>> Events(crm_db* db,
                                                    int64_t customer) {
  crm_timeline_options options = CRM_TIMELINE_OPTIONS_INIT;
  options.oldest_first = 1;
  options.page_size = 1000;
  crm_event_page* raw = nullptr;
  EXPECT_EQ(crm_event_timeline(&raw, db, customer, &options), CRM_OK)
      << crm_last_error_message();
  Page page(raw);
  std::vector<std::pair<std::string, int64_t>> events;
  for (size_t i = 0; i < crm_event_page_size(raw); ++i) {
    crm_event* event = crm_event_page_at(raw, i);
    events.emplace_back(crm_event_type(event), crm_event_seq(event));
  }
  return events;
}

void DefineType(crm_db* db, const std::string& json) {
  EXPECT_EQ(crm_event_type_define(db, json.c_str()), CRM_OK)
      << crm_last_error_message();
}

// "page.view" with a "url" property, kept `retention_days` days.
void DefinePageView(crm_db* db, int retention_days) {
  DefineType(db, "{\"name\": \"page.view\", \"retention_days\": " +
                     std::to_string(retention_days) +
                     ", \"properties\": [{\"name\": \"url\", \"type\": "
                     "\"url\"}]}");
}

class RetentionTest : public ::testing::Test {
 protected:
  TempDir dir_;
  Db db_ = OpenDb(dir_.File("retention.crm"));
};

TEST_F(RetentionTest, RemovesExactlyTheExpiredEventsOfTheTypeAndNoHistory) {
  crm_db* db = db_.get();
  DefinePageView(db, 90);
  DefineType(db,
             R"({"name": "order.placed",
                 "properties": [{"name": "url", "type": "url"}]})");
  int64_t ada = CreateNamed(db, "Ada");
  int64_t bob = CreateNamed(db, "Bob");
  std::vector<int64_t> kept;
  for (int64_t customer : {ada, bob}) {
    AppendAt(db, customer, "page.view", kNow - 400 * kDay);
    AppendAt(db, customer, "page.view", kNow - 91 * kDay);
    // Exactly 90 days old: its period has ended.
    AppendAt(db, customer, "page.view", kNow - 90 * kDay);
    kept.push_back(AppendAt(db, customer, "page.view", kNow - 90 * kDay + 1));
    kept.push_back(AppendAt(db, customer, "page.view", kNow - kDay));
    kept.push_back(AppendAt(db, customer, "order.placed", kNow - 900 * kDay));
    // A change, so that each has more history than its creation.
    Record change = NewRecord();
    crm_record_set_text(change.get(), "city", "Oslo");
    ASSERT_EQ(crm_customer_update(nullptr, db, customer, 0, change.get(), "t"),
              CRM_OK);
  }
  auto ada_before = Events(db, ada);

  EXPECT_EQ(Apply(db, kNow),
            R"({"events_removed": 6, "by_type": {"page.view": 6}, )"
            R"("stubs_removed": 0, "stub_events_removed": 0})");

  for (int64_t customer : {ada, bob}) {
    std::map<std::string, std::vector<int64_t>> by_type;
    for (const auto& [type, seq] : Events(db, customer)) {
      by_type[type].push_back(seq);
    }
    EXPECT_EQ(by_type["page.view"].size(), 2u);
    EXPECT_EQ(by_type["order.placed"].size(), 1u);
    EXPECT_EQ(by_type["crm.record.created"].size(), 1u);
    EXPECT_EQ(by_type["crm.record.updated"].size(), 1u);
  }
  // What stays is exactly what was kept, seqs and all.
  std::vector<int64_t> remaining;
  for (int64_t customer : {ada, bob}) {
    for (const auto& [type, seq] : Events(db, customer)) {
      if (type.rfind("crm.", 0) != 0) remaining.push_back(seq);
    }
  }
  std::sort(remaining.begin(), remaining.end());
  std::sort(kept.begin(), kept.end());
  EXPECT_EQ(remaining, kept);
  EXPECT_EQ(Events(db, ada).size(), ada_before.size() - 3);
  // The customers themselves are untouched.
  EXPECT_EQ(Text(Get(db, ada).get(), "city"), "Oslo");
}

TEST_F(RetentionTest, ApplyIsIdempotentAlsoWhenTheClockStepsBack) {
  crm_db* db = db_.get();
  DefinePageView(db, 30);
  int64_t ada = CreateNamed(db, "Ada");
  AppendAt(db, ada, "page.view", kNow - 40 * kDay);
  AppendAt(db, ada, "page.view", kNow - 20 * kDay);
  const std::string nothing =
      R"({"events_removed": 0, "by_type": {"page.view": 0}, )"
      R"("stubs_removed": 0, "stub_events_removed": 0})";
  EXPECT_EQ(Apply(db, kNow - 60 * kDay), nothing);
  EXPECT_EQ(Apply(db, kNow),
            R"({"events_removed": 1, "by_type": {"page.view": 1}, )"
            R"("stubs_removed": 0, "stub_events_removed": 0})");
  EXPECT_EQ(Apply(db, kNow), nothing);
  EXPECT_EQ(Apply(db, kNow - 5 * kDay), nothing);
  EXPECT_EQ(Events(db, ada).size(), 2u);  // created + the newer view
  // Ten days on, the other one's period has ended too.
  EXPECT_EQ(Apply(db, kNow + 10 * kDay),
            R"({"events_removed": 1, "by_type": {"page.view": 1}, )"
            R"("stubs_removed": 0, "stub_events_removed": 0})");
}

TEST_F(RetentionTest, AWorkspaceWithoutPeriodsReportsNothing) {
  int64_t ada = CreateNamed(db_.get(), "Ada");
  AppendAt(db_.get(), ada, "page.view", kNow - 4000 * kDay);
  EXPECT_EQ(Apply(db_.get(), kNow),
            R"({"events_removed": 0, "by_type": {}, "stubs_removed": 0, )"
            R"("stub_events_removed": 0})");
  EXPECT_EQ(Events(db_.get(), ada).size(), 2u);
}

TEST_F(RetentionTest, ARedefinedTypeAppliesItsNewPeriod) {
  crm_db* db = db_.get();
  DefinePageView(db, 365);
  int64_t ada = CreateNamed(db, "Ada");
  AppendAt(db, ada, "page.view", kNow - 100 * kDay);
  Apply(db, kNow);
  EXPECT_EQ(Events(db, ada).size(), 2u);
  DefinePageView(db, 30);
  Apply(db, kNow);
  EXPECT_EQ(Events(db, ada).size(), 1u);
}

TEST_F(RetentionTest, DefinitionsOfPeriodsAreChecked) {
  crm_db* db = db_.get();
  struct Case {
    const char* json;
    const char* field;
    const char* rule;
  };
  for (const Case& c : std::vector<Case>{
           {R"({"name": "a", "retention_days": -1})", "retention_days",
            CRM_RULE_RETENTION},
           {R"({"name": "a", "retention_days": 36501})", "retention_days",
            CRM_RULE_RETENTION},
           {R"({"name": "a", "hold_days": 36501})", "hold_days", CRM_RULE_HOLD},
           {R"({"name": "a", "hold_days": -3})", "hold_days", CRM_RULE_HOLD},
           {R"({"name": "a", "held_properties": ["amount"],
                "properties": [{"name": "amount", "type": "integer"}]})",
            "held_properties", CRM_RULE_HOLD},
           {R"({"name": "a", "hold_days": 10, "held_properties": ["nope"],
                "properties": [{"name": "amount", "type": "integer"}]})",
            "held_properties", CRM_RULE_HOLD},
           {R"({"name": "a", "hold_days": 10,
                "held_properties": ["amount", "amount"],
                "properties": [{"name": "amount", "type": "integer"}]})",
            "held_properties", CRM_RULE_DISTINCT},
           {R"({"name": "a", "properties": [{"name": "amount",
                "type": "integer", "hold_days": 5}]})",
            "hold_days", CRM_RULE_HOLD},
           {R"({"name": "a", "retention": 5})", "retention", CRM_RULE_KEY},
           {R"({"name": "crm.record.updated", "retention_days": 5})", "name",
            CRM_RULE_RESERVED},
           {R"({"name": "CRM.mine", "hold_days": 5})", "name",
            CRM_RULE_RESERVED},
       }) {
    SCOPED_TRACE(c.json);
    int rc = crm_event_type_define(db, c.json);
    EXPECT_NE(rc, CRM_OK);
    EXPECT_STREQ(crm_last_error_field(), c.field) << crm_last_error_message();
    EXPECT_STREQ(crm_last_error_rule(), c.rule) << crm_last_error_message();
  }
  // Nothing was registered by the failed calls.
  EXPECT_EQ(Apply(db, kNow),
            R"({"events_removed": 0, "by_type": {}, "stubs_removed": 0, )"
            R"("stub_events_removed": 0})");
  DefineType(db, R"({"name": "invoice.sent", "retention_days": 36500,
                     "hold_days": 3650, "held_properties": ["amount"],
                     "properties": [{"name": "amount", "type": "decimal",
                                     "scale": 2}, {"name": "note",
                                     "type": "text"}]})");
}

TEST_F(RetentionTest, FieldsTakeHoldDaysAndShowThem) {
  crm_db* db = db_.get();
  int64_t id = 0;
  EXPECT_CRM_ERROR(crm_field_define(&id, db,
                                    R"({"name": "vat_id", "type": "text",
                           "hold_days": 36501})"),
                   CRM_E_VALIDATION, "vat_id", CRM_RULE_HOLD);
  EXPECT_CRM_ERROR(crm_field_define(&id, db,
                                    R"({"name": "vat_id", "type": "text",
                           "hold_days": -1})"),
                   CRM_E_VALIDATION, "vat_id", CRM_RULE_HOLD);
  Define(db, R"({"name": "vat_id", "type": "text", "hold_days": 3650})");
  char* json = nullptr;
  ASSERT_EQ(crm_field_describe(&json, db, "vat_id"), CRM_OK);
  EXPECT_NE(std::string(json).find("\"hold_days\":3650"), std::string::npos)
      << json;
  crm_string_free(json);
  // Standard fields take a hold too (an invoice's name); the read-only
  // bookkeeping ones hold nothing to keep.
  ASSERT_EQ(crm_field_update(db, "name", R"({"hold_days": 3650})"), CRM_OK)
      << crm_last_error_message();
  ASSERT_EQ(crm_field_describe(&json, db, "name"), CRM_OK);
  EXPECT_NE(std::string(json).find("\"hold_days\":3650"), std::string::npos)
      << json;
  crm_string_free(json);
  EXPECT_CRM_ERROR(crm_field_update(db, "created_at", R"({"hold_days": 10})"),
                   CRM_E_VALIDATION, "created_at", CRM_RULE_HOLD);
  ASSERT_EQ(crm_field_update(db, "vat_id", R"({"hold_days": 0})"), CRM_OK);
  ASSERT_EQ(crm_field_list(&json, db, 0), CRM_OK);
  std::string list = json;
  crm_string_free(json);
  // Each definition lists hold_days after its other keys.
  size_t vat_id = list.find("\"name\":\"vat_id\"");
  ASSERT_NE(vat_id, std::string::npos) << list;
  EXPECT_EQ(list.find("\"hold_days\"", vat_id),
            list.find("\"hold_days\":0", vat_id))
      << list;
  size_t name = list.find("\"name\":\"name\"");
  ASSERT_NE(name, std::string::npos) << list;
  EXPECT_EQ(list.find("\"hold_days\"", name),
            list.find("\"hold_days\":3650", name))
      << list;
}

TEST_F(RetentionTest, ArgumentsAreChecked) {
  char* json = reinterpret_cast<char*>(1);
  EXPECT_CRM_ERROR(crm_retention_apply(nullptr, db_.get(), kNow),
                   CRM_E_INVALID_ARGUMENT, "", CRM_RULE_OUT);
  EXPECT_CRM_ERROR(crm_retention_apply(&json, nullptr, kNow),
                   CRM_E_INVALID_ARGUMENT, "", CRM_RULE_DB);
  EXPECT_EQ(json, nullptr);
  json = reinterpret_cast<char*>(1);
  EXPECT_CRM_ERROR(crm_retention_apply(&json, db_.get(), INT64_MAX),
                   CRM_E_INVALID_ARGUMENT, "", CRM_RULE_NOW_US);
  EXPECT_EQ(json, nullptr);
  int64_t held_until = 7;
  EXPECT_CRM_ERROR(crm_customer_held_until(&held_until, db_.get(), 0),
                   CRM_E_INVALID_ARGUMENT, "", CRM_RULE_ID);
  EXPECT_EQ(held_until, 0);
  EXPECT_CRM_ERROR(crm_customer_held_until(nullptr, db_.get(), 1),
                   CRM_E_INVALID_ARGUMENT, "", CRM_RULE_OUT);
  held_until = 7;
  EXPECT_EQ(crm_customer_held_until(&held_until, db_.get(), 12345),
            CRM_E_NOT_FOUND);
  int64_t ada = CreateNamed(db_.get(), "Ada");
  held_until = 7;
  EXPECT_EQ(crm_customer_held_until(&held_until, db_.get(), ada), CRM_OK);
  EXPECT_EQ(held_until, 0);  // a customer, not a stub
}

TEST_F(RetentionTest, AReadOnlyWorkspaceRefusesToApply) {
  DefinePageView(db_.get(), 1);
  int64_t ada = CreateNamed(db_.get(), "Ada");
  AppendAt(db_.get(), ada, "page.view", kNow - 10 * kDay);
  crm_open_options options = CRM_OPEN_OPTIONS_INIT;
  options.flags = CRM_OPEN_READ_ONLY;
  crm_db* raw = nullptr;
  ASSERT_EQ(OpenOn(&raw, dir_.File("retention.crm"), &options), CRM_OK)
      << crm_last_error_message();
  Db reader(raw);
  char* json = nullptr;
  EXPECT_EQ(crm_retention_apply(&json, reader.get(), kNow), CRM_E_READ_ONLY);
  EXPECT_EQ(json, nullptr);
  EXPECT_EQ(Events(db_.get(), ada).size(), 2u);
}

TEST_F(RetentionTest, AppliesInsideAHostTransactionAndRollsBackWithIt) {
  crm_db* db = db_.get();
  DefinePageView(db, 1);
  int64_t ada = CreateNamed(db, "Ada");
  AppendAt(db, ada, "page.view", kNow - 10 * kDay);
  ASSERT_EQ(crm_begin(db), CRM_OK);
  EXPECT_EQ(Apply(db, kNow),
            R"({"events_removed": 1, "by_type": {"page.view": 1}, )"
            R"("stubs_removed": 0, "stub_events_removed": 0})");
  ASSERT_EQ(crm_rollback(db), CRM_OK);
  EXPECT_EQ(Events(db, ada).size(), 2u);
}

}  // namespace
}  // namespace crm_test
