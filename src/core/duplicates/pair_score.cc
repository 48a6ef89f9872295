#include "core/duplicates/pair_score.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "base/json_text.h"

namespace crm::core::duplicates {

void SetSideKeys(const std::vector<MatchKey>& keys, PairSide* side) {
  side->keys.fill(absl::string_view());
  for (const MatchKey& key : keys) {
    if (key.kind == KeyKind::kNameToken) continue;
    side->keys[static_cast<int>(key.kind)] = key.key;
  }
}

RuleSet::RuleSet(std::vector<DuplicateRule> rules) : rules_(std::move(rules)) {
  std::sort(rules_.begin(), rules_.end(),
            [](const DuplicateRule& a, const DuplicateRule& b) {
              return a.name < b.name;
            });
  for (const DuplicateRule& rule : rules_) {
    std::vector<int>& indexes = field_index_.emplace_back();
    for (const Comparison& comparison : rule.compare) {
      if (comparison.key) {
        indexes.push_back(-1);
        continue;
      }
      auto found = std::find(fields_.begin(), fields_.end(), comparison.field);
      if (found == fields_.end()) {
        fields_.push_back(comparison.field);
        found = fields_.end() - 1;
      }
      indexes.push_back(static_cast<int>(found - fields_.begin()));
    }
  }
}

std::vector<KeyKind> RuleSet::FindingKinds() const {
  std::array<bool, kKeyKindCount> used{};
  for (const DuplicateRule& rule : rules_) {
    // The rarest way in: one exact key the rule needs shared; else words of
    // the name for a fuzzy comparison.
    std::optional<KeyKind> exact;
    for (const Comparison& comparison : rule.compare) {
      if (comparison.key && comparison.min_similarity >= 1.0) {
        exact = comparison.key;
        used[static_cast<int>(*exact)] = true;
        break;
      }
    }
    if (!exact) used[static_cast<int>(KeyKind::kNameToken)] = true;
  }
  std::vector<KeyKind> kinds;
  for (int i = 1; i < kKeyKindCount; ++i) {
    if (used[i]) kinds.push_back(static_cast<KeyKind>(i));
  }
  return kinds;
}

RuleSet RuleSet::WithAction(Operation operation, Action action) const {
  std::vector<DuplicateRule> kept;
  for (const DuplicateRule& rule : rules_) {
    if (rule.action(operation) == action) kept.push_back(rule);
  }
  return RuleSet(std::move(kept));
}

std::optional<RuleSet> RuleSet::Named(const std::vector<std::string>& names,
                                      std::string* unknown) const {
  std::vector<DuplicateRule> kept;
  for (const std::string& name : names) {
    auto found = std::find_if(
        rules_.begin(), rules_.end(),
        [&](const DuplicateRule& rule) { return rule.name == name; });
    if (found == rules_.end()) {
      *unknown = name;
      return std::nullopt;
    }
    if (std::none_of(kept.begin(), kept.end(), [&](const DuplicateRule& rule) {
          return rule.name == name;
        })) {
      kept.push_back(*found);
    }
  }
  return RuleSet(std::move(kept));
}

std::optional<Match> RuleSet::Score(const DuplicateRule& rule,
                                    const PairSide& a,
                                    const PairSide& b) const {
  if (rule.applies_to == AppliesTo::kPerson && (a.is_company || b.is_company)) {
    return std::nullopt;
  }
  if (rule.applies_to == AppliesTo::kCompany &&
      (!a.is_company || !b.is_company)) {
    return std::nullopt;
  }
  const std::vector<int>& indexes =
      field_index_[static_cast<size_t>(&rule - rules_.data())];
  // Scores first, the Match only for a pair that matches: the scan scores
  // millions of pairs, most of which fail, and allocates nothing for them.
  constexpr size_t kMaxComparisons = 8;  // a definition's limit
  std::array<double, kMaxComparisons> scores{};
  const size_t count = std::min(rule.compare.size(), kMaxComparisons);
  double total = 0;
  for (size_t i = 0; i < count; ++i) {
    const Comparison& comparison = rule.compare[i];
    double score = 0;
    if (comparison.key) {
      absl::string_view left = a.keys[static_cast<int>(*comparison.key)];
      absl::string_view right = b.keys[static_cast<int>(*comparison.key)];
      if (left.empty() || right.empty()) return std::nullopt;
      if (comparison.min_similarity < 1.0) {
        score = NameSimilarity(left, right);
        if (score < comparison.min_similarity) return std::nullopt;
      } else {
        if (left != right) return std::nullopt;
        score = 1.0;
      }
    } else {
      if (a.fields == nullptr || b.fields == nullptr) return std::nullopt;
      const std::string& left = (*a.fields)[indexes[i]];
      const std::string& right = (*b.fields)[indexes[i]];
      if (left.empty() || left != right) return std::nullopt;
      score = 1.0;
    }
    scores[i] = score;
    total += score;
  }
  if (count == 0) return std::nullopt;
  Match match;
  match.reasons.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    match.reasons.push_back({rule.compare[i].Label(), scores[i]});
  }
  match.rule = rule.name;
  match.score = total / static_cast<double>(count);
  return match;
}

std::optional<Match> RuleSet::Best(const PairSide& a, const PairSide& b) const {
  std::optional<Match> best;
  for (const DuplicateRule& rule : rules_) {
    std::optional<Match> match = Score(rule, a, b);
    if (match && (!best || match->score > best->score)) {
      best = std::move(match);
    }
  }
  return best;
}

void RankCandidates(std::vector<Candidate>* candidates) {
  std::sort(candidates->begin(), candidates->end(),
            [](const Candidate& a, const Candidate& b) {
              if (a.match.score != b.match.score) {
                return a.match.score > b.match.score;
              }
              return a.id < b.id;
            });
  if (candidates->size() > kMaxCandidates) candidates->resize(kMaxCandidates);
}

void AppendScore(double score, std::string* out) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.4g", score);
  out->append(text);
}

void AppendMatchMembers(const Match& match, std::string* out) {
  out->append("\"score\":");
  AppendScore(match.score, out);
  out->append(",\"rule\":");
  AppendJsonString(match.rule, out);
  out->append(",\"reasons\":[");
  for (size_t i = 0; i < match.reasons.size(); ++i) {
    if (i > 0) out->push_back(',');
    out->append("{\"compare\":");
    AppendJsonString(match.reasons[i].compare, out);
    out->append(",\"score\":");
    AppendScore(match.reasons[i].score, out);
    out->push_back('}');
  }
  out->push_back(']');
}

std::string CandidatesToJson(const std::vector<Candidate>& candidates) {
  std::string out = "[";
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.append("{\"id\":");
    out.append(std::to_string(candidates[i].id));
    out.push_back(',');
    AppendMatchMembers(candidates[i].match, &out);
    out.push_back('}');
  }
  out.push_back(']');
  return out;
}

}  // namespace crm::core::duplicates
