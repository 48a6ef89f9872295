// Match keys kept current on every write, duplicate settings, and a file of
// the previous layout getting keys (crm.h "Duplicates"), on the backend
// under test.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "test_support.h"

namespace crm_test {
namespace {

std::string Keys(crm_db* db, int64_t id) {
  char* json = nullptr;
  EXPECT_EQ(crm_customer_match_keys(&json, db, id), CRM_OK)
      << crm_last_error_message();
  String owned(json);
  return json == nullptr ? "" : json;
}

bool Has(const std::string& keys, const std::string& kind,
         const std::string& key) {
  return keys.find("{\"kind\":\"" + kind + "\",\"key\":\"" + key + "\"}") !=
         std::string::npos;
}

int64_t CreatePerson(crm_db* db, const char* name, const char* email,
                     const char* phone) {
  Record record = NewRecord();
  crm_record_set_text(record.get(), "name", name);
  if (email) crm_record_set_text(record.get(), "email", email);
  if (phone) crm_record_set_text(record.get(), "phone", phone);
  return Create(db, record.get());
}

class MatchKeysTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(MatchKeysTest, KeptCurrentOnCreateUpdateDelete) {
  Db db = OpenDb(dir_.File("keys.crm"));
  int64_t id =
      CreatePerson(db.get(), "Jane Doe", "Jane.Doe@Example.com", "+4790000000");
  std::string keys = Keys(db.get(), id);
  EXPECT_TRUE(Has(keys, "email", "jane.doe@example.com")) << keys;
  EXPECT_TRUE(Has(keys, "phone", "+4790000000")) << keys;
  EXPECT_TRUE(Has(keys, "name", "doe jane")) << keys;

  // A new phone replaces the phone key.
  Record change = NewRecord();
  crm_record_set_text(change.get(), "phone", "+4791111111");
  ASSERT_EQ(crm_customer_update(nullptr, db.get(), id, 0, change.get(), "t"),
            CRM_OK)
      << crm_last_error_message();
  keys = Keys(db.get(), id);
  EXPECT_TRUE(Has(keys, "phone", "+4791111111")) << keys;
  EXPECT_FALSE(Has(keys, "phone", "+4790000000")) << keys;
  EXPECT_TRUE(Has(keys, "email", "jane.doe@example.com")) << keys;

  // An unrelated field keeps them.
  Record city = NewRecord();
  crm_record_set_text(city.get(), "city", "Oslo");
  ASSERT_EQ(crm_customer_update(nullptr, db.get(), id, 0, city.get(), "t"),
            CRM_OK);
  EXPECT_EQ(Keys(db.get(), id), keys);

  ASSERT_EQ(crm_customer_delete(db.get(), id, 0, "t"), CRM_OK);
  char* json = nullptr;
  EXPECT_EQ(crm_customer_match_keys(&json, db.get(), id), CRM_E_NOT_FOUND);
  EXPECT_EQ(json, nullptr);
}

TEST_F(MatchKeysTest, UnknownCustomerAndBadIdAreRefused) {
  Db db = OpenDb(dir_.File("bad.crm"));
  char* json = nullptr;
  EXPECT_EQ(crm_customer_match_keys(&json, db.get(), 42), CRM_E_NOT_FOUND);
  EXPECT_CRM_ERROR(crm_customer_match_keys(&json, db.get(), 0),
                   CRM_E_INVALID_ARGUMENT, "", "id");
}

TEST_F(MatchKeysTest, SettingsSetGetAndBadValues) {
  Db db = OpenDb(dir_.File("settings.crm"));
  char* json = nullptr;
  ASSERT_EQ(crm_duplicate_settings_get(&json, db.get()), CRM_OK);
  EXPECT_STREQ(json, R"({"default_region":""})");
  crm_string_free(json);

  EXPECT_CRM_ERROR(crm_duplicate_settings_set(db.get(), "[1]"),
                   CRM_E_INVALID_ARGUMENT, "", "settings_json");
  EXPECT_CRM_ERROR(crm_duplicate_settings_set(db.get(), "{"),
                   CRM_E_INVALID_ARGUMENT, "", "settings_json");
  EXPECT_CRM_ERROR(
      crm_duplicate_settings_set(db.get(), R"({"default_region": "XX"})"),
      CRM_E_VALIDATION, "default_region", "duplicate");
  EXPECT_CRM_ERROR(
      crm_duplicate_settings_set(db.get(), R"({"default_region": "no"})"),
      CRM_E_VALIDATION, "default_region", "duplicate");
  EXPECT_CRM_ERROR(
      crm_duplicate_settings_set(db.get(), R"({"default_region": 47})"),
      CRM_E_VALIDATION, "default_region", "duplicate");
  EXPECT_CRM_ERROR(crm_duplicate_settings_set(db.get(), R"({"region": "NO"})"),
                   CRM_E_VALIDATION, "region", "duplicate");

  ASSERT_EQ(crm_duplicate_settings_set(db.get(), R"({"default_region": "NO"})"),
            CRM_OK)
      << crm_last_error_message();
  ASSERT_EQ(crm_duplicate_settings_get(&json, db.get()), CRM_OK);
  EXPECT_STREQ(json, R"({"default_region":"NO"})");
  crm_string_free(json);
}

TEST_F(MatchKeysTest, RegionChangeRebuildsPhoneKeys) {
  const std::string path = dir_.File("region.crm");
  int64_t id = 0;
  {
    Db db = OpenDb(path);
    id = CreatePerson(db.get(), "Ola Nordmann", nullptr, "90000000");
    EXPECT_TRUE(Has(Keys(db.get(), id), "phone", "?90000000"))
        << Keys(db.get(), id);
    ASSERT_EQ(
        crm_duplicate_settings_set(db.get(), R"({"default_region": "NO"})"),
        CRM_OK)
        << crm_last_error_message();
    std::string keys = Keys(db.get(), id);
    EXPECT_TRUE(Has(keys, "phone", "+4790000000")) << keys;
    EXPECT_FALSE(Has(keys, "phone", "?90000000")) << keys;
    // Later writes use the region too.
    int64_t other = CreatePerson(db.get(), "Kari", nullptr, "91111111");
    EXPECT_TRUE(Has(Keys(db.get(), other), "phone", "+4791111111"));
  }
  // The setting is stored: a new handle sees it.
  Db db = OpenDb(path);
  char* json = nullptr;
  ASSERT_EQ(crm_duplicate_settings_get(&json, db.get()), CRM_OK);
  EXPECT_STREQ(json, R"({"default_region":"NO"})");
  crm_string_free(json);
  EXPECT_TRUE(Has(Keys(db.get(), id), "phone", "+4790000000"));
}

TEST_F(MatchKeysTest, RestrictedHandle) {
  Db db = OpenDb(dir_.File("restricted.crm"));
  ASSERT_EQ(crm_profile_define(db.get(), R"({"name": "desk",
      "fields": {"name": "read_write", "owner": "read_write",
                 "email": "masked", "phone": "hidden"},
      "scope": "owner = :actor"})"),
            CRM_OK)
      << crm_last_error_message();
  Record record = NewRecord();
  crm_record_set_text(record.get(), "name", "Jane Doe");
  crm_record_set_text(record.get(), "email", "jane@example.com");
  crm_record_set_text(record.get(), "phone", "+4790000000");
  crm_record_set_text(record.get(), "owner", "ann");
  int64_t mine = Create(db.get(), record.get());
  int64_t theirs = CreatePerson(db.get(), "Someone Else", nullptr, nullptr);

