// crm_duplicates_find and crm_duplicate_find_options_init (crm.h
// "Duplicates"), on both backends. The tests that need rules skip while
// crm_duplicate_rule_define is not built (CRM_E_UNSUPPORTED).
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "crm/crm.h"
#include "test_support.h"

namespace crm_test {
namespace {

class DuplicateFindTest : public ::testing::Test {
 protected:
  int64_t Add(const std::string& name, const std::string& email,
              const std::string& phone, const char* kind = "person") {
    Record record = NewRecord();
    crm_record_set_text(record.get(), "kind", kind);
    crm_record_set_text(record.get(), "name", name.c_str());
    if (!email.empty())
      crm_record_set_text(record.get(), "email", email.c_str());
    if (!phone.empty())
      crm_record_set_text(record.get(), "phone", phone.c_str());
    return Create(db_.get(), record.get());
  }

  // Defines the two rules of the tests below.
  void DefineRules() {
    const char* rules[] = {
        R"({"name": "same_email", "compare": [{"key": "email"}]})",
        R"({"name": "same_phone_similar_name", "applies_to": "person",
            "compare": [{"key": "phone"},
                        {"key": "name", "min_similarity": 0.8}]})"};
    for (const char* rule : rules) {
      ASSERT_EQ(crm_duplicate_rule_define(db_.get(), rule), CRM_OK)
          << crm_last_error_message();
    }
  }

  std::string Find(crm_db* db, const crm_duplicate_find_options* options) {
    char* json = nullptr;
    EXPECT_EQ(crm_duplicates_find(&json, db, options), CRM_OK)
        << crm_last_error_message();
    String owned(json);
    return json != nullptr ? json : "";
  }

  crm_duplicate_find_options Options() {
    crm_duplicate_find_options options = CRM_DUPLICATE_FIND_OPTIONS_INIT;
    return options;
  }

  TempDir dir_;
  Db db_ = OpenDb(dir_.File("find.crm"));
};

TEST_F(DuplicateFindTest, OptionsInitGivesTheMacrosValues) {
  crm_duplicate_find_options options;
  std::memset(&options, 0x5a, sizeof options);
  ASSERT_EQ(crm_duplicate_find_options_init(&options, sizeof options), CRM_OK);
  crm_duplicate_find_options expected = CRM_DUPLICATE_FIND_OPTIONS_INIT;
  EXPECT_EQ(options.struct_size, expected.struct_size);
  EXPECT_EQ(options.rules, expected.rules);
  EXPECT_EQ(options.after_id, expected.after_id);
  EXPECT_EQ(options.page_customers, expected.page_customers);
  EXPECT_EQ(options.progress, expected.progress);
  EXPECT_EQ(options.progress_context, expected.progress_context);
  EXPECT_CRM_ERROR(crm_duplicate_find_options_init(&options, 3),
                   CRM_E_INVALID_ARGUMENT, "", "struct_size");
  EXPECT_CRM_ERROR(crm_duplicate_find_options_init(nullptr, sizeof options),
                   CRM_E_INVALID_ARGUMENT, "", "options");
}

TEST_F(DuplicateFindTest, PagesCoverCustomersAndEndWithZero) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 7; ++i) ids.push_back(CreateNamed(db_.get(), "P"));
  ASSERT_EQ(crm_customer_delete(db_.get(), ids[3], 0, "test"), CRM_OK)
      << crm_last_error_message();
  EXPECT_EQ(Find(db_.get(), nullptr),
            "{\"pairs\":[],\"clusters\":[],\"customers\":6,"
            "\"next_after_id\":0,\"skipped_keys\":0}");
  crm_duplicate_find_options options = Options();
  options.page_customers = 4;
  // The deleted customer is not covered: the first page ends at the 5th id.
  EXPECT_EQ(Find(db_.get(), &options),
            "{\"pairs\":[],\"clusters\":[],\"customers\":4,"
            "\"next_after_id\":" +
                std::to_string(ids[4]) + ",\"skipped_keys\":0}");
  options.after_id = ids[4];
  EXPECT_EQ(Find(db_.get(), &options),
            "{\"pairs\":[],\"clusters\":[],\"customers\":2,"
            "\"next_after_id\":0,\"skipped_keys\":0}");
}

