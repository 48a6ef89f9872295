// The event log: append, idempotency, batches, timelines, following.
#include <functional>
#include <set>
#include <string>

#include "crm/crm.pb.h"
#include "test_support.h"

namespace crm_test {
namespace {

constexpr int64_t kDay = 86400LL * 1000000;
constexpr int64_t kJan2024 = 1704067200000000;  // 2024-01-01T00:00:00Z

Event NewEvent(int64_t customer, const char* type, int64_t occurred_us,
               const char* channel = "phone") {
  crm_event* raw = nullptr;
  EXPECT_EQ(crm_event_new(&raw), CRM_OK);
  crm_event_set_customer(raw, customer);
  crm_event_set_type(raw, type);
  crm_event_set_channel(raw, channel);
  crm_event_set_occurred_at(raw, occurred_us);
  return Event(raw);
}

int64_t Append(crm_db* db, const crm_event* event) {
  int64_t seq = 0;
  EXPECT_EQ(crm_event_append(&seq, nullptr, db, event), CRM_OK)
      << crm_last_error_message();
  return seq;
}

class EventTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Record record = NewRecord();
    crm_record_set_text(record.get(), "name", "Ada");
    ada_ = Create(db_.get(), record.get());
  }

  Page Timeline(const crm_timeline_options& options) {
    crm_event_page* raw = nullptr;
    EXPECT_EQ(crm_event_timeline(&raw, db_.get(), ada_, &options), CRM_OK)
        << crm_last_error_message();
    return Page(raw);
  }

  // The seqs of a page's events other than libcrm's own history events.
  static std::vector<int64_t> Seqs(crm_event_page* page) {
    std::vector<int64_t> seqs;
    for (size_t i = 0; i < crm_event_page_size(page); ++i) {
      crm_event* event = crm_event_page_at(page, i);
      if (std::string(crm_event_type(event)).rfind("crm.", 0) == 0) continue;
      seqs.push_back(crm_event_seq(event));
    }
    return seqs;
  }

  Db db_ = OpenDb(":memory:");
  int64_t ada_ = 0;
};

TEST_F(EventTest, AppendedEventReadsBackWithEveryAttribute) {
  Event event = NewEvent(ada_, "order.placed", kJan2024 + 123, "web");
  crm_event_set_actor(event.get(), "shop-frontend");
  crm_event_set_source(event.get(), "webshop");
  crm_record* props = crm_event_properties(event.get());
  crm_record_set_decimal(props, "amount", "199.90");
  crm_record_set_integer(props, "items", 3);
  crm_record_set_boolean(props, "gift", 1);
  crm_record_set_date(props, "delivery", "2024-01-05");
  crm_record_set_datetime(props, "paid_at", kJan2024 + 5);
  const char* skus[] = {"A-1", "B-2"};
  crm_record_set_list(props, "skus", skus, 2);
  crm_record_set_text(props, "note", "leave at door");
  int64_t seq = Append(db_.get(), event.get());

  crm_event* raw = nullptr;
  ASSERT_EQ(crm_event_get(&raw, db_.get(), seq), CRM_OK);
  Event got(raw);
  EXPECT_EQ(crm_event_seq(got.get()), seq);
  EXPECT_EQ(crm_event_customer(got.get()), ada_);
  EXPECT_EQ(crm_event_occurred_at(got.get()), kJan2024 + 123);
  EXPECT_GT(crm_event_recorded_at(got.get()), kJan2024);
  EXPECT_STREQ(crm_event_type(got.get()), "order.placed");
  EXPECT_STREQ(crm_event_channel(got.get()), "web");
  EXPECT_STREQ(crm_event_actor(got.get()), "shop-frontend");
  EXPECT_STREQ(crm_event_source(got.get()), "webshop");
  crm_record* read = crm_event_properties(got.get());
  const char* text = nullptr;
  int64_t number = 0;
  int flag = 0;
  ASSERT_EQ(crm_record_get_decimal(&text, read, "amount"), CRM_OK);
  EXPECT_STREQ(text, "199.90");
  ASSERT_EQ(crm_record_get_integer(&number, read, "items"), CRM_OK);
  EXPECT_EQ(number, 3);
  ASSERT_EQ(crm_record_get_boolean(&flag, read, "gift"), CRM_OK);
  EXPECT_EQ(flag, 1);
  ASSERT_EQ(crm_record_get_date(&text, read, "delivery"), CRM_OK);
  EXPECT_STREQ(text, "2024-01-05");
  ASSERT_EQ(crm_record_get_datetime(&number, read, "paid_at"), CRM_OK);
  EXPECT_EQ(number, kJan2024 + 5);
  ASSERT_EQ(crm_record_get_list_item(&text, read, "skus", 1), CRM_OK);
  EXPECT_STREQ(text, "B-2");
  EXPECT_EQ(Text(read, "note"), "leave at door");
  EXPECT_EQ(crm_event_get(&raw, db_.get(), seq + 1000), CRM_E_NOT_FOUND);
}

