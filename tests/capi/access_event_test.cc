// The event log through a restricted handle (crm.h, "Access profiles and
// restricted handles"): which events a view sees in crm_event_get,
// crm_event_timeline and crm_event_follow, what it sees of history events,
// and what it may append.
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "crm/crm.pb.h"
#include "test_support.h"

namespace crm_test {
namespace {

constexpr int64_t kJan2024 = 1704067200000000;  // 2024-01-01T00:00:00Z
constexpr char kMarker[] = "MARKER-7f3a";

// The view's rules: "call" may be appended (but not on "fax"), "note" read,
// anything on "email" read except "secret"; every other kind is hidden.
constexpr char kDesk[] = R"({"name": "desk",
    "fields": {"name": "read_write", "city": "read_only", "owner": "read_only",
               "phone": "masked", "notes": "hidden"},
    "events": [{"type": "call", "access": "append"},
               {"type": "call", "channel": "fax", "access": "hidden"},
               {"channel": "email", "access": "read"},
               {"type": "note", "access": "read"},
               {"type": "secret", "access": "hidden"}],
    "scope": "owner = :actor"})";

Event NewEvent(int64_t customer, const char* type, const char* channel) {
  crm_event* raw = nullptr;
  EXPECT_EQ(crm_event_new(&raw), CRM_OK);
  crm_event_set_customer(raw, customer);
  crm_event_set_type(raw, type);
  crm_event_set_channel(raw, channel);
  crm_event_set_occurred_at(raw, kJan2024);
  return Event(raw);
}

// The JSON of a record (crm_record_encode_json), to scan for values.
std::string JsonOf(crm_record* record) {
  const char* json = nullptr;
  size_t size = 0;
  EXPECT_EQ(crm_record_encode_json(&json, &size, record), CRM_OK);
  return json == nullptr ? "" : std::string(json, size);
}

// What a reader learns of one event.
struct Seen {
  int64_t seq = 0;
  int64_t customer = 0;
  std::string type, channel;
  std::string before, after;  // JSON of the history records
};

std::vector<Seen> SeenOf(crm_event_page* page) {
  std::vector<Seen> seen;
  for (size_t i = 0; i < crm_event_page_size(page); ++i) {
    crm_event* event = crm_event_page_at(page, i);
    seen.push_back({crm_event_seq(event), crm_event_customer(event),
                    crm_event_type(event), crm_event_channel(event),
                    JsonOf(crm_event_before(event)),
                    JsonOf(crm_event_after(event))});
  }
  return seen;
}

std::vector<int64_t> SeqsOf(const std::vector<Seen>& events) {
  std::vector<int64_t> seqs;
  for (const Seen& event : events) seqs.push_back(event.seq);
  return seqs;
}

class AccessEventTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Define(admin_.get(), R"({"name": "notes", "type": "text"})");
    ASSERT_EQ(crm_profile_define(admin_.get(), kDesk), CRM_OK)
        << crm_last_error_message();
    ada_ = CreateCustomer("Ada", "alice", "Berlin");
    bob_ = CreateCustomer("Bob", "bob", "Paris");
    view_ = Restrict("desk", "alice");
  }

  int64_t CreateCustomer(const char* name, const char* owner,
                         const char* city) {
    Record record = NewRecord();
    crm_record_set_text(record.get(), "name", name);
    crm_record_set_text(record.get(), "owner", owner);
    crm_record_set_text(record.get(), "city", city);
    crm_record_set_text(record.get(), "notes", kMarker);
    return Create(admin_.get(), record.get());
  }

  Db Restrict(const char* profile, const char* actor) {
    return RestrictTo(admin_.get(), profile, actor);
  }

  void Update(int64_t id,
              const std::vector<std::pair<const char*, const char*>>& values) {
    Record changes = NewRecord();
    for (const auto& [field, value] : values) {
      crm_record_set_text(changes.get(), field, value);
    }
    ASSERT_EQ(crm_customer_update(nullptr, admin_.get(), id, 0, changes.get(),
                                  "test"),
              CRM_OK)
        << crm_last_error_message();
  }

  int64_t AppendAs(crm_db* db, int64_t customer, const char* type,
                   const char* channel) {
    Event event = NewEvent(customer, type, channel);
    int64_t seq = 0;
    EXPECT_EQ(crm_event_append(&seq, nullptr, db, event.get()), CRM_OK)
        << type << "/" << channel << ": " << crm_last_error_message();
    return seq;
  }

  int64_t HighWater() {
    int64_t mark = 0;
    EXPECT_EQ(crm_event_high_water(&mark, admin_.get()), CRM_OK);
    return mark;
  }

  // Every event `db` follows after `after`, `limit` at a time, as a follower
  // does: from the last seq of each page until a page comes back empty.
  // `pages` receives the size of each page.
  std::vector<Seen> Follow(crm_db* db, int64_t after, uint32_t limit,
                           std::vector<size_t>* pages = nullptr) {
    std::vector<Seen> all;
    for (int round = 0; round < 10000; ++round) {
      crm_event_page* raw = nullptr;
      EXPECT_EQ(crm_event_follow(&raw, db, after, limit), CRM_OK)
          << crm_last_error_message();
      Page page(raw);
      std::vector<Seen> seen = SeenOf(page.get());
      if (seen.empty()) break;
      if (pages != nullptr) pages->push_back(seen.size());
      after = seen.back().seq;
      all.insert(all.end(), seen.begin(), seen.end());
    }
    return all;
  }

  // Every event of `customer`'s timeline through `db`, `page_size` at a time.
  std::vector<Seen> Timeline(crm_db* db, int64_t customer, uint32_t page_size,
                             bool oldest_first,
                             std::vector<size_t>* pages = nullptr) {
    std::vector<Seen> all;
    std::string cursor;
    for (int round = 0; round < 10000; ++round) {
      crm_timeline_options options = CRM_TIMELINE_OPTIONS_INIT;
      options.page_size = page_size;
      options.oldest_first = oldest_first ? 1 : 0;
      options.cursor = cursor.empty() ? nullptr : cursor.c_str();
      crm_event_page* raw = nullptr;
      EXPECT_EQ(crm_event_timeline(&raw, db, customer, &options), CRM_OK)
          << crm_last_error_message();
      Page page(raw);
      std::vector<Seen> seen = SeenOf(page.get());
      if (pages != nullptr) pages->push_back(seen.size());
      all.insert(all.end(), seen.begin(), seen.end());
      cursor = crm_event_page_next_cursor(page.get());
      if (cursor.empty()) break;
    }
    return all;
  }

  // The message crm_event_get() gives for a seq no event has, with that seq
  // written as `seq`.
  std::string MissingEventMessage(crm_db* db, int64_t seq) {
    const int64_t missing = 987654321;
    crm_event* raw = nullptr;
    EXPECT_EQ(crm_event_get(&raw, db, missing), CRM_E_NOT_FOUND);
    std::string message = crm_last_error_message();
    std::string number = std::to_string(missing);
    size_t at = message.find(number);
    EXPECT_NE(at, std::string::npos) << message;
    if (at != std::string::npos) {
      message.replace(at, number.size(), std::to_string(seq));
    }
    return message;
  }

  // Appends 500 events of which one in ten, a call to Ada, is visible to the
  // view (the others are of hidden kinds, or Bob's), at occurrence times out
  // of seq order, some shared; returns the seqs of the visible ones.
  std::vector<int64_t> AppendMostlyHidden() {
    crm::wire::EventBatch batch;
    for (int i = 0; i < 500; ++i) {
      crm::wire::EventInput* input = batch.add_events();
      input->set_customer_id(i % 10 == 3 ? bob_ : ada_);
      input->set_type(i % 10 == 0 || i % 10 == 3 ? "call"
                      : i % 10 == 5              ? "secret"
                                                 : "other");
      input->set_channel(i % 10 == 5 ? "email" : "phone");
      input->set_occurred_at_us(kJan2024 + (i * 7919) % 250);
    }
    std::string bytes = batch.SerializeAsString();
    crm_batch_report* raw = nullptr;
    EXPECT_EQ(
        crm_event_append_batch(&raw, admin_.get(), bytes.data(), bytes.size()),
        CRM_OK)
        << crm_last_error_message();
    Report report(raw);
    std::vector<int64_t> visible;
    for (size_t i = 0; i < 500; i += 10) {
      visible.push_back(crm_batch_report_id(report.get(), i));
    }
    return visible;
  }

  Db admin_ = OpenDb(":memory:");
  Db view_;
  int64_t ada_ = 0, bob_ = 0;
};

