#include "core/duplicates/pair_score.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace crm::core::duplicates {
namespace {

Comparison Key(KeyKind kind, double min_similarity = 1.0) {
  Comparison comparison;
  comparison.key = kind;
  comparison.min_similarity = min_similarity;
  return comparison;
}

Comparison FieldNamed(const std::string& name) {
  Comparison comparison;
  comparison.field = name;
  return comparison;
}

DuplicateRule MakeRule(const std::string& name, std::vector<Comparison> compare,
                       Action action = Action::kWarn) {
  DuplicateRule rule;
  rule.name = name;
  rule.compare = std::move(compare);
  rule.actions.fill(action);
  return rule;
}

// A person with the keys of `email`, `phone` and `name` (already keys).
struct Person {
  std::vector<MatchKey> keys;
  std::vector<std::string> fields;
  PairSide side;
  Person(int64_t id, const std::string& email, const std::string& phone,
         const std::string& name, std::vector<std::string> field_values = {})
      : fields(std::move(field_values)) {
    if (!email.empty()) keys.push_back({KeyKind::kEmail, email});
    if (!phone.empty()) keys.push_back({KeyKind::kPhone, phone});
    if (!name.empty()) {
      keys.push_back({KeyKind::kName, name});
      keys.push_back({KeyKind::kNameToken, name.substr(0, name.find(' '))});
    }
    side.id = id;
    SetSideKeys(keys, &side);
    side.fields = &fields;
  }
};

TEST(PairScore, ExactKeyMatchesOnlyEqualKeys) {
  RuleSet rules({MakeRule("same_email", {Key(KeyKind::kEmail)})});
  Person a(1, "jane@example.com", "", "doe jane");
  Person b(2, "jane@example.com", "", "");
  Person c(3, "john@example.com", "", "doe jane");
  std::optional<Match> match = rules.Best(a.side, b.side);
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->rule, "same_email");
  EXPECT_DOUBLE_EQ(match->score, 1.0);
  ASSERT_EQ(match->reasons.size(), 1u);
  EXPECT_EQ(match->reasons[0].compare, "email");
  EXPECT_FALSE(rules.Best(a.side, c.side).has_value());
}

TEST(PairScore, AbsentKeysNeverMatch) {
  RuleSet rules({MakeRule("same_phone", {Key(KeyKind::kPhone)})});
  Person a(1, "", "", "doe jane");
  Person b(2, "", "", "doe jane");
  EXPECT_FALSE(rules.Best(a.side, b.side).has_value());
}

TEST(PairScore, EveryComparisonMustHoldAndScoreIsTheirMean) {
  RuleSet rules({MakeRule("phone_and_name",
                          {Key(KeyKind::kPhone), Key(KeyKind::kName, 0.7)})});
  Person a(1, "", "+4790000000", "doe jane");
  Person typo(2, "", "+4790000000", "doe jnae");
  Person colleague(3, "", "+4790000000", "hansen ola");
  std::optional<Match> match = rules.Best(a.side, typo.side);
  ASSERT_TRUE(match.has_value());
  ASSERT_EQ(match->reasons.size(), 2u);
  EXPECT_EQ(match->reasons[1].compare, "name");
  EXPECT_LT(match->reasons[1].score, 1.0);
  EXPECT_GE(match->reasons[1].score, 0.7);
  EXPECT_DOUBLE_EQ(match->score, (1.0 + match->reasons[1].score) / 2);
  EXPECT_FALSE(rules.Best(a.side, colleague.side).has_value());
}

TEST(PairScore, FieldComparisonsFoldedValuesNonEmpty) {
  RuleSet rules(
      {MakeRule("name_city", {Key(KeyKind::kName), FieldNamed("city")})});
  ASSERT_EQ(rules.fields(), std::vector<std::string>{"city"});
  Person a(1, "", "", "doe jane", {"oslo"});
  Person same(2, "", "", "doe jane", {"oslo"});
  Person other(3, "", "", "doe jane", {"bergen"});
  Person empty(4, "", "", "doe jane", {""});
  Person empty_too(5, "", "", "doe jane", {""});
  EXPECT_TRUE(rules.Best(a.side, same.side).has_value());
  EXPECT_FALSE(rules.Best(a.side, other.side).has_value());
  EXPECT_FALSE(rules.Best(empty.side, empty_too.side).has_value());
}

