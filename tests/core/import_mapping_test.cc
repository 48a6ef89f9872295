// The import mapping's parser and the cell parser: what each accepts, and
// the rule and key each refusal names.
#include "core/import/import_mapping.h"

#include <gtest/gtest.h>

#include <string>

#include "base/error.h"
#include "core/import/cell_parser.h"

namespace crm::core::import {
namespace {

Cell Text(const std::string& text) {
  Cell cell;
  cell.kind = Cell::Kind::kText;
  cell.text = text;
  return cell;
}

TEST(ImportMapping, ReadsEveryKey) {
  absl::StatusOr<Mapping> mapping = ParseMapping(R"({
      "columns": {"No": "external_id", "Skip": null,
                  "Joined": {"field": "created_at", "format": "%d.%m.%Y"},
                  "Sum": {"field": "balance", "decimal": ","},
                  "Tags": {"field": "tags", "separator": "|"},
                  "On": {"field": "active", "true": ["ja"], "false": ["nei"]}},
      "unmapped": "ignore", "key": null, "empty": "clear",
      "delimiter": ";", "customer": {"column": "Kunde", "by": "email"},
      "type": "call", "channel": "phone"})");
  ASSERT_TRUE(mapping.ok()) << mapping.status();
  EXPECT_EQ(mapping->SpecFor("No").field, "external_id");
  EXPECT_TRUE(mapping->SpecFor("Skip").skip);
  EXPECT_EQ(mapping->SpecFor("Joined").format, "%d.%m.%Y");
  EXPECT_EQ(mapping->SpecFor("Sum").decimal, ',');
  EXPECT_EQ(*mapping->SpecFor("Tags").separator, "|");
  EXPECT_EQ(mapping->SpecFor("On").true_words, std::vector<std::string>{"ja"});
  EXPECT_EQ(mapping->SpecFor("Other").field, "Other");
  EXPECT_TRUE(mapping->ignore_unmapped);
  EXPECT_EQ(mapping->key, ImportKey::kNone);
  EXPECT_TRUE(mapping->clear_empty);
  EXPECT_EQ(mapping->delimiter, ';');
  EXPECT_EQ(mapping->customer_column, "Kunde");
  EXPECT_EQ(mapping->customer_by, CustomerBy::kEmail);
  EXPECT_EQ(mapping->type, "call");
  EXPECT_EQ(mapping->channel, "phone");

  absl::StatusOr<Mapping> defaults = ParseMapping("");
  ASSERT_TRUE(defaults.ok());
  EXPECT_FALSE(defaults->key.has_value());
  EXPECT_EQ(defaults->customer_column, "customer_id");
}

TEST(ImportMapping, RefusalsNameTheKey) {
  struct Case {
    const char* json;
    const char* named;
  };
  for (const Case& c : std::initializer_list<Case>{
           {R"({"colums": {}})", "\"colums\""},
           {R"({"key": "phone"})", "\"key\""},
           {R"({"empty": "drop"})", "\"empty\""},
           {R"({"delimiter": "|"})", "\"delimiter\""},
           {R"({"unmapped": 1})", "\"unmapped\""},
           {R"({"columns": {"A": 1}})", "\"columns.A\""},
           {R"({"columns": {"A": {"format": "%Y"}}})", "\"columns.A\""},
           {R"({"columns": {"A": {"field": "x", "decimal": ";"}}})",
            "\"columns.A.decimal\""},
           {R"({"columns": {"A": {"field": "x", "true": "ja"}}})",
            "\"columns.A.true\""},
           {R"({"customer": {"by": "name"}})", "\"customer.by\""},
           {"[1]", "JSON object"},
           {"{", "JSON object"}}) {
    absl::StatusOr<Mapping> mapping = ParseMapping(c.json);
    ASSERT_FALSE(mapping.ok()) << c.json;
    EXPECT_EQ(RuleIdOf(mapping.status()), Rule::kMappingJson) << c.json;
    EXPECT_NE(mapping.status().message().find(c.named), std::string::npos)
        << c.json << ": " << mapping.status();
  }
}

TEST(CellParser, ReadsEachTypeAsTheColumnSays) {
  ColumnSpec plain;
  EXPECT_EQ(*ParseCell(FieldType::kInteger, "n", plain, Text(" 42 ")),
            Value::Integer(42));
  ColumnSpec comma;
  comma.decimal = ',';
  EXPECT_EQ(*ParseCell(FieldType::kDecimal, "d", comma, Text("1.234.567,5")),
            Value::Decimal("1234567.5"));
  EXPECT_EQ(*ParseCell(FieldType::kDecimal, "d", plain, Text("-0.25")),
            Value::Decimal("-0.25"));
  for (const char* yes : {"TRUE", "yes", "Y", "1"}) {
    EXPECT_EQ(*ParseCell(FieldType::kBoolean, "b", plain, Text(yes)),
              Value::Boolean(true))
        << yes;
  }
  ColumnSpec words;
  words.false_words = {"nei"};
  EXPECT_EQ(*ParseCell(FieldType::kBoolean, "b", words, Text("NEI")),
            Value::Boolean(false));
  ColumnSpec dotted;
  dotted.format = "%d.%m.%Y";
  EXPECT_EQ(*ParseCell(FieldType::kDate, "d", dotted, Text("01.02.2020")),
            Value::Date("2020-02-01"));
  EXPECT_EQ(*ParseCell(FieldType::kDateTime, "t", plain,
                       Text("1970-01-01T00:00:01Z")),
            Value::DateTime(1000000));
  ColumnSpec zoned;
  zoned.format = "%Y-%m-%d %H:%M %z";
  EXPECT_EQ(*ParseCell(FieldType::kDateTime, "t", zoned,
                       Text("1970-01-01 01:00 +0100")),
            Value::DateTime(0));
  ColumnSpec split;
  split.separator = "|";
  EXPECT_EQ(*ParseCell(FieldType::kTags, "l", split, Text(" a | b ||")),
            Value::List({"a", "b"}));
  EXPECT_EQ(*ParseCell(FieldType::kTags, "l", plain, Text(R"(["x","y"])")),
            Value::List({"x", "y"}));
  EXPECT_EQ(*ParseCell(FieldType::kText, "s", plain, Text(" keep ")),
            Value::Text(" keep "));
}

TEST(CellParser, RefusalsNameTheFieldAndRule) {
  ColumnSpec plain;
  struct Case {
    FieldType type;
    const char* text;
    Rule rule;
  };
  for (const Case& c : std::initializer_list<Case>{
           {FieldType::kInteger, "4.5", Rule::kType},
           {FieldType::kInteger, "99999999999999999999", Rule::kType},
           {FieldType::kBoolean, "maybe", Rule::kType},
           {FieldType::kDateTime, "yesterday", Rule::kFormat},
           {FieldType::kTags, "[1, 2]", Rule::kType},
           {FieldType::kTags, "[\"open", Rule::kType}}) {
    absl::StatusOr<Value> value = ParseCell(c.type, "f", plain, Text(c.text));
    ASSERT_FALSE(value.ok()) << c.text;
    EXPECT_EQ(RuleIdOf(value.status()), c.rule) << c.text;
    EXPECT_EQ(FieldOf(value.status()), "f") << c.text;
  }
  ColumnSpec dotted;
  dotted.format = "%d.%m.%Y";
  absl::StatusOr<Value> date =
      ParseCell(FieldType::kDate, "d", dotted, Text("2020-02-01"));
  ASSERT_FALSE(date.ok());
  EXPECT_EQ(RuleIdOf(date.status()), Rule::kFormat);
}

}  // namespace
}  // namespace crm::core::import