// Every kind the rules decide, with whether the view sees it.
struct Kind {
  const char* type;
  const char* channel;
  bool visible;
};
constexpr Kind kKinds[] = {
    {"call", "phone", true},     // type rule (append)
    {"call", "fax", false},      // type and channel beat type
    {"call", "email", true},     // type beats channel
    {"visit", "email", true},    // channel rule
    {"secret", "email", false},  // type beats channel
    {"note", "fax", true},       // type rule (read)
    {"visit", "phone", false},   // no rule: hidden
    {"other", "", false},        // no rule: hidden
};

TEST_F(AccessEventTest, TheMostSpecificRuleDecidesGetTimelineAndFollow) {
  int64_t start = HighWater();
  std::vector<int64_t> visible;
  std::vector<int64_t> hidden;
  for (const Kind& kind : kKinds) {
    int64_t seq = AppendAs(admin_.get(), ada_, kind.type, kind.channel);
    (kind.visible ? visible : hidden).push_back(seq);
  }

  for (int64_t seq : visible) {
    crm_event* raw = nullptr;
    EXPECT_EQ(crm_event_get(&raw, view_.get(), seq), CRM_OK)
        << seq << ": " << crm_last_error_message();
    crm_event_free(raw);
  }
  for (int64_t seq : hidden) {
    std::string expected = MissingEventMessage(view_.get(), seq);
    crm_event* raw = reinterpret_cast<crm_event*>(1);
    EXPECT_CRM_ERROR(crm_event_get(&raw, view_.get(), seq), CRM_E_NOT_FOUND, "",
                     "");
    EXPECT_EQ(crm_last_error_message(), expected);
    EXPECT_EQ(raw, nullptr);
    // The admin reads it.
    ASSERT_EQ(crm_event_get(&raw, admin_.get(), seq), CRM_OK);
    crm_event_free(raw);
  }

  std::vector<int64_t> followed = SeqsOf(Follow(view_.get(), start, 100));
  EXPECT_EQ(followed, visible);

  std::vector<int64_t> timeline;
  for (const Seen& event : Timeline(view_.get(), ada_, 50, true)) {
    if (event.type.rfind("crm.", 0) != 0) timeline.push_back(event.seq);
  }
  EXPECT_EQ(timeline, visible);
}

TEST_F(AccessEventTest, EventsOfACustomerOutsideTheScopeAreAbsent) {
  int64_t start = HighWater();
  int64_t bobs = AppendAs(admin_.get(), bob_, "call", "phone");
  int64_t adas = AppendAs(admin_.get(), ada_, "call", "phone");

  std::string expected = MissingEventMessage(view_.get(), bobs);
  crm_event* raw = nullptr;
  EXPECT_CRM_ERROR(crm_event_get(&raw, view_.get(), bobs), CRM_E_NOT_FOUND, "",
                   "");
  EXPECT_EQ(crm_last_error_message(), expected);

  // Bob's timeline is that of a customer that does not exist: empty.
  EXPECT_TRUE(Timeline(view_.get(), bob_, 50, true).empty());
  EXPECT_TRUE(Timeline(view_.get(), 987654, 50, true).empty());
  EXPECT_FALSE(Timeline(admin_.get(), bob_, 50, true).empty());

  // Nothing of Bob in the feed, not even his history.
  std::vector<Seen> followed = Follow(view_.get(), 0, 1000);
  for (const Seen& event : followed) EXPECT_NE(event.customer, bob_);
  EXPECT_EQ(SeqsOf(Follow(view_.get(), start, 1000)),
            std::vector<int64_t>{adas});
  bool ada_created = false;
  for (const Seen& event : followed) {
    ada_created |= event.customer == ada_ && event.type == "crm.record.created";
  }
  EXPECT_TRUE(ada_created);

  // Ada moved out of the scope by the admin takes her events with her.
  Update(ada_, {{"owner", "carol"}});
  EXPECT_TRUE(Follow(view_.get(), 0, 1000).empty());
  EXPECT_CRM_ERROR(crm_event_get(&raw, view_.get(), adas), CRM_E_NOT_FOUND, "",
                   "");
}

