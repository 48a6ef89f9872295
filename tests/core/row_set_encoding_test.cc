// crm_rows_encode's writer (capi::EncodeRowSet) writes a crm.wire.RowSet
// field by field; these tests hold it to the bytes protobuf's own
// serializer gives for the same rows, value kind by value kind.
#include <limits>
#include <string>
#include <vector>

#include "capi/capi_encode.h"
#include "core/customer_record.h"
#include "core/value.h"
#include "core/wire.h"
#include "gtest/gtest.h"

namespace crm::capi {
namespace {

using core::CustomerRecord;
using core::Value;

// The reference: a wire::RowSet message built value by value.
std::string Reference(const RowsToEncode& rows) {
  wire::RowSet set;
  for (const std::string& column : *rows.columns) set.add_columns(column);
  for (const CustomerRecord* row : rows.rows) {
    wire::CustomerRow* out = set.add_rows();
    for (const std::string& column : *rows.columns) {
      wire::Value* value = out->add_values();
      const Value* held = row->Get(column);
      if (held != nullptr) core::ValueToWire(*held, value);
    }
    set.add_ids(row->id);
    if (rows.with_versions) set.add_versions(row->version);
  }
  set.set_next_cursor(std::string(rows.next_cursor));
  return set.SerializeAsString();
}

std::vector<CustomerRecord> EveryKind() {
  std::vector<CustomerRecord> records(3);
  records[0].id = 1;
  records[0].version = 7;
  records[0].Set("name", Value::Text("Zoë \"Q\" O'Brien"));
  records[0].Set("score", Value::Integer(std::numeric_limits<int64_t>::min()));
  records[0].Set("revenue", Value::Decimal("-12.50"));
  records[0].Set("active", Value::Boolean(false));
  records[0].Set("renewal", Value::Date("2024-02-29"));
  records[0].Set("seen", Value::DateTime(-1));
  records[0].Set("tags", Value::List({"vip", "b2b"}));
  records[1].id = std::numeric_limits<int64_t>::max();
  records[1].version = 1;
  records[1].Set("name", Value::Text(""));
  records[1].Set("score", Value::Integer(0));
  records[1].Set("active", Value::Boolean(true));
  records[1].Set("seen", Value::DateTime(1'700'000'000'123'456));
  records[1].Set("tags", Value::Null());
  records[2].id = 300;  // holds no value at all
  return records;
}

RowsToEncode Page(const std::vector<std::string>* columns,
                  const std::vector<CustomerRecord>& records) {
  RowsToEncode rows{columns, {}, "", false};
  for (const CustomerRecord& record : records) rows.rows.push_back(&record);
  return rows;
}

TEST(RowSetEncodingTest, WritesProtobufsBytesForEveryKind) {
  std::vector<std::string> columns = {"name",    "score", "revenue", "active",
                                      "renewal", "seen",  "tags",    "city"};
  std::vector<CustomerRecord> records = EveryKind();
  RowsToEncode page = Page(&columns, records);
  EXPECT_EQ(EncodeRowSet(page), Reference(page));

  page.next_cursor = "c:42";
  EXPECT_EQ(EncodeRowSet(page), Reference(page));

  page.with_versions = true;
  EXPECT_EQ(EncodeRowSet(page), Reference(page));
}

TEST(RowSetEncodingTest, WritesEmptyPagesAndLongValuesAsProtobufDoes) {
  std::vector<std::string> columns = {"notes"};
  std::vector<CustomerRecord> none;
  RowsToEncode empty = Page(&columns, none);
  EXPECT_EQ(EncodeRowSet(empty), Reference(empty));

  std::vector<CustomerRecord> records(1);
  records[0].id = 5;
  // Lengths whose varints take two and three bytes.
  records[0].Set("notes", Value::Text(std::string(200, 'x')));
  RowsToEncode page = Page(&columns, records);
  EXPECT_EQ(EncodeRowSet(page), Reference(page));
  records[0].Set("notes", Value::Text(std::string(70'000, 'y')));
  EXPECT_EQ(EncodeRowSet(page), Reference(page));
}

TEST(RowSetEncodingTest, AnEmptyListStaysAList) {
  std::vector<std::string> columns = {"tags"};
  std::vector<CustomerRecord> records(1);
  records[0].id = 9;
  records[0].Set("tags", Value::List({}));
  wire::RowSet set;
  ASSERT_TRUE(set.ParseFromString(EncodeRowSet(Page(&columns, records))));
  ASSERT_EQ(set.rows_size(), 1);
  EXPECT_TRUE(set.rows(0).values(0).has_list());
  EXPECT_EQ(set.rows(0).values(0).list().items_size(), 0);
}

}  // namespace
}  // namespace crm::capi
