// Duplicate rules through the C ABI (crm.h "Duplicates"): managing rules,
// the errors of bad definitions, and what warn and block rules do to writes.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "crm/crm.h"
#include "test_support.h"

namespace crm_test {
namespace {

struct WriteResultFreer {
  void operator()(crm_write_result* result) const {
    crm_write_result_free(result);
  }
};
using WriteResult = std::unique_ptr<crm_write_result, WriteResultFreer>;

class DuplicateRulesTest : public ::testing::Test {
 protected:
  void SetUp() override { db_ = OpenDb(dir_.File("crm.db")); }

  void DefineRule(const std::string& json) {
    ASSERT_EQ(crm_duplicate_rule_define(db_.get(), json.c_str()), CRM_OK)
        << crm_last_error_message();
  }
  void ExpectRefused(const std::string& json, const char* key) {
    EXPECT_EQ(crm_duplicate_rule_define(db_.get(), json.c_str()),
              CRM_E_VALIDATION)
        << json;
    EXPECT_STREQ(crm_last_error_rule(), "duplicate") << json;
    EXPECT_STREQ(crm_last_error_field(), key) << crm_last_error_message();
  }
  Record Person(const char* name, const char* email) {
    Record record = NewRecord();
    crm_record_set_text(record.get(), "name", name);
    if (email) crm_record_set_text(record.get(), "email", email);
    return record;
  }

  TempDir dir_;
  Db db_;
};

TEST_F(DuplicateRulesTest, RefusesBadDefinitionsNamingTheKey) {
  ExpectRefused(R"({"compare": [{"key": "email"}]})", "name");
  ExpectRefused(R"({"name": "a b", "compare": [{"key": "email"}]})", "name");
  ExpectRefused(R"({"name": "r"})", "compare");
  ExpectRefused(R"({"name": "r", "compare": [{"field": "city"}]})", "compare");
  ExpectRefused(R"({"name": "r", "compare": [{"key": "fax"}]})",
                "compare[0].key");
  ExpectRefused(
      R"({"name": "r", "compare": [{"key": "email", "min_similarity": 0.9}]})",
      "compare[0].min_similarity");
  ExpectRefused(
      R"({"name": "r", "compare": [{"key": "name", "min_similarity": 0.4}]})",
      "compare[0].min_similarity");
  ExpectRefused(
      R"({"name": "r", "compare": [{"key": "email"}], "action": "stop"})",
      "action");
  ExpectRefused(R"({"name": "r", "compare": [{"key": "email"}],
                    "actions": {"delete": "block"}})",
                "actions.delete");
  ExpectRefused(R"({"name": "r", "compare": [{"key": "email"}], "x": 1})", "x");
  EXPECT_EQ(
      crm_duplicate_rule_define(db_.get(),
                                R"({"name": "r", "compare": [{"key": "email"},
                                             {"field": "nope"}]})"),
      CRM_E_NOT_FOUND);
  EXPECT_STREQ(crm_last_error_rule(), "unknown_field");
}

TEST_F(DuplicateRulesTest, UnknownRulesAreNotFound) {
  char* json = nullptr;
  EXPECT_EQ(crm_duplicate_rule_get(&json, db_.get(), "none"), CRM_E_NOT_FOUND);
  EXPECT_STREQ(crm_last_error_rule(), "duplicate");
  EXPECT_EQ(json, nullptr);
  ASSERT_EQ(crm_duplicate_rule_list(&json, db_.get()), CRM_OK);
  EXPECT_STREQ(String(json).get(), "[]");
}

TEST_F(DuplicateRulesTest, RestrictedHandlesAreDenied) {
  ASSERT_EQ(
      crm_profile_define(db_.get(),
                         R"({"name": "clerk", "groups": {"": "read_write"}})"),
      CRM_OK);
  Db view = RestrictTo(db_.get(), "clerk", "alice");
  EXPECT_EQ(crm_duplicate_rule_define(
                view.get(), R"({"name": "r", "compare": [{"key": "email"}]})"),
            CRM_E_DENIED);
  EXPECT_STREQ(crm_last_error_rule(), "operation");
  char* json = nullptr;
  EXPECT_EQ(crm_duplicate_rule_list(&json, view.get()), CRM_E_DENIED);
  EXPECT_EQ(crm_duplicate_rule_get(&json, view.get(), "r"), CRM_E_DENIED);
  EXPECT_EQ(crm_duplicate_rule_drop(view.get(), "r"), CRM_E_DENIED);
}

TEST_F(DuplicateRulesTest, BadDuplicateCheckIsInvalidArgument) {
  crm_write_options options = CRM_WRITE_OPTIONS_INIT;
  options.duplicate_check = 7;
  crm_write_result* result = nullptr;
  Record record = Person("Jane Doe", nullptr);
  EXPECT_EQ(crm_customer_create_v2(&result, db_.get(), record.get(), &options,
                                   "test"),
            CRM_E_INVALID_ARGUMENT);
  EXPECT_STREQ(crm_last_error_rule(), "duplicate_check");
  EXPECT_EQ(Count(db_.get()), 0);
}