TEST_F(AccessEventTest, HistoryShowsOnlyChangesOfFieldsTheProfileReads) {
  int64_t start = HighWater();
  Update(ada_, {{"notes", "another MARKER-7f3a"}});  // hidden only
  Update(ada_, {{"notes", "third MARKER-7f3a"}, {"city", "Hamburg"}});

  // The admin sees both updates.
  std::vector<Seen> admin_events = Follow(admin_.get(), start, 100);
  ASSERT_EQ(admin_events.size(), 2u);
  EXPECT_NE(admin_events[0].after.find(kMarker), std::string::npos);

  std::vector<Seen> seen = Follow(view_.get(), start, 100);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].seq, admin_events[1].seq);
  EXPECT_EQ(seen[0].type, "crm.record.updated");
  EXPECT_NE(seen[0].after.find("Hamburg"), std::string::npos) << seen[0].after;
  EXPECT_NE(seen[0].before.find("Berlin"), std::string::npos) << seen[0].before;
  EXPECT_EQ(seen[0].after.find(kMarker), std::string::npos) << seen[0].after;
  EXPECT_EQ(seen[0].before.find(kMarker), std::string::npos) << seen[0].before;

  // The same through get and the timeline; the hidden-only change is absent
  // from both.
  std::string expected = MissingEventMessage(view_.get(), admin_events[0].seq);
  crm_event* raw = nullptr;
  EXPECT_CRM_ERROR(crm_event_get(&raw, view_.get(), admin_events[0].seq),
                   CRM_E_NOT_FOUND, "", "");
  EXPECT_EQ(crm_last_error_message(), expected);
  ASSERT_EQ(crm_event_get(&raw, view_.get(), admin_events[1].seq), CRM_OK);
  Event got(raw);
  EXPECT_EQ(JsonOf(crm_event_after(got.get())).find(kMarker),
            std::string::npos);
  EXPECT_EQ(Text(crm_event_after(got.get()), "city"), "Hamburg");
  EXPECT_EQ(Text(crm_event_after(got.get()), "notes"), "<none>");

  std::vector<Seen> timeline = Timeline(view_.get(), ada_, 50, true);
  ASSERT_EQ(timeline.size(), 2u);  // created, then the visible update
  EXPECT_EQ(timeline[0].type, "crm.record.created");
  EXPECT_EQ(timeline[1].seq, admin_events[1].seq);
  for (const Seen& event : timeline) {
    EXPECT_EQ(event.after.find(kMarker), std::string::npos) << event.after;
  }
  // The created event holds the readable fields only.
  EXPECT_NE(timeline[0].after.find("Berlin"), std::string::npos);
}

