// Erasure (crm.h, "Erasure"): a person erased is gone from every read, the
// others are untouched, the log keeps a tombstone, and in a file the
// person's bytes are gone once the write-ahead log is truncated. Runs on
// both backends; the byte scans are a file's.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.h"

namespace crm_test {
namespace {

// In every text the person holds; lower case, as the search index keeps
// words.
constexpr char kMarker[] = "zqxmarkerq";

int64_t CountOf(const std::string& haystack, const std::string& needle) {
  int64_t count = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

// The bytes of a file ("" when it does not exist).
std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// How often the marker is in a workspace file and its write-ahead log.
int64_t MarkerHits(const std::string& path) {
  return CountOf(FileBytes(path), kMarker) +
         CountOf(FileBytes(path + "-wal"), kMarker);
}

std::string RecordJson(crm_record* record) {
  const char* json = nullptr;
  size_t size = 0;
  EXPECT_EQ(crm_record_encode_json(&json, &size, record), CRM_OK);
  return json == nullptr ? "" : std::string(json, size);
}

// An event as text: everything it holds.
std::string EventText(crm_event* event) {
  std::ostringstream out;
  out << crm_event_seq(event) << "|" << crm_event_customer(event) << "|"
      << crm_event_occurred_at(event) << "|" << crm_event_recorded_at(event)
      << "|" << crm_event_type(event) << "|" << crm_event_channel(event) << "|"
      << crm_event_actor(event) << "|" << crm_event_source(event) << "|"
      << crm_event_idempotency_key(event) << "|"
      << RecordJson(crm_event_properties(event)) << "|"
      << RecordJson(crm_event_before(event)) << "|"
      << RecordJson(crm_event_after(event));
  return out.str();
}

struct ReceiptCounts {
  int customers, events, history_events, idempotency_keys, search_entries,
      references_cleared;
};

// The receipt crm.h documents, for `ids` with their tombstones.
std::string ExpectedReceipt(const std::vector<int64_t>& ids,
                            const std::vector<int64_t>& tombstones,
                            const ReceiptCounts& c) {
  auto list = [](const std::vector<int64_t>& values) {
    std::string text;
    for (int64_t value : values) {
      text += (text.empty() ? "" : ",") + std::to_string(value);
    }
    return text;
  };
  std::ostringstream out;
  out << "{\"erased_ids\":[" << list(ids) << "],\"tombstones\":["
      << list(tombstones) << "],\"removed\":{\"customers\":" << c.customers
      << ",\"events\":" << c.events
      << ",\"history_events\":" << c.history_events
      << ",\"idempotency_keys\":" << c.idempotency_keys
      << ",\"search_entries\":" << c.search_entries
      << ",\"references_cleared\":" << c.references_cleared
      << "},\"kept\":[],\"suppressed\":0}";
  return out.str();
}

class ErasureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenDb(path_);
    Define(db_.get(), R"({"name": "notes", "type": "long_text"})");
    Define(db_.get(), R"({"name": "manager", "type": "reference"})");
  }

  std::string Marked(const std::string& text) { return text + kMarker; }

  // A person whose name, email, notes (three times updated), events,
  // their properties and idempotency keys and search words carry the
  // marker. Returns the id; `person_events_` counts its events.
  int64_t CreatePerson() {
    Record record = NewRecord();
    crm_record_set_text(record.get(), "name", ("Ada " + Marked("")).c_str());
    crm_record_set_text(record.get(), "email",
                        (Marked("ada.") + "@example.org").c_str());
    crm_record_set_text(record.get(), "notes",
                        ("first note " + Marked("n0")).c_str());
    int64_t id = Create(db_.get(), record.get());
    for (int i = 1; i <= 3; ++i) {
      Record changes = NewRecord();
      crm_record_set_text(
          changes.get(), "notes",
          ("note " + std::to_string(i) + " " + Marked("n")).c_str());
      EXPECT_EQ(
          crm_customer_update(nullptr, db_.get(), id, 0, changes.get(), "ed"),
          CRM_OK)
          << crm_last_error_message();
    }
    for (int i = 0; i < 4; ++i) {
      std::string key = i < 3 ? "key-" + std::to_string(i) + Marked("-") : "";
      AppendEvent(id, key, "said " + Marked(""));
    }
    return id;
  }

