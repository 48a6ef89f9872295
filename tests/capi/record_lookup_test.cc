// The record getters and the page encoders find values by field name: a
// read that succeeds takes a short way (an ASCII name, the record's value
// looked up from where the last one was found), which must give the same
// answers as the checked way in every order, and the same errors.
#include <string>
#include <vector>

#include "crm/crm.pb.h"
#include "test_support.h"

namespace crm_test {
namespace {

// A record of every kind, with names that are prefixes of each other and a
// name that is not ASCII.
Record MixedRecord() {
  Record record = NewRecord();
  EXPECT_EQ(crm_record_set_text(record.get(), "a", "first"), CRM_OK);
  EXPECT_EQ(crm_record_set_text(record.get(), "ab", "second"), CRM_OK);
  EXPECT_EQ(crm_record_set_integer(record.get(), "abc", -3), CRM_OK);
  EXPECT_EQ(crm_record_set_decimal(record.get(), "price", "12.50"), CRM_OK);
  EXPECT_EQ(crm_record_set_boolean(record.get(), "vip", 1), CRM_OK);
  EXPECT_EQ(crm_record_set_date(record.get(), "since", "2024-03-01"), CRM_OK);
  EXPECT_EQ(crm_record_set_datetime(record.get(), "seen", 1700000000123456),
            CRM_OK);
  const char* tags[] = {"x", "y", "z"};
  EXPECT_EQ(crm_record_set_list(record.get(), "tags", tags, 3), CRM_OK);
  EXPECT_EQ(crm_record_set_text(record.get(),
                                "gr\xC3\xB6\xC3\x9F"
                                "e",
                                "L"),
            CRM_OK);
  EXPECT_EQ(crm_record_set_null(record.get(), "gone"), CRM_OK);
  return record;
}

// Every value of MixedRecord() read by name, in the order `names` gives,
// as "name=value" lines.
std::string ReadAll(const crm_record* record,
                    const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) {
    const char* text = nullptr;
    int64_t number = 0;
    int flag = 0;
    size_t size = 0;
    out += name + "=";
    const char* field = name.c_str();
    switch (crm_record_kind(record, field)) {
      case CRM_VALUE_TEXT:
        EXPECT_EQ(crm_record_get_text(&text, record, field), CRM_OK);
        out += text ? text : "<null>";
        break;
      case CRM_VALUE_INTEGER:
        EXPECT_EQ(crm_record_get_integer(&number, record, field), CRM_OK);
        out += std::to_string(number);
        break;
      case CRM_VALUE_DECIMAL:
        EXPECT_EQ(crm_record_get_decimal(&text, record, field), CRM_OK);
        out += text ? text : "<null>";
        break;
      case CRM_VALUE_BOOLEAN:
        EXPECT_EQ(crm_record_get_boolean(&flag, record, field), CRM_OK);
        out += std::to_string(flag);
        break;
      case CRM_VALUE_DATE:
        EXPECT_EQ(crm_record_get_date(&text, record, field), CRM_OK);
        out += text ? text : "<null>";
        break;
      case CRM_VALUE_DATETIME:
        EXPECT_EQ(crm_record_get_datetime(&number, record, field), CRM_OK);
        out += std::to_string(number);
        break;
      case CRM_VALUE_LIST:
        EXPECT_EQ(crm_record_get_list_size(&size, record, field), CRM_OK);
        for (size_t i = 0; i < size; ++i) {
          EXPECT_EQ(crm_record_get_list_item(&text, record, field, i), CRM_OK);
          out += std::string(i ? "," : "") + (text ? text : "<null>");
        }
        break;
      default:
        out += "<none>";
    }
    out += "\n";
  }
  return out;
}

const std::vector<std::string> kNames = {"a",
                                         "ab",
                                         "abc",
                                         "price",
                                         "vip",
                                         "since",
                                         "seen",
                                         "tags",
                                         "gr\xC3\xB6\xC3\x9F"
                                         "e",
                                         "gone"};
const char kExpected[] =
    "a=first\nab=second\nabc=-3\nprice=12.50\nvip=1\nsince=2024-03-01\n"
    "seen=1700000000123456\ntags=x,y,z\ngr\xC3\xB6\xC3\x9F"
    "e=L\n"
    "gone=<none>\n";

TEST(RecordLookupTest, GettersFindEveryValueInAnyOrder) {
  Record record = MixedRecord();
  EXPECT_EQ(ReadAll(record.get(), kNames), kExpected);
  // Backwards, and each name twice: each lookup starts where the last one
  // ended.
  std::vector<std::string> lines;
  std::string expected = kExpected;
  for (size_t at = 0, end; at < expected.size(); at = end + 1) {
    end = expected.find('\n', at);
    lines.push_back(expected.substr(at, end + 1 - at));
  }
  std::string backwards_expected, twice_expected;
  for (size_t i = lines.size(); i-- > 0;) backwards_expected += lines[i];
  for (const std::string& line : lines) twice_expected += line + line;
  EXPECT_EQ(ReadAll(record.get(), {kNames.rbegin(), kNames.rend()}),
            backwards_expected);
  std::vector<std::string> twice;
  for (const std::string& name : kNames) {
    twice.push_back(name);
    twice.push_back(name);
  }
  EXPECT_EQ(ReadAll(record.get(), twice), twice_expected);
  EXPECT_EQ(ReadAll(record.get(), kNames), kExpected);
}

TEST(RecordLookupTest, ChangesAfterReadsAreSeen) {
  Record record = MixedRecord();
  EXPECT_EQ(ReadAll(record.get(), kNames), kExpected);
  ASSERT_EQ(crm_record_set_text(record.get(), "ab", "changed"), CRM_OK);
  ASSERT_EQ(crm_record_set_integer(record.get(), "late", 42), CRM_OK);
  ASSERT_EQ(crm_record_set_null(record.get(), "a"), CRM_OK);
  EXPECT_EQ(ReadAll(record.get(), {"late", "ab", "a", "abc"}),
            "late=42\nab=changed\na=<none>\nabc=-3\n");
}

TEST(RecordLookupTest, ASuccessfulReadLeavesTheLastErrorAsItWas) {
  Record record = MixedRecord();
  const char* text = nullptr;
  EXPECT_CRM_ERROR(crm_record_get_text(&text, record.get(), "missing"),
                   CRM_E_NOT_FOUND, "missing", "");
  std::string message = crm_last_error_message();
  int64_t number = 0;
  ASSERT_EQ(crm_record_get_integer(&number, record.get(), "abc"), CRM_OK);
  ASSERT_EQ(crm_record_get_text(&text, record.get(), "a"), CRM_OK);
  EXPECT_EQ(crm_last_error_code(), CRM_E_NOT_FOUND);
  EXPECT_STREQ(crm_last_error_field(), "missing");
  EXPECT_EQ(crm_last_error_message(), message);
}

TEST(RecordLookupTest, FailuresAreTheSameAfterReadsThatSucceeded) {
  Record record = MixedRecord();
  EXPECT_EQ(ReadAll(record.get(), kNames), kExpected);
  const char* text = "stale";
  int64_t number = 99;
  size_t size = 99;

  // A value of another kind: the kind's rule, the out-parameter cleared.
  EXPECT_CRM_ERROR(crm_record_get_text(&text, record.get(), "abc"),
                   CRM_E_VALIDATION, "abc", "type");
  EXPECT_EQ(text, nullptr);
  EXPECT_CRM_ERROR(crm_record_get_integer(&number, record.get(), "a"),
                   CRM_E_VALIDATION, "a", "type");
  EXPECT_EQ(number, 0);
  // A name held by no value, a prefix of held names, a cleared field.
  text = "stale";
  EXPECT_CRM_ERROR(crm_record_get_text(&text, record.get(), "abcd"),
                   CRM_E_NOT_FOUND, "abcd", "");
  EXPECT_EQ(text, nullptr);
  EXPECT_CRM_ERROR(crm_record_get_text(&text, record.get(), ""),
                   CRM_E_NOT_FOUND, "", "");
  EXPECT_CRM_ERROR(crm_record_get_text(&text, record.get(), "gone"),
                   CRM_E_NOT_FOUND, "gone", "");
  // A list item past the end.
  text = "stale";
  EXPECT_CRM_ERROR(crm_record_get_list_item(&text, record.get(), "tags", 3),
                   CRM_E_NOT_FOUND, "tags", "index");
  EXPECT_EQ(text, nullptr);
  EXPECT_EQ(crm_record_get_list_size(&size, record.get(), "tags"), CRM_OK);
  EXPECT_EQ(size, 3u);
  // Arguments: the parameter named, whatever the record holds.
  EXPECT_CRM_ERROR(crm_record_get_text(nullptr, record.get(), "a"),
                   CRM_E_INVALID_ARGUMENT, "", "out");
  EXPECT_CRM_ERROR(crm_record_get_text(&text, nullptr, "a"),
                   CRM_E_INVALID_ARGUMENT, "", "record");
  EXPECT_CRM_ERROR(crm_record_get_text(&text, record.get(), nullptr),
                   CRM_E_INVALID_ARGUMENT, "", "field");
  EXPECT_CRM_ERROR(crm_record_get_text(&text, record.get(), "gr\xC3\xB6\xFF"),
                   CRM_E_INVALID_ARGUMENT, "", "utf8");
  EXPECT_CRM_ERROR(crm_record_get_list_size(nullptr, record.get(), "tags"),
                   CRM_E_INVALID_ARGUMENT, "", "out");
}

// A query page leaves out the null values of each row, so that a column's
// value sits at another position in each row; the encoders must still put
// every value in its column.
class RecordLookupPageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Define(db_.get(), R"({"name": "seats", "type": "integer"})");
    Define(db_.get(), R"({"name": "ltv", "type": "decimal", "scale": 2})");
    for (int i = 0; i < 4; ++i) {
      Record record = NewRecord();
      std::string n = std::to_string(i);
      crm_record_set_text(record.get(), "name", ("c" + n).c_str());
      if (i % 2 == 0) {
        crm_record_set_text(record.get(), "email",
                            ("c" + n + "@x.org").c_str());
      }
      if (i != 1) crm_record_set_text(record.get(), "city", ("t" + n).c_str());
      if (i != 2) crm_record_set_integer(record.get(), "seats", i);
      if (i == 3) crm_record_set_decimal(record.get(), "ltv", "1.25");
      Create(db_.get(), record.get());
    }
    crm_query* raw = nullptr;
    ASSERT_EQ(crm_query_new(&raw, CRM_QUERY_CUSTOMERS), CRM_OK);
    query_.reset(raw);
    for (const char* column : {"ltv", "seats", "email", "name", "city"}) {
      ASSERT_EQ(crm_query_select(query_.get(), column), CRM_OK);
    }
    crm_rows* rows = nullptr;
    ASSERT_EQ(crm_query_run(&rows, db_.get(), query_.get()), CRM_OK)
        << crm_last_error_message();
    rows_.reset(rows);
    ASSERT_EQ(crm_rows_size(rows_.get()), 4u);
  }

  TempDir dir_;
  Db db_ = OpenDb(dir_.File("lookup.crm"));
  Query query_;
  Rows rows_;
};