TEST_F(AccessEventTest, MaskedFieldsAreMaskedInBeforeAndAfter) {
  Update(ada_, {{"phone", "+49 30 1234567"}});
  int64_t start = HighWater();
  Update(ada_, {{"phone", "+49 30 7654321"}});

  std::vector<Seen> admin_events = Follow(admin_.get(), start, 100);
  ASSERT_EQ(admin_events.size(), 1u);
  crm_event* raw = nullptr;
  ASSERT_EQ(crm_event_get(&raw, admin_.get(), admin_events[0].seq), CRM_OK);
  Event stored(raw);
  std::string old_phone = Text(crm_event_before(stored.get()), "phone");
  std::string new_phone = Text(crm_event_after(stored.get()), "phone");
  ASSERT_GE(old_phone.size(), 4u);
  ASSERT_GE(new_phone.size(), 4u);

  ASSERT_EQ(crm_event_get(&raw, view_.get(), admin_events[0].seq), CRM_OK)
      << crm_last_error_message();
  Event seen(raw);
  EXPECT_EQ(Text(crm_event_before(seen.get()), "phone"),
            "***" + old_phone.substr(old_phone.size() - 4));
  EXPECT_EQ(Text(crm_event_after(seen.get()), "phone"),
            "***" + new_phone.substr(new_phone.size() - 4));

  std::vector<Seen> followed = Follow(view_.get(), start, 100);
  ASSERT_EQ(followed.size(), 1u);
  EXPECT_EQ(followed[0].after.find("7654321"), std::string::npos);
  EXPECT_NE(followed[0].after.find("***4321"), std::string::npos);
}

TEST_F(AccessEventTest, AppendingAKindTheProfileOnlyReadsIsRefused) {
  int64_t mark = HighWater();
  for (const auto& [type, channel] :
       std::vector<std::pair<const char*, const char*>>{
           {"note", "fax"},        // read only
           {"visit", "email"},     // read only, by the channel rule
           {"secret", "email"},    // hidden
           {"call", "fax"},        // hidden on that channel
           {"other", "phone"}}) {  // no rule
    Event event = NewEvent(ada_, type, channel);
    int64_t seq = -1;
    EXPECT_CRM_ERROR(crm_event_append(&seq, nullptr, view_.get(), event.get()),
                     CRM_E_DENIED, type, CRM_RULE_APPEND);
    EXPECT_EQ(seq, 0);
  }
  // Nothing was stored: the admin's feed has nothing new.
  EXPECT_TRUE(Follow(admin_.get(), mark, 100).empty());

  // A batch with one such row stores none of its rows.
  crm::wire::EventBatch batch;
  for (const char* type : {"call", "note", "call"}) {
    crm::wire::EventInput* input = batch.add_events();
    input->set_customer_id(ada_);
    input->set_type(type);
    input->set_channel("phone");
  }
  std::string bytes = batch.SerializeAsString();
  crm_batch_report* raw = nullptr;
  EXPECT_EQ(
      crm_event_append_batch(&raw, view_.get(), bytes.data(), bytes.size()),
      CRM_E_DENIED);
  EXPECT_STREQ(crm_last_error_rule(), CRM_RULE_APPEND);
  Report report(raw);
  ASSERT_EQ(crm_batch_report_size(report.get()), 3u);
  EXPECT_EQ(crm_batch_report_status(report.get(), 1), CRM_E_DENIED);
  EXPECT_EQ(crm_batch_report_rejected(report.get()), 1u);
  EXPECT_TRUE(Follow(admin_.get(), mark, 100).empty());
}

TEST_F(AccessEventTest, AppendingToACustomerOutsideTheScopeIsNotFound) {
  int64_t mark = HighWater();
  const int64_t missing = 987654;
  Event to_missing = NewEvent(missing, "call", "phone");
  int64_t seq = 0;
  EXPECT_CRM_ERROR(
      crm_event_append(&seq, nullptr, view_.get(), to_missing.get()),
      CRM_E_NOT_FOUND, "customer_id", "");
  std::string expected = crm_last_error_message();
  size_t at = expected.find(std::to_string(missing));
  ASSERT_NE(at, std::string::npos);
  expected.replace(at, std::to_string(missing).size(), std::to_string(bob_));

  Event to_bob = NewEvent(bob_, "call", "phone");
  EXPECT_CRM_ERROR(crm_event_append(&seq, nullptr, view_.get(), to_bob.get()),
                   CRM_E_NOT_FOUND, "customer_id", "");
  EXPECT_EQ(crm_last_error_message(), expected);
  EXPECT_TRUE(Follow(admin_.get(), mark, 100).empty());

  // In a batch too.
  crm::wire::EventBatch batch;
  crm::wire::EventInput* input = batch.add_events();
  input->set_customer_id(bob_);
  input->set_type("call");
  std::string bytes = batch.SerializeAsString();
  crm_batch_report* raw = nullptr;
  EXPECT_EQ(
      crm_event_append_batch(&raw, view_.get(), bytes.data(), bytes.size()),
      CRM_E_NOT_FOUND);
  Report report(raw);
  EXPECT_EQ(crm_batch_report_status(report.get(), 0), CRM_E_NOT_FOUND);
  EXPECT_TRUE(Follow(admin_.get(), mark, 100).empty());
}

