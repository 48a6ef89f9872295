// The duplicate scan (core/duplicates/duplicate_scan.h) over customers held
// in memory, with rules built in code.
#include "core/duplicates/duplicate_scan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/error.h"
#include "core/duplicates/match_keys.h"

namespace crm::core::duplicates {
namespace {

struct Person {
  int64_t id;
  KeySource source;
};

// Customers and their keys as a backend would hold them.
class MemorySource : public ScanSource {
 public:
  explicit MemorySource(std::vector<Person> people)
      : people_(std::move(people)) {
    for (const Person& person : people_) {
      for (const MatchKey& key : MatchKeysOf(person.source, "NO")) {
        groups_[{static_cast<int>(key.kind), key.key}].push_back(person.id);
      }
    }
  }

  absl::Status ForEachCustomer(
      absl::FunctionRef<void(int64_t, bool)> visit) override {
    for (const Person& person : people_) {
      visit(person.id, person.source.kind == "company");
    }
    return absl::OkStatus();
  }

  absl::Status ForEachMatchKeyGroup(
      const std::vector<int>& kinds, int64_t after_id,
      absl::FunctionRef<absl::Status(int, const std::string&,
                                     const std::vector<int64_t>&)>
          visit) override {
    for (const auto& [kind_key, ids] : groups_) {
      if (std::find(kinds.begin(), kinds.end(), kind_key.first) ==
              kinds.end() ||
          ids.back() <= after_id) {
        continue;
      }
      CRM_RETURN_IF_ERROR(visit(kind_key.first, kind_key.second, ids));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<std::pair<int64_t, std::string>>> FieldValues(
      const std::string& name) override {
    std::vector<std::pair<int64_t, std::string>> values;
    if (name != "company") return values;
    for (const Person& person : people_) {
      std::string folded = FoldText(person.source.company);
      if (!folded.empty()) values.emplace_back(person.id, folded);
    }
    return values;
  }

 private:
  std::vector<Person> people_;  // by id
  std::map<std::pair<int, std::string>, std::vector<int64_t>> groups_;
};

Person Make(int64_t id, std::string name, std::string email, std::string phone,
            std::string kind = "person", std::string company = "") {
  Person person{id, {}};
  person.source.kind = std::move(kind);
  person.source.name = std::move(name);
  person.source.email = std::move(email);
  person.source.phone = std::move(phone);
  person.source.company = std::move(company);
  return person;
}

Comparison Key(KeyKind kind, double min_similarity = 1.0) {
  Comparison comparison;
  comparison.key = kind;
  comparison.min_similarity = min_similarity;
  return comparison;
}

DuplicateRule MakeRule(std::string name, std::vector<Comparison> compare,
                       AppliesTo applies_to = AppliesTo::kAny) {
  DuplicateRule rule;
  rule.name = std::move(name);
  rule.applies_to = applies_to;
  rule.compare = std::move(compare);
  return rule;
}

RuleSet Recommended() {
  return RuleSet({MakeRule("same_email", {Key(KeyKind::kEmail)}),
                  MakeRule("same_phone_similar_name",
                           {Key(KeyKind::kPhone), Key(KeyKind::kName, 0.8)},
                           AppliesTo::kPerson)});
}

std::vector<std::pair<int64_t, int64_t>> PairIds(const ScanResult& result) {
  std::vector<std::pair<int64_t, int64_t>> ids;
  for (const ScanPair& pair : result.pairs) ids.emplace_back(pair.a, pair.b);
  return ids;
}

ScanResult Scan(ScanSource& source, const RuleSet& rules,
                ScanRequest request = {}) {
  absl::StatusOr<ScanResult> result = ScanDuplicates(source, rules, request);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *std::move(result) : ScanResult();
}

TEST(DuplicateScan, PairsScoresAndReasons) {
  MemorySource source({
      Make(1, "Jane Doe", "jane@example.com", "900 00 001"),
      Make(2, "Jane Doe", "JANE@example.com", "+47 911 11 111"),
      Make(3, "Jnae Doe", "other@example.com", "900 00 001"),
      Make(4, "Ola Hansen", "ola@example.com", "900 00 001"),
      Make(5, "Kari Berg", "kari@example.com", "922 22 222"),
  });
  ScanResult result = Scan(source, Recommended());
  ASSERT_EQ(PairIds(result),
            (std::vector<std::pair<int64_t, int64_t>>{{1, 2}, {1, 3}}));
  EXPECT_EQ(result.pairs[0].match.rule, "same_email");
  EXPECT_DOUBLE_EQ(result.pairs[0].match.score, 1.0);
  const Match& fuzzy = result.pairs[1].match;
  EXPECT_EQ(fuzzy.rule, "same_phone_similar_name");
  ASSERT_EQ(fuzzy.reasons.size(), 2u);
  EXPECT_EQ(fuzzy.reasons[0].compare, "phone");
  EXPECT_DOUBLE_EQ(fuzzy.reasons[0].score, 1.0);
  EXPECT_EQ(fuzzy.reasons[1].compare, "name");
  EXPECT_GT(fuzzy.reasons[1].score, 0.8);
  EXPECT_LT(fuzzy.reasons[1].score, 1.0);
  EXPECT_DOUBLE_EQ(fuzzy.score, (1.0 + fuzzy.reasons[1].score) / 2);
  EXPECT_EQ(result.customers, 5);
  EXPECT_EQ(result.next_after_id, 0);
  EXPECT_EQ(result.skipped_keys, 0);
}

TEST(DuplicateScan, ChainedPairsMakeOneCluster) {
  MemorySource source({
      Make(10, "Jane Doe", "jane@example.com", ""),
      Make(20, "Jane Doe", "jane@example.com", "900 00 001"),
      Make(30, "Jane Doe", "", "900 00 001"),
      Make(40, "Per Lie", "per@example.com", ""),
      Make(50, "Per Lie", "per@example.com", ""),
  });
  ScanResult result = Scan(source, Recommended());
  ASSERT_EQ(result.clusters.size(), 2u);
  EXPECT_EQ(result.clusters[0].ids, (std::vector<int64_t>{10, 20, 30}));
  EXPECT_EQ(result.clusters[1].ids, (std::vector<int64_t>{40, 50}));
  EXPECT_DOUBLE_EQ(result.clusters[1].score, 1.0);
  EXPECT_EQ(ScanResultToJson(result),
            "{\"pairs\":[{\"a\":10,\"b\":20,\"score\":1,\"rule\":"
            "\"same_email\",\"reasons\":[{\"compare\":\"email\",\"score\":1}]},"
            "{\"a\":20,\"b\":30,\"score\":1,\"rule\":\"same_phone_similar_"
            "name\",\"reasons\":[{\"compare\":\"phone\",\"score\":1},"
            "{\"compare\":\"name\",\"score\":1}]},"
            "{\"a\":40,\"b\":50,\"score\":1,\"rule\":\"same_email\","
            "\"reasons\":[{\"compare\":\"email\",\"score\":1}]}],"
            "\"clusters\":[{\"ids\":[10,20,30],\"score\":1},{\"ids\":[40,50],"
            "\"score\":1}],\"customers\":5,\"next_after_id\":0,"
            "\"skipped_keys\":0}");
}

TEST(DuplicateScan, PagesGiveThePairsOfOneCall) {
  std::vector<Person> people;
  for (int64_t i = 1; i <= 60; ++i) {
    // Every third customer repeats the email of the customer 7 before it;
    // phones shared in fives with names alike in pairs.
    std::string email = "p" + std::to_string(i % 3 == 0 ? i - 7 : i) + "@x.no";
    std::string phone = "9000" + std::to_string(1000 + i / 5);
    std::string name = "Person " + std::string(1, 'a' + (i % 10) / 2) + "x";
    people.push_back(Make(i * 2, name, email, phone));
  }
  MemorySource source(people);
  ScanResult whole = Scan(source, Recommended());
  ASSERT_GT(whole.pairs.size(), 10u);
  std::vector<std::pair<int64_t, int64_t>> paged;
  ScanRequest request;
  request.page_customers = 7;
  int pages = 0;
  do {
    ScanResult page = Scan(source, Recommended(), request);
    for (const ScanPair& pair : page.pairs) {
      EXPECT_GT(pair.b, request.after_id);
      paged.emplace_back(pair.a, pair.b);
    }
    EXPECT_EQ(page.customers, pages < 8 ? 7 : 4);
    request.after_id = page.next_after_id;
    ++pages;
  } while (request.after_id != 0 && pages < 100);
  EXPECT_EQ(pages, 9);
  EXPECT_EQ(paged, PairIds(whole));
}

TEST(DuplicateScan, KeysOfMoreThanAThousandHoldersAreSkipped) {
  std::vector<Person> people;
  for (int64_t i = 1; i <= 1001; ++i) {
    people.push_back(
        Make(i, "Someone " + std::to_string(i), "shared@example.com", ""));
  }
  people.push_back(Make(2000, "Jane", "jane@example.com", ""));
  people.push_back(Make(2001, "Jane", "jane@example.com", ""));
  MemorySource source(people);
  ScanResult result = Scan(source, Recommended());
  EXPECT_EQ(result.skipped_keys, 1);
  EXPECT_EQ(PairIds(result),
            (std::vector<std::pair<int64_t, int64_t>>{{2000, 2001}}));
}

TEST(DuplicateScan, ProgressCanCancel) {
  std::vector<Person> people;
  for (int64_t i = 1; i <= 30000; ++i) {
    people.push_back(
        Make(i, "P", "p" + std::to_string(i / 2) + "@example.com", ""));
  }
  MemorySource source(people);
  ScanRequest request;
  int64_t calls = 0;
  request.progress = [&](int64_t, int64_t, int64_t) {
    ++calls;
    return false;
  };
  absl::StatusOr<ScanResult> result =
      ScanDuplicates(source, Recommended(), request);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kCancelled)
      << result.status();
  EXPECT_EQ(calls, 1);
  request.progress = [&](int64_t, int64_t, int64_t) { return ++calls > 0; };
  calls = 0;
  ASSERT_TRUE(ScanDuplicates(source, Recommended(), request).ok());
  EXPECT_GE(calls, 3);  // per 10,000 customers, and the end
}

TEST(DuplicateScan, PersonRulesLeaveCompaniesAndFieldsCompare) {
  MemorySource source({
      Make(1, "Acme AS", "", "900 00 001", "company"),
      Make(2, "Acme A/S", "", "900 00 001", "company"),
      Make(3, "Jane Doe", "", "911 11 111", "person", "Acme"),
      Make(4, "Jane Doe", "", "911 11 111", "person", "Beta"),
  });
  // The person rule pairs the persons only, not the companies.
  EXPECT_EQ(PairIds(Scan(source, Recommended())),
            (std::vector<std::pair<int64_t, int64_t>>{{3, 4}}));
  Comparison company;
  company.field = "company";
  RuleSet with_field(
      {MakeRule("phone_name_company",
                {Key(KeyKind::kPhone), Key(KeyKind::kName), company}),
       MakeRule("company_phone", {Key(KeyKind::kPhone), Key(KeyKind::kName)},
                AppliesTo::kCompany)});
  ScanResult result = Scan(source, with_field);
  ASSERT_EQ(PairIds(result),
            (std::vector<std::pair<int64_t, int64_t>>{{1, 2}}));
  EXPECT_EQ(result.pairs[0].match.rule, "company_phone");
}

}  // namespace
}  // namespace crm::core::duplicates