TEST_F(EventTest, RetriedAppendWithIdempotencyKeyStoresOneEvent) {
  Event event = NewEvent(ada_, "payment.received", kJan2024);
  crm_event_set_idempotency_key(event.get(), "psp-tx-981");
  int64_t first = 0, second = 0;
  int duplicate = -1;
  ASSERT_EQ(crm_event_append(&first, &duplicate, db_.get(), event.get()),
            CRM_OK);
  EXPECT_EQ(duplicate, 0);
  ASSERT_EQ(crm_event_append(&second, &duplicate, db_.get(), event.get()),
            CRM_OK);
  EXPECT_EQ(duplicate, 1);
  EXPECT_EQ(second, first);
  crm_timeline_options options = CRM_TIMELINE_OPTIONS_INIT;
  const char* types[] = {"payment.received"};
  options.types = types;
  options.type_count = 1;
  Page page = Timeline(options);
  EXPECT_EQ(crm_event_page_size(page.get()), 1u);
}

TEST_F(EventTest, OutOfOrderTimesAreOrderedByOccurrence) {
  std::vector<int64_t> seqs;
  for (int day : {5, 1, 3, 2, 4}) {
    seqs.push_back(
        Append(db_.get(), NewEvent(ada_, "call", kJan2024 + day * kDay).get()));
  }
  crm_timeline_options options = CRM_TIMELINE_OPTIONS_INIT;
  options.oldest_first = 1;
  const char* types[] = {"call"};
  options.types = types;
  options.type_count = 1;
  Page page = Timeline(options);
  ASSERT_EQ(crm_event_page_size(page.get()), 5u);
  for (size_t i = 1; i < 5; ++i) {
    EXPECT_LT(crm_event_occurred_at(crm_event_page_at(page.get(), i - 1)),
              crm_event_occurred_at(crm_event_page_at(page.get(), i)));
  }
  EXPECT_EQ(crm_event_seq(crm_event_page_at(page.get(), 0)), seqs[1]);
}

TEST_F(EventTest, FiltersByTimeRangeTypeAndChannel) {
  Append(db_.get(), NewEvent(ada_, "call", kJan2024, "phone").get());
  Append(db_.get(),
         NewEvent(ada_, "email.sent", kJan2024 + kDay, "email").get());
  Append(db_.get(), NewEvent(ada_, "call", kJan2024 + 2 * kDay, "phone").get());
  Append(db_.get(), NewEvent(ada_, "chat", kJan2024 + 3 * kDay, "chat").get());
  crm_timeline_options options = CRM_TIMELINE_OPTIONS_INIT;
  options.from_us = kJan2024 + kDay;
  options.to_us = kJan2024 + 3 * kDay;
  Page range = Timeline(options);
  EXPECT_EQ(Seqs(range.get()).size(), 2u);
  options = CRM_TIMELINE_OPTIONS_INIT;
  const char* channels[] = {"phone", "chat"};
  options.channels = channels;
  options.channel_count = 2;
  Page by_channel = Timeline(options);
  EXPECT_EQ(crm_event_page_size(by_channel.get()), 3u);
  const char* unknown[] = {"never.used"};
  options = CRM_TIMELINE_OPTIONS_INIT;
  options.types = unknown;
  options.type_count = 1;
  Page none = Timeline(options);
  EXPECT_EQ(crm_event_page_size(none.get()), 0u);
  // Each name is a bound value of the SQL: 300,000 went past SQLite's limit
  // on them and failed with CRM_E_INTERNAL.
  std::vector<const char*> many(300000, "call");
  for (size_t count : {size_t{1001}, many.size()}) {
    for (bool types : {true, false}) {
      options = CRM_TIMELINE_OPTIONS_INIT;
      (types ? options.types : options.channels) = many.data();
      (types ? options.type_count : options.channel_count) = count;
      crm_event_page* raw = nullptr;
      EXPECT_CRM_ERROR(crm_event_timeline(&raw, db_.get(), ada_, &options),
                       CRM_E_INVALID_ARGUMENT, "",
                       types ? "types" : "channels");
      EXPECT_EQ(raw, nullptr);
    }
  }
  options = CRM_TIMELINE_OPTIONS_INIT;
  options.types = many.data();
  options.type_count = 1000;
  Page calls = Timeline(options);
  EXPECT_EQ(crm_event_page_size(calls.get()), 2u);
}

