#include "store/postgres/search_terms.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/error.h"
#include "store/search_words.h"

namespace crm::store::postgres {
namespace {

// PostgreSQL's limits on a tsvector (tsearch/ts_type.h): bytes of one word
// (MAXSTRLEN - 1, as the server checks it), the highest position
// (MAXENTRYPOS - 1), positions per word (MAXNUMPOS), and the bytes of the
// words with their positions (MAXSTRPOS, 1 MiB: each word 2-byte aligned,
// then a 2-byte count and 2 bytes per position), kept below with room to
// spare.
constexpr size_t kMaxWordBytes = 2046;
constexpr int kMaxPosition = 16383;
constexpr size_t kMaxPositionsPerWord = 256;
constexpr size_t kMaxWordsBytes = 1000000;
// What one query may hold: the server refuses a tsquery of more than 1 MiB
// of words, and runs out of stack on a long phrase.
constexpr size_t kMaxQueryWords = 1000;
constexpr size_t kMaxQueryBytes = 65536;

// `word` cut to PostgreSQL's longest word, at a UTF-8 character boundary.
void CutToWordLimit(std::string& word) {
  if (word.size() <= kMaxWordBytes) return;
  size_t end = kMaxWordBytes;
  while (end > 0 && (static_cast<unsigned char>(word[end]) & 0xC0) == 0x80) {
    --end;
  }
  word.resize(end);
}

// `word` quoted for a tsvector or tsquery literal: nothing inside is syntax.
std::string Quoted(const std::string& word) {
  std::string quoted = "'";
  for (char c : word) {
    if (c == '\'' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  quoted.push_back('\'');
  return quoted;
}

absl::Status QuerySyntax(absl::string_view message) {
  return MakeError(ErrorCode::kValidation,
                   absl::StrCat("search query: ", message), "search",
                   Rule::kSyntax);
}

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

}  // namespace

absl::StatusOr<std::vector<std::string>> SearchWords(absl::string_view text) {
  CRM_ASSIGN_OR_RETURN(std::vector<std::string> words,
                       store::SearchWords(text));
  for (std::string& word : words) CutToWordLimit(word);
  return words;
}

absl::StatusOr<std::string> TsVectorLiteral(absl::string_view text) {
  CRM_ASSIGN_OR_RETURN(std::vector<std::string> words, SearchWords(text));
  // Words in order of first appearance, each with its positions.
  std::vector<std::pair<std::string, std::vector<int>>> entries;
  absl::flat_hash_map<std::string, size_t> index;
  size_t words_bytes = 0;
  for (size_t i = 0; i < words.size(); ++i) {
    int position = static_cast<int>(
        std::min<size_t>(i + 1, static_cast<size_t>(kMaxPosition)));
    auto found = index.find(words[i]);
    if (found == index.end()) {
      size_t bytes = (words[i].size() + 1) / 2 * 2 + 4;
      if (words_bytes + bytes > kMaxWordsBytes) continue;
      words_bytes += bytes;
      index.emplace(words[i], entries.size());
      entries.push_back({words[i], {position}});
      continue;
    }
    std::vector<int>& positions = entries[found->second].second;
    if (positions.size() < kMaxPositionsPerWord &&
        positions.back() != position && words_bytes + 2 <= kMaxWordsBytes) {
      words_bytes += 2;
      positions.push_back(position);
    }
  }
  std::string literal;
  for (const auto& [word, positions] : entries) {
    absl::StrAppend(&literal, literal.empty() ? "" : " ", Quoted(word), ":",
                    absl::StrJoin(positions, ","));
  }
  return literal;
}

absl::StatusOr<std::optional<std::string>> TsQueryLiteral(
    absl::string_view fts_query) {
  std::vector<std::string> phrases;
  size_t query_words = 0;
  size_t query_bytes = 0;
  size_t at = 0;
  while (true) {
    while (at < fts_query.size() && IsBlank(fts_query[at])) ++at;
    if (at == fts_query.size()) break;
    if (fts_query[at] != '"') {
      return QuerySyntax(absl::StrCat("expected '\"' at byte ", at));
    }
    std::string phrase;
    bool closed = false;
    for (++at; at < fts_query.size(); ++at) {
      if (fts_query[at] != '"') {
        phrase.push_back(fts_query[at]);
      } else if (at + 1 < fts_query.size() && fts_query[at + 1] == '"') {
        phrase.push_back('"');
        ++at;
      } else {
        closed = true;
        ++at;
        break;
      }
    }
    if (!closed) return QuerySyntax("a string is not closed");
    bool prefix = at < fts_query.size() && fts_query[at] == '*';
    if (prefix) ++at;
    if (at < fts_query.size() && !IsBlank(fts_query[at])) {
      return QuerySyntax(absl::StrCat("expected a blank at byte ", at));
    }
    CRM_ASSIGN_OR_RETURN(std::vector<std::string> words, SearchWords(phrase));
    if (words.empty()) continue;
    std::vector<std::string> terms;
    for (const std::string& word : words) {
      query_bytes += word.size();
      terms.push_back(Quoted(word));
    }
    query_words += words.size();
    if (query_words > kMaxQueryWords || query_bytes > kMaxQueryBytes) {
      return MakeError(ErrorCode::kValidation,
                       absl::StrCat("a search may hold up to ", kMaxQueryWords,
                                    " words and ", kMaxQueryBytes,
                                    " bytes of words on PostgreSQL"),
                       "search", Rule::kTerms);
    }
    if (prefix) terms.back() += ":*";
    phrases.push_back(absl::StrCat("(", absl::StrJoin(terms, " <-> "), ")"));
  }
  if (phrases.empty()) return std::optional<std::string>();
  return std::optional<std::string>(absl::StrJoin(phrases, " & "));
}

}  // namespace crm::store::postgres
