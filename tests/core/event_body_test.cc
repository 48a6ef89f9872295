// The store's reader of encoded event bodies (store/event_body.h) and the
// SQL functions over it: the same values SQLite's JSON functions gave over
// the JSON copy of the properties that files stored before layout 6, and
// damaged bodies fail cleanly.
#include "store/event_body.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <random>

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "core/wire.h"
#include "crm/crm.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/statement.h"

namespace crm::store {
namespace {

using sqlite::Connection;
using sqlite::Statement;

void Add(wire::EventBody* body, const std::string& name,
         const std::function<void(wire::Value*)>& set) {
  wire::Property* property = body->add_properties();
  property->set_name(name);
  set(property->mutable_value());
}

// One property of every kind, with awkward texts.
wire::EventBody EveryKind() {
  wire::EventBody body;
  Add(&body, "text", [](wire::Value* v) { v->set_text("Ab \"q\" \\ \n ü"); });
  Add(&body, "empty", [](wire::Value* v) { v->set_text(""); });
  Add(&body, "integer", [](wire::Value* v) { v->set_integer(-42); });
  Add(&body, "big", [](wire::Value* v) { v->set_integer(INT64_MAX); });
  Add(&body, "whole", [](wire::Value* v) { v->set_decimal("12"); });
  Add(&body, "money", [](wire::Value* v) { v->set_decimal("-12.50"); });
  Add(&body, "tiny", [](wire::Value* v) { v->set_decimal("0.000000001"); });
  Add(&body, "long",
      [](wire::Value* v) { v->set_decimal("123456789.123456789"); });
  Add(&body, "padded", [](wire::Value* v) { v->set_decimal("+007.10"); });
  Add(&body, "yes", [](wire::Value* v) { v->set_boolean(true); });
  Add(&body, "no", [](wire::Value* v) { v->set_boolean(false); });
  Add(&body, "day", [](wire::Value* v) { v->set_date("2024-02-29"); });
  Add(&body, "at", [](wire::Value* v) { v->set_datetime_us(-1); });
  Add(&body, "skus", [](wire::Value* v) {
    v->mutable_list()->add_items("A-1");
    v->mutable_list()->add_items("b\"2");
  });
  Add(&body, "none", [](wire::Value* v) { v->mutable_list(); });
  Add(&body, "null", [](wire::Value*) {});
  return body;
}

TEST(EventBody, PropertiesJsonWritesEveryKind) {
  absl::StatusOr<std::string> json =
      BodyPropertiesJson(EveryKind().SerializeAsString());
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(*json,
            R"({"text":"Ab \"q\" \\ \n ü","empty":"","integer":-42,)"
            R"("big":9223372036854775807,"whole":12,"money":-12.50,)"
            R"("tiny":0.000000001,"long":123456789.123456789,"padded":7.10,)"
            R"("yes":true,"no":false,"day":"2024-02-29","at":-1,)"
            R"("skus":["A-1","b\"2"],"none":[],"null":null})");
  EXPECT_EQ(*BodyPropertiesJson(""), "");
  // A history event's body holds changes only.
  wire::EventBody history;
  history.add_changes();
  EXPECT_EQ(*BodyPropertiesJson(history.SerializeAsString()), "");
}