TEST_F(EventTest, PagingWhileAppendingNeitherRepeatsNorSkips) {
  std::set<int64_t> original;
  for (int i = 0; i < 95; ++i) {
    original.insert(Append(
        db_.get(), NewEvent(ada_, "call", kJan2024 + (i % 7) * kDay).get()));
  }
  crm_timeline_options options = CRM_TIMELINE_OPTIONS_INIT;
  options.page_size = 10;
  const char* types[] = {"call"};
  options.types = types;
  options.type_count = 1;
  std::vector<int64_t> seen;
  std::string cursor;
  int pages = 0;
  do {
    options.cursor = cursor.empty() ? nullptr : cursor.c_str();
    Page page = Timeline(options);
    for (int64_t seq : Seqs(page.get())) seen.push_back(seq);
    cursor = crm_event_page_next_cursor(page.get());
    // Meanwhile, new calls arrive, newer than everything paged so far.
    Append(db_.get(),
           NewEvent(ada_, "call", kJan2024 + 30 * kDay + pages).get());
    ++pages;
  } while (!cursor.empty());
  EXPECT_EQ(pages, 10);
  EXPECT_EQ(std::set<int64_t>(seen.begin(), seen.end()), original);
  EXPECT_EQ(seen.size(), original.size());
}

TEST_F(EventTest, BatchIsAllOrNothingWithIdsAssigned) {
  crm::wire::EventBatch batch;
  for (int i = 0; i < 100; ++i) {
    crm::wire::EventInput* input = batch.add_events();
    input->set_customer_id(ada_);
    input->set_type("email.opened");
    input->set_channel("email");
    input->set_occurred_at_us(kJan2024 + i);
    input->set_idempotency_key("open-" + std::to_string(i % 90));
    crm::wire::Property* property = input->add_properties();
    property->set_name("campaign");
    property->mutable_value()->set_text("spring");
  }
  std::string bytes = batch.SerializeAsString();
  crm_batch_report* raw = nullptr;
  ASSERT_EQ(crm_event_append_batch(&raw, db_.get(), bytes.data(), bytes.size()),
            CRM_OK)
      << crm_last_error_message();
  Report report(raw);
  ASSERT_EQ(crm_batch_report_size(report.get()), 100u);
  EXPECT_GT(crm_batch_report_id(report.get(), 1),
            crm_batch_report_id(report.get(), 0));
  // Keys repeat from row 90 on: those rows report the first event.
  EXPECT_EQ(crm_batch_report_created(report.get(), 95), 0);
  EXPECT_EQ(crm_batch_report_id(report.get(), 95),
            crm_batch_report_id(report.get(), 5));

  crm::wire::EventBatch half_bad;
  for (int i = 0; i < 10; ++i) {
    crm::wire::EventInput* input = half_bad.add_events();
    input->set_customer_id(i == 6 ? 999999 : ada_);
    input->set_type("call");
  }
  bytes = half_bad.SerializeAsString();
  ASSERT_EQ(crm_event_append_batch(&raw, db_.get(), bytes.data(), bytes.size()),
            CRM_E_NOT_FOUND);
  report.reset(raw);
  EXPECT_EQ(crm_batch_report_rejected(report.get()), 1u);
  EXPECT_EQ(crm_batch_report_status(report.get(), 6), CRM_E_NOT_FOUND);
  crm_timeline_options options = CRM_TIMELINE_OPTIONS_INIT;
  const char* types[] = {"call"};
  options.types = types;
  options.type_count = 1;
  Page page = Timeline(options);
  EXPECT_EQ(crm_event_page_size(page.get()), 0u);
}

