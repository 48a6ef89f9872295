// User-defined fields: types, rules, and managing them at run time.
#include <sqlite3.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "test_support.h"

namespace crm_test {
namespace {

std::string Describe(crm_db* db, const char* name) {
  char* json = nullptr;
  EXPECT_EQ(crm_field_describe(&json, db, name), CRM_OK)
      << crm_last_error_message();
  String owned(json);
  return json ? json : "";
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class FieldTest : public ::testing::Test {
 protected:
  Db db_ = OpenDb(":memory:");

  // Creates a customer with one value set by `set`; returns the status.
  template <typename Set>
  int CreateWith(Set set, int64_t* id = nullptr) {
    Record record = NewRecord();
    set(record.get());
    int64_t ignored = 0;
    return crm_customer_create(id ? id : &ignored, db_.get(), record.get(),
                               "test");
  }
};

TEST_F(FieldTest, StandardFieldsAreListedAndDescribed) {
  char* json = nullptr;
  ASSERT_EQ(crm_field_list(&json, db_.get(), 0), CRM_OK);
  String owned(json);
  for (const char* name :
       {"kind", "name", "email", "phone", "company", "street", "city", "region",
        "postal_code", "country", "owner", "stage", "tags", "external_id",
        "created_at", "updated_at"}) {
    EXPECT_TRUE(Contains(json, std::string("\"name\":\"") + name + "\""))
        << name;
  }
  std::string stage = Describe(db_.get(), "stage");
  EXPECT_TRUE(Contains(stage, "\"builtin\":true"));
  EXPECT_TRUE(Contains(stage, "\"prospect\""));
}

TEST_F(FieldTest, EveryTypeRoundTrips) {
  Define(db_.get(), R"({"name": "notes", "type": "long_text"})");
  Define(db_.get(), R"({"name": "seats", "type": "integer"})");
  Define(db_.get(), R"({"name": "mrr", "type": "decimal", "scale": 2})");
  Define(db_.get(), R"({"name": "active", "type": "boolean"})");
  Define(db_.get(), R"({"name": "renewal", "type": "date"})");
  Define(db_.get(), R"({"name": "last_seen", "type": "datetime"})");
  Define(db_.get(),
         R"({"name": "plan", "type": "choice", "options": ["a", "b"]})");
  Define(db_.get(), R"({"name": "channels", "type": "multi_choice",
                        "options": ["phone", "email", "chat"]})");
  Define(db_.get(), R"({"name": "labels", "type": "tags"})");
  Define(db_.get(), R"({"name": "billing_email", "type": "email"})");
  Define(db_.get(), R"({"name": "fax", "type": "phone"})");
  Define(db_.get(), R"({"name": "site", "type": "url"})");
  Define(db_.get(), R"({"name": "parent", "type": "reference"})");
  int64_t parent = 0;
  ASSERT_EQ(
      CreateWith(
          [](crm_record* r) { crm_record_set_text(r, "name", "Parent Co"); },
          &parent),
      CRM_OK);
  const char* channels[] = {"chat", "phone"};
  const char* labels[] = {"ünïcode", "b2b"};
  int64_t id = 0;
  ASSERT_EQ(CreateWith(
                [&](crm_record* r) {
                  crm_record_set_text(r, "notes", "line one\nline two");
                  crm_record_set_integer(r, "seats", -9007199254740993);
                  crm_record_set_decimal(r, "mrr", "1234.5");
                  crm_record_set_boolean(r, "active", 1);
                  crm_record_set_date(r, "renewal", "2024-02-29");
                  crm_record_set_datetime(r, "last_seen", 1700000000123456);
                  crm_record_set_text(r, "plan", "b");
                  crm_record_set_list(r, "channels", channels, 2);
                  crm_record_set_list(r, "labels", labels, 2);
                  crm_record_set_text(r, "billing_email", "ap@example.com");
                  crm_record_set_text(r, "fax", "+49 (30) 123-456");
                  crm_record_set_text(r, "site", "https://example.com/x?y=1");
                  crm_record_set_integer(r, "parent", parent);
                },
                &id),
            CRM_OK)
      << crm_last_error_message();
  Record got = Get(db_.get(), id);
  const crm_record* r = got.get();
  const char* text = nullptr;
  int64_t number = 0;
  int flag = 0;
  size_t size = 0;
  EXPECT_EQ(Text(r, "notes"), "line one\nline two");
  ASSERT_EQ(crm_record_get_integer(&number, r, "seats"), CRM_OK);
  EXPECT_EQ(number, -9007199254740993);
  ASSERT_EQ(crm_record_get_decimal(&text, r, "mrr"), CRM_OK);
  EXPECT_STREQ(text, "1234.50");
  ASSERT_EQ(crm_record_get_boolean(&flag, r, "active"), CRM_OK);
  EXPECT_EQ(flag, 1);
  ASSERT_EQ(crm_record_get_date(&text, r, "renewal"), CRM_OK);
  EXPECT_STREQ(text, "2024-02-29");
  ASSERT_EQ(crm_record_get_datetime(&number, r, "last_seen"), CRM_OK);
  EXPECT_EQ(number, 1700000000123456);
  EXPECT_EQ(Text(r, "plan"), "b");
  ASSERT_EQ(crm_record_get_list_size(&size, r, "channels"), CRM_OK);
  ASSERT_EQ(size, 2u);
  ASSERT_EQ(crm_record_get_list_item(&text, r, "channels", 1), CRM_OK);
  EXPECT_STREQ(text, "phone");
  ASSERT_EQ(crm_record_get_list_item(&text, r, "labels", 0), CRM_OK);
  EXPECT_STREQ(text, "ünïcode");
  EXPECT_EQ(Text(r, "billing_email"), "ap@example.com");
  EXPECT_EQ(Text(r, "fax"), "+49 (30) 123-456");
  EXPECT_EQ(Text(r, "site"), "https://example.com/x?y=1");
  ASSERT_EQ(crm_record_get_integer(&number, r, "parent"), CRM_OK);
  EXPECT_EQ(number, parent);
  EXPECT_EQ(crm_record_kind(r, "mrr"), CRM_VALUE_DECIMAL);
  EXPECT_EQ(crm_record_get_text(&text, r, "seats"), CRM_E_VALIDATION);
}

// A malformed definition is described in libcrm's words, naming the key,
// never in the JSON parser's ("Cannot find field.", "TYPE_INT64").
TEST_F(FieldTest, BadDefinitionJsonNamesTheKeyInPlainWords) {
  int64_t id = 0;
  EXPECT_CRM_ERROR(
      crm_field_define(&id, db_.get(),
                       R"({"name": "a", "type": "text", "groupe": "x"})"),
      CRM_E_INVALID_ARGUMENT, "groupe", "key");
  EXPECT_STREQ(crm_last_error_message(),
               "unknown key 'groupe' in a field definition");
  EXPECT_CRM_ERROR(crm_field_define(&id, db_.get(),
                                    R"({"name": "a", "type": "text",
                                        "default_value": {"nope": 1}})"),
                   CRM_E_INVALID_ARGUMENT, "nope", "key");
  EXPECT_STREQ(crm_last_error_message(),
               "unknown key 'nope' in 'default_value' of a field definition");
  EXPECT_CRM_ERROR(
      crm_field_define(&id, db_.get(),
                       R"({"name": "a", "type": "text", "max_length": "x"})"),
      CRM_E_INVALID_ARGUMENT, "max_length", "type");
  EXPECT_STREQ(crm_last_error_message(),
               "key 'max_length' in a field definition takes a whole number, "
               "not \"x\"");
  EXPECT_CRM_ERROR(crm_field_define(&id, db_.get(), "[1]"),
                   CRM_E_INVALID_ARGUMENT, "", "json");
  EXPECT_STREQ(crm_last_error_message(),
               "a field definition must be a JSON object");
  EXPECT_CRM_ERROR(crm_field_define(&id, db_.get(), R"({"name": )"),
                   CRM_E_INVALID_ARGUMENT, "", "json");
  EXPECT_EQ(std::string(crm_last_error_message()).find('\n'),
            std::string::npos);
  EXPECT_CRM_ERROR(crm_field_update(db_.get(), "name", R"({"lable": "N"})"),
                   CRM_E_INVALID_ARGUMENT, "lable", "key");
  EXPECT_STREQ(crm_last_error_message(),
               "unknown key 'lable' in a field patch");
}

TEST_F(FieldTest, DecimalFieldTakesAnIntegerExactly) {
  Define(db_.get(), R"({"name": "balance", "type": "decimal", "scale": 2,
                        "max": "1000"})");
  Record record = NewRecord();
  crm_record_set_integer(record.get(), "balance", 100);
  Record got = Get(db_.get(), Create(db_.get(), record.get()));
  const char* text = nullptr;
  ASSERT_EQ(crm_record_get_decimal(&text, got.get(), "balance"), CRM_OK);
  EXPECT_STREQ(text, "100.00");
  // The field's rules apply to it as to any decimal.
  Record big = NewRecord();
  crm_record_set_integer(big.get(), "balance", 1001);
  int64_t id = 0;
  EXPECT_CRM_ERROR(crm_customer_create(&id, db_.get(), big.get(), nullptr),
                   CRM_E_VALIDATION, "balance", "max");
}

