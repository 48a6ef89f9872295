// Legal hold through the core API the erase calls (core/legal_hold.h):
// FindHeld and MoveHeldToStub on a real workspace file (and on a PostgreSQL
// workspace when CRM_TEST_BACKEND_URL names a server), set up and read back
// through the C ABI; then crm_retention_apply removes the stub when its hold
// ends.
#include "core/legal_hold.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "capi/capi_support.h"
#include "crm/crm.h"

namespace crm::core {
namespace {

constexpr int64_t kDay = kMicrosPerDay;
constexpr int64_t kNow = 1735689600000000;  // 2025-01-01T00:00:00Z

struct DbCloser {
  void operator()(crm_db* db) const { crm_close(db); }
};
using Db = std::unique_ptr<crm_db, DbCloser>;

// A workspace of its own: a file in a fresh directory, or a new PostgreSQL
// workspace.
class LegalHoldTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* server = std::getenv("CRM_TEST_BACKEND_URL");
    crm_db* db = nullptr;
    if (server != nullptr && *server != '\0') {
      // This static binary is not beside the plugin this build made.
      setenv("CRM_PLUGIN_DIR", CRM_TEST_PLUGIN_DIR, /*overwrite=*/0);
      std::string url = server;
      url += url.find('?') == std::string::npos ? "?" : "&";
      static int opened = 0;
      url += "workspace=hold_" + std::to_string(getpid()) + "_" +
             std::to_string(++opened);
      ASSERT_EQ(crm_open_url(&db, url.c_str(), nullptr), CRM_OK)
          << crm_last_error_message();
    } else {
      dir_ = std::filesystem::temp_directory_path() /
             ("crm-hold-" + std::to_string(getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name());
      std::filesystem::create_directories(dir_);
      ASSERT_EQ(crm_open(&db, (dir_ / "hold.crm").c_str(), nullptr), CRM_OK)
          << crm_last_error_message();
    }
    db_.reset(db);
    crm_db* d = db_.get();
    Ok(crm_field_update(d, "email", R"({"hold_days": 3650})"));
    int64_t id = 0;
    Ok(crm_field_define(&id, d,
                        R"({"name": "vat_id", "type": "text",
                            "hold_days": 365})"));
    Ok(crm_field_define(&id, d, R"({"name": "notes", "type": "long_text"})"));
    Ok(crm_event_type_define(d, R"({"name": "invoice.sent", "hold_days": 100,
               "held_properties": ["amount"],
               "properties": [{"name": "amount", "type": "decimal",
                               "scale": 2},
                              {"name": "note", "type": "text"}]})"));
    ada_ = CreatePerson("Ada Lovelace", "ada@example.com", "NO123");
    bob_ = CreatePerson("Bob Builder", "bob@example.com", "");
  }
  void TearDown() override {
    db_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  static void Ok(int rc) { ASSERT_EQ(rc, CRM_OK) << crm_last_error_message(); }

  int64_t CreatePerson(const char* name, const char* email,
                       const char* vat_id) {
    crm_record* record = nullptr;
    crm_record_new(&record);
    crm_record_set_text(record, "name", name);
    crm_record_set_text(record, "email", email);
    crm_record_set_text(record, "notes", "likes tea");
    if (*vat_id != '\0') crm_record_set_text(record, "vat_id", vat_id);
    int64_t id = 0;
    EXPECT_EQ(crm_customer_create(&id, db_.get(), record, "clerk"), CRM_OK)
        << crm_last_error_message();
    crm_record_free(record);
    return id;
  }

  int64_t Invoice(int64_t customer, int64_t occurred_us, const char* key) {
    crm_event* event = nullptr;
    crm_event_new(&event);
    crm_event_set_customer(event, customer);
    crm_event_set_type(event, "invoice.sent");
    crm_event_set_channel(event, "email");
    crm_event_set_occurred_at(event, occurred_us);
    crm_event_set_idempotency_key(event, key);
    crm_record_set_decimal(crm_event_properties(event), "amount", "99.50");
    crm_record_set_text(crm_event_properties(event), "note", "to Ada's home");
    int64_t seq = 0;
    EXPECT_EQ(crm_event_append(&seq, nullptr, db_.get(), event), CRM_OK)
        << crm_last_error_message();
    crm_event_free(event);
    return seq;
  }

  int64_t Call(int64_t customer, int64_t occurred_us) {
    crm_event* event = nullptr;
    crm_event_new(&event);
    crm_event_set_customer(event, customer);
    crm_event_set_type(event, "call");
    crm_event_set_occurred_at(event, occurred_us);
    int64_t seq = 0;
    EXPECT_EQ(crm_event_append(&seq, nullptr, db_.get(), event), CRM_OK)
        << crm_last_error_message();
    crm_event_free(event);
    return seq;
  }

  // Runs `body` in a write scope of the workspace, as the erase does.
  absl::Status InWrite(absl::FunctionRef<absl::Status(Session&)> body) {
    return db_->workspace->Run(store::ScopeKind::kWrite, body);
  }

  absl::StatusOr<HeldData> Find(int64_t id, int64_t now_us) {
    HeldData held;
    absl::Status status = InWrite([&](Session& session) -> absl::Status {
      CRM_ASSIGN_OR_RETURN(held, FindHeld(session, id, now_us));
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    return held;
  }

  absl::StatusOr<int64_t> Move(int64_t id, int64_t now_us) {
    int64_t stub = 0;
    absl::Status status = InWrite([&](Session& session) -> absl::Status {
      CRM_ASSIGN_OR_RETURN(HeldData held, FindHeld(session, id, now_us));
      CRM_ASSIGN_OR_RETURN(stub,
                           MoveHeldToStub(session, id, held, now_us, "dpo"));
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    return stub;
  }

  // The names of the fields a customer holds, in record order.
  std::vector<std::string> FieldsOf(int64_t id) {
    crm_record* record = nullptr;
    EXPECT_EQ(crm_customer_get(&record, db_.get(), id), CRM_OK)
        << crm_last_error_message();
    std::vector<std::string> names;
    for (size_t i = 0; i < crm_record_field_count(record); ++i) {
      names.emplace_back(crm_record_field_name(record, i));
    }
    crm_record_free(record);
    return names;
  }

  std::string TextOf(int64_t id, const char* field) {
    crm_record* record = nullptr;
    EXPECT_EQ(crm_customer_get(&record, db_.get(), id), CRM_OK);
    const char* text = nullptr;
    std::string value =
        crm_record_get_text(&text, record, field) == CRM_OK ? text : "<none>";
    crm_record_free(record);
    return value;
  }

  // "type seq customer key properties..." of each event of `customer`.
  // A removed stub leaves only the tombstone, by "retention", so that
  // followers of the log learn its data is gone.
  void ExpectOnlyTombstone(int64_t stub) {
    std::vector<std::string> events = EventsOf(stub);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].rfind("crm.record.erased ", 0), 0u) << events[0];
    EXPECT_NE(events[0].find(" retention key= reason"), std::string::npos)
        << events[0];
  }

  std::vector<std::string> EventsOf(int64_t customer) {
    crm_timeline_options options = CRM_TIMELINE_OPTIONS_INIT;
    options.oldest_first = 1;
    options.page_size = 1000;
    crm_event_page* page = nullptr;
    EXPECT_EQ(crm_event_timeline(&page, db_.get(), customer, &options), CRM_OK);
    std::vector<std::string> events;
    for (size_t i = 0; i < crm_event_page_size(page); ++i) {
      crm_event* event = crm_event_page_at(page, i);
      std::string line = std::string(crm_event_type(event)) + " " +
                         std::to_string(crm_event_seq(event)) + " " +
                         crm_event_actor(event) +
                         " key=" + crm_event_idempotency_key(event);
      crm_record* properties = crm_event_properties(event);
      for (size_t p = 0; p < crm_record_field_count(properties); ++p) {
        line += std::string(" ") + crm_record_field_name(properties, p);
      }
      crm_record* after = crm_event_after(event);
      for (size_t p = 0; p < crm_record_field_count(after); ++p) {
        line += std::string(" after.") + crm_record_field_name(after, p);
      }
      events.push_back(line);
    }
    crm_event_page_free(page);
    return events;
  }

  int64_t CountEvents(const std::string& filter) {
    crm_query* query = nullptr;
    EXPECT_EQ(crm_query_new(&query, CRM_QUERY_EVENTS), CRM_OK);
    EXPECT_EQ(crm_query_set_filter(query, filter.c_str()), CRM_OK);
    int64_t count = -1;
    EXPECT_EQ(crm_query_count(&count, db_.get(), query), CRM_OK)
        << crm_last_error_message();
    crm_query_free(query);
    return count;
  }

  std::string ApplyRetention(int64_t now_us) {
    char* json = nullptr;
    EXPECT_EQ(crm_retention_apply(&json, db_.get(), now_us), CRM_OK)
        << crm_last_error_message();
    std::string text = json == nullptr ? "" : json;
    crm_string_free(json);
    return text;
  }

  std::filesystem::path dir_;
  Db db_;
  int64_t ada_ = 0, bob_ = 0;
};

TEST_F(LegalHoldTest, FindHeldNamesHeldFieldsWithAValueAndHeldEvents) {
  Invoice(ada_, kNow - 10 * kDay, "inv-1");
  Invoice(ada_, kNow - 50 * kDay, "inv-2");
  Invoice(ada_, kNow - 100 * kDay, "inv-old");  // its hold ended just now
  Invoice(bob_, kNow - 10 * kDay, "inv-bob");
  Call(ada_, kNow - kDay);
  absl::StatusOr<HeldData> held = Find(ada_, kNow);
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_EQ(held->fields, (std::vector<std::string>{"email", "vat_id"}));
  EXPECT_EQ(held->events, 2);
  EXPECT_EQ(held->held_until_us, kNow + 3650 * kDay);  // the email's hold

  absl::StatusOr<HeldData> bob = Find(bob_, kNow);
  ASSERT_TRUE(bob.ok());
  EXPECT_EQ(bob->fields, std::vector<std::string>{"email"});
  EXPECT_EQ(bob->events, 1);

  EXPECT_EQ(Find(999999, kNow).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(LegalHoldTest, StubHoldsOnlyHeldDataAndRetentionRemovesItAtTheEnd) {
  int64_t kept_1 = Invoice(ada_, kNow - 10 * kDay, "inv-1");
  int64_t kept_2 = Invoice(ada_, kNow - 50 * kDay, "inv-2");
  Invoice(ada_, kNow - 100 * kDay, "inv-old");
  Call(ada_, kNow - kDay);
  Invoice(bob_, kNow - 10 * kDay, "inv-bob");
  std::vector<std::string> bob_before = EventsOf(bob_);

  absl::StatusOr<int64_t> stub = Move(ada_, kNow);
  ASSERT_TRUE(stub.ok()) << stub.status();
  EXPECT_GT(*stub, bob_);  // a new id, never used before

  // The stub holds the held fields and nothing else.
  EXPECT_EQ(FieldsOf(*stub),
            (std::vector<std::string>{"email", "vat_id", "created_at",
                                      "updated_at"}));
  EXPECT_EQ(TextOf(*stub, "email"), "ada@example.com");
  EXPECT_EQ(TextOf(*stub, "vat_id"), "NO123");
  int64_t held_until = 0;
  ASSERT_EQ(crm_customer_held_until(&held_until, db_.get(), *stub), CRM_OK);
  EXPECT_EQ(held_until, kNow + 3650 * kDay);
  ASSERT_EQ(crm_customer_held_until(&held_until, db_.get(), bob_), CRM_OK);
  EXPECT_EQ(held_until, 0);

  // Its history is one creation by the erasure's actor with the held values;
  // the held invoices are relinked with only the held property and no key.
  std::vector<std::string> stub_events = EventsOf(*stub);
  ASSERT_EQ(stub_events.size(), 3u);
  EXPECT_EQ(stub_events[0],
            "invoice.sent " + std::to_string(kept_2) + "  key= amount");
  EXPECT_EQ(stub_events[1],
            "invoice.sent " + std::to_string(kept_1) + "  key= amount");
  EXPECT_EQ(stub_events[2].substr(0, 19), "crm.record.created ");
  EXPECT_NE(stub_events[2].find(" dpo key= after.email after.vat_id"),
            std::string::npos)
      << stub_events[2];
  // Queries read the relinked properties too (on PostgreSQL their jsonb
  // copy).
  EXPECT_EQ(CountEvents("customer_id = " + std::to_string(*stub) +
                        " and properties.amount = 99.50"),
            2);
  EXPECT_EQ(CountEvents("customer_id = " + std::to_string(*stub) +
                        " and properties.note is not null"),
            0);
  // The original keeps what was not held (the erase removes it next), and
  // no longer holds the held values.
  EXPECT_EQ(TextOf(ada_, "email"), "<none>");
  EXPECT_EQ(TextOf(ada_, "vat_id"), "<none>");
  EXPECT_EQ(TextOf(ada_, "name"), "Ada Lovelace");
  std::vector<std::string> ada_left = EventsOf(ada_);
  ASSERT_EQ(ada_left.size(), 3u);  // created, the expired invoice, the call
  // The stub is not found by search; the keys of relinked events are gone.
  crm_rows* rows = nullptr;
  ASSERT_EQ(crm_customer_search(&rows, db_.get(), "ada", 10), CRM_OK);
  for (size_t i = 0; i < crm_rows_size(rows); ++i) {
    EXPECT_NE(crm_record_id(crm_rows_at(rows, i)), *stub);
  }
  crm_rows_free(rows);
  int64_t seq = 0;
  crm_event* again = nullptr;
  crm_event_new(&again);
  crm_event_set_customer(again, bob_);
  crm_event_set_type(again, "invoice.sent");
  crm_event_set_idempotency_key(again, "inv-1");
  crm_record_set_decimal(crm_event_properties(again), "amount", "1.00");
  int duplicate = 1;
  ASSERT_EQ(crm_event_append(&seq, &duplicate, db_.get(), again), CRM_OK);
  EXPECT_EQ(duplicate, 0);
  crm_event_free(again);
  // Other customers are untouched.
  EXPECT_EQ(TextOf(bob_, "email"), "bob@example.com");
  std::vector<std::string> bob_after = EventsOf(bob_);
  bob_after.pop_back();  // the invoice appended just now
  EXPECT_EQ(bob_after, bob_before);

  // Before the hold ends the stub stays; the invoices go as their own
  // 100-day holds end; the stub goes when the email's hold ends.
  EXPECT_EQ(ApplyRetention(kNow + 55 * kDay),
            R"({"events_removed": 1, "by_type": {"invoice.sent": 1}, )"
            R"("stubs_removed": 0, "stub_events_removed": 0})");
  EXPECT_EQ(EventsOf(*stub).size(), 2u);
  EXPECT_EQ(ApplyRetention(kNow + 3650 * kDay - 1),
            R"({"events_removed": 1, "by_type": {"invoice.sent": 1}, )"
            R"("stubs_removed": 0, "stub_events_removed": 0})");
  EXPECT_EQ(ApplyRetention(kNow + 3650 * kDay),
            R"({"events_removed": 0, "by_type": {"invoice.sent": 0}, )"
            R"("stubs_removed": 1, "stub_events_removed": 1})");
  crm_record* gone = nullptr;
  EXPECT_EQ(crm_customer_get(&gone, db_.get(), *stub), CRM_E_NOT_FOUND);
  EXPECT_EQ(crm_customer_held_until(&held_until, db_.get(), *stub),
            CRM_E_NOT_FOUND);
  ExpectOnlyTombstone(*stub);
  // Bob's invoices never had a retention period and he was never erased.
  EXPECT_EQ(EventsOf(bob_).size(), 3u);
}

// crm_customer_delete keeps a customer's history: on a stub that is held
// data, which retention still removes when the hold ends.
TEST_F(LegalHoldTest, ADeletedStubsHistoryGoesWhenItsHoldEnds) {
  Invoice(ada_, kNow - 10 * kDay, "inv-1");
  absl::StatusOr<int64_t> stub = Move(ada_, kNow);
  ASSERT_TRUE(stub.ok()) << stub.status();
  Ok(crm_customer_delete(db_.get(), *stub, 0, "clerk"));
  EXPECT_EQ(EventsOf(*stub).size(), 3u);  // created, invoice, deleted
  EXPECT_EQ(ApplyRetention(kNow + 3650 * kDay),
            R"({"events_removed": 1, "by_type": {"invoice.sent": 1}, )"
            R"("stubs_removed": 1, "stub_events_removed": 2})");
  ExpectOnlyTombstone(*stub);
  EXPECT_EQ(ApplyRetention(kNow + 3650 * kDay),
            R"({"events_removed": 0, "by_type": {"invoice.sent": 0}, )"
            R"("stubs_removed": 0, "stub_events_removed": 0})");
}

TEST_F(LegalHoldTest, NothingHeldMakesNoStub) {
  Call(ada_, kNow - kDay);
  Ok(crm_field_update(db_.get(), "email", R"({"hold_days": 0})"));
  Ok(crm_field_update(db_.get(), "vat_id", R"({"hold_days": 0})"));
  absl::StatusOr<HeldData> held = Find(ada_, kNow);
  ASSERT_TRUE(held.ok());
  EXPECT_TRUE(held->empty());
  absl::Status moved = InWrite([&](Session& session) {
    return MoveHeldToStub(session, ada_, *held, kNow).status();
  });
  EXPECT_EQ(moved.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RuleIdOf(moved), Rule::kHold);
  int64_t count = 0;
  Ok(crm_customer_count(&count, db_.get()));
  EXPECT_EQ(count, 2);
}

TEST_F(LegalHoldTest, AFailedMoveLeavesNothingBehind) {
  Invoice(ada_, kNow - 10 * kDay, "inv-1");
  int64_t before = 0;
  Ok(crm_customer_count(&before, db_.get()));
  absl::Status status = InWrite([&](Session& session) -> absl::Status {
    CRM_ASSIGN_OR_RETURN(HeldData held, FindHeld(session, ada_, kNow));
    CRM_RETURN_IF_ERROR(MoveHeldToStub(session, ada_, held, kNow).status());
    return absl::AbortedError("the erase failed after the move");
  });
  EXPECT_FALSE(status.ok());
  int64_t after = 0;
  Ok(crm_customer_count(&after, db_.get()));
  EXPECT_EQ(after, before);
  EXPECT_EQ(TextOf(ada_, "email"), "ada@example.com");
  EXPECT_EQ(EventsOf(ada_).size(), 2u);
}

}  // namespace
}  // namespace crm::core
