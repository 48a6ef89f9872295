// The built-in table of company legal forms ("AS", "A/S", "GmbH", "Ltd")
// that CompanyNameKey removes from a folded company name.
#ifndef CRM_CORE_DUPLICATES_LEGAL_FORMS_H_
#define CRM_CORE_DUPLICATES_LEGAL_FORMS_H_

#include <vector>

#include "absl/strings/string_view.h"

namespace crm::core::duplicates {

// Removes legal forms from the folded tokens of a company name ("acme",
// "holding", "a", "s" -> "acme", "holding"):
// - at the end, repeatedly, a legal form (longest first: "s a s" before
//   "a s"), and then any "and" (or "og", "och", "und", "et") left dangling
//   by it, so "hansen and co kg" -> "hansen";
// - then at the start, repeatedly, a form that is written first (ab, as,
//   a s, asa, oy, oyj, pt, ooo, oao, zao, pao): "ab volvo" -> "volvo".
// A name made only of legal forms (and connectives) keeps them all: "as"
// stays "as", "co ltd" stays "co ltd".
// The views keep referring to what they referred to.
void RemoveLegalForms(std::vector<absl::string_view>& tokens);

}  // namespace crm::core::duplicates

#endif  // CRM_CORE_DUPLICATES_LEGAL_FORMS_H_