TEST(PairScore, AppliesToKindOfBothSides) {
  DuplicateRule rule = MakeRule("companies", {Key(KeyKind::kName)});
  rule.applies_to = AppliesTo::kCompany;
  RuleSet rules({rule});
  Person a(1, "", "", "acme");
  Person b(2, "", "", "acme");
  EXPECT_FALSE(rules.Best(a.side, b.side).has_value());
  a.side.is_company = true;
  EXPECT_FALSE(rules.Best(a.side, b.side).has_value());
  b.side.is_company = true;
  EXPECT_TRUE(rules.Best(a.side, b.side).has_value());
}

TEST(PairScore, BestRuleScoresHighest) {
  RuleSet rules(
      {MakeRule("b_fuzzy", {Key(KeyKind::kPhone), Key(KeyKind::kName, 0.5)}),
       MakeRule("a_phone", {Key(KeyKind::kPhone)})});
  Person a(1, "", "+4790000000", "doe jane");
  Person b(2, "", "+4790000000", "doe jnae");
  std::optional<Match> match = rules.Best(a.side, b.side);
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->rule, "a_phone");  // 1.0 beats the fuzzy mean
}

TEST(PairScore, FindingKindsTakeOneExactKeyOrNameTokens) {
  RuleSet rules(
      {MakeRule("x", {Key(KeyKind::kName, 0.8), Key(KeyKind::kPhone)}),
       MakeRule("y", {Key(KeyKind::kName, 0.8)})});
  EXPECT_EQ(rules.FindingKinds(),
            (std::vector<KeyKind>{KeyKind::kPhone, KeyKind::kNameToken}));
}

TEST(PairScore, WithActionAndNamedSelectRules) {
  DuplicateRule block = MakeRule("block", {Key(KeyKind::kEmail)});
  block.actions[static_cast<int>(Operation::kImport)] = Action::kBlock;
  RuleSet rules({block, MakeRule("warn", {Key(KeyKind::kPhone)})});
  RuleSet blocking = rules.WithAction(Operation::kImport, Action::kBlock);
  ASSERT_EQ(blocking.rules().size(), 1u);
  EXPECT_EQ(blocking.rules()[0].name, "block");
  EXPECT_TRUE(rules.WithAction(Operation::kCreate, Action::kBlock).empty());
  std::string unknown;
  std::optional<RuleSet> named = rules.Named({"warn", "warn"}, &unknown);
  ASSERT_TRUE(named.has_value());
  EXPECT_EQ(named->rules().size(), 1u);
  EXPECT_FALSE(rules.Named({"warn", "nope"}, &unknown).has_value());
  EXPECT_EQ(unknown, "nope");
}

TEST(PairScore, CandidatesRankedAndCapped) {
  std::vector<Candidate> candidates;
  for (int i = 30; i >= 1; --i) {
    candidates.push_back({i, Match{"r", i % 2 ? 0.9 : 1.0, {}}});
  }
  RankCandidates(&candidates);
  ASSERT_EQ(candidates.size(), static_cast<size_t>(kMaxCandidates));
  EXPECT_EQ(candidates[0].id, 2);  // best score, lowest id
  EXPECT_EQ(candidates[14].id, 30);
  EXPECT_EQ(candidates[15].id, 1);
  EXPECT_DOUBLE_EQ(candidates[15].match.score, 0.9);
}

TEST(PairScore, CandidatesJson) {
  EXPECT_EQ(CandidatesToJson({}), "[]");
  Candidate candidate{
      17, Match{"same \"x\"", 0.875, {{"phone", 1.0}, {"name", 0.75}}}};
  EXPECT_EQ(CandidatesToJson({candidate}),
            R"([{"id":17,"score":0.875,"rule":"same \"x\"","reasons":)"
            R"([{"compare":"phone","score":1},{"compare":"name",)"
            R"("score":0.75}]}])");
}

}  // namespace
}  // namespace crm::core::duplicates
