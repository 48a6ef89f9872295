// ParseDuplicateRule and DuplicateRuleToJson (crm.h "Duplicates"): every
// rule of a definition, the key each error names, the canonical form.
#include "core/duplicates/duplicate_rule.h"

#include <gtest/gtest.h>

#include <string>

#include "base/error.h"
#include "query_test_schema.h"

namespace crm::core::duplicates {
namespace {

absl::StatusOr<DuplicateRule> Parse(const std::string& json) {
  static const std::shared_ptr<const Schema> schema = QueryTestSchema();
  return ParseDuplicateRule(json, *schema);
}

// The definition fails with kValidation, rule kDuplicate, naming `key`.
void ExpectRefused(const std::string& json, const std::string& key) {
  absl::StatusOr<DuplicateRule> rule = Parse(json);
  ASSERT_FALSE(rule.ok()) << json;
  EXPECT_EQ(CodeOf(rule.status()), ErrorCode::kValidation) << json;
  EXPECT_EQ(RuleIdOf(rule.status()), Rule::kDuplicate) << json;
  EXPECT_EQ(FieldOf(rule.status()), key) << json << ": " << rule.status();
}

TEST(DuplicateRuleTest, ParsesTheContractsExample) {
  absl::StatusOr<DuplicateRule> rule = Parse(R"({
      "name": "same_phone_similar_name", "applies_to": "person",
      "compare": [{"key": "phone"}, {"key": "name", "min_similarity": 0.8},
                  {"field": "seats"}],
      "action": "warn", "actions": {"import": "block", "update": "allow"}})");
  ASSERT_TRUE(rule.ok()) << rule.status();
  EXPECT_EQ(rule->name, "same_phone_similar_name");
  EXPECT_EQ(rule->applies_to, AppliesTo::kPerson);
  ASSERT_EQ(rule->compare.size(), 3u);
  EXPECT_EQ(rule->compare[0].key, KeyKind::kPhone);
  EXPECT_EQ(rule->compare[1].key, KeyKind::kName);
  EXPECT_DOUBLE_EQ(rule->compare[1].min_similarity, 0.8);
  EXPECT_FALSE(rule->compare[2].key.has_value());
  EXPECT_EQ(rule->compare[2].field, "seats");
  EXPECT_EQ(rule->action(Operation::kCreate), Action::kWarn);
  EXPECT_EQ(rule->action(Operation::kUpsert), Action::kWarn);
  EXPECT_EQ(rule->action(Operation::kBatch), Action::kWarn);
  EXPECT_EQ(rule->action(Operation::kImport), Action::kBlock);
  EXPECT_EQ(rule->action(Operation::kUpdate), Action::kAllow);
}

TEST(DuplicateRuleTest, DefaultsAreAnyAndWarn) {
  absl::StatusOr<DuplicateRule> rule =
      Parse(R"({"name": "e", "compare": [{"key": "email"}]})");
  ASSERT_TRUE(rule.ok()) << rule.status();
  EXPECT_EQ(rule->applies_to, AppliesTo::kAny);
  for (Action action : rule->actions) EXPECT_EQ(action, Action::kWarn);
  EXPECT_DOUBLE_EQ(rule->compare[0].min_similarity, 1.0);
}

TEST(DuplicateRuleTest, CanonicalJsonHasEveryKeyAndReadsBack) {
  absl::StatusOr<DuplicateRule> rule = Parse(R"({
      "name": "n", "compare": [{"key": "name", "min_similarity": 0.77}],
      "action": "block", "actions": {"update": "allow"}})");
  ASSERT_TRUE(rule.ok()) << rule.status();
  std::string json = DuplicateRuleToJson(*rule);
  EXPECT_EQ(json, R"({"name":"n","applies_to":"any","compare":[{"key":"name",)"
                  R"("min_similarity":0.77}],"action":"block","actions":{)"
                  R"("create":"block","update":"allow","upsert":"block",)"
                  R"("batch":"block","import":"block"}})");
  absl::StatusOr<DuplicateRule> again = Parse(json);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(DuplicateRuleToJson(*again), json);
}