TEST_F(AccessEventTest, AppendsRecordTheViewsActorAndProfileSource) {
  Event event = NewEvent(ada_, "call", "phone");
  crm_event_set_actor(event.get(), "mallory");
  crm_event_set_source(event.get(), "forged-source");
  int64_t seq = 0;
  ASSERT_EQ(crm_event_append(&seq, nullptr, view_.get(), event.get()), CRM_OK)
      << crm_last_error_message();

  crm_event* raw = nullptr;
  ASSERT_EQ(crm_event_get(&raw, admin_.get(), seq), CRM_OK);
  Event stored(raw);
  EXPECT_STREQ(crm_event_actor(stored.get()), "alice");
  EXPECT_STREQ(crm_event_source(stored.get()), "profile:desk");
  EXPECT_STREQ(crm_event_type(stored.get()), "call");

  crm::wire::EventBatch batch;
  crm::wire::EventInput* input = batch.add_events();
  input->set_customer_id(ada_);
  input->set_type("call");
  input->set_actor("mallory");
  input->set_source("forged-source");
  std::string bytes = batch.SerializeAsString();
  crm_batch_report* report_raw = nullptr;
  ASSERT_EQ(crm_event_append_batch(&report_raw, view_.get(), bytes.data(),
                                   bytes.size()),
            CRM_OK)
      << crm_last_error_message();
  Report report(report_raw);
  ASSERT_EQ(
      crm_event_get(&raw, admin_.get(), crm_batch_report_id(report.get(), 0)),
      CRM_OK);
  stored.reset(raw);
  EXPECT_STREQ(crm_event_actor(stored.get()), "alice");
  EXPECT_STREQ(crm_event_source(stored.get()), "profile:desk");
}

TEST_F(AccessEventTest, AnIdempotencyKeyOfAnEventTheViewCannotSeeRevealsNoSeq) {
  Event secret = NewEvent(ada_, "secret", "email");
  crm_event_set_idempotency_key(secret.get(), "key-1");
  int64_t secret_seq = 0;
  ASSERT_EQ(crm_event_append(&secret_seq, nullptr, admin_.get(), secret.get()),
            CRM_OK);
  int64_t mark = HighWater();

  Event retry = NewEvent(ada_, "call", "phone");
  crm_event_set_idempotency_key(retry.get(), "key-1");
  int64_t seq = -1;
  int duplicate = -1;
  EXPECT_CRM_ERROR(crm_event_append(&seq, &duplicate, view_.get(), retry.get()),
                   CRM_E_CONSTRAINT, "idempotency_key", CRM_RULE_UNIQUE);
  EXPECT_EQ(seq, 0);
  EXPECT_EQ(duplicate, 0);
  EXPECT_EQ(
      std::string(crm_last_error_message()).find(std::to_string(secret_seq)),
      std::string::npos);
  EXPECT_TRUE(Follow(admin_.get(), mark, 100).empty());

  // A key of an event the view sees is a harmless retry, as for the admin.
  Event mine = NewEvent(ada_, "call", "phone");
  crm_event_set_idempotency_key(mine.get(), "key-2");
  int64_t first = 0;
  ASSERT_EQ(crm_event_append(&first, &duplicate, view_.get(), mine.get()),
            CRM_OK);
  EXPECT_EQ(duplicate, 0);
  ASSERT_EQ(crm_event_append(&seq, &duplicate, view_.get(), mine.get()),
            CRM_OK);
  EXPECT_EQ(seq, first);
  EXPECT_EQ(duplicate, 1);

  // A view may not probe keys with a kind it may not append.
  Event probe = NewEvent(ada_, "note", "fax");
  crm_event_set_idempotency_key(probe.get(), "key-2");
  EXPECT_CRM_ERROR(crm_event_append(&seq, &duplicate, view_.get(), probe.get()),
                   CRM_E_DENIED, "note", CRM_RULE_APPEND);
}

