// A whole record in one crossing each way (crm_record_encode,
// crm_record_encode_json, crm_record_decode), an event decoded in one
// (crm_event_decode), a page as JSON
// (crm_rows_encode_json), and the last error as one struct (crm_last_error).
#include <string>

#include "crm/crm.pb.h"
#include "test_support.h"

namespace crm_test {
namespace {

class RecordEncodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Define(db_.get(), R"({"name": "seats", "type": "integer"})");
    Define(db_.get(), R"({"name": "ltv", "type": "decimal", "scale": 2})");
    Define(db_.get(), R"({"name": "vip", "type": "boolean"})");
    Define(db_.get(), R"({"name": "since", "type": "date"})");
    Define(db_.get(), R"({"name": "seen", "type": "datetime"})");
  }

  // The RowSet crm_record_encode() gives for `record`.
  crm::wire::RowSet Encoded(crm_record* record) {
    const void* bytes = nullptr;
    size_t size = 0;
    EXPECT_EQ(crm_record_encode(&bytes, &size, record), CRM_OK)
        << crm_last_error_message();
    crm::wire::RowSet set;
    EXPECT_TRUE(set.ParseFromArray(bytes, static_cast<int>(size)));
    return set;
  }

  std::string Json(crm_record* record) {
    const char* json = nullptr;
    size_t size = 0;
    EXPECT_EQ(crm_record_encode_json(&json, &size, record), CRM_OK)
        << crm_last_error_message();
    EXPECT_EQ(json[size], '\0');
    return std::string(json, size);
  }

  TempDir dir_;
  Db db_ = OpenDb(dir_.File("encode.crm"));
};

TEST_F(RecordEncodeTest, EncodesAStoredCustomerAsOneRowWithIdAndVersion) {
  Record record = NewRecord();
  crm_record_set_text(record.get(), "name", "Ada \"the\" Countess\n");
  crm_record_set_integer(record.get(), "seats", -7);
  crm_record_set_decimal(record.get(), "ltv", "12.50");
  crm_record_set_boolean(record.get(), "vip", 1);
  crm_record_set_date(record.get(), "since", "2024-03-01");
  crm_record_set_datetime(record.get(), "seen", 1700000000123456);
  const char* tags[] = {"a", "b\\c"};
  crm_record_set_list(record.get(), "tags", tags, 2);
  int64_t id = Create(db_.get(), record.get());
  int64_t version = 0;
  Record change = NewRecord();
  crm_record_set_null(change.get(), "vip");
  ASSERT_EQ(crm_customer_update(&version, db_.get(), id, 0, change.get(), "t"),
            CRM_OK);
  Record read = Get(db_.get(), id);

  crm::wire::RowSet set = Encoded(read.get());
  ASSERT_EQ(set.rows_size(), 1);
  ASSERT_EQ(set.ids_size(), 1);
  EXPECT_EQ(set.ids(0), id);
  ASSERT_EQ(set.versions_size(), 1);
  EXPECT_EQ(set.versions(0), 2);
  ASSERT_EQ(static_cast<size_t>(set.columns_size()),
            crm_record_field_count(read.get()));
  for (int c = 0; c < set.columns_size(); ++c) {
    EXPECT_EQ(set.columns(c), crm_record_field_name(read.get(), c));
  }
  EXPECT_TRUE(set.next_cursor().empty());
  const auto& row = set.rows(0);
  ASSERT_EQ(row.values_size(), set.columns_size());
  for (int c = 0; c < set.columns_size(); ++c) {
    if (set.columns(c) == "seats") {
      EXPECT_EQ(row.values(c).integer(), -7);
    }
    if (set.columns(c) == "ltv") {
      EXPECT_EQ(row.values(c).decimal(), "12.50");
    }
    if (set.columns(c) == "seen") {
      EXPECT_EQ(row.values(c).datetime_us(), 1700000000123456);
    }
    EXPECT_NE(set.columns(c), "vip");  // cleared: not held
  }

  std::string json = Json(read.get());
  EXPECT_NE(json.find("\"ids\":[" + std::to_string(id) + "]"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"versions\":[2]"), std::string::npos) << json;
  EXPECT_NE(json.find("\"Ada \\\"the\\\" Countess\\n\""), std::string::npos)
      << json;
  EXPECT_NE(json.find("[\"a\",\"b\\\\c\"]"), std::string::npos) << json;
  EXPECT_NE(json.find("1700000000123456"), std::string::npos) << json;
  EXPECT_NE(json.find("\"12.50\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"next_cursor\":\"\"}"), std::string::npos) << json;
}

