// Bad input gets a named status and a message, never a crash, and never
// changes stored data.
#include <string>

#include "test_support.h"

namespace crm_test {
namespace {

const char kBadUtf8[] = "caf\xc3(";  // truncated two-byte sequence

class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Define(db_.get(), R"({"name": "notes", "type": "long_text"})");
    Record record = NewRecord();
    crm_record_set_text(record.get(), "name", "Ada");
    crm_record_set_text(record.get(), "email", "ada@example.com");
    ada_ = Create(db_.get(), record.get());
  }

  // The stored state stays exactly as SetUp left it.
  void ExpectUnchanged() {
    EXPECT_EQ(Count(db_.get()), 1);
    Record got = Get(db_.get(), ada_);
    EXPECT_EQ(Text(got.get(), "name"), "Ada");
    EXPECT_EQ(crm_record_version(got.get()), 1);
  }

  Db db_ = OpenDb(":memory:");
  int64_t ada_ = 0;
};

TEST_F(BadInputTest, NullHandlesAndPointers) {
  int64_t id = 0;
  crm_record* record = nullptr;
  char* json = nullptr;
  Record valid = NewRecord();
  EXPECT_EQ(crm_open(nullptr, ":memory:", nullptr), CRM_E_INVALID_ARGUMENT);
  crm_db* db = nullptr;
  EXPECT_EQ(crm_open(&db, nullptr, nullptr), CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(crm_begin(nullptr), CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(crm_customer_create(&id, nullptr, valid.get(), nullptr),
            CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(crm_customer_create(nullptr, db_.get(), valid.get(), nullptr),
            CRM_E_INVALID_ARGUMENT);
  EXPECT_CRM_ERROR(crm_customer_create(&id, db_.get(), nullptr, nullptr),
                   CRM_E_INVALID_ARGUMENT, "", "record");
  EXPECT_EQ(crm_customer_get(nullptr, db_.get(), ada_), CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(crm_customer_get_by_email(&record, db_.get(), nullptr),
            CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(crm_customer_update(nullptr, db_.get(), ada_, 0, nullptr, nullptr),
            CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(crm_field_define(&id, db_.get(), nullptr), CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(crm_field_describe(nullptr, db_.get(), "name"),
            CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(crm_field_list(&json, nullptr, 0), CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(crm_field_archive(db_.get(), nullptr), CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(crm_record_new(nullptr), CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(crm_record_set_text(nullptr, "name", "x"), CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(crm_record_set_text(valid.get(), nullptr, "x"),
            CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(crm_record_set_text(valid.get(), "name", nullptr),
            CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(crm_record_set_list(valid.get(), "tags", nullptr, 2),
            CRM_E_INVALID_ARGUMENT);
  const char* text = nullptr;
  EXPECT_EQ(crm_record_get_text(&text, nullptr, "name"),
            CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(crm_record_get_text(nullptr, valid.get(), "name"),
            CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(crm_record_field_count(nullptr), 0u);
  EXPECT_STREQ(crm_record_field_name(nullptr, 0), "");
  EXPECT_EQ(crm_record_kind(nullptr, "name"), CRM_VALUE_NULL);
  EXPECT_EQ(crm_batch_report_size(nullptr), 0u);
  crm_close(nullptr);
  crm_record_free(nullptr);
  crm_batch_report_free(nullptr);
  crm_string_free(nullptr);
  ExpectUnchanged();
}

TEST_F(BadInputTest, OutParametersAreClearedOnEveryFailure) {
  int64_t out = -1;
  EXPECT_EQ(crm_field_define(&out, db_.get(), "{\"name\": \"\xff\"}"),
            CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(out, 0);
  out = -1;
  EXPECT_EQ(crm_customer_create(&out, db_.get(), nullptr, nullptr),
            CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(out, 0);
  out = -1;
  int created = -1;
  EXPECT_EQ(crm_customer_upsert(&out, &created, db_.get(), nullptr, nullptr),
            CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(out, 0);
  EXPECT_EQ(created, 0);
  out = -1;
  EXPECT_EQ(crm_customer_update(&out, db_.get(), ada_, 0, nullptr, nullptr),
            CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(out, 0);
  out = -1;
  EXPECT_EQ(crm_event_append(&out, &created, db_.get(), nullptr),
            CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(out, 0);
  int version = -1;
  EXPECT_EQ(crm_db_schema_version(&version, nullptr), CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(version, 0);
  Record record = NewRecord();
  crm_record_set_text(record.get(), "name", "x");
  const char* text = "stale";
  EXPECT_EQ(crm_record_get_text(&text, record.get(), "city"), CRM_E_NOT_FOUND);
  EXPECT_EQ(text, nullptr);
}

TEST_F(BadInputTest, InvalidUtf8IsRejectedNeverStored) {
  Record record = NewRecord();
  EXPECT_CRM_ERROR(crm_record_set_text(record.get(), "name", kBadUtf8),
                   CRM_E_INVALID_ARGUMENT, "name", "utf8");
  EXPECT_EQ(crm_record_set_text(record.get(), kBadUtf8, "x"),
            CRM_E_INVALID_ARGUMENT);
  const char* items[] = {"ok", kBadUtf8};
  EXPECT_EQ(crm_record_set_list(record.get(), "tags", items, 2),
            CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(crm_record_field_count(record.get()), 0u);
  int64_t id = 0;
  std::string definition =
      std::string(R"({"name": "x", "type": "text", "label": ")") + kBadUtf8 +
      "\"}";
  EXPECT_EQ(crm_field_define(&id, db_.get(), definition.c_str()),
            CRM_E_INVALID_ARGUMENT);
  crm_record* found = nullptr;
  EXPECT_EQ(crm_customer_get_by_email(&found, db_.get(), kBadUtf8),
            CRM_E_INVALID_ARGUMENT);
  Record valid = NewRecord();
  crm_record_set_text(valid.get(), "name", "x");
  EXPECT_CRM_ERROR(crm_customer_create(&id, db_.get(), valid.get(), kBadUtf8),
                   CRM_E_INVALID_ARGUMENT, "", "utf8");
  // Overlong encodings and UTF-16 surrogates are not UTF-8 either.
  EXPECT_EQ(crm_record_set_text(record.get(), "name", "\xc0\xaf"),
            CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(crm_record_set_text(record.get(), "name", "\xed\xa0\x80"),
            CRM_E_INVALID_ARGUMENT);
  ExpectUnchanged();
}

TEST_F(BadInputTest, OversizedValuesAreRefused) {
  std::string huge(100 * 1024 * 1024, 'x');
  Record record = NewRecord();
  ASSERT_EQ(crm_record_set_text(record.get(), "notes", huge.c_str()), CRM_OK);
  int64_t id = 0;
  EXPECT_CRM_ERROR(crm_customer_create(&id, db_.get(), record.get(), nullptr),
                   CRM_E_VALIDATION, "notes", "max_length");
  Record name = NewRecord();
  crm_record_set_text(name.get(), "name", std::string(70000, 'n').c_str());
  EXPECT_CRM_ERROR(
      crm_customer_update(nullptr, db_.get(), ada_, 0, name.get(), nullptr),
      CRM_E_VALIDATION, "name", "max_length");
  std::string long_actor(300, 'a');
  Record ok = NewRecord();
  crm_record_set_text(ok.get(), "city", "x");
  EXPECT_CRM_ERROR(crm_customer_update(nullptr, db_.get(), ada_, 0, ok.get(),
                                       long_actor.c_str()),
                   CRM_E_INVALID_ARGUMENT, "", "actor");
  ExpectUnchanged();
}

TEST_F(BadInputTest, UnknownIdsAndBadIds) {
  crm_record* record = nullptr;
  EXPECT_EQ(crm_customer_get(&record, db_.get(), 987654), CRM_E_NOT_FOUND);
  EXPECT_EQ(crm_customer_get(&record, db_.get(), 0), CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(crm_customer_get(&record, db_.get(), -1), CRM_E_INVALID_ARGUMENT);
  EXPECT_EQ(crm_customer_delete(db_.get(), 987654, 0, nullptr),
            CRM_E_NOT_FOUND);
  Record changes = NewRecord();
  EXPECT_EQ(
      crm_customer_update(nullptr, db_.get(), ada_, -3, changes.get(), nullptr),
      CRM_E_INVALID_ARGUMENT);
  EXPECT_CRM_ERROR(crm_field_archive(db_.get(), "no_such_field"),
                   CRM_E_NOT_FOUND, "no_such_field", "unknown_field");
  ExpectUnchanged();
}

TEST_F(BadInputTest, SqlLookingTextIsJustText) {
  const char* hostile = "x'); DROP TABLE crm_customers; --";
  Record record = NewRecord();
  crm_record_set_text(record.get(), "name", hostile);
  int64_t id = Create(db_.get(), record.get());
  EXPECT_EQ(Text(Get(db_.get(), id).get(), "name"), hostile);
  Record field_name = NewRecord();
  crm_record_set_text(field_name.get(), "name\"; DROP TABLE x; --", "v");
  EXPECT_CRM_ERROR(
      crm_customer_create(&id, db_.get(), field_name.get(), nullptr),
      CRM_E_VALIDATION, "name\"; DROP TABLE x; --", "unknown_field");
  crm_record* found = nullptr;
  EXPECT_EQ(crm_customer_get_by_external_id(&found, db_.get(), "' OR 1=1 --"),
            CRM_E_NOT_FOUND);
  EXPECT_EQ(Count(db_.get()), 2);
}

TEST_F(BadInputTest, ErrorMessagesSayWhatWentWrong) {
  Record record = NewRecord();
  crm_record_set_text(record.get(), "email", "ada@example.com");
  int64_t id = 0;
  ASSERT_EQ(crm_customer_create(&id, db_.get(), record.get(), nullptr),
            CRM_E_CONSTRAINT);
  EXPECT_EQ(crm_last_error_code(), CRM_E_CONSTRAINT);
  EXPECT_NE(std::string(crm_last_error_message()).find("email"),
            std::string::npos);
  EXPECT_STREQ(crm_status_name(CRM_E_CONSTRAINT), "CRM_E_CONSTRAINT");
  EXPECT_STREQ(crm_status_name(9999), "CRM_E_UNKNOWN");
  ExpectUnchanged();
}

TEST_F(BadInputTest, ValueOfTheWrongKindIsATypeError) {
  Record record = NewRecord();
  crm_record_set_integer(record.get(), "name", 5);
  int64_t id = 0;
  EXPECT_CRM_ERROR(crm_customer_create(&id, db_.get(), record.get(), nullptr),
                   CRM_E_VALIDATION, "name", "type");
  Record dt = NewRecord();
  crm_record_set_datetime(dt.get(), "updated_at", INT64_MAX);
  EXPECT_CRM_ERROR(crm_customer_create(&id, db_.get(), dt.get(), nullptr),
                   CRM_E_VALIDATION, "updated_at", "read_only");
  ExpectUnchanged();
}

}  // namespace
}  // namespace crm_test