TEST(EventBody, FindsPropertiesByKey) {
  std::string body = EveryKind().SerializeAsString();
  auto value = [&](const char* key) {
    absl::StatusOr<std::optional<BodyValue>> found =
        FindBodyProperty(body, key);
    EXPECT_TRUE(found.ok()) << found.status();
    EXPECT_TRUE(found->has_value()) << key;
    return BodyValueForQuery(**found);
  };
  EXPECT_EQ(value("text"), SqlValue(std::string("Ab \"q\" \\ \n ü")));
  EXPECT_EQ(value("integer"), SqlValue(int64_t{-42}));
  EXPECT_EQ(value("whole"), SqlValue(int64_t{12}));
  EXPECT_EQ(value("money"), SqlValue(-12.5));
  EXPECT_EQ(value("yes"), SqlValue(int64_t{1}));
  EXPECT_EQ(value("no"), SqlValue(int64_t{0}));
  EXPECT_EQ(value("day"), SqlValue(std::string("2024-02-29")));
  EXPECT_EQ(value("at"), SqlValue(int64_t{-1}));
  EXPECT_EQ(value("skus"), SqlValue(std::string(R"(["A-1","b\"2"])")));
  EXPECT_EQ(value("null"), SqlValue());
  EXPECT_FALSE(FindBodyProperty(body, "missing")->has_value());
  EXPECT_FALSE(FindBodyProperty(body, "tex")->has_value());
  EXPECT_FALSE(FindBodyProperty("", "text")->has_value());
}

// Protobuf's merge rules for fields that repeat, and unknown fields.
TEST(EventBody, ReadsAsAParserMerges) {
  wire::Property property;
  property.set_name("first");
  property.mutable_value()->mutable_list()->add_items("a");
  std::string bytes = property.SerializeAsString();
  wire::Property more;
  more.set_name("tags");
  more.mutable_value()->mutable_list()->add_items("b");
  bytes += more.SerializeAsString();    // name again (last wins), list merges
  bytes += std::string("\x78\x05", 2);  // field 15, varint: unknown
  wire::EventBody body;
  body.add_properties()->ParseFromString(bytes);  // what a parser makes
  ASSERT_EQ(body.properties(0).value().list().items_size(), 2);
  std::string encoded;
  encoded += '\x0a';  // EventBody.properties, length-delimited
  encoded += static_cast<char>(bytes.size());
  encoded += bytes;
  EXPECT_EQ(*BodyPropertiesJson(encoded), R"({"tags":["a","b"]})");
  // A kind set after a list replaces it.
  wire::Property text;
  text.mutable_value()->set_text("t");
  bytes += text.SerializeAsString();
  encoded = std::string("\x0a", 1) + static_cast<char>(bytes.size()) + bytes;
  EXPECT_EQ(*BodyPropertiesJson(encoded), R"({"tags":"t"})");
}

TEST(EventBody, DamagedBodiesFailCleanly) {
  std::string body = EveryKind().SerializeAsString();
  // Every truncation either still reads or is named damaged.
  for (size_t size = 0; size < body.size(); ++size) {
    absl::StatusOr<std::string> json =
        BodyPropertiesJson(absl::string_view(body).substr(0, size));
    if (!json.ok()) {
      EXPECT_EQ(CodeOf(json.status()), ErrorCode::kIo) << json.status();
      EXPECT_EQ(RuleOf(json.status()), "damaged");
    }
  }
  const std::string bad[] = {
      std::string("\x0a\x05\x0a", 3),  // length past the end
      std::string("\x0b", 1),          // a group
      std::string("\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12),
      std::string("\x00\x00", 2),                       // field number 0
      std::string("\x0a\x06\x0a\x01k\x12\x01\x0a", 8),  // value cut short
      std::string("\x0a\x07\x0a\x01k\x12\x02\x0a\x00", 9),
      // a text that is not UTF-8
      std::string("\x0a\x08\x0a\x01k\x12\x03\x0a\x01\xff", 10),
      // a list item that is not UTF-8
      std::string("\x0a\x0a\x0a\x01k\x12\x05\x3a\x03\x0a\x01\xff", 12),
  };
  for (const std::string& bytes : bad) {
    absl::StatusOr<std::string> json = BodyPropertiesJson(bytes);
    absl::StatusOr<std::optional<BodyValue>> found =
        FindBodyProperty(bytes, "k");
    if (bytes == bad[5]) {  // an empty text: well-formed
      EXPECT_EQ(*json, R"({"k":""})");
      continue;
    }
    EXPECT_EQ(CodeOf(json.status()), ErrorCode::kIo) << bytes.size();
    EXPECT_EQ(CodeOf(found.status()), ErrorCode::kIo) << bytes.size();
  }
  // Random bytes and random flips of a good body never crash.
  std::mt19937 random(16);
  for (int i = 0; i < 20000; ++i) {
    std::string bytes = body;
    for (int flips = 1 + i % 4; flips > 0; --flips) {
      bytes[random() % bytes.size()] = static_cast<char>(random());
    }
    if (i % 2) bytes = bytes.substr(random() % bytes.size());
    (void)BodyPropertiesJson(bytes);
    absl::StatusOr<std::optional<BodyValue>> found =
        FindBodyProperty(bytes, "skus");
    if (found.ok() && found->has_value()) (void)BodyValueForQuery(**found);
  }
}

class EventBodySql : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Connection::Open(":memory:", {});
    ASSERT_TRUE(opened.ok()) << opened.status();
    connection_ = *std::move(opened);
  }

  // Row of `sql` (one row) with `params` bound.
  absl::StatusOr<std::vector<SqlValue>> Row(
      const std::string& sql, const std::vector<SqlValue>& params) {
    CRM_ASSIGN_OR_RETURN(Statement * statement, connection_->Prepare(sql));
    CRM_RETURN_IF_ERROR(statement->BindAll(params));
    absl::StatusOr<bool> row = statement->Step();
    std::vector<SqlValue> values;
    if (row.ok() && *row) {
      for (int i = 0; i < statement->ColumnCount(); ++i) {
        values.push_back(statement->Column(i));
      }
    }
    statement->Reset();
    if (!row.ok()) return row.status();
    return values;
  }

  std::unique_ptr<Connection> connection_;
};

