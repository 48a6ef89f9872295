#include "core/duplicates/legal_forms.h"

#include <algorithm>
#include <cstddef>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/types/span.h"

namespace crm::core::duplicates {
namespace {

// Legal forms as FoldText leaves them: punctuation became spaces, so
// "A/S" is "a s" and "S.A.R.L." is "s a r l". Both spellings are listed
// where both are in use.
constexpr const char* kTrailingForms[] = {
    // Nordic.
    "as",
    "a s",
    "asa",
    "ans",
    "da",
    "ba",
    "nuf",
    "enk",
    "sf",  // Norway
    "aps",
    "ivs",
    "i s",
    "k s",
    "ks",
    "amba",
    "a m b a",
    "smba",  // Denmark
    "ab",
    "publ",
    "hb",
    "kb",  // Sweden
    "oy",
    "oyj",
    "ay",  // Finland
    "ehf",
    "hf",  // Iceland
    // German-speaking.
    "gmbh",
    "g m b h",
    "mbh",
    "ag",
    "kg",
    "kgaa",
    "ug",
    "ohg",
    "gbr",
    "e v",
    // English-speaking.
    "ltd",
    "limited",
    "llc",
    "l l c",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "co",
    "company",
    "plc",
    "p l c",
    "pty",
    "lp",
    "l p",
    "llp",
    "l l p",
    "pllc",
    // Romance languages.
    "sa",
    "s a",
    "sas",
    "s a s",
    "sarl",
    "s a r l",
    "srl",
    "s r l",
    "spa",
    "s p a",
    "sl",
    "s l",
    "slu",
    "sae",
    "ltda",
    "sca",
    // Dutch and Belgian.
    "bv",
    "b v",
    "nv",
    "n v",
    "vof",
    // European company; Central and Eastern Europe.
    "se",
    "kft",
    "zrt",
    "nyrt",
    "sro",
    "s r o",
    "doo",
    "d o o",
    "sp z o o",
    "uab",
    "sia",
    "ou",
    // Japan.
    "kk",
    "k k",
};

// Forms written before the name.
constexpr const char* kLeadingForms[] = {
    "ab", "as", "a s", "asa", "oy", "oyj", "pt", "ooo", "oao", "zao", "pao",
};

// Words that join a name to its form ("Hansen & Co").
constexpr absl::string_view kConnectives[] = {"and", "og", "och", "und", "et"};

using Form = std::vector<absl::string_view>;

// `forms` split into tokens, the forms of most tokens first.
std::vector<Form> SplitForms(absl::Span<const char* const> forms) {
  std::vector<Form> split;
  for (const char* form : forms) {
    split.push_back(absl::StrSplit(form, ' ', absl::SkipEmpty()));
  }
  std::stable_sort(
      split.begin(), split.end(),
      [](const Form& a, const Form& b) { return a.size() > b.size(); });
  return split;
}

const std::vector<Form>& TrailingForms() {
  static const auto* const forms =
      new std::vector<Form>(SplitForms(kTrailingForms));
  return *forms;
}

const std::vector<Form>& LeadingForms() {
  static const auto* const forms =
      new std::vector<Form>(SplitForms(kLeadingForms));
  return *forms;
}

// The number of tokens of the longest form that ends `tokens`; 0 for none.
size_t TrailingFormLength(absl::Span<const absl::string_view> tokens) {
  for (const Form& form : TrailingForms()) {
    if (form.size() > tokens.size()) continue;
    if (std::equal(form.begin(), form.end(), tokens.end() - form.size())) {
      return form.size();
    }
  }
  return 0;
}

size_t LeadingFormLength(absl::Span<const absl::string_view> tokens) {
  for (const Form& form : LeadingForms()) {
    if (form.size() > tokens.size()) continue;
    if (std::equal(form.begin(), form.end(), tokens.begin())) {
      return form.size();
    }
  }
  return 0;
}

bool IsConnective(absl::string_view token) {
  return std::find(std::begin(kConnectives), std::end(kConnectives), token) !=
         std::end(kConnectives);
}

}  // namespace

void RemoveLegalForms(std::vector<absl::string_view>& tokens) {
  absl::Span<const absl::string_view> name(tokens);
  while (size_t length = TrailingFormLength(name)) {
    name.remove_suffix(length);
    while (!name.empty() && IsConnective(name.back())) name.remove_suffix(1);
  }
  while (size_t length = LeadingFormLength(name)) name.remove_prefix(length);
  if (name.empty()) return;  // only legal forms: kept
  tokens.assign(name.begin(), name.end());
}

}  // namespace crm::core::duplicates
