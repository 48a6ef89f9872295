// Duplicate candidates (crm.h, "Duplicates") as one line of text for
// stderr: what a write's "warn" rule found, or what a "block" rule named.
#ifndef CRM_TOOLS_CRM_DUPLICATE_CANDIDATES_H_
#define CRM_TOOLS_CRM_DUPLICATE_CANDIDATES_H_

#include <string>

namespace crm::cli {

// "17 (score 0.93, rule same_phone), 40 (score 0.81, rule same_phone)" from
// the candidates JSON array `json` (borrowed; NULL, "[]" or text that does
// not parse give ""). Never throws.
std::string CandidatesText(const char* json);

// Prints "crm: warning: possible duplicates (<what>): <CandidatesText>" on
// stderr when `json` names any candidate; nothing otherwise.
void WarnCandidates(const std::string& what, const char* json);

}  // namespace crm::cli

#endif  // CRM_TOOLS_CRM_DUPLICATE_CANDIDATES_H_