TEST_F(DuplicateRulesTest, NoRulesNoCandidates) {
  crm_write_result* out = nullptr;
  Record record = Person("Jane Doe", "jane@example.com");
  ASSERT_EQ(
      crm_customer_create_v2(&out, db_.get(), record.get(), nullptr, "test"),
      CRM_OK);
  WriteResult result(out);
  EXPECT_STREQ(crm_write_result_candidates_json(result.get()), "[]");
}

TEST_F(DuplicateRulesTest, DefineGetListDrop) {
  DefineRule(R"({"name": "same_email", "compare": [{"key": "email"}],
                 "actions": {"import": "block"}})");
  char* json = nullptr;
  ASSERT_EQ(crm_duplicate_rule_get(&json, db_.get(), "same_email"), CRM_OK);
  EXPECT_STREQ(String(json).get(),
               R"({"name":"same_email","applies_to":"any","compare":[)"
               R"({"key":"email"}],"action":"warn","actions":{)"
               R"("create":"warn","update":"warn","upsert":"warn",)"
               R"("batch":"warn","import":"block"}})");
  ASSERT_EQ(crm_duplicate_rule_drop(db_.get(), "same_email"), CRM_OK);
  EXPECT_EQ(crm_duplicate_rule_drop(db_.get(), "same_email"), CRM_E_NOT_FOUND);
  EXPECT_STREQ(crm_last_error_rule(), "duplicate");
}

TEST_F(DuplicateRulesTest, TwentyFirstRuleIsRefused) {
  for (int i = 0; i < 20; ++i) {
    DefineRule("{\"name\": \"r" + std::to_string(i) +
               "\", \"compare\": [{\"key\": \"email\"}]}");
  }
  EXPECT_EQ(crm_duplicate_rule_define(
                db_.get(), R"({"name": "r20", "compare": [{"key": "email"}]})"),
            CRM_E_VALIDATION);
  EXPECT_STREQ(crm_last_error_rule(), "max_items");
  // Replacing one of the twenty is not a new rule.
  DefineRule(R"({"name": "r3", "compare": [{"key": "phone"}]})");
}

TEST_F(DuplicateRulesTest, WarnReturnsCandidatesAndStores) {
  DefineRule(R"({"name": "same_email", "compare": [{"key": "email"}]})");
  int64_t first =
      Create(db_.get(), Person("Jane Doe", "jane.doe@gmail.com").get());
  crm_write_result* out = nullptr;
  Record again = Person("J. Doe", "JaneDoe@gmail.com");
  ASSERT_EQ(
      crm_customer_create_v2(&out, db_.get(), again.get(), nullptr, "test"),
      CRM_OK)
      << crm_last_error_message();
  WriteResult result(out);
  EXPECT_EQ(std::string(crm_write_result_candidates_json(result.get())),
            "[{\"id\":" + std::to_string(first) +
                R"(,"score":1,"rule":"same_email","reasons":[)"
                R"({"compare":"email","score":1}]}])");
  EXPECT_EQ(Count(db_.get()), 2);
}

TEST_F(DuplicateRulesTest, BlockFailsWithCandidatesAndStoresNothing) {
  DefineRule(R"({"name": "same_email", "compare": [{"key": "email"}],
                 "action": "block"})");
  int64_t first =
      Create(db_.get(), Person("Jane Doe", "jane.doe@gmail.com").get());
  crm_write_result* out = nullptr;
  // Another spelling of the same mailbox: the email's match key is equal.
  Record again = Person("Jane Doe", "JaneDoe+crm@gmail.com");
  EXPECT_EQ(
      crm_customer_create_v2(&out, db_.get(), again.get(), nullptr, "test"),
      CRM_E_DUPLICATE);
  const crm_error* error = crm_last_error();
  EXPECT_STREQ(error->rule, "duplicate");
  EXPECT_STREQ(error->field, "same_email");
  EXPECT_NE(std::string(error->message).find(std::to_string(first)),
            std::string::npos)
      << error->message;
  EXPECT_NE(std::string(error->candidates_json)
                .find("\"id\":" + std::to_string(first)),
            std::string::npos)
      << error->candidates_json;
  EXPECT_EQ(Count(db_.get()), 1);
  // Save anyway.
  crm_write_options options = CRM_WRITE_OPTIONS_INIT;
  options.duplicate_check = CRM_DUPLICATE_CHECK_SKIP;
  ASSERT_EQ(
      crm_customer_create_v2(&out, db_.get(), again.get(), &options, "test"),
      CRM_OK)
      << crm_last_error_message();
  WriteResult saved(out);
  EXPECT_EQ(Count(db_.get()), 2);
  // An error of another kind carries no candidates.
  crm_write_options bad = CRM_WRITE_OPTIONS_INIT;
  bad.duplicate_check = -1;
  EXPECT_EQ(crm_customer_create_v2(&out, db_.get(), again.get(), &bad, "test"),
            CRM_E_INVALID_ARGUMENT);
  EXPECT_STREQ(crm_last_error()->candidates_json, "[]");
}