  int64_t AppendEvent(int64_t customer, const std::string& key,
                      const std::string& said) {
    crm_event* raw = nullptr;
    EXPECT_EQ(crm_event_new(&raw), CRM_OK);
    Event event(raw);
    crm_event_set_customer(raw, customer);
    crm_event_set_type(raw, "call");
    crm_event_set_channel(raw, "phone");
    if (!key.empty()) crm_event_set_idempotency_key(raw, key.c_str());
    crm_record_set_text(crm_event_properties(raw), "said", said.c_str());
    int64_t seq = 0;
    EXPECT_EQ(crm_event_append(&seq, nullptr, db_.get(), raw), CRM_OK)
        << crm_last_error_message();
    return seq;
  }

  int64_t CreateOther(const std::string& name, int64_t manager = 0) {
    Record record = NewRecord();
    crm_record_set_text(record.get(), "name", name.c_str());
    if (manager != 0) crm_record_set_integer(record.get(), "manager", manager);
    int64_t id = Create(db_.get(), record.get());
    AppendEvent(id, "other-key-" + name, "hello from " + name);
    return id;
  }

  std::vector<std::string> Timeline(int64_t id) {
    crm_timeline_options options = CRM_TIMELINE_OPTIONS_INIT;
    options.oldest_first = 1;
    options.page_size = 1000;
    crm_event_page* raw = nullptr;
    EXPECT_EQ(crm_event_timeline(&raw, db_.get(), id, &options), CRM_OK)
        << crm_last_error_message();
    Page page(raw);
    std::vector<std::string> events;
    for (size_t i = 0; i < crm_event_page_size(page.get()); ++i) {
      events.push_back(EventText(crm_event_page_at(page.get(), i)));
    }
    return events;
  }

  // Every event of the log, as crm_event_follow() hands them out.
  std::vector<std::string> Feed() {
    std::vector<std::string> events;
    int64_t after = 0;
    while (true) {
      crm_event_page* raw = nullptr;
      EXPECT_EQ(crm_event_follow(&raw, db_.get(), after, 1000), CRM_OK);
      Page page(raw);
      if (crm_event_page_size(page.get()) == 0) return events;
      for (size_t i = 0; i < crm_event_page_size(page.get()); ++i) {
        crm_event* event = crm_event_page_at(page.get(), i);
        events.push_back(EventText(event));
        after = crm_event_seq(event);
      }
    }
  }

  // A customer's record and timeline, as text.
  std::string Snapshot(int64_t id) {
    std::string text = RecordJson(Get(db_.get(), id).get());
    for (const std::string& event : Timeline(id)) text += "\n" + event;
    return text;
  }

  int64_t QueryCount(int target, const std::string& filter) {
    crm_query* raw = nullptr;
    EXPECT_EQ(crm_query_new(&raw, target), CRM_OK);
    Query query(raw);
    EXPECT_EQ(crm_query_set_filter(raw, filter.c_str()), CRM_OK);
    int64_t count = -1;
    EXPECT_EQ(crm_query_count(&count, db_.get(), raw), CRM_OK)
        << crm_last_error_message();
    return count;
  }

  size_t SearchHits(const std::string& text) {
    crm_rows* raw = nullptr;
    EXPECT_EQ(crm_customer_search(&raw, db_.get(), text.c_str(), 100), CRM_OK)
        << crm_last_error_message();
    Rows rows(raw);
    return crm_rows_size(rows.get());
  }

  std::string Erase(int64_t id, const char* actor, const char* reason) {
    crm_erase_options options = CRM_ERASE_OPTIONS_INIT;
    options.actor = actor;
    options.reason = reason;
    char* raw = nullptr;
    EXPECT_EQ(crm_customer_erase(&raw, db_.get(), id, &options), CRM_OK)
        << crm_last_error_message();
    String receipt(raw);
    return raw == nullptr ? "" : raw;
  }

  // The seq of the last event in the log.
  int64_t LastSeq() {
    std::vector<std::string> feed = Feed();
    return feed.empty() ? 0 : std::stoll(feed.back());
  }

  // The seq of an erased customer's tombstone, its only event.
  int64_t TombstoneOf(int64_t id) {
    std::vector<std::string> events = Timeline(id);
    EXPECT_EQ(events.size(), 1u);
    return events.empty() ? 0 : std::stoll(events[0]);
  }