// What queries read from a body is what they read from the JSON text files
// stored before: json_extract() for values, `->` for sums, json_each() over
// lists (and nothing for a value that is not a list).
TEST_F(EventBodySql, SameValuesAsSqliteJsonOverTheOldColumn) {
  wire::EventBody every = EveryKind();
  std::string body = every.SerializeAsString();
  std::string json = *BodyPropertiesJson(body);
  std::vector<std::string> keys = {"missing"};
  for (const wire::Property& property : every.properties()) {
    keys.push_back(property.name());
  }
  for (const std::string& key : keys) {
    SCOPED_TRACE(key);
    absl::StatusOr<std::vector<SqlValue>> row = Row(
        "SELECT crm_property(?1, ?2), json_extract(?3, '$.' || ?2), "
        "typeof(crm_property(?1, ?2)), typeof(json_extract(?3, '$.' || ?2)), "
        "crm_property_json(?1, ?2), ?3 -> ('$.' || ?2), "
        "(SELECT group_concat(value, '|') FROM "
        "json_each(crm_property_list(?1, ?2))), "
        "(SELECT group_concat(value, '|') FROM json_each(?3, '$.' || ?2) "
        "WHERE json_type(?3, '$.' || ?2) = 'array')",
        {Blob{body}, key, json});
    ASSERT_TRUE(row.ok()) << row.status();
    EXPECT_EQ((*row)[0], (*row)[1]);
    EXPECT_EQ((*row)[2], (*row)[3]);
    EXPECT_EQ((*row)[4], (*row)[5]);
    EXPECT_EQ((*row)[6], (*row)[7]);
  }
  // Sums see the decimals as written.
  absl::StatusOr<std::vector<SqlValue>> sum =
      Row("SELECT crm_decimal_sum(crm_property_json(?1, 'money'), 'money')",
          {Blob{body}});
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ((*sum)[0], SqlValue(std::string("-12.50")));
}

TEST_F(EventBodySql, DamagedBodyFailsTheStatementAsIo) {
  std::string damaged("\x0a\x05\x0a", 3);
  for (const char* function :
       {"crm_property", "crm_property_json", "crm_property_list"}) {
    absl::StatusOr<std::vector<SqlValue>> row =
        Row(absl::StrCat("SELECT ", function, "(?, 'k')"), {Blob{damaged}});
    EXPECT_EQ(CodeOf(row.status()), ErrorCode::kIo) << function;
  }
  // A NULL or empty body has no properties.
  absl::StatusOr<std::vector<SqlValue>> row =
      Row("SELECT crm_property(NULL, 'k'), crm_property_json(x'', 'k')", {});
  ASSERT_TRUE(row.ok()) << row.status();
  EXPECT_EQ((*row)[0], SqlValue());
  EXPECT_EQ((*row)[1], SqlValue());
}

// A workspace file whose event body was damaged: a query over properties
// fails as I/O (the file), never as a libcrm bug, and other queries run.
TEST(EventBodyFile, DamagedBodyFailsPropertyQueriesAsIo) {
  auto path = std::filesystem::temp_directory_path() /
              ("crm-event-body-" + std::to_string(getpid()) + ".crm");
  std::filesystem::remove(path);
  {
    auto connection = Connection::Open(path.string(), {});
    ASSERT_TRUE(connection.ok());
    ASSERT_TRUE(
        sqlite::MigrateTo(**connection, sqlite::LatestSchemaVersion()).ok());
    ASSERT_TRUE(
        (*connection)
            ->Execute("INSERT INTO crm_customers(version, created_at, "
                      "updated_at, kind, name) VALUES (1, 1, 1, 'person', "
                      "'Ada'); UPDATE crm_meta SET value = 1 WHERE key = "
                      "'last_customer_id'; INSERT INTO crm_events("
                      "customer_id, occurred_at, recorded_at, type_id, "
                      "body) VALUES (1, 2, 2, 4, x'0a050a')")
            .ok());
  }
  crm_db* db = nullptr;
  ASSERT_EQ(crm_open(&db, path.c_str(), nullptr), CRM_OK)
      << crm_last_error_message();
  auto count = [&](const char* filter) {
    crm_query* query = nullptr;
    EXPECT_EQ(crm_query_new(&query, CRM_QUERY_EVENTS), CRM_OK);
    EXPECT_EQ(crm_query_set_filter(query, filter), CRM_OK);
    int64_t n = -1;
    int rc = crm_query_count(&n, db, query);
    crm_query_free(query);
    return rc == CRM_OK ? n : -rc;
  };
  EXPECT_EQ(count("properties.amount > 1"), -CRM_E_IO);
  EXPECT_EQ(count("properties.tags has any ('a')"), -CRM_E_IO);
  EXPECT_EQ(count("customer_id = 1"), 1);
  crm_close(db);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace crm::store