TEST_F(EventTest, BatchTextWithANulByteIsRefusedAndNothingIsStored) {
  ASSERT_EQ(crm_event_type_define(db_.get(), R"({"name": "ticket.opened",
      "properties": [{"name": "subject", "type": "text"}]})"),
            CRM_OK)
      << crm_last_error_message();
  const std::string nul("a\0b", 3);
  struct Case {
    const char* what;
    std::function<void(crm::wire::EventInput*)> set;
    int status;
    const char* field;
    const char* rule;
  };
  auto text_property = [](const std::string& name, const std::string& text) {
    return [=](crm::wire::EventInput* input) {
      crm::wire::Property* property = input->add_properties();
      property->set_name(name);
      property->mutable_value()->set_text(text);
    };
  };
  const Case cases[] = {
      {"actor", [&](auto* input) { input->set_actor(nul); },
       CRM_E_INVALID_ARGUMENT, "actor", "utf8"},
      {"source", [&](auto* input) { input->set_source(nul); },
       CRM_E_INVALID_ARGUMENT, "source", "utf8"},
      {"idempotency key", [&](auto* input) { input->set_idempotency_key(nul); },
       CRM_E_INVALID_ARGUMENT, "idempotency_key", "utf8"},
      {"type", [&](auto* input) { input->set_type("call" + nul); },
       CRM_E_VALIDATION, "type", "format"},
      {"channel", [&](auto* input) { input->set_channel(nul); },
       CRM_E_VALIDATION, "channel", "format"},
      {"property value", text_property("note", nul), CRM_E_INVALID_ARGUMENT,
       "note", "utf8"},
      {"list item",
       [&](auto* input) {
         crm::wire::Property* property = input->add_properties();
         property->set_name("labels");
         property->mutable_value()->mutable_list()->add_items(nul);
       },
       CRM_E_INVALID_ARGUMENT, "labels", "utf8"},
      {"property name", text_property(std::string("no\0te", 5), "x"),
       CRM_E_VALIDATION, "", "name"},
  };
  for (const Case& bad : cases) {
    crm::wire::EventBatch batch;
    for (int i = 0; i < 2; ++i) {
      crm::wire::EventInput* input = batch.add_events();
      input->set_customer_id(ada_);
      input->set_type("call");
      input->set_occurred_at_us(kJan2024 + i);
    }
    bad.set(batch.mutable_events(1));
    std::string bytes = batch.SerializeAsString();
    crm_batch_report* raw = nullptr;
    EXPECT_CRM_ERROR(
        crm_event_append_batch(&raw, db_.get(), bytes.data(), bytes.size()),
        bad.status, bad.field, bad.rule);
    Report report(raw);
    EXPECT_EQ(crm_batch_report_status(report.get(), 1), bad.status) << bad.what;
  }
  // A property of a registered type is checked as the field it is defined as.
  crm::wire::EventBatch registered;
  crm::wire::EventInput* input = registered.add_events();
  input->set_customer_id(ada_);
  input->set_type("ticket.opened");
  text_property("subject", "Refund" + nul)(input);
  std::string bytes = registered.SerializeAsString();
  crm_batch_report* raw = nullptr;
  EXPECT_CRM_ERROR(
      crm_event_append_batch(&raw, db_.get(), bytes.data(), bytes.size()),
      CRM_E_INVALID_ARGUMENT, "subject", "utf8");
  crm_batch_report_free(raw);

  crm_event_page* page = nullptr;
  ASSERT_EQ(crm_event_follow(&page, db_.get(), 0, 10000), CRM_OK);
  Page all(page);
  ASSERT_EQ(crm_event_page_size(all.get()), 1u);  // Ada's creation only
}

