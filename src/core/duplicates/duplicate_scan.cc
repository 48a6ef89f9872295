#include "core/duplicates/duplicate_scan.h"

#include <algorithm>
#include <array>
#include <limits>
#include <numeric>
#include <optional>
#include <variant>

#include "absl/strings/str_cat.h"
#include "base/error.h"
#include "core/duplicates/match_keys.h"
#include "core/field_type.h"
#include "core/workspace.h"

namespace crm::core::duplicates {
namespace {

constexpr int32_t kNoKey = -1;

class BackendScanSource : public ScanSource {
 public:
  explicit BackendScanSource(Session& session) : session_(session) {}

  absl::Status ForEachCustomer(
      absl::FunctionRef<void(int64_t, bool)> visit) override {
    const Field* kind = session_.schema().Find("kind");
    if (kind == nullptr) {
      return MakeError(ErrorCode::kInternal, "no field kind");
    }
    // kind is required: every live customer has one.
    CRM_ASSIGN_OR_RETURN(auto values,
                         session_.backend().ReadColumn(kind->column()));
    for (const auto& [id, value] : values) {
      const std::string* text = std::get_if<std::string>(&value);
      visit(id, text != nullptr && *text == "company");
    }
    return absl::OkStatus();
  }

  absl::Status ForEachMatchKeyGroup(
      const std::vector<int>& kinds, int64_t after_id,
      absl::FunctionRef<absl::Status(int, const std::string&,
                                     const std::vector<int64_t>&)>
          visit) override {
    return session_.backend().ForEachMatchKeyGroup(kinds, after_id, visit);
  }

  absl::StatusOr<std::vector<std::pair<int64_t, std::string>>> FieldValues(
      const std::string& name) override {
    std::vector<std::pair<int64_t, std::string>> out;
    const Field* field = session_.schema().Find(name);
    if (field == nullptr) return out;  // dropped since: never equal
    CRM_ASSIGN_OR_RETURN(auto values,
                         session_.backend().ReadColumn(field->column()));
    const bool fold = field->type() == FieldType::kText ||
                      field->type() == FieldType::kLongText;
    out.reserve(values.size());
    for (auto& [id, value] : values) {
      std::string text;
      if (const auto* s = std::get_if<std::string>(&value)) {
        text = fold ? FoldText(*s) : *s;
      } else if (const auto* i = std::get_if<int64_t>(&value)) {
        text = absl::StrCat(*i);
      } else if (const auto* d = std::get_if<double>(&value)) {
        text = absl::StrCat(*d);
      }
      if (!text.empty()) out.emplace_back(id, std::move(text));
    }
    return out;
  }

 private:
  Session& session_;
};

// Union-find over customer indexes, with path halving.
class Clusters {
 public:
  explicit Clusters(size_t n) : parent_(n) {
    std::iota(parent_.begin(), parent_.end(), 0);
  }
  int32_t Find(int32_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];
      x = parent_[x];
    }
    return x;
  }
  void Join(int32_t a, int32_t b) {
    a = Find(a);
    b = Find(b);
    if (a != b) parent_[std::max(a, b)] = std::min(a, b);
  }

 private:
  std::vector<int32_t> parent_;
};

}  // namespace

std::unique_ptr<ScanSource> SessionScanSource(Session& session) {
  return std::make_unique<BackendScanSource>(session);
}