TEST(DuplicateRuleTest, RefusesBadNames) {
  ExpectRefused(R"({"compare": [{"key": "email"}]})", "name");
  ExpectRefused(R"({"name": "", "compare": [{"key": "email"}]})", "name");
  ExpectRefused(R"({"name": "a b", "compare": [{"key": "email"}]})", "name");
  ExpectRefused(R"({"name": 3, "compare": [{"key": "email"}]})", "name");
  ExpectRefused(absl::StrCat(R"({"name": ")", std::string(65, 'a'),
                             R"(", "compare": [{"key": "email"}]})"),
                "name");
  EXPECT_TRUE(Parse(absl::StrCat(R"({"name": ")", std::string(64, 'a'),
                                 R"(", "compare": [{"key": "email"}]})"))
                  .ok());
  EXPECT_TRUE(
      Parse(R"({"name": "A.b-c_9", "compare": [{"key": "email"}]})").ok());
}

TEST(DuplicateRuleTest, RefusesBadComparisons) {
  ExpectRefused(R"({"name": "r"})", "compare");
  ExpectRefused(R"({"name": "r", "compare": []})", "compare");
  ExpectRefused(R"({"name": "r", "compare": {"key": "email"}})", "compare");
  std::string nine = "[";
  for (int i = 0; i < 9; ++i)
    nine += i ? R"(,{"key":"email"})" : R"({"key":"email"})";
  ExpectRefused(absl::StrCat(R"({"name": "r", "compare": )", nine, "]}"),
                "compare");
  ExpectRefused(R"({"name": "r", "compare": [{"field": "seats"}]})", "compare");
  ExpectRefused(R"({"name": "r", "compare": [{"key": "fax"}]})",
                "compare[0].key");
  ExpectRefused(R"({"name": "r", "compare": [{"key": "name_token"}]})",
                "compare[0].key");
  ExpectRefused(R"({"name": "r", "compare": [{}]})", "compare[0]");
  ExpectRefused(
      R"({"name": "r", "compare": [{"key": "email", "field": "seats"}]})",
      "compare[0]");
  ExpectRefused(R"({"name": "r", "compare": [{"key": "email", "x": 1}]})",
                "compare[0].x");
}

TEST(DuplicateRuleTest, MinSimilarityOnlyOnNameFromHalfToOne) {
  ExpectRefused(
      R"({"name": "r", "compare": [{"key": "email", "min_similarity": 0.8}]})",
      "compare[0].min_similarity");
  ExpectRefused(
      R"({"name": "r", "compare": [{"key": "name", "min_similarity": 0.49}]})",
      "compare[0].min_similarity");
  ExpectRefused(
      R"({"name": "r", "compare": [{"key": "name", "min_similarity": 1.01}]})",
      "compare[0].min_similarity");
  ExpectRefused(
      R"({"name": "r", "compare": [{"key": "name", "min_similarity": "1"}]})",
      "compare[0].min_similarity");
  EXPECT_TRUE(
      Parse(
          R"({"name": "r", "compare": [{"key": "name", "min_similarity": 0.5}]})")
          .ok());
}

TEST(DuplicateRuleTest, UnknownFieldIsNotFound) {
  absl::StatusOr<DuplicateRule> rule = Parse(
      R"({"name": "r", "compare": [{"key": "email"}, {"field": "nope"}]})");
  ASSERT_FALSE(rule.ok());
  EXPECT_EQ(CodeOf(rule.status()), ErrorCode::kNotFound);
  EXPECT_EQ(RuleIdOf(rule.status()), Rule::kUnknownField);
  EXPECT_EQ(FieldOf(rule.status()), "nope");
}

TEST(DuplicateRuleTest, RefusesBadActionsAndKeys) {
  ExpectRefused(
      R"({"name": "r", "compare": [{"key": "email"}], "action": "stop"})",
      "action");
  ExpectRefused(
      R"({"name": "r", "compare": [{"key": "email"}], "applies_to": "lead"})",
      "applies_to");
  ExpectRefused(
      R"({"name": "r", "compare": [{"key": "email"}], "actions": ["warn"]})",
      "actions");
  ExpectRefused(R"({"name": "r", "compare": [{"key": "email"}],
                    "actions": {"delete": "warn"}})",
                "actions.delete");
  ExpectRefused(R"({"name": "r", "compare": [{"key": "email"}],
                    "actions": {"create": "maybe"}})",
                "actions.create");
  ExpectRefused(R"({"name": "r", "compare": [{"key": "email"}], "x": 1})", "x");
  absl::StatusOr<DuplicateRule> rule = Parse("{not json");
  ASSERT_FALSE(rule.ok());
  EXPECT_EQ(CodeOf(rule.status()), ErrorCode::kValidation);
  EXPECT_EQ(RuleIdOf(rule.status()), Rule::kDuplicate);
}

}  // namespace
}  // namespace crm::core::duplicates