TEST_F(EventTest, FollowReturnsEveryCustomersEventsBySeq) {
  Record record = NewRecord();
  crm_record_set_text(record.get(), "name", "Bob");
  int64_t bob = Create(db_.get(), record.get());
  crm_event_page* raw = nullptr;
  ASSERT_EQ(crm_event_follow(&raw, db_.get(), 0, 10000), CRM_OK);
  Page start(raw);
  int64_t last = crm_event_seq(
      crm_event_page_at(start.get(), crm_event_page_size(start.get()) - 1));
  int64_t a = Append(db_.get(), NewEvent(ada_, "call", kJan2024).get());
  int64_t b = Append(db_.get(), NewEvent(bob, "call", kJan2024 - kDay).get());
  ASSERT_EQ(crm_event_follow(&raw, db_.get(), last, 10), CRM_OK);
  Page after(raw);
  ASSERT_EQ(crm_event_page_size(after.get()), 2u);
  EXPECT_EQ(crm_event_seq(crm_event_page_at(after.get(), 0)), a);
  EXPECT_EQ(crm_event_seq(crm_event_page_at(after.get(), 1)), b);
  EXPECT_EQ(crm_event_customer(crm_event_page_at(after.get(), 1)), bob);
  EXPECT_CRM_ERROR(crm_event_follow(&raw, db_.get(), 0, 0),
                   CRM_E_INVALID_ARGUMENT, "", "limit");
  // Each bad argument is blamed by its own name.
  EXPECT_CRM_ERROR(crm_event_follow(&raw, db_.get(), -1, 10),
                   CRM_E_INVALID_ARGUMENT, "", "after_seq");
}

TEST_F(EventTest, RegisteredTypeValidatesProperties) {
  ASSERT_EQ(crm_event_type_define(db_.get(), R"({"name": "order.placed",
      "properties": [
        {"name": "amount", "type": "decimal", "scale": 2, "required": true,
         "min": "0"},
        {"name": "currency", "type": "choice", "options": ["EUR", "USD"]}]})"),
            CRM_OK)
      << crm_last_error_message();
  int64_t seq = 0;
  Event missing = NewEvent(ada_, "order.placed", kJan2024);
  EXPECT_CRM_ERROR(crm_event_append(&seq, nullptr, db_.get(), missing.get()),
                   CRM_E_VALIDATION, "amount", "required");
  Event wrong_type = NewEvent(ada_, "order.placed", kJan2024);
  crm_record_set_text(crm_event_properties(wrong_type.get()), "amount", "12");
  EXPECT_CRM_ERROR(crm_event_append(&seq, nullptr, db_.get(), wrong_type.get()),
                   CRM_E_VALIDATION, "amount", "type");
  Event unknown = NewEvent(ada_, "order.placed", kJan2024);
  crm_record_set_decimal(crm_event_properties(unknown.get()), "amount", "1");
  crm_record_set_text(crm_event_properties(unknown.get()), "coupon", "X");
  EXPECT_CRM_ERROR(crm_event_append(&seq, nullptr, db_.get(), unknown.get()),
                   CRM_E_VALIDATION, "coupon", "unknown_field");
  Event bad_option = NewEvent(ada_, "order.placed", kJan2024);
  crm_record_set_decimal(crm_event_properties(bad_option.get()), "amount", "1");
  crm_record_set_text(crm_event_properties(bad_option.get()), "currency",
                      "GBP");
  EXPECT_CRM_ERROR(crm_event_append(&seq, nullptr, db_.get(), bad_option.get()),
                   CRM_E_VALIDATION, "currency", "options");
  Event good = NewEvent(ada_, "order.placed", kJan2024);
  crm_record_set_decimal(crm_event_properties(good.get()), "amount", "12.5");
  seq = Append(db_.get(), good.get());
  crm_event* raw = nullptr;
  ASSERT_EQ(crm_event_get(&raw, db_.get(), seq), CRM_OK);
  Event got(raw);
  const char* amount = nullptr;
  ASSERT_EQ(crm_record_get_decimal(&amount, crm_event_properties(got.get()),
                                   "amount"),
            CRM_OK);
  EXPECT_STREQ(amount, "12.50");  // exact, at the declared scale
}