TEST_F(FieldTest, EachRuleNamesFieldAndRule) {
  Define(db_.get(), R"({"name": "code", "type": "text", "max_length": 5,
                        "pattern": "[A-Z]+[0-9]*"})");
  Define(db_.get(), R"({"name": "seats", "type": "integer", "min": "1",
                        "max": "500"})");
  Define(db_.get(), R"({"name": "mrr", "type": "decimal", "scale": 2,
                        "min": "0.00", "max": "99999.99"})");
  Define(db_.get(), R"({"name": "since", "type": "date",
                        "min": "2000-01-01"})");
  Define(db_.get(),
         R"({"name": "plan", "type": "choice", "options": ["basic"]})");
  Define(db_.get(), R"({"name": "site", "type": "url"})");
  Define(db_.get(), R"({"name": "parent", "type": "reference"})");
  struct Case {
    const char* field;
    const char* rule;
    std::function<void(crm_record*)> set;
  };
  std::vector<Case> cases = {
      {"code", "max_length",
       [](crm_record* r) { crm_record_set_text(r, "code", "ABCDEF"); }},
      {"code", "pattern",
       [](crm_record* r) { crm_record_set_text(r, "code", "ab1"); }},
      {"seats", "min",
       [](crm_record* r) { crm_record_set_integer(r, "seats", 0); }},
      {"seats", "max",
       [](crm_record* r) { crm_record_set_integer(r, "seats", 501); }},
      {"seats", "type",
       [](crm_record* r) { crm_record_set_text(r, "seats", "7"); }},
      {"mrr", "scale",
       [](crm_record* r) { crm_record_set_decimal(r, "mrr", "1.005"); }},
      {"mrr", "format",
       [](crm_record* r) { crm_record_set_decimal(r, "mrr", "1e5"); }},
      {"mrr", "min",
       [](crm_record* r) { crm_record_set_decimal(r, "mrr", "-0.01"); }},
      {"since", "min",
       [](crm_record* r) { crm_record_set_date(r, "since", "1999-12-31"); }},
      {"since", "format",
       [](crm_record* r) { crm_record_set_date(r, "since", "2023-02-29"); }},
      {"plan", "options",
       [](crm_record* r) { crm_record_set_text(r, "plan", "gold"); }},
      {"site", "format",
       [](crm_record* r) { crm_record_set_text(r, "site", "ftp://x"); }},
      {"email", "format",
       [](crm_record* r) { crm_record_set_text(r, "email", "not-an-email"); }},
      {"phone", "format",
       [](crm_record* r) { crm_record_set_text(r, "phone", "call me"); }},
      {"parent", "reference",
       [](crm_record* r) { crm_record_set_integer(r, "parent", 424242); }},
      {"nope", "unknown_field",
       [](crm_record* r) { crm_record_set_text(r, "nope", "x"); }},
      // created_at may be given to a create (crm_customer_create_v2).
      {"updated_at", "read_only",
       [](crm_record* r) { crm_record_set_datetime(r, "updated_at", 1); }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.field) + "/" + c.rule);
    EXPECT_CRM_ERROR(CreateWith(c.set), CRM_E_VALIDATION, c.field, c.rule);
  }
  EXPECT_EQ(Count(db_.get()), 0);
}

