// The closed set of error rules: crm.h documents every text
// crm_last_error_rule() can return (its CRM_RULE_* defines), the core's
// crm::Rule is generated from them, and each layer's errors use it.
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "base/rules.g.h"
#include "crm/crm.h"
#include "test_support.h"

namespace crm_test {
namespace {

// The texts of every CRM_RULE_* define in crm.h as written.
std::set<std::string> DefinedRuleTexts() {
  std::ifstream header(CRM_HEADER_PATH);
  std::stringstream text;
  text << header.rdbuf();
  std::string source = text.str();
  std::set<std::string> texts;
  const std::string prefix = "#define CRM_RULE_";
  std::istringstream lines(source);
  for (std::string line; std::getline(lines, line);) {
    if (line.compare(0, prefix.size(), prefix) != 0) continue;
    size_t open = line.find('"');
    size_t close = line.find('"', open + 1);
    if (open == std::string::npos || close == std::string::npos) continue;
    texts.insert(line.substr(open + 1, close - open - 1));
  }
  return texts;
}

TEST(RulesTest, TheEnumIsExactlyTheDocumentedSet) {
  std::set<std::string> documented = DefinedRuleTexts();
  ASSERT_GT(documented.size(), 50u);
  EXPECT_STREQ(crm::RuleText(crm::Rule::kNone), "");
  std::set<std::string> texts;
  for (size_t i = 1; i < crm::kRuleCount; ++i) {
    std::string text = crm::RuleText(static_cast<crm::Rule>(i));
    EXPECT_FALSE(text.empty());
    EXPECT_TRUE(texts.insert(text).second) << text << " is listed twice";
  }
  EXPECT_EQ(texts, documented);
  EXPECT_STREQ(crm::RuleText(crm::Rule::kMaxLength), CRM_RULE_MAX_LENGTH);
  EXPECT_STREQ(crm::RuleText(crm::Rule::kOut), "out");
}

class RulesOfEveryLayerTest : public ::testing::Test {
 protected:
  TempDir dir_;
  Db db_ = OpenDb(":memory:");
};

// Representative failures of each layer; each rule is a documented one.
TEST_F(RulesOfEveryLayerTest, EachLayerReturnsDocumentedRules) {
  // capi: argument checks name the parameter.
  EXPECT_CRM_ERROR(crm_customer_count(nullptr, db_.get()),
                   CRM_E_INVALID_ARGUMENT, "", CRM_RULE_OUT);
  crm_db* none = nullptr;
  EXPECT_CRM_ERROR(crm_open(&none, nullptr, nullptr), CRM_E_INVALID_ARGUMENT,
                   "", CRM_RULE_PATH);
  const char* items[] = {"a", nullptr};
  Record record = NewRecord();
  EXPECT_CRM_ERROR(crm_record_set_list(record.get(), "tags", items, 2),
                   CRM_E_INVALID_ARGUMENT, "tags", CRM_RULE_ITEMS);
  EXPECT_NE(std::string(crm_last_error_message()).find("items[1]"),
            std::string::npos);
  // core: field definitions and values.
  int64_t id = 0;
  EXPECT_CRM_ERROR(
      crm_field_define(&id, db_.get(), R"({"name": "x", "type": "nope"})"),
      CRM_E_VALIDATION, "x", CRM_RULE_TYPE);
  Define(db_.get(), R"({"name": "code", "type": "text", "max_length": 3})");
  crm_record_set_text(record.get(), "name", "Ada");
  crm_record_set_text(record.get(), "code", "toolong");
  EXPECT_CRM_ERROR(crm_customer_create(&id, db_.get(), record.get(), nullptr),
                   CRM_E_VALIDATION, "code", CRM_RULE_MAX_LENGTH);
  // query: the filter parser.
  EXPECT_CRM_ERROR(
      crm_segment_save(db_.get(), "s", CRM_QUERY_CUSTOMERS, "name = ="),
      CRM_E_INVALID_ARGUMENT, "", CRM_RULE_SYNTAX);
  // store: a file that is not a workspace.
  std::string path = dir_.path() + "/not-a-workspace";
  std::ofstream(path) << "not SQLite";
  crm_db* opened = nullptr;
  int status = crm_open(&opened, path.c_str(), nullptr);
  EXPECT_NE(status, CRM_OK);
  EXPECT_TRUE(IsDocumentedRule(crm_last_error_rule())) << crm_last_error_rule();
  crm_close(opened);
}

}  // namespace
}  // namespace crm_test