TEST_F(AccessEventTest, FollowPagesToTheEndOverAMostlyHiddenLog) {
  int64_t start = HighWater();
  std::vector<int64_t> visible = AppendMostlyHidden();
  // Hidden events after the last visible one: the follower must still end.
  AppendAs(admin_.get(), ada_, "other", "phone");

  std::vector<size_t> pages;
  std::vector<int64_t> followed = SeqsOf(Follow(view_.get(), start, 7, &pages));
  EXPECT_EQ(followed, visible);
  EXPECT_EQ(std::set<int64_t>(followed.begin(), followed.end()).size(),
            followed.size());
  // Every page but the last is full: a page is filled from further on.
  ASSERT_FALSE(pages.empty());
  for (size_t i = 0; i + 1 < pages.size(); ++i) EXPECT_EQ(pages[i], 7u) << i;

  // A follower that starts past every visible event gets an empty page.
  crm_event_page* page_raw = nullptr;
  ASSERT_EQ(crm_event_follow(&page_raw, view_.get(), visible.back(), 7),
            CRM_OK);
  Page last(page_raw);
  EXPECT_EQ(crm_event_page_size(last.get()), 0u);
}

TEST_F(AccessEventTest, TimelinePagesOverAMostlyHiddenLogInBothOrders) {
  std::vector<int64_t> appended = AppendMostlyHidden();
  std::set<int64_t> visible(appended.begin(), appended.end());

  for (bool oldest_first : {true, false}) {
    // The admin's order of the visible events is the view's order.
    std::vector<int64_t> expected;
    for (const Seen& event : Timeline(admin_.get(), ada_, 1000, oldest_first)) {
      if (visible.count(event.seq) != 0) expected.push_back(event.seq);
    }
    ASSERT_EQ(expected.size(), visible.size());
    std::vector<size_t> pages;
    std::vector<int64_t> seen;
    for (const Seen& event :
         Timeline(view_.get(), ada_, 7, oldest_first, &pages)) {
      if (event.type == "crm.record.created") continue;
      seen.push_back(event.seq);
    }
    EXPECT_EQ(seen, expected) << "oldest_first " << oldest_first;
    for (size_t i = 0; i + 1 < pages.size(); ++i) {
      EXPECT_EQ(pages[i], 7u) << i;
    }
  }
}

// crm_event_timeline() through `db` of `customer` naming `types` and
// `channels`: the status, and the page's size when it succeeds.
std::pair<int, size_t> NamedTimeline(crm_db* db, int64_t customer,
                                     std::vector<const char*> types,
                                     std::vector<const char*> channels) {
  crm_timeline_options options = CRM_TIMELINE_OPTIONS_INIT;
  options.types = types.data();
  options.type_count = types.size();
  options.channels = channels.data();
  options.channel_count = channels.size();
  crm_event_page* raw = nullptr;
  int rc = crm_event_timeline(&raw, db, customer, &options);
  Page page(raw);
  if (rc != CRM_OK) {
    EXPECT_EQ(raw, nullptr);
  }
  return {rc, crm_event_page_size(page.get())};
}