absl::StatusOr<ScanResult> ScanDuplicates(ScanSource& source,
                                          const RuleSet& rules,
                                          const ScanRequest& request) {
  Progress progress(request.progress);
  ScanResult result;

  // Customers as int32 indexes into ids (ascending).
  std::vector<int64_t> ids;
  std::vector<uint8_t> is_company;
  CRM_RETURN_IF_ERROR(source.ForEachCustomer([&](int64_t id, bool company) {
    ids.push_back(id);
    is_company.push_back(company ? 1 : 0);
  }));
  if (ids.size() >= static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return MakeError(ErrorCode::kUnsupported,
                     "crm_duplicates_find covers at most 2^31 customers; use "
                     "page_customers",
                     "", Rule::kPageSize);
  }
  const int32_t n = static_cast<int32_t>(ids.size());
  const int32_t begin = static_cast<int32_t>(
      std::upper_bound(ids.begin(), ids.end(), request.after_id) - ids.begin());
  int32_t end = n;
  if (request.page_customers > 0 && request.page_customers < n - begin) {
    end = begin + static_cast<int32_t>(request.page_customers);
  }
  result.customers = end - begin;
  result.next_after_id = end < n ? ids[end - 1] : 0;
  if (begin == end || rules.empty()) {
    CRM_RETURN_IF_ERROR(progress.Finish(result.customers, 0));
    return result;
  }
  auto index_of = [&](int64_t id) -> int32_t {
    auto found = std::lower_bound(ids.begin(), ids.end(), id);
    if (found == ids.end() || *found != id) return kNoKey;
    return static_cast<int32_t>(found - ids.begin());
  };

  // Which kinds find candidates, which are compared.
  std::array<bool, kKeyKindCount> finding{}, compared{};
  for (KeyKind kind : rules.FindingKinds()) {
    finding[static_cast<int>(kind)] = true;
  }
  for (const DuplicateRule& rule : rules.rules()) {
    for (const Comparison& comparison : rule.compare) {
      if (comparison.key) compared[static_cast<int>(*comparison.key)] = true;
    }
  }

  // Per compared kind, each customer's interned key (kNoKey: none); the
  // text of kName keys.
  std::array<std::vector<int32_t>, kKeyKindCount> key_of;
  std::array<int32_t, kKeyKindCount> key_count{};
  std::string name_text;
  std::vector<uint32_t> name_offset = {0};
  for (int k = 1; k < kKeyKindCount; ++k) {
    if (compared[k]) key_of[k].assign(static_cast<size_t>(n), kNoKey);
  }

  // Candidate pairs, packed (b << 32 | a) so that sorting orders them by b
  // then a.
  std::vector<uint64_t> candidates;
  std::vector<int32_t> members;
  auto visit = [&](int kind, const std::string& key,
                   const std::vector<int64_t>& holders) -> absl::Status {
    if (kind <= 0 || kind >= kKeyKindCount) return absl::OkStatus();
    members.clear();
    for (int64_t id : holders) {
      int32_t index = index_of(id);
      if (index != kNoKey) members.push_back(index);
    }
    if (compared[kind]) {
      int32_t interned = key_count[kind]++;
      for (int32_t member : members) key_of[kind][member] = interned;
      if (kind == static_cast<int>(KeyKind::kName)) {
        name_text.append(key);
        name_offset.push_back(static_cast<uint32_t>(name_text.size()));
      }
    }
    if (!finding[kind] || members.size() < 2) return absl::OkStatus();
    if (members.back() < begin || members.front() >= end) {
      return absl::OkStatus();  // no holder in the page
    }
    if (static_cast<int64_t>(members.size()) > kMaxKeyHolders) {
      ++result.skipped_keys;
      return absl::OkStatus();
    }
    std::sort(members.begin(), members.end());
    for (size_t j = 1; j < members.size(); ++j) {
      const int32_t b = members[j];
      if (b < begin) continue;
      if (b >= end) break;
      for (size_t i = 0; i < j; ++i) {
        candidates.push_back(static_cast<uint64_t>(b) << 32 |
                             static_cast<uint32_t>(members[i]));
      }
    }
    return absl::OkStatus();
  };
  // Compared kinds are read whole (a pair's lower side may hold keys no
  // customer of the page holds); finding kinds that are not compared (name
  // tokens) only from the page on.
  std::vector<int> whole, from_page;
  for (int k = 1; k < kKeyKindCount; ++k) {
    if (compared[k]) {
      whole.push_back(k);
    } else if (finding[k]) {
      from_page.push_back(k);
    }
  }
  if (!whole.empty()) {
    CRM_RETURN_IF_ERROR(source.ForEachMatchKeyGroup(whole, 0, visit));
  }
  if (!from_page.empty()) {
    CRM_RETURN_IF_ERROR(
        source.ForEachMatchKeyGroup(from_page, request.after_id, visit));
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()),
                   candidates.end());

  // Field values, aligned with rules.fields(), for customers that have any.
  std::vector<std::vector<std::string>> field_rows;
  std::vector<int32_t> field_row_of;
  if (!rules.fields().empty()) {
    field_row_of.assign(static_cast<size_t>(n), kNoKey);
    const size_t count = rules.fields().size();
    for (size_t f = 0; f < count; ++f) {
      CRM_ASSIGN_OR_RETURN(auto values, source.FieldValues(rules.fields()[f]));
      for (auto& [id, text] : values) {
        int32_t index = index_of(id);
        if (index == kNoKey) continue;
        if (field_row_of[index] == kNoKey) {
          field_row_of[index] = static_cast<int32_t>(field_rows.size());
          field_rows.emplace_back(count);
        }
        field_rows[field_row_of[index]][f] = std::move(text);
      }
    }
  }
  const std::vector<std::string> no_fields(rules.fields().size());

  auto side_of = [&](int32_t index, PairSide* side) {
    side->id = ids[index];
    side->is_company = is_company[index] != 0;
    for (int k = 1; k < kKeyKindCount; ++k) {
      if (key_of[k].empty() || key_of[k][index] == kNoKey) {
        side->keys[k] = absl::string_view();
      } else if (k == static_cast<int>(KeyKind::kName)) {
        const int32_t key = key_of[k][index];
        side->keys[k] = absl::string_view(name_text).substr(
            name_offset[key], name_offset[key + 1] - name_offset[key]);
      } else {
        // Interned: equal keys of a kind have equal indexes, whose bytes
        // stand for the key.
        side->keys[k] = absl::string_view(
            reinterpret_cast<const char*>(&key_of[k][index]), sizeof(int32_t));
      }
    }
    if (!field_row_of.empty()) {
      side->fields = field_row_of[index] == kNoKey
                         ? &no_fields
                         : &field_rows[field_row_of[index]];
    }
  };

  Clusters clusters(static_cast<size_t>(n));
  std::vector<int32_t> in_pairs;
  std::vector<double> pair_scores;  // aligned with result.pairs
  PairSide a_side, b_side;
  for (uint64_t packed : candidates) {
    const int32_t b = static_cast<int32_t>(packed >> 32);
    const int32_t a = static_cast<int32_t>(packed & 0xffffffffu);
    CRM_RETURN_IF_ERROR(progress.Update(b - begin, 0));
    side_of(a, &a_side);
    side_of(b, &b_side);
    std::optional<Match> match = rules.Best(a_side, b_side);
    if (!match) continue;
    clusters.Join(a, b);
    in_pairs.push_back(a);
    in_pairs.push_back(b);
    result.pairs.push_back({ids[a], ids[b], *std::move(match)});
  }
  CRM_RETURN_IF_ERROR(progress.Finish(result.customers, 0));

  // Clusters: members by root, each with its lowest pair score.
  std::sort(in_pairs.begin(), in_pairs.end());
  in_pairs.erase(std::unique(in_pairs.begin(), in_pairs.end()), in_pairs.end());
  std::vector<int32_t> cluster_of(static_cast<size_t>(n), kNoKey);
  for (int32_t member : in_pairs) {
    const int32_t root = clusters.Find(member);
    if (cluster_of[root] == kNoKey) {
      cluster_of[root] = static_cast<int32_t>(result.clusters.size());
      result.clusters.push_back({{}, 1.0});
    }
    result.clusters[cluster_of[root]].ids.push_back(ids[member]);
  }
  for (const ScanPair& pair : result.pairs) {
    ScanCluster& cluster =
        result.clusters[cluster_of[clusters.Find(index_of(pair.a))]];
    cluster.score = std::min(cluster.score, pair.match.score);
  }
  // in_pairs is ascending, so clusters are made in order of their lowest
  // member, and each cluster's ids ascend.
  return result;
}

std::string ScanResultToJson(const ScanResult& result) {
  std::string out = "{\"pairs\":[";
  for (size_t i = 0; i < result.pairs.size(); ++i) {
    const ScanPair& pair = result.pairs[i];
    if (i > 0) out.push_back(',');
    absl::StrAppend(&out, "{\"a\":", pair.a, ",\"b\":", pair.b, ",");
    AppendMatchMembers(pair.match, &out);
    out.push_back('}');
  }
  out.append("],\"clusters\":[");
  for (size_t i = 0; i < result.clusters.size(); ++i) {
    const ScanCluster& cluster = result.clusters[i];
    if (i > 0) out.push_back(',');
    out.append("{\"ids\":[");
    for (size_t j = 0; j < cluster.ids.size(); ++j) {
      if (j > 0) out.push_back(',');
      absl::StrAppend(&out, cluster.ids[j]);
    }
    out.append("],\"score\":");
    AppendScore(cluster.score, &out);
    out.push_back('}');
  }
  absl::StrAppend(&out, "],\"customers\":", result.customers,
                  ",\"next_after_id\":", result.next_after_id,
                  ",\"skipped_keys\":", result.skipped_keys, "}");
  return out;
}

}  // namespace crm::core::duplicates
