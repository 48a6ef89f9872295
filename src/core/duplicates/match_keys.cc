// MatchKeysOf, PersonNameKey and CompanyNameKey of match_keys.h.
#include "core/duplicates/match_keys.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "core/duplicates/legal_forms.h"
#include "core/duplicates/nicknames.h"

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
namespace {

constexpr size_t kMinNameTokenBytes = 2;

bool IsUtf8Continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// `key` cut to kMaxKeyBytes at a character boundary, without a space at the
// cut.
void CutToMaxKeyBytes(std::string& key) {
  if (key.size() <= kMaxKeyBytes) return;
  size_t cut = kMaxKeyBytes;
  while (cut > 0 && IsUtf8Continuation(key[cut])) --cut;
  key.resize(cut);
  while (!key.empty() && key.back() == ' ') key.pop_back();
}

class KeyList {
 public:
  void Add(KeyKind kind, std::string key) {
    CutToMaxKeyBytes(key);
    if (!key.empty()) keys_.push_back(MatchKey{kind, std::move(key)});
  }

  void Add(KeyKind kind, std::optional<std::string> key) {
    if (key.has_value()) Add(kind, *std::move(key));
  }

  std::vector<MatchKey> TakeSortedUnique() {
    std::sort(keys_.begin(), keys_.end());
    keys_.erase(std::unique(keys_.begin(), keys_.end()), keys_.end());
    return std::move(keys_);
  }

 private:
  std::vector<MatchKey> keys_;
};

}  // namespace

std::string PersonNameKey(absl::string_view name) {
  const std::string folded = FoldText(name);
  std::vector<absl::string_view> tokens =
      absl::StrSplit(folded, ' ', absl::SkipEmpty());
  for (absl::string_view& token : tokens) token = CanonicalGivenName(token);
  std::sort(tokens.begin(), tokens.end());
  return absl::StrJoin(tokens, " ");
}

std::string CompanyNameKey(absl::string_view name) {
  const std::string folded = FoldText(name);
  std::vector<absl::string_view> tokens =
      absl::StrSplit(folded, ' ', absl::SkipEmpty());
  RemoveLegalForms(tokens);
  return absl::StrJoin(tokens, " ");
}

std::vector<MatchKey> MatchKeysOf(const KeySource& source,
                                  absl::string_view default_region) {
  KeyList keys;
  const bool is_company = source.kind == "company";
  if (!source.email.empty()) {
    keys.Add(KeyKind::kEmail, EmailKey(source.email));
    keys.Add(KeyKind::kEmailLocal, EmailLocalKey(source.email));
  }
  if (!source.phone.empty()) {
    keys.Add(KeyKind::kPhone, PhoneKey(source.phone, default_region));
  }
  if (!source.name.empty()) {
    const std::string name_key =
        is_company ? CompanyNameKey(source.name) : PersonNameKey(source.name);
    for (absl::string_view token :
         absl::StrSplit(name_key, ' ', absl::SkipEmpty())) {
      if (token.size() >= kMinNameTokenBytes) {
        keys.Add(KeyKind::kNameToken, std::string(token));
      }
    }
    keys.Add(KeyKind::kName, name_key);
  }
  if (!is_company && !source.company.empty()) {
    keys.Add(KeyKind::kCompany, CompanyNameKey(source.company));
  }
  return keys.TakeSortedUnique();
}

}  // namespace crm::core::duplicates