TEST_F(RecordEncodeTest, EncodingIsBorrowedUntilTheRecordChanges) {
  Record record = NewRecord();
  crm_record_set_text(record.get(), "name", "Ada");
  crm_record_set_null(record.get(), "email");
  const void* first = nullptr;
  size_t first_size = 0;
  ASSERT_EQ(crm_record_encode(&first, &first_size, record.get()), CRM_OK);
  const void* again = nullptr;
  size_t again_size = 0;
  ASSERT_EQ(crm_record_encode(&again, &again_size, record.get()), CRM_OK);
  EXPECT_EQ(first, again);  // unchanged: the same bytes
  crm_record_set_integer(record.get(), "seats", 3);
  crm::wire::RowSet set = Encoded(record.get());
  ASSERT_EQ(set.columns_size(), 3);
  EXPECT_EQ(set.columns(1), "email");
  EXPECT_EQ(set.rows(0).values(1).kind_case(),
            crm::wire::Value::KIND_NOT_SET);  // null
  EXPECT_EQ(set.rows(0).values(2).integer(), 3);
  EXPECT_EQ(set.ids(0), 0);
  EXPECT_EQ(set.versions(0), 0);
  EXPECT_EQ(
      Json(record.get()),
      R"({"columns":["name","email","seats"],"kinds":[1,0,2],"nulls":[0,1,0],)"
      R"("ids":[0],"versions":[0],"values":[["Ada"],[null],[3]],)"
      R"("next_cursor":""})");
}

TEST_F(RecordEncodeTest, EncodeChecksItsArguments) {
  Record record = NewRecord();
  const void* bytes = &bytes;
  size_t size = 9;
  EXPECT_CRM_ERROR(crm_record_encode(&bytes, &size, nullptr),
                   CRM_E_INVALID_ARGUMENT, "", "record");
  EXPECT_EQ(bytes, nullptr);
  EXPECT_EQ(size, 0u);
  EXPECT_CRM_ERROR(crm_record_encode(nullptr, &size, record.get()),
                   CRM_E_INVALID_ARGUMENT, "", "out_bytes");
  EXPECT_CRM_ERROR(crm_record_encode(&bytes, nullptr, record.get()),
                   CRM_E_INVALID_ARGUMENT, "", "out_size");
  const char* json = "x";
  EXPECT_CRM_ERROR(crm_record_encode_json(&json, &size, nullptr),
                   CRM_E_INVALID_ARGUMENT, "", "record");
  EXPECT_EQ(json, nullptr);
  EXPECT_CRM_ERROR(crm_record_encode_json(nullptr, &size, record.get()),
                   CRM_E_INVALID_ARGUMENT, "", "out");
  EXPECT_CRM_ERROR(crm_rows_encode_json(&json, &size, nullptr),
                   CRM_E_INVALID_ARGUMENT, "", "rows");
}

// A CustomerBatch of one row with the columns `columns`.
crm::wire::CustomerBatch OneRow(std::vector<std::string> columns) {
  crm::wire::CustomerBatch batch;
  for (const std::string& column : columns) batch.add_columns(column);
  batch.add_rows();
  return batch;
}

Record Decode(const crm::wire::CustomerBatch& batch) {
  std::string bytes = batch.SerializeAsString();
  crm_record* record = nullptr;
  EXPECT_EQ(crm_record_decode(&record, bytes.data(), bytes.size()), CRM_OK)
      << crm_last_error_message();
  return Record(record);
}

TEST_F(RecordEncodeTest, DecodesOneRowIntoARecordThatWrites) {
  crm::wire::CustomerBatch batch =
      OneRow({"name", "email", "seats", "tags", "ltv"});
  auto* row = batch.mutable_rows(0);
  row->add_values()->set_text("Ada");
  row->add_values();  // null
  row->add_values()->set_integer(4);
  row->add_values()->mutable_list()->add_items("vip");
  row->add_absent(4);  // ltv: absent
  Record record = Decode(batch);
  ASSERT_EQ(crm_record_field_count(record.get()), 4u);
  EXPECT_EQ(Text(record.get(), "name"), "Ada");
  EXPECT_EQ(crm_record_kind(record.get(), "email"), CRM_VALUE_NULL);
  EXPECT_STREQ(crm_record_field_name(record.get(), 1), "email");
  EXPECT_EQ(crm_record_kind(record.get(), "ltv"), CRM_VALUE_NULL);
  EXPECT_STREQ(crm_record_field_name(record.get(), 3), "tags");
  int64_t id = Create(db_.get(), record.get());
  Record read = Get(db_.get(), id);
  int64_t seats = 0;
  ASSERT_EQ(crm_record_get_integer(&seats, read.get(), "seats"), CRM_OK);
  EXPECT_EQ(seats, 4);

  // Decoded and updated: only the fields it holds change.
  crm::wire::CustomerBatch change = OneRow({"seats"});
  change.mutable_rows(0)->add_values();  // null: clears
  Record changes = Decode(change);
  int64_t version = 0;
  ASSERT_EQ(crm_customer_update(&version, db_.get(), id, 1, changes.get(), "t"),
            CRM_OK)
      << crm_last_error_message();
  read = Get(db_.get(), id);
  EXPECT_EQ(crm_record_kind(read.get(), "seats"), CRM_VALUE_NULL);
  EXPECT_EQ(Text(read.get(), "name"), "Ada");

  // An empty row decodes to an empty record.
  Record empty = Decode(OneRow({}));
  EXPECT_EQ(crm_record_field_count(empty.get()), 0u);
}