TEST_F(FieldTest, RequiredAndDefault) {
  Define(db_.get(), R"({"name": "region_code", "type": "text",
                        "required": true})");
  Define(db_.get(), R"({"name": "tier", "type": "integer",
                        "default_value": {"integer": "2"}})");
  EXPECT_CRM_ERROR(
      CreateWith([](crm_record* r) { crm_record_set_text(r, "name", "x"); }),
      CRM_E_VALIDATION, "region_code", "required");
  int64_t id = 0;
  ASSERT_EQ(
      CreateWith(
          [](crm_record* r) { crm_record_set_text(r, "region_code", "N"); },
          &id),
      CRM_OK);
  Record got = Get(db_.get(), id);
  int64_t tier = 0;
  ASSERT_EQ(crm_record_get_integer(&tier, got.get(), "tier"), CRM_OK);
  EXPECT_EQ(tier, 2);
  EXPECT_EQ(Text(got.get(), "kind"), "person");  // standard default
  Record clear = NewRecord();
  crm_record_set_null(clear.get(), "region_code");
  EXPECT_CRM_ERROR(
      crm_customer_update(nullptr, db_.get(), id, 0, clear.get(), nullptr),
      CRM_E_VALIDATION, "region_code", "required");
}

TEST_F(FieldTest, BadDefinitionsAreRefusedWithTheKey) {
  struct Case {
    const char* json;
    int status;
    const char* rule;
  };
  std::vector<Case> cases = {
      {R"({"name": "Bad Name", "type": "text"})", CRM_E_VALIDATION, "name"},
      {R"({"name": "x; DROP TABLE crm_customers;--", "type": "text"})",
       CRM_E_VALIDATION, "name"},
      {R"({"name": "id", "type": "text"})", CRM_E_VALIDATION, "name"},
      {R"({"name": "email", "type": "text"})", CRM_E_CONSTRAINT, "unique"},
      {R"({"name": "f", "type": "float"})", CRM_E_VALIDATION, "type"},
      {R"({"name": "f", "type": "choice"})", CRM_E_VALIDATION, "options"},
      {R"({"name": "f", "type": "choice", "options": ["a", "a"]})",
       CRM_E_VALIDATION, "options"},
      {R"({"name": "f", "type": "text", "scale": 2})", CRM_E_VALIDATION,
       "scale"},
      {R"({"name": "f", "type": "decimal", "scale": 12})", CRM_E_VALIDATION,
       "scale"},
      {R"({"name": "f", "type": "integer", "min": "5", "max": "1"})",
       CRM_E_VALIDATION, "min"},
      {R"({"name": "f", "type": "integer", "min": "five"})", CRM_E_VALIDATION,
       "min"},
      {R"({"name": "f", "type": "text", "pattern": "(unclosed"})",
       CRM_E_VALIDATION, "pattern"},
      {R"({"name": "f", "type": "tags", "unique": true})", CRM_E_VALIDATION,
       "unique"},
      {R"({"name": "f", "type": "integer", "max": "3",
           "default_value": {"integer": "9"}})",
       CRM_E_VALIDATION, "default_value"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.json);
    int64_t id = 0;
    int rc = crm_field_define(&id, db_.get(), c.json);
    EXPECT_EQ(rc, c.status) << crm_last_error_message();
    EXPECT_STREQ(crm_last_error_rule(), c.rule) << crm_last_error_message();
    EXPECT_EQ(id, 0);
  }
  int64_t id = 0;
  EXPECT_EQ(crm_field_define(&id, db_.get(), R"({"name": "f", "typo": 1})"),
            CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(crm_field_define(&id, db_.get(), "{not json"),
            CRM_E_INVALID_ARGUMENT);
  char* json = nullptr;
  ASSERT_EQ(crm_field_list(&json, db_.get(), CRM_LIST_INCLUDE_ARCHIVED),
            CRM_OK);
  String owned(json);
  EXPECT_FALSE(Contains(json, "\"name\":\"f\""));
}