TEST_F(EventTest, BadEventsStoreNothing) {
  int64_t seq = 0;
  Event unknown_customer = NewEvent(424242, "call", kJan2024);
  EXPECT_EQ(crm_event_append(&seq, nullptr, db_.get(), unknown_customer.get()),
            CRM_E_NOT_FOUND);
  Event reserved = NewEvent(ada_, "crm.record.updated", kJan2024);
  EXPECT_CRM_ERROR(crm_event_append(&seq, nullptr, db_.get(), reserved.get()),
                   CRM_E_VALIDATION, "type", "reserved");
  // The reservation ignores case: a host cannot forge history events.
  for (const char* forged : {"CRM.record.deleted", "Crm.record.created"}) {
    Event upper = NewEvent(ada_, forged, kJan2024);
    EXPECT_CRM_ERROR(crm_event_append(&seq, nullptr, db_.get(), upper.get()),
                     CRM_E_VALIDATION, "type", "reserved");
  }
  EXPECT_CRM_ERROR(
      crm_event_type_define(db_.get(), R"({"name": "CRM.record.updated"})"),
      CRM_E_VALIDATION, "name", "reserved");
  Event no_type = NewEvent(ada_, "", kJan2024);
  EXPECT_CRM_ERROR(crm_event_append(&seq, nullptr, db_.get(), no_type.get()),
                   CRM_E_VALIDATION, "type", "required");
  Event bad_name = NewEvent(ada_, "call; DROP TABLE crm_events", kJan2024);
  EXPECT_CRM_ERROR(crm_event_append(&seq, nullptr, db_.get(), bad_name.get()),
                   CRM_E_VALIDATION, "type", "format");
  Event far_future = NewEvent(ada_, "call", INT64_MAX);
  EXPECT_CRM_ERROR(crm_event_append(&seq, nullptr, db_.get(), far_future.get()),
                   CRM_E_VALIDATION, "occurred_at", "range");
  Event oversized = NewEvent(ada_, "note", kJan2024);
  std::string big(2 * 1024 * 1024, 'x');
  crm_record_set_text(crm_event_properties(oversized.get()), "body",
                      big.c_str());
  EXPECT_CRM_ERROR(crm_event_append(&seq, nullptr, db_.get(), oversized.get()),
                   CRM_E_VALIDATION, "properties", "max_length");
  Event bad_property = NewEvent(ada_, "note", kJan2024);
  crm_record_set_date(crm_event_properties(bad_property.get()), "due",
                      "2024-02-30");
  EXPECT_CRM_ERROR(
      crm_event_append(&seq, nullptr, db_.get(), bad_property.get()),
      CRM_E_VALIDATION, "due", "format");
  crm_event* raw = nullptr;
  ASSERT_EQ(crm_event_new(&raw), CRM_OK);
  Event utf8(raw);
  EXPECT_EQ(crm_event_set_type(utf8.get(), "bad\xff"), CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(crm_event_set_actor(nullptr, "x"), CRM_E_INVALID_ARGUMENT);
  crm_timeline_options options = CRM_TIMELINE_OPTIONS_INIT;
  options.cursor = "e1.not-a-number.5";
  crm_event_page* page = nullptr;
  EXPECT_CRM_ERROR(crm_event_timeline(&page, db_.get(), ada_, &options),
                   CRM_E_INVALID_ARGUMENT, "", "cursor");
  options = CRM_TIMELINE_OPTIONS_INIT;
  options.page_size = 0;
  EXPECT_EQ(crm_event_timeline(&page, db_.get(), ada_, &options),
            CRM_E_INVALID_ARGUMENT);
  ASSERT_EQ(crm_event_follow(&page, db_.get(), 0, 10000), CRM_OK);
  Page all(page);
  for (size_t i = 0; i < crm_event_page_size(all.get()); ++i) {
    EXPECT_STREQ(crm_event_type(crm_event_page_at(all.get(), i)),
                 "crm.record.created");  // only Ada's creation
  }
}

}  // namespace
}  // namespace crm_test