TEST_F(RecordEncodeTest, DecodeRefusesBadInputNamingRuleAndField) {
  crm_record* out = reinterpret_cast<crm_record*>(&out);
  auto decode = [&](const std::string& bytes) {
    return crm_record_decode(&out, bytes.data(), bytes.size());
  };
  EXPECT_CRM_ERROR(decode("\xff\xff\xff garbage"), CRM_E_INVALID_ARGUMENT, "",
                   "batch");
  EXPECT_EQ(out, nullptr);
  EXPECT_CRM_ERROR(crm_record_decode(&out, nullptr, 3), CRM_E_INVALID_ARGUMENT,
                   "", "batch");
  EXPECT_CRM_ERROR(crm_record_decode(nullptr, "", 0), CRM_E_INVALID_ARGUMENT,
                   "", "out");
  EXPECT_CRM_ERROR(crm_record_decode(&out, nullptr, 0), CRM_E_INVALID_ARGUMENT,
                   "", "rows");

  crm::wire::CustomerBatch two = OneRow({"name"});
  two.mutable_rows(0)->add_values()->set_text("a");
  *two.add_rows() = two.rows(0);
  EXPECT_CRM_ERROR(decode(two.SerializeAsString()), CRM_E_INVALID_ARGUMENT, "",
                   "rows");

  crm::wire::CustomerBatch actor = OneRow({});
  actor.set_actor("alice");
  EXPECT_CRM_ERROR(decode(actor.SerializeAsString()), CRM_E_INVALID_ARGUMENT,
                   "", "actor");

  crm::wire::CustomerBatch twice = OneRow({"name", "name"});
  twice.mutable_rows(0)->add_values()->set_text("a");
  twice.mutable_rows(0)->add_values()->set_text("b");
  EXPECT_CRM_ERROR(decode(twice.SerializeAsString()), CRM_E_INVALID_ARGUMENT,
                   "name", "distinct");

  crm::wire::CustomerBatch nul = OneRow({"name"});
  nul.mutable_rows(0)->add_values()->set_text(std::string("a\0b", 3));
  EXPECT_CRM_ERROR(decode(nul.SerializeAsString()), CRM_E_INVALID_ARGUMENT,
                   "name", "utf8");
  crm::wire::CustomerBatch nul_item = OneRow({"tags"});
  nul_item.mutable_rows(0)->add_values()->mutable_list()->add_items(
      std::string("\0", 1));
  EXPECT_CRM_ERROR(decode(nul_item.SerializeAsString()), CRM_E_INVALID_ARGUMENT,
                   "tags", "utf8");
  crm::wire::CustomerBatch nul_name = OneRow({std::string("na\0me", 5)});
  nul_name.mutable_rows(0)->add_values();
  EXPECT_CRM_ERROR(decode(nul_name.SerializeAsString()), CRM_E_INVALID_ARGUMENT,
                   std::string("na\0me", 5).c_str(), "utf8");

  crm::wire::CustomerBatch too_few = OneRow({"name", "email"});
  too_few.mutable_rows(0)->add_values()->set_text("a");
  EXPECT_CRM_ERROR(decode(too_few.SerializeAsString()), CRM_E_INVALID_ARGUMENT,
                   "", "columns");
  crm::wire::CustomerBatch bad_absent = OneRow({"name"});
  bad_absent.mutable_rows(0)->add_absent(1);
  EXPECT_CRM_ERROR(decode(bad_absent.SerializeAsString()),
                   CRM_E_INVALID_ARGUMENT, "", "absent");
  crm::wire::CustomerBatch absent_twice = OneRow({"name", "email"});
  absent_twice.mutable_rows(0)->add_absent(0);
  absent_twice.mutable_rows(0)->add_absent(0);
  EXPECT_CRM_ERROR(decode(absent_twice.SerializeAsString()),
                   CRM_E_INVALID_ARGUMENT, "", "absent");
}