TEST_F(FieldTest, UniqueFieldRefusesDuplicatesAndIgnoresNulls) {
  Define(db_.get(), R"({"name": "vat_id", "type": "text", "unique": true})");
  ASSERT_EQ(CreateWith([](crm_record* r) {
              crm_record_set_text(r, "vat_id", "DE123");
            }),
            CRM_OK);
  EXPECT_CRM_ERROR(CreateWith([](crm_record* r) {
                     crm_record_set_text(r, "vat_id", "DE123");
                   }),
                   CRM_E_CONSTRAINT, "vat_id", "unique");
  EXPECT_EQ(
      CreateWith([](crm_record* r) { crm_record_set_text(r, "name", "a"); }),
      CRM_OK);
  EXPECT_EQ(
      CreateWith([](crm_record* r) { crm_record_set_text(r, "name", "b"); }),
      CRM_OK);
  EXPECT_EQ(Count(db_.get()), 3);
}

TEST_F(FieldTest, RenameLabelAndNameKeepValues) {
  Define(db_.get(), R"({"name": "plan", "type": "text"})");
  int64_t id = 0;
  ASSERT_EQ(
      CreateWith([](crm_record* r) { crm_record_set_text(r, "plan", "gold"); },
                 &id),
      CRM_OK);
  ASSERT_EQ(crm_field_update(db_.get(), "plan",
                             R"({"label": "Subscription plan",
                                 "name": "subscription"})"),
            CRM_OK)
      << crm_last_error_message();
  Record got = Get(db_.get(), id);
  EXPECT_EQ(Text(got.get(), "subscription"), "gold");
  EXPECT_EQ(Text(got.get(), "plan"), "<none>");
  EXPECT_TRUE(Contains(Describe(db_.get(), "subscription"),
                       "\"label\":\"Subscription plan\""));
  EXPECT_CRM_ERROR(
      crm_field_update(db_.get(), "subscription", R"({"name": "email"})"),
      CRM_E_CONSTRAINT, "email", "unique");
}

