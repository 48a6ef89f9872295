// The words of customers' search text on PostgreSQL, as the SQLite backend
// sees them: both backends split and fold text with SQLite's own FTS5
// tokenizer (unicode61 remove_diacritics 2, store/sqlite's
// crm_customer_search), so that a query finds the same customers on both.
// This file turns text into tsvector literals and libcrm's FTS5 queries into
// tsquery literals; both are sent as bound parameters and cast on the
// server, never spliced into SQL. Thread-safe.
#ifndef CRM_STORE_POSTGRES_SEARCH_TERMS_H_
#define CRM_STORE_POSTGRES_SEARCH_TERMS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::store::postgres {

// The words of `text` in order: lower case, diacritics removed, as FTS5's
// unicode61 tokenizer with remove_diacritics 2 makes them. Errors: kNoMemory
// (SQLite could not set up its tokenizer), kInvalidArgument for text over
// 2 GiB.
absl::StatusOr<std::vector<std::string>> SearchWords(absl::string_view text);

// A tsvector literal of the words of `text` with their positions (1-based),
// for `$n::tsvector`. PostgreSQL's limits apply and are kept rather than
// failing: a word is cut to 2,046 bytes (at a character boundary),
// positions past 16,383 count as 16,383, a word keeps its first 256
// positions, and once the words and positions take 1,000,000 bytes (in
// PostgreSQL's count) further words and positions are left out.
absl::StatusOr<std::string> TsVectorLiteral(absl::string_view text);

// A tsquery literal, for `$n::tsquery`, for an FTS5 query of the form
// core/query_checker.h's FullTextQuery() makes: double-quoted strings ("" for
// a quote), each optionally followed by '*', separated by blanks. Each
// string is a phrase (its words adjacent, in order) and all must match; '*'
// makes the phrase's last word a prefix. A string without words is ignored,
// as FTS5 does; nullopt when no string has words (nothing matches). Errors:
// kValidation rule "syntax" for anything else, rule "terms" for more than
// 1,000 words or 65,536 bytes of words in all (the server's limits on a
// tsquery are lower than FTS5's).
absl::StatusOr<std::optional<std::string>> TsQueryLiteral(
    absl::string_view fts_query);

}  // namespace crm::store::postgres

#endif  // CRM_STORE_POSTGRES_SEARCH_TERMS_H_