TEST_F(RecordEncodeTest, RowsEncodeJsonWritesKindsAndMixedColumns) {
  for (int i = 0; i < 3; ++i) {
    Record record = NewRecord();
    crm_record_set_text(record.get(), "name",
                        ("c" + std::to_string(i)).c_str());
    if (i != 1) crm_record_set_decimal(record.get(), "ltv", "1.50");
    crm_record_set_boolean(record.get(), "vip", i == 0);
    Create(db_.get(), record.get());
  }
  crm_query* raw = nullptr;
  ASSERT_EQ(crm_query_new(&raw, CRM_QUERY_CUSTOMERS), CRM_OK);
  Query query(raw);
  crm_query_select(query.get(), "name");
  crm_query_select(query.get(), "ltv");
  crm_query_select(query.get(), "vip");
  crm_query_select(query.get(), "since");
  crm_query_set_page_size(query.get(), 2);
  crm_rows* rows_raw = nullptr;
  ASSERT_EQ(crm_query_run(&rows_raw, db_.get(), query.get()), CRM_OK);
  Rows rows(rows_raw);
  const char* json = nullptr;
  size_t size = 0;
  ASSERT_EQ(crm_rows_encode_json(&json, &size, rows.get()), CRM_OK);
  std::string text(json, size);
  std::string cursor = crm_rows_next_cursor(rows.get());
  EXPECT_EQ(text,
            R"({"columns":["name","ltv","vip","since"],"kinds":[1,3,4,0],)"
            R"("nulls":[0,1,0,2],)"
            R"("ids":[1,2],"values":[["c0","c1"],["1.50",null],)"
            R"([true,false],[null,null]],"next_cursor":")" +
                cursor + "\"}");

  // Event properties of different kinds in one column: [kind, value].
  crm_event* event_raw = nullptr;
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(crm_event_new(&event_raw), CRM_OK);
    Event event(event_raw);
    crm_event_set_customer(event.get(), 1);
    crm_event_set_type(event.get(), "order");
    crm_event_set_occurred_at(event.get(), 1000 + i);
    if (i == 0) {
      crm_record_set_integer(crm_event_properties(event.get()), "n", 5);
    } else {
      crm_record_set_decimal(crm_event_properties(event.get()), "n", "2.5");
    }
    int64_t seq = 0;
    ASSERT_EQ(crm_event_append(&seq, nullptr, db_.get(), event.get()), CRM_OK)
        << crm_last_error_message();
  }
  ASSERT_EQ(crm_query_new(&raw, CRM_QUERY_EVENTS), CRM_OK);
  Query events(raw);
  crm_query_set_filter(events.get(), "type = 'order'");
  crm_query_select(events.get(), "properties.n");
  crm_query_select(events.get(), "occurred_at");
  ASSERT_EQ(crm_query_run(&rows_raw, db_.get(), events.get()), CRM_OK)
      << crm_last_error_message();
  Rows event_rows(rows_raw);
  ASSERT_EQ(crm_rows_encode_json(&json, &size, event_rows.get()), CRM_OK);
  text.assign(json, size);
  EXPECT_NE(text.find(R"("kinds":[0,6])"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("values":[[[2,5],[3,"2.5"]],[1000,1001]])"),
            std::string::npos)
      << text;
}

