#include "core/visible_search.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "base/error.h"
#include "core/access.h"
#include "core/query_access.h"
#include "core/query_rows.h"
#include "core/record_scope.h"
#include "store/search_words.h"

namespace crm::core {
namespace {

// Candidates read per statement: bounded, so that the id list of one
// statement stays small on both backends.
constexpr size_t kCandidatesPerRead = 500;

bool PhraseAt(const SearchPhrase& phrase, const std::vector<std::string>& words,
              size_t at) {
  if (at + phrase.words.size() > words.size()) return false;
  for (size_t i = 0; i < phrase.words.size(); ++i) {
    const std::string& wanted = phrase.words[i];
    const std::string& word = words[at + i];
    bool last = i + 1 == phrase.words.size();
    if (last && phrase.prefix ? !absl::StartsWith(word, wanted)
                              : word != wanted) {
      return false;
    }
  }
  return true;
}

// The stored values of a candidate with what `access` does not read
// unmasked removed, for SearchText().
std::vector<store::SqlValue> PlainValues(const Access& access,
                                         const Schema& schema,
                                         std::vector<store::SqlValue> values) {
  const auto& fields = schema.stored_fields();
  for (size_t i = 0; i < fields.size(); ++i) {
    if (!access.ReadsPlain(*fields[i])) values[i] = store::SqlValue();
  }
  return values;
}

}  // namespace

absl::StatusOr<std::vector<SearchPhrase>> SearchPhrases(
    absl::string_view text) {
  std::vector<SearchPhrase> phrases;
  for (absl::string_view word :
       absl::StrSplit(text, absl::ByAnyChar(" \t\n"), absl::SkipEmpty())) {
    SearchPhrase phrase;
    phrase.prefix = absl::EndsWith(word, "*");
    std::string plain;
    for (char c : word) {
      if (c != '*') plain.push_back(c);
    }
    CRM_ASSIGN_OR_RETURN(phrase.words, store::SearchWords(plain));
    if (!phrase.words.empty()) phrases.push_back(std::move(phrase));
  }
  return phrases;
}

bool MatchesEveryPhrase(const std::vector<SearchPhrase>& phrases,
                        const std::vector<std::string>& words) {
  for (const SearchPhrase& phrase : phrases) {
    bool found = false;
    for (size_t at = 0; !found && at < words.size(); ++at) {
      found = PhraseAt(phrase, words, at);
    }
    if (!found) return false;
  }
  return true;
}

absl::StatusOr<QueryPage> SearchVisibleCustomers(Session& session,
                                                 absl::string_view text,
                                                 int64_t limit) {
  const Access& access = *session.access();
  const Schema& schema = session.schema();
  // The index's own syntax checks and errors, as unrestricted.
  CRM_ASSIGN_OR_RETURN(std::string fts, FullTextQuery(std::string(text)));
  CRM_ASSIGN_OR_RETURN(std::vector<SearchPhrase> phrases, SearchPhrases(text));
  // Every candidate, whatever its rank: which ones are kept must not depend
  // on the rank, which weighs hidden text.
  CRM_ASSIGN_OR_RETURN(
      std::vector<int64_t> ids,
      session.backend().SearchCustomers(fts, std::numeric_limits<int>::max()));
  std::sort(ids.begin(), ids.end());

  QueryRequest request;
  CRM_ASSIGN_OR_RETURN(std::vector<QueryField> every,
                       SelectedFields(schema, request, nullptr));
  CRM_ASSIGN_OR_RETURN(std::vector<QueryField> shown,
                       SelectedFields(schema, request, &access));
  // Where each shown field is among `every` (stored fields first, aligned
  // with the schema's, then created_at and updated_at).
  std::vector<size_t> shown_at;
  for (const QueryField& field : shown) {
    for (size_t i = 0; i < every.size(); ++i) {
      if (every[i].name == field.name) shown_at.push_back(i);
    }
  }
  CRM_ASSIGN_OR_RETURN(std::optional<store::Condition> scope,
                       ScopeCondition(session));
  size_t stored = schema.stored_fields().size();

  QueryPage page;
  for (const QueryField& field : shown) page.columns.push_back(field.name);
  for (size_t from = 0; from < ids.size(); from += kCandidatesPerRead) {
    size_t to = std::min(ids.size(), from + kCandidatesPerRead);
    store::Condition among;
    among.column = {store::Table::kCustomers, "id", false, false, false, ""};
    among.op = store::Compare::kIn;
    among.values.assign(ids.begin() + from, ids.begin() + to);
    store::SelectPlan plan;
    plan.where = AndConditions(std::move(among), scope);
    for (const QueryField& field : every) plan.columns.push_back(field.column);
    plan.limit = static_cast<int64_t>(to - from);
    CRM_ASSIGN_OR_RETURN(std::vector<store::SelectedRow> rows,
                         session.backend().RunSelect(plan));
    for (store::SelectedRow& row : rows) {
      std::vector<store::SqlValue> values(row.values.begin(),
                                          row.values.begin() + stored);
      std::string visible =
          SearchText(schema, PlainValues(access, schema, std::move(values)));
      CRM_ASSIGN_OR_RETURN(std::vector<std::string> words,
                           store::SearchWords(visible));
      if (!MatchesEveryPhrase(phrases, words)) continue;
      store::SelectedRow kept{row.id, row.version, {}, {}};
      for (size_t at : shown_at) kept.values.push_back(row.values[at]);
      CRM_ASSIGN_OR_RETURN(
          CustomerRecord record,
          RowRecord(session, shown, kept, QueryTarget::kCustomers));
      page.rows.push_back(std::move(record));
      if (static_cast<int64_t>(page.rows.size()) == limit) return page;
    }
  }
  return page;
}

}  // namespace crm::core