TEST_F(FieldTest, AddOptionsToChoiceFields) {
  Define(db_.get(),
         R"({"name": "plan", "type": "choice", "options": ["basic"]})");
  EXPECT_EQ(CreateWith([](crm_record* r) {
              crm_record_set_text(r, "plan", "premium");
            }),
            CRM_E_VALIDATION);
  ASSERT_EQ(
      crm_field_update(db_.get(), "plan", R"({"add_options": ["premium"]})"),
      CRM_OK);
  EXPECT_EQ(CreateWith([](crm_record* r) {
              crm_record_set_text(r, "plan", "premium");
            }),
            CRM_OK);
  // Standard choice fields accept new options too.
  ASSERT_EQ(
      crm_field_update(db_.get(), "stage", R"({"add_options": ["churned"]})"),
      CRM_OK);
  EXPECT_EQ(CreateWith([](crm_record* r) {
              crm_record_set_text(r, "stage", "churned");
            }),
            CRM_OK);
  EXPECT_CRM_ERROR(
      crm_field_update(db_.get(), "stage", R"({"add_options": ["lead"]})"),
      CRM_E_VALIDATION, "stage", "options");
}

TEST_F(FieldTest, ArchiveHidesRestoreBringsBackDeleteRemoves) {
  Define(db_.get(), R"({"name": "legacy_code", "type": "text"})");
  int64_t id = 0;
  ASSERT_EQ(
      CreateWith(
          [](crm_record* r) { crm_record_set_text(r, "legacy_code", "L-1"); },
          &id),
      CRM_OK);
  ASSERT_EQ(crm_field_archive(db_.get(), "legacy_code"), CRM_OK);
  EXPECT_EQ(Text(Get(db_.get(), id).get(), "legacy_code"), "<none>");
  EXPECT_CRM_ERROR(CreateWith([](crm_record* r) {
                     crm_record_set_text(r, "legacy_code", "L-2");
                   }),
                   CRM_E_VALIDATION, "legacy_code", "archived");
  char* json = nullptr;
  ASSERT_EQ(crm_field_list(&json, db_.get(), 0), CRM_OK);
  String active(json);
  EXPECT_FALSE(Contains(json, "legacy_code"));
  EXPECT_TRUE(
      Contains(Describe(db_.get(), "legacy_code"), "\"status\":\"archived\""));

  ASSERT_EQ(crm_field_restore(db_.get(), "legacy_code"), CRM_OK);
  EXPECT_EQ(Text(Get(db_.get(), id).get(), "legacy_code"), "L-1");

  ASSERT_EQ(crm_field_delete(db_.get(), "legacy_code"), CRM_OK);
  EXPECT_EQ(crm_field_describe(&json, db_.get(), "legacy_code"),
            CRM_E_NOT_FOUND);
  // The name is free again, and the new field starts empty.
  Define(db_.get(), R"({"name": "legacy_code", "type": "integer"})");
  EXPECT_EQ(crm_record_kind(Get(db_.get(), id).get(), "legacy_code"),
            CRM_VALUE_NULL);
}

