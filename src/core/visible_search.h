// crm_customer_search on a restricted handle (crm.h: "full-text search
// matches only the text of fields it reads unmasked"). The index holds all
// of a customer's text, hidden fields included, so it only proposes
// candidates: a candidate is kept when it lies in the session's scope and
// every word of the query matches the text of the fields the profile reads
// unmasked, tokenized as the index tokenizes (store/search_words.h).
//
// Order: the index's rank weighs all of a customer's text, so it would leak
// hidden text; the kept customers come in ascending id instead, and which
// of them make the first `limit` depends on nothing hidden.
#ifndef CRM_CORE_VISIBLE_SEARCH_H_
#define CRM_CORE_VISIBLE_SEARCH_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/query_service.h"
#include "core/workspace.h"

namespace crm::core {

// One quoted string of a search: its words, and whether the last is a
// prefix (a trailing '*').
struct SearchPhrase {
  std::vector<std::string> words;
  bool prefix = false;
};

// The phrases of search `text`, split and quoted as FullTextQuery()
// (query_checker.h) splits them; phrases without words are left out, as
// the index leaves them out.
absl::StatusOr<std::vector<SearchPhrase>> SearchPhrases(absl::string_view text);

// Whether every phrase occurs in `words` (its words adjacent and in order,
// the last one as a prefix when `prefix`).
bool MatchesEveryPhrase(const std::vector<SearchPhrase>& phrases,
                        const std::vector<std::string>& words);

// SearchCustomers() for a session with a profile: at most `limit` customers
// by ascending id, with the fields the profile reads.
absl::StatusOr<QueryPage> SearchVisibleCustomers(Session& session,
                                                 absl::string_view text,
                                                 int64_t limit);

}  // namespace crm::core

#endif  // CRM_CORE_VISIBLE_SEARCH_H_