TEST_F(AccessEventTest, ATimelineNamingAHiddenTypeOrChannelIsRefused) {
  AppendAs(admin_.get(), ada_, "call", "phone");
  // "secret" is hidden on every channel.
  EXPECT_CRM_ERROR(
      NamedTimeline(view_.get(), ada_, {"call", "secret"}, {}).first,
      CRM_E_DENIED, "secret", CRM_RULE_HIDDEN);
  // Types and channels some visible event may have are allowed: "other" on
  // "email", any type's "sms" calls, libcrm's history.
  std::pair<int, size_t> allowed = NamedTimeline(
      view_.get(), ada_, {"call", "note", "other", "crm.record.created"},
      {"phone", "email", "fax", "sms"});
  EXPECT_EQ(allowed.first, CRM_OK) << crm_last_error_message();
  EXPECT_EQ(allowed.second, 1u);

  // A profile that reads the phone channel only, and hides history updates
  // although it reads the fields they change: the stricter rule holds.
  ASSERT_EQ(crm_profile_define(admin_.get(), R"({"name": "phones",
      "fields": {"name": "read_only", "city": "read_only"},
      "events": [{"channel": "phone", "access": "read"},
                 {"type": "crm.record.updated", "access": "hidden"}]})"),
            CRM_OK)
      << crm_last_error_message();
  Db phones = Restrict("phones", "pat");
  EXPECT_CRM_ERROR(NamedTimeline(phones.get(), ada_, {}, {"sms"}).first,
                   CRM_E_DENIED, "sms", CRM_RULE_HIDDEN);
  EXPECT_CRM_ERROR(
      NamedTimeline(phones.get(), ada_, {"crm.record.updated"}, {}).first,
      CRM_E_DENIED, "crm.record.updated", CRM_RULE_HIDDEN);
  EXPECT_EQ(NamedTimeline(phones.get(), ada_, {"visit"}, {"phone"}).first,
            CRM_OK);
  int64_t start = HighWater();
  Update(ada_, {{"city", "Hamburg"}});
  int64_t call = AppendAs(admin_.get(), ada_, "visit", "phone");
  EXPECT_EQ(SeqsOf(Follow(phones.get(), start, 100)),
            std::vector<int64_t>{call});
}

TEST_F(AccessEventTest, ErasureTombstonesReachViewsWithoutAScopeOnly) {
  ASSERT_EQ(crm_profile_define(admin_.get(), R"({"name": "everyone",
      "fields": {"name": "read_only"},
      "events": [{"type": "call", "access": "read"}]})"),
            CRM_OK)
      << crm_last_error_message();
  Db everyone = Restrict("everyone", "eve");
  int64_t start = HighWater();
  crm_erase_options options = CRM_ERASE_OPTIONS_INIT;
  options.reason = "request";
  char* receipt = nullptr;
  ASSERT_EQ(crm_customer_erase(&receipt, admin_.get(), ada_, &options), CRM_OK)
      << crm_last_error_message();
  crm_string_free(receipt);

  // A view of every customer learns which id to erase in its copies; a
  // scoped one cannot tell that the id was ever in its scope.
  std::vector<Seen> seen = Follow(everyone.get(), start, 100);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].type, "crm.record.erased");
  EXPECT_EQ(seen[0].customer, ada_);
  EXPECT_TRUE(Follow(view_.get(), start, 100).empty());
}

TEST_F(AccessEventTest, DefiningEventTypesNeedsTheOperation) {
  const char* definition = R"({"name": "call", "properties": []})";
  EXPECT_EQ(crm_event_type_define(view_.get(), definition), CRM_E_DENIED);
  EXPECT_STREQ(crm_last_error_rule(), CRM_RULE_OPERATION);
  ASSERT_EQ(crm_profile_define(admin_.get(), R"({"name": "typer",
      "fields": {"name": "read_only"},
      "events": [{"type": "call", "access": "append"}],
      "operations": ["define_event_types"]})"),
            CRM_OK)
      << crm_last_error_message();
  Db typer = Restrict("typer", "tess");
  EXPECT_EQ(crm_event_type_define(typer.get(), definition), CRM_OK)
      << crm_last_error_message();
}

}  // namespace
}  // namespace crm_test