TEST_F(FieldTest, StandardFieldsCannotBeArchivedDeletedOrRetyped) {
  EXPECT_CRM_ERROR(crm_field_archive(db_.get(), "email"), CRM_E_VALIDATION,
                   "email", "builtin");
  EXPECT_CRM_ERROR(crm_field_delete(db_.get(), "name"), CRM_E_VALIDATION,
                   "name", "builtin");
  EXPECT_CRM_ERROR(crm_field_update(db_.get(), "phone", R"({"type": "text"})"),
                   CRM_E_VALIDATION, "phone", "builtin");
  EXPECT_EQ(crm_field_update(db_.get(), "city",
                             R"({"label": "Town", "indexed": true})"),
            CRM_OK);
  EXPECT_TRUE(Contains(Describe(db_.get(), "city"), "\"label\":\"Town\""));
}

TEST_F(FieldTest, LosslessTypeChangesConvertValues) {
  Define(db_.get(), R"({"name": "seats", "type": "integer"})");
  Define(db_.get(), R"({"name": "start", "type": "date"})");
  Define(db_.get(),
         R"({"name": "plan", "type": "choice", "options": ["a", "b"]})");
  int64_t id = 0;
  ASSERT_EQ(CreateWith(
                [](crm_record* r) {
                  crm_record_set_integer(r, "seats", 12);
                  crm_record_set_date(r, "start", "2024-03-01");
                  crm_record_set_text(r, "plan", "b");
                },
                &id),
            CRM_OK);
  ASSERT_EQ(crm_field_update(db_.get(), "seats",
                             R"({"type": "decimal", "scale": 2})"),
            CRM_OK)
      << crm_last_error_message();
  ASSERT_EQ(crm_field_update(db_.get(), "start", R"({"type": "datetime"})"),
            CRM_OK);
  ASSERT_EQ(crm_field_update(db_.get(), "plan", R"({"type": "multi_choice"})"),
            CRM_OK);
  Record got = Get(db_.get(), id);
  const char* text = nullptr;
  int64_t us = 0;
  ASSERT_EQ(crm_record_get_decimal(&text, got.get(), "seats"), CRM_OK);
  EXPECT_STREQ(text, "12.00");
  ASSERT_EQ(crm_record_get_datetime(&us, got.get(), "start"), CRM_OK);
  EXPECT_EQ(us, 1709251200000000);
  ASSERT_EQ(crm_record_get_list_item(&text, got.get(), "plan", 0), CRM_OK);
  EXPECT_STREQ(text, "b");
}

