// Normalised match keys of a customer, and the similarity of two names:
// pure functions that duplicate rules compare (crm.h "Duplicates"). No
// storage. Thread-safe.
#ifndef CRM_CORE_DUPLICATES_MATCH_KEYS_H_
#define CRM_CORE_DUPLICATES_MATCH_KEYS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace crm::core::duplicates {

// Kinds of match key; stored as these integers (never renumber).
enum class KeyKind : int {
  kEmail = 1,       // the whole email, normalised
  kEmailLocal = 2,  // the normalised local part only
  kPhone = 3,       // E.164, e.g. "+4790000000"; "?digits" when unreadable
  kName = 4,        // the folded name (person: canonical words sorted;
                    // company: legal forms removed)
  kNameToken = 5,   // each word of the kName key
  kCompany = 6,     // a person's company, folded as a company name
};
constexpr int kKeyKindCount = 7;  // KeyKind values are below this

// The match key kinds by their names in rule definitions ("email",
// "email_local", "phone", "name", "name_token", "company").
const char* KeyKindName(KeyKind kind);
std::optional<KeyKind> KeyKindNamed(absl::string_view name);

struct MatchKey {
  KeyKind kind;
  std::string key;  // UTF-8, at most 255 bytes
};

// The values keys come from: the standard fields kind ("person" or
// "company"), name, email, phone and company; empty = absent.
struct KeySource {
  std::string kind, name, email, phone, company;
};

// Every key of a record, sorted by (kind, key), no two equal.
// `default_region`: ISO 3166 alpha-2 ("NO"), or "" for none.
std::vector<MatchKey> MatchKeysOf(const KeySource& source,
                                  absl::string_view default_region);

std::optional<std::string> EmailKey(absl::string_view email);
std::optional<std::string> EmailLocalKey(absl::string_view email);
std::optional<std::string> PhoneKey(absl::string_view phone,
                                    absl::string_view default_region);
std::string FoldText(absl::string_view text);
std::string PersonNameKey(absl::string_view name);
std::string CompanyNameKey(absl::string_view name);
bool IsRegionCode(absl::string_view region);

// Similarity in [0, 1] of two names given as their kName keys.
double NameSimilarity(absl::string_view a_key, absl::string_view b_key);

}  // namespace crm::core::duplicates

#endif  // CRM_CORE_DUPLICATES_MATCH_KEYS_H_