// An import: a "warn" row is written and listed with its candidates, a
// "block" row rejected; rows are compared with the rows imported before
// them too.
TEST_F(DuplicateRulesTest, ImportListsWarnedRowsAndRejectsBlockedOnes) {
  DefineRule(R"({"name": "same_email", "compare": [{"key": "email"}],
                 "action": "block"})");
  DefineRule(R"({"name": "same_name", "compare": [{"key": "name"}],
                 "action": "warn"})");
  const int64_t jane =
      Create(db_.get(), Person("Jane Doe", "jane.doe@gmail.com").get());
  const std::string path = dir_.File("people.csv");
  {
    std::ofstream out(path);
    out << "name,email\n"
           "Ann Roe,ann@example.com\n"    // row 1: new
           "Doe Jane,doe@example.com\n"   // row 2: warned (Jane)
           "Someone,janedoe@gmail.com\n"  // row 3: blocked (Jane)
           "Roe Ann,roe@example.com\n";   // row 4: warned (row 1)
  }
  crm_import_options options = CRM_IMPORT_OPTIONS_INIT;
  options.mapping_json = R"({"key": null})";
  char* json = nullptr;
  ASSERT_EQ(crm_import(&json, db_.get(), path.c_str(), &options), CRM_OK)
      << crm_last_error_message();
  const std::string report = String(json).get();
  EXPECT_NE(report.find(R"("created":3,"updated":0,"unchanged":0,)"
                        R"("rejected":1,"warned":2,)"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find(R"("rule":"duplicate")"), std::string::npos) << report;
  EXPECT_NE(
      report.find(R"("warnings":[{"row":2,"line":3,"candidates":[{"id":)" +
                  std::to_string(jane) + ","),
      std::string::npos)
      << report;
  EXPECT_NE(report.find(R"({"row":4,"line":5,"candidates":[{"id":)" +
                        std::to_string(jane + 1) + ","),
            std::string::npos)
      << report;
  EXPECT_EQ(Count(db_.get()), 4);
}

TEST_F(DuplicateRulesTest, PerOperationActions) {
  DefineRule(R"({"name": "same_email", "compare": [{"key": "email"}],
                 "action": "block", "actions": {"update": "allow"}})");
  Create(db_.get(), Person("Jane Doe", "jane.doe@gmail.com").get());
  int64_t other = Create(db_.get(), Person("Ann Roe", "ann@example.com").get());
  Record change = NewRecord();
  crm_record_set_text(change.get(), "email", "janedoe@gmail.com");
  crm_write_result* out = nullptr;
  ASSERT_EQ(crm_customer_update_v2(&out, db_.get(), other, 0, change.get(),
                                   nullptr, "test"),
            CRM_OK)
      << crm_last_error_message();
  WriteResult result(out);
  EXPECT_STREQ(crm_write_result_candidates_json(result.get()), "[]");
}

TEST_F(DuplicateRulesTest, CandidatesOfARecordUnderEveryRule) {
  DefineRule(R"({"name": "same_email", "compare": [{"key": "email"}],
                 "action": "allow"})");
  int64_t first =
      Create(db_.get(), Person("Jane Doe", "jane@example.com").get());
  Record probe = Person("Someone", "jane@example.com");
  char* json = nullptr;
  ASSERT_EQ(crm_duplicate_candidates(&json, db_.get(), probe.get()), CRM_OK)
      << crm_last_error_message();
  EXPECT_NE(
      std::string(String(json).get()).find("\"id\":" + std::to_string(first)),
      std::string::npos);
  // A record is not its own candidate.
  crm_record_set_integer(probe.get(), "id", first);
  ASSERT_EQ(crm_duplicate_candidates(&json, db_.get(), probe.get()), CRM_OK)
      << crm_last_error_message();
  EXPECT_STREQ(String(json).get(), "[]");
  EXPECT_EQ(Count(db_.get()), 1);
}

TEST_F(DuplicateRulesTest, CandidatesOutsideARestrictedScopeAreNotNamed) {
  DefineRule(R"({"name": "same_email", "compare": [{"key": "email"}],
                 "action": "block"})");
  Record theirs = Person("Jane Doe", "jane.doe@gmail.com");
  crm_record_set_text(theirs.get(), "owner", "bob");
  Create(db_.get(), theirs.get());
  ASSERT_EQ(crm_profile_define(
                db_.get(),
                R"({"name": "clerk", "groups": {"standard": "read_write"},
                                   "scope": "owner = :actor"})"),
            CRM_OK)
      << crm_last_error_message();
  Db view = RestrictTo(db_.get(), "clerk", "alice");
  Record mine = Person("Jane Doe", "janedoe@gmail.com");
  crm_record_set_text(mine.get(), "owner", "alice");
  crm_write_result* out = nullptr;
  EXPECT_EQ(
      crm_customer_create_v2(&out, view.get(), mine.get(), nullptr, "alice"),
      CRM_E_DUPLICATE)
      << crm_last_error_message();
  EXPECT_STREQ(crm_last_error()->candidates_json, "[]");
}

}  // namespace
}  // namespace crm_test