TEST_F(DuplicateFindTest, UnknownRuleAndBadOptions) {
  crm_duplicate_find_options options = Options();
  options.rules = "nosuch";
  char* json = nullptr;
  EXPECT_CRM_ERROR(crm_duplicates_find(&json, db_.get(), &options),
                   CRM_E_NOT_FOUND, "nosuch", "duplicate");
  EXPECT_EQ(json, nullptr);
  options = Options();
  options.page_customers = -1;
  EXPECT_EQ(crm_duplicates_find(&json, db_.get(), &options),
            CRM_E_INVALID_ARGUMENT);
  EXPECT_CRM_ERROR(crm_duplicates_find(nullptr, db_.get(), nullptr),
                   CRM_E_INVALID_ARGUMENT, "", "out_json");
}

TEST_F(DuplicateFindTest, RestrictedHandleIsDenied) {
  ASSERT_EQ(crm_profile_define(db_.get(), R"({"name": "desk",
                               "fields": {"name": "read_write"}})"),
            CRM_OK)
      << crm_last_error_message();
  Db view = RestrictTo(db_.get(), "desk", "alice");
  char* json = nullptr;
  EXPECT_CRM_ERROR(crm_duplicates_find(&json, view.get(), nullptr),
                   CRM_E_DENIED, "", "operation");
  EXPECT_EQ(json, nullptr);
}

TEST_F(DuplicateFindTest, PairsClustersAndDeletedCustomers) {
  DefineRules();
  int64_t a = Add("Jane Doe", "jane.doe@gmail.com", "");
  int64_t b = Add("Jane Doe", "JaneDoe+crm@gmail.com", "+47 900 00 001");
  int64_t c = Add("Jnae Doe", "", "+47 900 00 001");
  int64_t gone = Add("Jane Doe", "", "+47 900 00 001");
  ASSERT_EQ(crm_customer_delete(db_.get(), gone, 0, "test"), CRM_OK);
  Add("Ola Hansen", "", "+47 900 00 001");  // a colleague: another name
  std::string json = Find(db_.get(), nullptr);
  EXPECT_NE(
      json.find("{\"a\":" + std::to_string(a) + ",\"b\":" + std::to_string(b) +
                ",\"score\":1,\"rule\":\"same_"
                "email\""),
      std::string::npos)
      << json;
  EXPECT_NE(json.find("{\"a\":" + std::to_string(b) +
                      ",\"b\":" + std::to_string(c) + ",\"score\":0.9"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"clusters\":[{\"ids\":[" + std::to_string(a) + "," +
                      std::to_string(b) + "," + std::to_string(c) + "]"),
            std::string::npos)
      << json;
  EXPECT_EQ(json.find("\"a\":" + std::to_string(gone) + ","), std::string::npos)
      << json;
  EXPECT_EQ(json.find("\"b\":" + std::to_string(gone) + ","), std::string::npos)
      << json;
  EXPECT_NE(json.find("\"customers\":4,\"next_after_id\":0"), std::string::npos)
      << json;
}

TEST_F(DuplicateFindTest, PagesGiveTheSamePairsAndCommonKeysAreSkipped) {
  DefineRules();
  for (int i = 0; i < 1001; ++i) {
    Add("Colleague " + std::to_string(i), "", "+47 22 12 34 00");
  }
  for (int i = 0; i < 30; ++i) {
    Add("Person " + std::to_string(i % 10),
        "pe.rson" + std::to_string(i % 10) + "+" + std::to_string(i) +
            "@gmail.com",
        "");
  }
  std::string whole = Find(db_.get(), nullptr);
  EXPECT_NE(whole.find("\"skipped_keys\":1}"), std::string::npos) << whole;
  crm_duplicate_find_options options = Options();
  options.page_customers = 250;
  std::string pairs;
  int pages = 0;
  do {
    std::string page = Find(db_.get(), &options);
    size_t start = page.find("\"pairs\":[") + 9;
    size_t end = page.find("],\"clusters\"");
    if (end > start)
      pairs += (pairs.empty() ? "" : ",") + page.substr(start, end - start);
    size_t next = page.find("\"next_after_id\":") + 16;
    options.after_id = std::stoll(page.substr(next));
    ++pages;
  } while (options.after_id != 0 && pages < 100);
  EXPECT_EQ(pages, 5);
  size_t start = whole.find("\"pairs\":[") + 9;
  EXPECT_EQ(pairs, whole.substr(start, whole.find("],\"clusters\"") - start));
}

int StopAtOnce(void*, int64_t, int64_t, int64_t) { return 1; }

TEST_F(DuplicateFindTest, ProgressStops) {
  crm_duplicate_find_options options = Options();
  options.progress = StopAtOnce;
  char* json = nullptr;
  EXPECT_EQ(crm_duplicates_find(&json, db_.get(), &options), CRM_E_CANCELLED);
  EXPECT_EQ(json, nullptr);
}

}  // namespace
}  // namespace crm_test