TEST_F(FieldTest, LossyTypeChangesAreRefusedAndChangeNothing) {
  Define(db_.get(), R"({"name": "amount", "type": "decimal", "scale": 2})");
  Define(db_.get(), R"({"name": "contact", "type": "text"})");
  int64_t id = 0;
  ASSERT_EQ(CreateWith(
                [](crm_record* r) {
                  crm_record_set_decimal(r, "amount", "10.25");
                  crm_record_set_text(r, "contact", "not an email");
                },
                &id),
            CRM_OK);
  EXPECT_CRM_ERROR(
      crm_field_update(db_.get(), "amount", R"({"type": "integer"})"),
      CRM_E_VALIDATION, "amount", "type");
  EXPECT_CRM_ERROR(crm_field_update(db_.get(), "amount", R"({"scale": 1})"),
                   CRM_E_VALIDATION, "amount", "type");
  EXPECT_CRM_ERROR(
      crm_field_update(db_.get(), "contact", R"({"type": "email"})"),
      CRM_E_VALIDATION, "contact", "type");
  EXPECT_CRM_ERROR(
      crm_field_update(db_.get(), "contact", R"({"type": "boolean"})"),
      CRM_E_VALIDATION, "contact", "type");
  Record got = Get(db_.get(), id);
  const char* text = nullptr;
  ASSERT_EQ(crm_record_get_decimal(&text, got.get(), "amount"), CRM_OK);
  EXPECT_STREQ(text, "10.25");
  EXPECT_TRUE(Contains(Describe(db_.get(), "amount"), "\"type\":\"decimal\""));
}

// Converting a unique field rewrites its values one customer at a time: a
// converted value may equal another customer's value that is not converted
// yet (scale 2 to 3 turns 0.10 into the stored 100 that 1.00 still is).
TEST_F(FieldTest, UniqueValuesConvertEvenWhenOneBecomesAnothersOldValue) {
  Define(db_.get(),
         R"({"name": "ref", "type": "decimal", "scale": 2, "unique": true})");
  Define(db_.get(), R"({"name": "seat", "type": "integer", "unique": true})");
  std::vector<int64_t> ids;
  for (const auto& [ref, seat] : std::vector<std::pair<const char*, int64_t>>{
           {"0.10", 12}, {"1.00", 1200}}) {
    int64_t id = 0;
    ASSERT_EQ(CreateWith(
                  [&](crm_record* r) {
                    crm_record_set_decimal(r, "ref", ref);
                    crm_record_set_integer(r, "seat", seat);
                  },
                  &id),
              CRM_OK)
        << crm_last_error_message();
    ids.push_back(id);
  }
  ASSERT_EQ(crm_field_update(db_.get(), "ref", R"({"scale": 3})"), CRM_OK)
      << crm_last_error_message();
  ASSERT_EQ(
      crm_field_update(db_.get(), "seat", R"({"type": "decimal", "scale": 2})"),
      CRM_OK)
      << crm_last_error_message();
  const char* expected[][2] = {{"0.100", "12.00"}, {"1.000", "1200.00"}};
  for (size_t i = 0; i < ids.size(); ++i) {
    Record got = Get(db_.get(), ids[i]);
    const char* text = nullptr;
    ASSERT_EQ(crm_record_get_decimal(&text, got.get(), "ref"), CRM_OK);
    EXPECT_STREQ(text, expected[i][0]);
    ASSERT_EQ(crm_record_get_decimal(&text, got.get(), "seat"), CRM_OK);
    EXPECT_STREQ(text, expected[i][1]);
  }
  // Still unique after the conversion.
  EXPECT_CRM_ERROR(CreateWith([](crm_record* r) {
                     crm_record_set_decimal(r, "ref", "0.1");
                   }),
                   CRM_E_CONSTRAINT, "ref", "unique");
}