TEST_F(RecordLookupPageTest, JsonPutsEveryValueInItsColumn) {
  const char* json = nullptr;
  size_t size = 0;
  ASSERT_EQ(crm_rows_encode_json(&json, &size, rows_.get()), CRM_OK);
  EXPECT_EQ(std::string(json, size),
            R"({"columns":["ltv","seats","email","name","city"],)"
            R"("kinds":[3,2,1,1,1],"nulls":[3,1,2,0,1],"ids":[1,2,3,4],)"
            R"("values":[[null,null,null,"1.25"],[0,1,null,3],)"
            R"(["c0@x.org",null,"c2@x.org",null],["c0","c1","c2","c3"],)"
            R"(["t0",null,"t2","t3"]],"next_cursor":""})");
}

TEST_F(RecordLookupPageTest, RowSetPutsEveryValueInItsColumn) {
  const void* bytes = nullptr;
  size_t size = 0;
  ASSERT_EQ(crm_rows_encode(&bytes, &size, rows_.get()), CRM_OK);
  crm::wire::RowSet set;
  ASSERT_TRUE(set.ParseFromArray(bytes, static_cast<int>(size)));
  ASSERT_EQ(set.rows_size(), 4);
  std::string seen;
  for (const crm::wire::CustomerRow& row : set.rows()) {
    ASSERT_EQ(row.values_size(), 5);
    for (const crm::wire::Value& value : row.values()) {
      switch (value.kind_case()) {
        case crm::wire::Value::kText:
          seen += value.text();
          break;
        case crm::wire::Value::kInteger:
          seen += std::to_string(value.integer());
          break;
        case crm::wire::Value::kDecimal:
          seen += "d" + value.decimal();
          break;
        default:
          seen += "-";
      }
      seen += " ";
    }
    seen += "\n";
  }
  EXPECT_EQ(seen,
            "- 0 c0@x.org c0 t0 \n"
            "- 1 - c1 - \n"
            "- - c2@x.org c2 t2 \n"
            "d1.25 3 - c3 t3 \n");
}

TEST_F(RecordLookupPageTest, GettersReadEveryRowInColumnOrderAndBack) {
  std::string forward, backward;
  const std::vector<std::string> columns = {"ltv", "seats", "email", "name",
                                            "city"};
  for (size_t r = 0; r < crm_rows_size(rows_.get()); ++r) {
    const crm_record* row = crm_rows_at(rows_.get(), r);
    forward += ReadAll(row, columns);
    backward = ReadAll(row, {columns.rbegin(), columns.rend()}) + backward;
  }
  EXPECT_EQ(forward,
            "ltv=<none>\nseats=0\nemail=c0@x.org\nname=c0\ncity=t0\n"
            "ltv=<none>\nseats=1\nemail=<none>\nname=c1\ncity=<none>\n"
            "ltv=<none>\nseats=<none>\nemail=c2@x.org\nname=c2\ncity=t2\n"
            "ltv=1.25\nseats=3\nemail=<none>\nname=c3\ncity=t3\n");
  EXPECT_NE(backward.find("city=t3\nname=c3\nemail=<none>\nseats=3\n"),
            std::string::npos)
      << backward;
}

}  // namespace
}  // namespace crm_test
