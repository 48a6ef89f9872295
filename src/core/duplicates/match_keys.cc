// A provisional, ASCII-only stand-in until the real normalisation lands
// (issue #24 work in progress).
#include "core/duplicates/match_keys.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace crm::core::duplicates {

const char* KeyKindName(KeyKind kind) {
  switch (kind) {
    case KeyKind::kEmail:
      return "email";
    case KeyKind::kEmailLocal:
      return "email_local";
    case KeyKind::kPhone:
      return "phone";
    case KeyKind::kName:
      return "name";
    case KeyKind::kNameToken:
      return "name_token";
    case KeyKind::kCompany:
      return "company";
  }
  return "";
}

std::optional<KeyKind> KeyKindNamed(absl::string_view name) {
  for (int i = 1; i < kKeyKindCount; ++i) {
    if (name == KeyKindName(static_cast<KeyKind>(i))) {
      return static_cast<KeyKind>(i);
    }
  }
  return std::nullopt;
}

std::optional<std::string> EmailKey(absl::string_view email) {
  std::string key = absl::AsciiStrToLower(absl::StripAsciiWhitespace(email));
  if (key.find('@') == std::string::npos) return std::nullopt;
  return key;
}

std::optional<std::string> EmailLocalKey(absl::string_view email) {
  std::optional<std::string> key = EmailKey(email);
  if (!key) return std::nullopt;
  return key->substr(0, key->find('@'));
}

std::optional<std::string> PhoneKey(absl::string_view phone,
                                    absl::string_view) {
  std::string digits;
  for (char c : phone) {
    if (absl::ascii_isdigit(c)) digits += c;
  }
  if (digits.size() < 6) return std::nullopt;
  return "?" + digits;
}

std::string FoldText(absl::string_view text) {
  std::vector<std::string> words;
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    words.push_back(absl::AsciiStrToLower(word));
  }
  return absl::StrJoin(words, " ");
}

std::string PersonNameKey(absl::string_view name) {
  std::vector<std::string> words =
      absl::StrSplit(FoldText(name), ' ', absl::SkipEmpty());
  std::sort(words.begin(), words.end());
  return absl::StrJoin(words, " ");
}

std::string CompanyNameKey(absl::string_view name) { return FoldText(name); }

bool IsRegionCode(absl::string_view region) { return region.size() == 2; }

double NameSimilarity(absl::string_view a_key, absl::string_view b_key) {
  return a_key == b_key ? 1.0 : 0.0;
}

std::vector<MatchKey> MatchKeysOf(const KeySource& source,
                                  absl::string_view default_region) {
  std::vector<MatchKey> keys;
  if (auto key = EmailKey(source.email)) {
    keys.push_back({KeyKind::kEmail, *key});
  }
  if (auto key = EmailLocalKey(source.email)) {
    keys.push_back({KeyKind::kEmailLocal, *key});
  }
  if (auto key = PhoneKey(source.phone, default_region)) {
    keys.push_back({KeyKind::kPhone, *key});
  }
  std::string name = source.kind == "company" ? CompanyNameKey(source.name)
                                              : PersonNameKey(source.name);
  if (!name.empty()) {
    for (absl::string_view word : absl::StrSplit(name, ' ')) {
      keys.push_back({KeyKind::kNameToken, std::string(word)});
    }
    keys.push_back({KeyKind::kName, name});
  }
  std::string company = CompanyNameKey(source.company);
  if (source.kind != "company" && !company.empty()) {
    keys.push_back({KeyKind::kCompany, company});
  }
  std::sort(keys.begin(), keys.end(), [](const MatchKey& a, const MatchKey& b) {
    return std::tie(a.kind, a.key) < std::tie(b.kind, b.key);
  });
  keys.erase(std::unique(keys.begin(), keys.end(),
                         [](const MatchKey& a, const MatchKey& b) {
                           return a.kind == b.kind && a.key == b.key;
                         }),
             keys.end());
  return keys;
}

}  // namespace crm::core::duplicates