TEST_F(FieldTest, MakingAFieldUniqueFailsOverDuplicates) {
  Define(db_.get(), R"({"name": "vat_id", "type": "text"})");
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(CreateWith([](crm_record* r) {
                crm_record_set_text(r, "vat_id", "DE1");
              }),
              CRM_OK);
  }
  EXPECT_CRM_ERROR(crm_field_update(db_.get(), "vat_id", R"({"unique": true})"),
                   CRM_E_CONSTRAINT, "vat_id", "unique");
  EXPECT_TRUE(Contains(Describe(db_.get(), "vat_id"), "\"unique\":false"));
}

TEST_F(FieldTest, FiveHundredFieldsInTwoGroups) {
  ASSERT_EQ(crm_begin(db_.get()), CRM_OK);
  for (int i = 0; i < 500; ++i) {
    std::string json = "{\"name\": \"f" + std::to_string(i) +
                       "\", \"type\": \"" + (i % 2 ? "integer" : "text") +
                       "\", \"group\": \"" + (i % 2 ? "finance" : "sales") +
                       "\"}";
    Define(db_.get(), json);
  }
  ASSERT_EQ(crm_commit(db_.get()), CRM_OK);
  int64_t id = 0;
  ASSERT_EQ(CreateWith(
                [](crm_record* r) {
                  crm_record_set_text(r, "f0", "first");
                  crm_record_set_integer(r, "f499", 499);
                },
                &id),
            CRM_OK);
  Record got = Get(db_.get(), id);
  EXPECT_EQ(Text(got.get(), "f0"), "first");
  int64_t value = 0;
  ASSERT_EQ(crm_record_get_integer(&value, got.get(), "f499"), CRM_OK);
  EXPECT_EQ(value, 499);
  // Only the values it holds come back, not 500 empty fields.
  EXPECT_LT(crm_record_field_count(got.get()), 8u);
}

TEST(FieldIndex, IndexedAndUniqueFieldsGetAnIndexOnTheirColumn) {
  TempDir dir;
  std::string path = dir.File("index.crm");
  int64_t indexed = 0, plain = 0;
  {
    Db db = OpenDb(path);
    indexed = Define(db.get(), R"({"name": "region_code", "type": "text",
                                   "indexed": true})");
    plain = Define(db.get(), R"({"name": "note", "type": "text"})");
    ASSERT_EQ(crm_field_update(db.get(), "note", R"({"unique": true})"),
              CRM_OK);
    ASSERT_EQ(
        crm_field_update(db.get(), "region_code", R"({"indexed": false})"),
        CRM_OK);
  }
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  auto index_sql = [&](int64_t field_id) {
    std::string column = "f_" + std::to_string(field_id);
    std::string query =
        "SELECT sql FROM sqlite_schema WHERE type = 'index' AND sql LIKE "
        "'%\"" +
        column + "\"%'";
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(raw, query.c_str(), -1, &stmt, nullptr);
    std::string sql =
        sqlite3_step(stmt) == SQLITE_ROW
            ? reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))
            : "";
    sqlite3_finalize(stmt);
    return sql;
  };
  EXPECT_EQ(index_sql(indexed), "");  // dropped again
  EXPECT_TRUE(Contains(index_sql(plain), "UNIQUE")) << index_sql(plain);
  sqlite3_close(raw);
}

}  // namespace
}  // namespace crm_test