  Db view = RestrictTo(db.get(), "desk", "ann");
  std::string keys = Keys(view.get(), mine);
  EXPECT_TRUE(Has(keys, "name", "doe jane")) << keys;
  EXPECT_EQ(keys.find("\"email"), std::string::npos) << keys;
  EXPECT_EQ(keys.find("\"phone\""), std::string::npos) << keys;
  EXPECT_EQ(keys.find("example"), std::string::npos) << keys;
  char* json = nullptr;
  EXPECT_EQ(crm_customer_match_keys(&json, view.get(), theirs),
            CRM_E_NOT_FOUND);
  EXPECT_CRM_ERROR(
      crm_duplicate_settings_set(view.get(), R"({"default_region": "NO"})"),
      CRM_E_DENIED, "", "operation");
}

// A load and a copy carry the settings, and the keys are made again under
// them: a national number reads as Norwegian only with the source's region.
TEST_F(MatchKeysTest, DumpLoadAndCopyGiveKeysUnderTheSourceSettings) {
  Db db = OpenDb(dir_.File("source.crm"));
  ASSERT_EQ(crm_duplicate_settings_set(db.get(), R"({"default_region": "NO"})"),
            CRM_OK)
      << crm_last_error_message();
  int64_t id =
      CreatePerson(db.get(), "Jane Doe", "jane@example.com", "900 00 000");
  const std::string dump = dir_.File("source.dump");
  ASSERT_EQ(crm_dump(db.get(), dump.c_str(), nullptr), CRM_OK)
      << crm_last_error_message();
  Db loaded = OpenDb(dir_.File("loaded.crm"));
  ASSERT_EQ(crm_load(loaded.get(), dump.c_str(), nullptr), CRM_OK)
      << crm_last_error_message();
  Db copied = OpenDb(dir_.File("copied.crm"));
  ASSERT_EQ(crm_workspace_copy(copied.get(), db.get()), CRM_OK)
      << crm_last_error_message();
  for (crm_db* target : {loaded.get(), copied.get()}) {
    const std::string keys = Keys(target, id);
    EXPECT_TRUE(Has(keys, "email", "jane@example.com")) << keys;
    EXPECT_TRUE(Has(keys, "phone", "+4790000000")) << keys;
    EXPECT_EQ(Keys(target, id), Keys(db.get(), id));
  }
}

// A file of the layout before match keys opens, migrates and gets keys.
TEST(MatchKeysMigration, OlderFileGetsKeysOnFirstWritableOpen) {
  TempDir dir;
  const std::string path = dir.File("old.crm");
  {
    Db db = OpenDb(path);
    CreatePerson(db.get(), "Jane Doe", "jane@example.com", "+4790000000");
  }
  {
    // Back to layout 9, the one before match keys (layout 10): the keys'
    // tables and flag gone, and the merges' table of layout 11.
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
    std::string sql =
        "DROP TABLE crm_match_keys; DROP TABLE crm_duplicate_rules; "
        "DROP TABLE crm_settings; DROP TABLE crm_merges; DELETE FROM "
        "crm_meta WHERE key = 'match_keys_pending'; PRAGMA user_version = 9";
    EXPECT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(raw);
    sqlite3_close(raw);
  }
  Db db = OpenDb(path);
  ASSERT_NE(db, nullptr);
  std::string keys = Keys(db.get(), 1);
  EXPECT_TRUE(Has(keys, "email", "jane@example.com")) << keys;
  EXPECT_TRUE(Has(keys, "phone", "+4790000000")) << keys;
}

}  // namespace
}  // namespace crm_test
