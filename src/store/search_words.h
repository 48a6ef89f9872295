// The words of search text as both backends index them: SQLite's FTS5
// unicode61 tokenizer with remove_diacritics 2 (store/sqlite's
// crm_customer_search; the PostgreSQL backend tokenizes with it too, see
// store/postgres/search_terms.h). Compiled into the core library and into
// the PostgreSQL plugin. Thread-safe.
#ifndef CRM_STORE_SEARCH_WORDS_H_
#define CRM_STORE_SEARCH_WORDS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::store {

// The words of `text` in order: lower case, diacritics removed, as FTS5's
// unicode61 tokenizer with remove_diacritics 2 makes them. Errors: kNoMemory
// (SQLite could not set up its tokenizer), kInvalidArgument for text over
// 2 GiB.
absl::StatusOr<std::vector<std::string>> SearchWords(absl::string_view text);

}  // namespace crm::store

#endif  // CRM_STORE_SEARCH_WORDS_H_