  TempDir dir_;
  std::string path_ = dir_.File("erase.crm");
  Db db_;
};

TEST_F(ErasureTest, ErasedPersonIsGoneFromEveryReadAndOthersAreUntouched) {
  int64_t before_person = CreateOther("Bob");
  int64_t person = CreatePerson();
  int64_t managed = CreateOther("Cy", person);
  int64_t after_person = CreateOther("Dee", before_person);
  ASSERT_EQ(crm_segment_save(db_.get(), "marked", CRM_QUERY_CUSTOMERS,
                             ("name contains '" + Marked("") + "'").c_str()),
            CRM_OK)
      << crm_last_error_message();
  int64_t segment = -1;
  ASSERT_EQ(crm_segment_count(&segment, db_.get(), "marked"), CRM_OK);
  ASSERT_EQ(segment, 1);
  ASSERT_EQ(SearchHits(kMarker), 1u);
  ASSERT_EQ(QueryCount(CRM_QUERY_EVENTS,
                       "idempotency_key contains '" + Marked("") + "'"),
            3);
  int64_t existed_at = 0;
  crm_record_get_datetime(&existed_at, Get(db_.get(), person).get(),
                          "updated_at");
  std::string bob = Snapshot(before_person);
  std::string dee = Snapshot(after_person);
  std::vector<std::string> cy_timeline = Timeline(managed);
  int64_t cy_version = crm_record_version(Get(db_.get(), managed).get());

  std::string receipt = Erase(person, "dpo-desk", "request 2024-17");
  int64_t tombstone = LastSeq();
  EXPECT_EQ(receipt,
            ExpectedReceipt({person}, {tombstone}, {1, 4, 4, 3, 1, 1}));

  // Nothing of the person through the API.
  crm_record* raw = nullptr;
  EXPECT_CRM_ERROR(crm_customer_get(&raw, db_.get(), person), CRM_E_NOT_FOUND,
                   "", "");
  EXPECT_CRM_ERROR(crm_customer_get_at(&raw, db_.get(), person, existed_at),
                   CRM_E_NOT_FOUND, "", "");
  crm_field_timeline* timeline = nullptr;
  EXPECT_CRM_ERROR(
      crm_field_timeline_get(&timeline, db_.get(), person, "notes"),
      CRM_E_NOT_FOUND, "", "");
  EXPECT_EQ(SearchHits(kMarker), 0u);
  EXPECT_EQ(SearchHits("Ada"), 0u);
  ASSERT_EQ(crm_segment_count(&segment, db_.get(), "marked"), CRM_OK);
  EXPECT_EQ(segment, 0);
  EXPECT_EQ(QueryCount(CRM_QUERY_EVENTS,
                       "idempotency_key contains '" + Marked("") + "'"),
            0);
  EXPECT_EQ(
      QueryCount(CRM_QUERY_EVENTS, "customer_id = " + std::to_string(person)),
      1);

  // Only the tombstone: actor, time, reason; no personal data.
  std::vector<std::string> person_timeline = Timeline(person);
  ASSERT_EQ(person_timeline.size(), 1u);
  crm_event* event_raw = nullptr;
  ASSERT_EQ(crm_event_get(&event_raw, db_.get(), tombstone), CRM_OK);
  Event event(event_raw);
  EXPECT_EQ(person_timeline[0], EventText(event_raw));
  EXPECT_EQ(crm_event_customer(event_raw), person);
  EXPECT_STREQ(crm_event_type(event_raw), "crm.record.erased");
  EXPECT_STREQ(crm_event_actor(event_raw), "dpo-desk");
  EXPECT_STREQ(crm_event_channel(event_raw), "crm");
  EXPECT_STREQ(crm_event_source(event_raw), "");
  EXPECT_STREQ(crm_event_idempotency_key(event_raw), "");
  EXPECT_GT(crm_event_recorded_at(event_raw), existed_at);
  crm_record* properties = crm_event_properties(event_raw);
  ASSERT_EQ(crm_record_field_count(properties), 1u);
  EXPECT_EQ(Text(properties, "reason"), "request 2024-17");
  EXPECT_EQ(crm_record_field_count(crm_event_before(event_raw)), 0u);
  EXPECT_EQ(crm_record_field_count(crm_event_after(event_raw)), 0u);

  // The feed: the person's only event is the tombstone, and no event
  // anywhere holds the marker.
  std::vector<std::string> person_feed;
  for (const std::string& text : Feed()) {
    EXPECT_EQ(text.find(kMarker), std::string::npos) << text;
    // "seq|customer|...": the second part names the customer.
    if (std::stoll(text.substr(text.find('|') + 1)) == person) {
      person_feed.push_back(text);
    }
  }
  EXPECT_EQ(person_feed, person_timeline);

  // The others: identical, except that Cy's reference was cleared by an
  // update that its history records.
  EXPECT_EQ(Snapshot(before_person), bob);
  EXPECT_EQ(Snapshot(after_person), dee);
  Record cy = Get(db_.get(), managed);
  EXPECT_EQ(crm_record_kind(cy.get(), "manager"), CRM_VALUE_NULL);
  EXPECT_EQ(Text(cy.get(), "name"), "Cy");
  EXPECT_EQ(crm_record_version(cy.get()), cy_version + 1);
  std::vector<std::string> cy_after = Timeline(managed);
  ASSERT_EQ(cy_after.size(), cy_timeline.size() + 1);
  EXPECT_TRUE(
      std::equal(cy_timeline.begin(), cy_timeline.end(), cy_after.begin()));
  crm_timeline_options newest = CRM_TIMELINE_OPTIONS_INIT;
  newest.page_size = 1;
  crm_event_page* page_raw = nullptr;
  ASSERT_EQ(crm_event_timeline(&page_raw, db_.get(), managed, &newest), CRM_OK);
  Page page(page_raw);
  crm_event* cleared = crm_event_page_at(page.get(), 0);
  EXPECT_STREQ(crm_event_type(cleared), "crm.record.updated");
  EXPECT_STREQ(crm_event_actor(cleared), "dpo-desk");
  int64_t was = 0;
  EXPECT_EQ(crm_record_get_integer(&was, crm_event_before(cleared), "manager"),
            CRM_OK);
  EXPECT_EQ(was, person);
  EXPECT_EQ(crm_record_kind(crm_event_after(cleared), "manager"),
            CRM_VALUE_NULL);
}

TEST_F(ErasureTest, FileAndLogHoldNoByteOfThePersonAfterClose) {
  // Registered for files only (tests/CMakeLists.txt): a file's bytes.
  ASSERT_FALSE(OnPostgres());
  int64_t person = CreatePerson();
  CreateOther("Cy", person);
  ASSERT_GT(MarkerHits(path_), 0);
  Erase(person, nullptr, nullptr);
  db_.reset();
  EXPECT_FALSE(std::ifstream(path_ + "-wal").good())
      << "the last close removes the log";
  EXPECT_EQ(MarkerHits(path_), 0);
}

TEST_F(ErasureTest, CheckpointTruncatesTheLogWhileTheFileIsOpen) {
  // Registered for files only (tests/CMakeLists.txt): a file's bytes.
  ASSERT_FALSE(OnPostgres());
  int64_t person = CreatePerson();
  Erase(person, nullptr, nullptr);
  ASSERT_EQ(crm_checkpoint(db_.get()), CRM_OK) << crm_last_error_message();
  EXPECT_EQ(FileBytes(path_ + "-wal").size(), 0u);
  EXPECT_EQ(MarkerHits(path_), 0);
  // Still a working workspace.
  EXPECT_EQ(CreateNamed(db_.get(), "Eve") > 0, true);
  EXPECT_EQ(Count(db_.get()), 1);
}

// The control: the scan finds what a plain delete leaves behind, so that a
// scan finding nothing means something.
TEST_F(ErasureTest, ScanFindsThePersonAfterAPlainDelete) {
  // Registered for files only (tests/CMakeLists.txt): a file's bytes.
  ASSERT_FALSE(OnPostgres());
  int64_t person = CreatePerson();
  ASSERT_EQ(crm_customer_delete(db_.get(), person, 0, nullptr), CRM_OK);
  ASSERT_EQ(crm_checkpoint(db_.get()), CRM_OK);
  db_.reset();
  EXPECT_GT(MarkerHits(path_), 0);
}

TEST_F(ErasureTest, CheckpointIsBusyWhileAnotherConnectionReads) {
  // Registered for files only: a file's write-ahead log.
  ASSERT_FALSE(OnPostgres());
  CreatePerson();
  crm_open_options quick = CRM_OPEN_OPTIONS_INIT;
  quick.busy_timeout_ms = 50;
  crm_db* raw = nullptr;
  ASSERT_EQ(crm_open(&raw, path_.c_str(), &quick), CRM_OK);
  Db impatient(raw);
  Db reader = OpenDb(path_);
  ASSERT_EQ(crm_begin(reader.get()), CRM_OK);
  EXPECT_EQ(Count(reader.get()), 1);
  EXPECT_CRM_ERROR(crm_checkpoint(impatient.get()), CRM_E_BUSY, "", "");
  ASSERT_EQ(crm_rollback(reader.get()), CRM_OK);
  EXPECT_EQ(crm_checkpoint(impatient.get()), CRM_OK)
      << crm_last_error_message();
}

TEST_F(ErasureTest, CheckpointRunsOnBothBackendsButNotInATransaction) {
  CreatePerson();
  EXPECT_EQ(crm_checkpoint(db_.get()), CRM_OK) << crm_last_error_message();
  ASSERT_EQ(crm_begin(db_.get()), CRM_OK);
  EXPECT_CRM_ERROR(crm_checkpoint(db_.get()), CRM_E_MISUSE, "", "");
  ASSERT_EQ(crm_rollback(db_.get()), CRM_OK);
  EXPECT_CRM_ERROR(crm_checkpoint(nullptr), CRM_E_INVALID_ARGUMENT, "",
                   CRM_RULE_DB);
}

TEST_F(ErasureTest, ADeletedCustomerCanBeErasedAndAnErasedOneIsNotFound) {
  int64_t person = CreatePerson();
  ASSERT_EQ(crm_customer_delete(db_.get(), person, 0, "ed"), CRM_OK);
  ASSERT_EQ(Timeline(person).size(), 9u);  // created, 3 updates, 4, deleted
  std::string receipt = Erase(person, "dpo", "late request");
  EXPECT_EQ(receipt,
            ExpectedReceipt({person}, {LastSeq()}, {0, 4, 5, 3, 0, 0}));
  EXPECT_EQ(Timeline(person).size(), 1u);
  char* raw = nullptr;
  EXPECT_CRM_ERROR(crm_customer_erase(&raw, db_.get(), person, nullptr),
                   CRM_E_NOT_FOUND, "", "");
  EXPECT_EQ(raw, nullptr);
  EXPECT_CRM_ERROR(crm_customer_erase(&raw, db_.get(), 424242, nullptr),
                   CRM_E_NOT_FOUND, "", "");
}

TEST_F(ErasureTest, EraseInATransactionIsUndoneByItsRollback) {
  int64_t person = CreatePerson();
  std::string before = Snapshot(person);
  ASSERT_EQ(crm_begin(db_.get()), CRM_OK);
  Erase(person, nullptr, nullptr);
  ASSERT_EQ(crm_rollback(db_.get()), CRM_OK);
  EXPECT_EQ(Snapshot(person), before);
  EXPECT_EQ(SearchHits(kMarker), 1u);
}

TEST_F(ErasureTest, HostsCannotAppendTheTombstoneType) {
  int64_t id = CreateNamed(db_.get(), "Ada");
  crm_event* raw = nullptr;
  ASSERT_EQ(crm_event_new(&raw), CRM_OK);
  Event event(raw);
  crm_event_set_customer(raw, id);
  crm_event_set_type(raw, "crm.record.erased");
  int64_t seq = 0;
  EXPECT_CRM_ERROR(crm_event_append(&seq, nullptr, db_.get(), raw),
                   CRM_E_VALIDATION, "type", CRM_RULE_RESERVED);
}

TEST_F(ErasureTest, EraseWhereErasesEveryMatchInOneCallWithOneReceipt) {
  std::vector<int64_t> leads;
  for (const char* name : {"Ann", "Ben", "Cid"}) {
    Record record = NewRecord();
    crm_record_set_text(record.get(), "name", name);
    crm_record_set_text(record.get(), "city", "Oldtown");
    if (!leads.empty()) {
      crm_record_set_integer(record.get(), "manager", leads.front());
    }
    leads.push_back(Create(db_.get(), record.get()));
    AppendEvent(leads.back(), "", "hello");
  }
  int64_t kept = CreateOther("Kim", leads[1]);
  std::string kim = Snapshot(kept);

  crm_query* query_raw = nullptr;
  ASSERT_EQ(crm_query_new(&query_raw, CRM_QUERY_CUSTOMERS), CRM_OK);
  Query query(query_raw);
  ASSERT_EQ(crm_query_set_filter(query_raw, "city = :city"), CRM_OK);
  crm_record_set_text(crm_query_params(query_raw), "city", "Oldtown");
  crm_query_set_page_size(query_raw, 1);  // ignored
  char* raw = nullptr;
  ASSERT_EQ(crm_customer_erase_where(&raw, db_.get(), query_raw, nullptr),
            CRM_OK)
      << crm_last_error_message();
  String receipt(raw);
  // Ann and Ben were referenced by Ben, Cid and Kim: only Kim's is cleared.
  EXPECT_EQ(std::string(raw),
            ExpectedReceipt(leads,
                            {TombstoneOf(leads[0]), TombstoneOf(leads[1]),
                             TombstoneOf(leads[2])},
                            {3, 3, 3, 0, 3, 1}));
  EXPECT_EQ(Count(db_.get()), 1);
  EXPECT_NE(Snapshot(kept), kim);
  EXPECT_EQ(crm_record_kind(Get(db_.get(), kept).get(), "manager"),
            CRM_VALUE_NULL);

  // Nobody matches now: nothing to erase, and no error.
  ASSERT_EQ(crm_customer_erase_where(&raw, db_.get(), query_raw, nullptr),
            CRM_OK);
  String none(raw);
  EXPECT_EQ(std::string(raw), ExpectedReceipt({}, {}, {0, 0, 0, 0, 0, 0}));
}

TEST_F(ErasureTest, BadArgumentsChangeNothing) {
  int64_t person = CreatePerson();
  std::string before = Snapshot(person);
  char* out = nullptr;
  crm_erase_options options = CRM_ERASE_OPTIONS_INIT;
  EXPECT_CRM_ERROR(crm_customer_erase(nullptr, db_.get(), person, &options),
                   CRM_E_INVALID_ARGUMENT, "", CRM_RULE_OUT);
  EXPECT_CRM_ERROR(crm_customer_erase(&out, db_.get(), 0, &options),
                   CRM_E_INVALID_ARGUMENT, "", CRM_RULE_ID);
  EXPECT_CRM_ERROR(crm_customer_erase(&out, db_.get(), -3, &options),
                   CRM_E_INVALID_ARGUMENT, "", CRM_RULE_ID);
  EXPECT_CRM_ERROR(crm_customer_erase(&out, nullptr, person, &options),
                   CRM_E_INVALID_ARGUMENT, "", CRM_RULE_DB);
  crm_erase_options small = options;
  small.struct_size = 3;
  EXPECT_CRM_ERROR(crm_customer_erase(&out, db_.get(), person, &small),
                   CRM_E_INVALID_ARGUMENT, "", CRM_RULE_STRUCT_SIZE);
  std::string long_reason(1001, 'r');
  crm_erase_options too_long = options;
  too_long.reason = long_reason.c_str();
  EXPECT_CRM_ERROR(crm_customer_erase(&out, db_.get(), person, &too_long),
                   CRM_E_INVALID_ARGUMENT, "", CRM_RULE_REASON);
  crm_erase_options bad_utf8 = options;
  bad_utf8.reason = "caf\xc3";
  EXPECT_CRM_ERROR(crm_customer_erase(&out, db_.get(), person, &bad_utf8),
                   CRM_E_INVALID_ARGUMENT, "", CRM_RULE_REASON);
  crm_erase_options bad_actor = options;
  bad_actor.actor = "\xff";
  EXPECT_CRM_ERROR(crm_customer_erase(&out, db_.get(), person, &bad_actor),
                   CRM_E_INVALID_ARGUMENT, "", CRM_RULE_UTF8);
  std::string long_actor(256, 'a');
  bad_actor.actor = long_actor.c_str();
  EXPECT_CRM_ERROR(crm_customer_erase(&out, db_.get(), person, &bad_actor),
                   CRM_E_INVALID_ARGUMENT, "", CRM_RULE_ACTOR);
  for (int flags : {8, CRM_ERASE_KEEP_HELD | CRM_ERASE_OVERRIDE_HOLD}) {
    crm_erase_options bad_flags = options;
    bad_flags.flags = flags;
    EXPECT_CRM_ERROR(crm_customer_erase(&out, db_.get(), person, &bad_flags),
                     CRM_E_INVALID_ARGUMENT, "", CRM_RULE_FLAGS);
  }
  EXPECT_CRM_ERROR(crm_customer_erase_where(&out, db_.get(), nullptr, nullptr),
                   CRM_E_INVALID_ARGUMENT, "", CRM_RULE_QUERY);
  crm_query* raw = nullptr;
  ASSERT_EQ(crm_query_new(&raw, CRM_QUERY_CUSTOMERS), CRM_OK);
  Query everyone(raw);
  EXPECT_CRM_ERROR(crm_customer_erase_where(&out, db_.get(), raw, nullptr),
                   CRM_E_INVALID_ARGUMENT, "", CRM_RULE_FILTER);
  ASSERT_EQ(crm_query_new(&raw, CRM_QUERY_EVENTS), CRM_OK);
  Query events(raw);
  crm_query_set_filter(raw, "type = 'call'");
  EXPECT_CRM_ERROR(crm_customer_erase_where(&out, db_.get(), raw, nullptr),
                   CRM_E_INVALID_ARGUMENT, "", CRM_RULE_QUERY);
  ASSERT_EQ(crm_query_new(&raw, CRM_QUERY_CUSTOMERS), CRM_OK);
  Query broken(raw);
  crm_query_set_filter(raw, "name = ");
  EXPECT_CRM_ERROR(crm_customer_erase_where(&out, db_.get(), raw, nullptr),
                   CRM_E_INVALID_ARGUMENT, "", CRM_RULE_SYNTAX);
  EXPECT_EQ(out, nullptr);
  EXPECT_EQ(Snapshot(person), before);

  crm_erase_options filled;
  EXPECT_CRM_ERROR(crm_erase_options_init(&filled, 2), CRM_E_INVALID_ARGUMENT,
                   "", CRM_RULE_STRUCT_SIZE);
  EXPECT_CRM_ERROR(crm_erase_options_init(nullptr, sizeof filled),
                   CRM_E_INVALID_ARGUMENT, "", CRM_RULE_OPTIONS);
  ASSERT_EQ(crm_erase_options_init(&filled, sizeof filled), CRM_OK);
  EXPECT_EQ(filled.struct_size, sizeof filled);
  EXPECT_EQ(filled.actor, nullptr);
  EXPECT_EQ(filled.reason, nullptr);
  EXPECT_EQ(filled.flags, 0);
}

// A reference in an archived field, or a required one, points at no one
// after an erase either: cleared all the same, in one update per customer.
TEST_F(ErasureTest, ArchivedAndRequiredReferencesAreClearedToo) {
  int64_t person = CreatePerson();
  Define(db_.get(), R"({"name": "mentor", "type": "reference"})");
  Record record = NewRecord();
  crm_record_set_text(record.get(), "name", "Cy");
  crm_record_set_integer(record.get(), "manager", person);
  crm_record_set_integer(record.get(), "mentor", person);
  int64_t cy = Create(db_.get(), record.get());
  ASSERT_EQ(crm_field_update(db_.get(), "manager", R"({"required": true})"),
            CRM_OK)
      << crm_last_error_message();
  ASSERT_EQ(crm_field_archive(db_.get(), "mentor"), CRM_OK);
  int64_t version = crm_record_version(Get(db_.get(), cy).get());

  std::string receipt = Erase(person, nullptr, nullptr);
  EXPECT_EQ(receipt, ExpectedReceipt({person}, {TombstoneOf(person)},
                                     {1, 4, 4, 3, 1, 1}));
  ASSERT_EQ(crm_field_restore(db_.get(), "mentor"), CRM_OK);
  Record after = Get(db_.get(), cy);
  EXPECT_EQ(crm_record_kind(after.get(), "manager"), CRM_VALUE_NULL);
  EXPECT_EQ(crm_record_kind(after.get(), "mentor"), CRM_VALUE_NULL);
  EXPECT_EQ(crm_record_version(after.get()), version + 1);
}

// Without legal holds defined, keeping held data or overriding holds
// erases as usual: nothing is held.
TEST_F(ErasureTest, HoldFlagsEraseAsUsualWhenNothingIsHeld) {
  for (int flags : {CRM_ERASE_KEEP_HELD, CRM_ERASE_OVERRIDE_HOLD}) {
    int64_t person = CreatePerson();
    crm_erase_options options = CRM_ERASE_OPTIONS_INIT;
    options.flags = flags;
    char* raw = nullptr;
    ASSERT_EQ(crm_customer_erase(&raw, db_.get(), person, &options), CRM_OK)
        << crm_last_error_message();
    String receipt(raw);
    EXPECT_EQ(std::string(raw), ExpectedReceipt({person}, {TombstoneOf(person)},
                                                {1, 4, 4, 3, 1, 0}));
  }
}

// CRM_ERASE_SUPPRESS keeps keyed hashes of the erased person's email, so
// that the same person cannot be created again by accident.
TEST_F(ErasureTest, SuppressKeepsTheEmailSoTheSamePersonIsRefusedLater) {
  int64_t person = CreatePerson();
  crm_erase_options options = CRM_ERASE_OPTIONS_INIT;
  options.flags = CRM_ERASE_SUPPRESS;
  char* raw = nullptr;
  ASSERT_EQ(crm_customer_erase(&raw, db_.get(), person, &options), CRM_OK)
      << crm_last_error_message();
  String receipt(raw);
  EXPECT_NE(std::string(raw).find("\"suppressed\":1"), std::string::npos)
      << raw;
  const std::string email = Marked("ada.") + "@example.org";
  int suppressed = 0;
  ASSERT_EQ(
      crm_suppression_check(&suppressed, db_.get(), email.c_str(), nullptr),
      CRM_OK);
  EXPECT_EQ(suppressed, 1);
  Record again = NewRecord();
  crm_record_set_text(again.get(), "email", email.c_str());
  int64_t id = 0;
  EXPECT_CRM_ERROR(crm_customer_create(&id, db_.get(), again.get(), "desk"),
                   CRM_E_CONSTRAINT, "email", CRM_RULE_SUPPRESSED);
}

// A field under a legal hold blocks an erase that did not choose: nothing
// changes. CRM_ERASE_KEEP_HELD keeps the held value under a stub (a new id
// holding only it, and its hold's end); CRM_ERASE_OVERRIDE_HOLD erases it.
TEST_F(ErasureTest, HeldDataBlocksAnEraseUntilTheHostChooses) {
  ASSERT_EQ(crm_field_update(db_.get(), "notes", "{\"hold_days\": 3650}"),
            CRM_OK)
      << crm_last_error_message();
  int64_t person = CreatePerson();
  char* raw = nullptr;
  EXPECT_CRM_ERROR(crm_customer_erase(&raw, db_.get(), person, nullptr),
                   CRM_E_CONSTRAINT, "notes", CRM_RULE_HOLD);
  EXPECT_EQ(SearchHits(kMarker), 1u);

  crm_erase_options options = CRM_ERASE_OPTIONS_INIT;
  options.flags = CRM_ERASE_KEEP_HELD;
  ASSERT_EQ(crm_customer_erase(&raw, db_.get(), person, &options), CRM_OK)
      << crm_last_error_message();
  std::string receipt(raw);
  crm_string_free(raw);
  const std::string stub_key = "\"stub_id\":";
  size_t at = receipt.find(stub_key);
  ASSERT_NE(at, std::string::npos) << receipt;
  int64_t stub = std::stoll(receipt.substr(at + stub_key.size()));
  EXPECT_NE(stub, person);
  EXPECT_NE(receipt.find("\"fields\":[\"notes\"]"), std::string::npos)
      << receipt;
  crm_record* kept = nullptr;
  ASSERT_EQ(crm_customer_get(&kept, db_.get(), stub), CRM_OK);
  Record stub_record(kept);
  const char* notes = nullptr;
  ASSERT_EQ(crm_record_get_text(&notes, kept, "notes"), CRM_OK);
  EXPECT_EQ(std::string(notes), "note 3 " + Marked("n"));
  const char* email = nullptr;
  EXPECT_EQ(crm_record_get_text(&email, kept, "email"), CRM_E_NOT_FOUND);
  int64_t until = 0;
  ASSERT_EQ(crm_customer_held_until(&until, db_.get(), stub), CRM_OK);
  EXPECT_GT(until, 0);

  int64_t other = CreatePerson();
  options.flags = CRM_ERASE_OVERRIDE_HOLD;
  ASSERT_EQ(crm_customer_erase(&raw, db_.get(), other, &options), CRM_OK)
      << crm_last_error_message();
  String overridden(raw);
  EXPECT_NE(std::string(raw).find("\"kept\":[]"), std::string::npos) << raw;
}

TEST_F(ErasureTest, AReadOnlyWorkspaceErasesNothing) {
  int64_t person = CreatePerson();
  db_.reset();
  crm_open_options options = CRM_OPEN_OPTIONS_INIT;
  options.flags = CRM_OPEN_READ_ONLY;
  crm_db* raw = nullptr;
  ASSERT_EQ(OpenOn(&raw, path_, &options), CRM_OK) << crm_last_error_message();
  db_.reset(raw);
  char* out = nullptr;
  EXPECT_CRM_ERROR(crm_customer_erase(&out, db_.get(), person, nullptr),
                   CRM_E_READ_ONLY, "", "");
  EXPECT_CRM_ERROR(crm_checkpoint(db_.get()), CRM_E_READ_ONLY, "", "");
  EXPECT_EQ(SearchHits(kMarker), 1u);
}

}  // namespace
}  // namespace crm_test