TEST_F(RecordEncodeTest, DecodesOneEventThatAppends) {
  int64_t customer = CreateNamed(db_.get(), "Ada");
  crm::wire::EventBatch batch;
  crm::wire::EventInput* input = batch.add_events();
  input->set_customer_id(customer);
  input->set_type("call");
  input->set_channel("phone");
  input->set_occurred_at_us(1700000000000000);
  input->set_idempotency_key("k-1");
  crm::wire::Property* property = input->add_properties();
  property->set_name("minutes");
  property->mutable_value()->set_integer(12);
  std::string bytes = batch.SerializeAsString();

  crm_event* raw = nullptr;
  ASSERT_EQ(crm_event_decode(&raw, bytes.data(), bytes.size()), CRM_OK)
      << crm_last_error_message();
  Event event(raw);
  EXPECT_EQ(crm_event_customer(event.get()), customer);
  EXPECT_STREQ(crm_event_type(event.get()), "call");
  EXPECT_STREQ(crm_event_channel(event.get()), "phone");
  EXPECT_EQ(crm_event_occurred_at(event.get()), 1700000000000000);
  int64_t minutes = 0;
  ASSERT_EQ(crm_record_get_integer(&minutes, crm_event_properties(event.get()),
                                   "minutes"),
            CRM_OK);
  EXPECT_EQ(minutes, 12);
  int64_t seq = 0;
  int duplicate = -1;
  ASSERT_EQ(crm_event_append(&seq, &duplicate, db_.get(), event.get()), CRM_OK)
      << crm_last_error_message();
  EXPECT_GT(seq, 0);
  EXPECT_EQ(duplicate, 0);
  int64_t again = 0;
  ASSERT_EQ(crm_event_append(&again, &duplicate, db_.get(), event.get()),
            CRM_OK);
  EXPECT_EQ(again, seq);
  EXPECT_EQ(duplicate, 1);
}

TEST_F(RecordEncodeTest, EventDecodeRefusesBadInput) {
  crm_event* out = reinterpret_cast<crm_event*>(&out);
  auto decode = [&](const std::string& bytes) {
    return crm_event_decode(&out, bytes.data(), bytes.size());
  };
  EXPECT_CRM_ERROR(decode("\xff\xff garbage"), CRM_E_INVALID_ARGUMENT, "",
                   "batch");
  EXPECT_EQ(out, nullptr);
  EXPECT_CRM_ERROR(crm_event_decode(&out, nullptr, 0), CRM_E_INVALID_ARGUMENT,
                   "", "batch");  // no event
  EXPECT_CRM_ERROR(crm_event_decode(&out, nullptr, 2), CRM_E_INVALID_ARGUMENT,
                   "", "batch");
  EXPECT_CRM_ERROR(crm_event_decode(nullptr, "", 0), CRM_E_INVALID_ARGUMENT, "",
                   "out");
  crm::wire::EventBatch two;
  two.add_events()->set_type("a");
  two.add_events()->set_type("b");
  EXPECT_CRM_ERROR(decode(two.SerializeAsString()), CRM_E_INVALID_ARGUMENT, "",
                   "batch");
  crm::wire::EventBatch nul;
  nul.add_events()->set_actor(std::string("a\0b", 3));
  EXPECT_CRM_ERROR(decode(nul.SerializeAsString()), CRM_E_INVALID_ARGUMENT,
                   "actor", "utf8");
  crm::wire::EventBatch nul_property;
  crm::wire::Property* property = nul_property.add_events()->add_properties();
  property->set_name("note");
  property->mutable_value()->set_text(std::string("\0", 1));
  EXPECT_CRM_ERROR(decode(nul_property.SerializeAsString()),
                   CRM_E_INVALID_ARGUMENT, "note", "utf8");
}

TEST(LastErrorTest, OneStructHoldsWhatTheFunctionsSay) {
  const crm_error* error = crm_last_error();
  ASSERT_NE(error, nullptr);
  crm_query* query = nullptr;
  ASSERT_EQ(crm_query_new(&query, CRM_QUERY_CUSTOMERS), CRM_OK);
  Query owned(query);
  crm_query_set_filter(query, "stage == 'lead'");
  crm_db* db = nullptr;
  ASSERT_EQ(crm_open(&db, ":memory:", nullptr), CRM_OK);
  Db owned_db(db);
  int64_t count = 0;
  ASSERT_EQ(crm_query_count(&count, db, query), CRM_E_INVALID_ARGUMENT);
  error = crm_last_error();
  EXPECT_EQ(error->code, CRM_E_INVALID_ARGUMENT);
  EXPECT_STREQ(error->message, crm_last_error_message());
  EXPECT_STREQ(error->rule, "syntax");
  EXPECT_STREQ(error->field, "");
  EXPECT_EQ(error->position, 7);

  Record record = NewRecord();
  crm_record_set_text(record.get(), "email", "not an email");
  int64_t id = 0;
  ASSERT_EQ(crm_customer_create(&id, db, record.get(), nullptr),
            CRM_E_VALIDATION);
  error = crm_last_error();
  EXPECT_EQ(error->code, CRM_E_VALIDATION);
  EXPECT_STREQ(error->field, "email");
  EXPECT_STREQ(error->rule, "format");
  EXPECT_EQ(error->position, -1);
  EXPECT_STREQ(error->message, crm_last_error_message());
}

}  // namespace
}  // namespace crm_test
