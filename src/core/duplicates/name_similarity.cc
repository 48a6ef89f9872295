// NameSimilarity of match_keys.h: tokens paired by best assignment, each pair
// scored by Damerau-Levenshtein similarity, weighted by length.
//
// Why Damerau-Levenshtein and not Jaro-Winkler: measured on the duplicates
// the issue describes (1-2 character edits, swapped tokens) against
// different people of a shared family name, Jaro-Winkler scores unrelated
// short given names high ("anna" vs "ola" 0.53, "ola" vs "per" 0.0 but "ole"
// vs "ola" 0.82 like a typo), while edit distance keeps one edit in a short
// name above two, and two above a different name, as the steward expects.
// See tests/core/name_similarity_test.cc for the orderings.
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <numeric>

#include "absl/container/inlined_vector.h"
#include "absl/strings/string_view.h"
#include "core/duplicates/match_keys.h"

namespace crm::core::duplicates {
namespace {

// Up to this many tokens on the side with more, every pairing is tried
// (4! = 24); beyond, pairs are chosen greedily, best first.
constexpr size_t kMaxTokensForEveryPairing = 4;

// Inline capacities: a key of kMaxKeyBytes has at most that many
// characters; names rarely have more than 8 tokens or tokens longer than 32
// characters. Larger inputs allocate.
using CodePoints = absl::InlinedVector<char32_t, kMaxKeyBytes>;
struct Token {
  uint32_t begin;   // index into CodePoints
  uint32_t length;  // in characters
};
using Tokens = absl::InlinedVector<Token, 8>;
using Row = absl::InlinedVector<int, 33>;

// The characters of `key` and its tokens (split at spaces). Bytes that are
// not UTF-8 count as one character each (U+FFFD).
void Tokenize(absl::string_view key, CodePoints& characters, Tokens& tokens) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(key.data());
  const int32_t length = static_cast<int32_t>(
      std::min<size_t>(key.size(), static_cast<size_t>(INT32_MAX)));
  Token token{0, 0};
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c == ' ') {
      if (token.length > 0) tokens.push_back(token);
      token = Token{static_cast<uint32_t>(characters.size()), 0};
      continue;
    }
    characters.push_back(c < 0 ? char32_t{0xFFFD} : static_cast<char32_t>(c));
    ++token.length;
  }
  if (token.length > 0) tokens.push_back(token);
}

// Optimal string alignment distance (Damerau-Levenshtein in which an
// adjacent transposition is one edit and no substring is edited twice).
int EditDistance(const char32_t* a, int n, const char32_t* b, int m) {
  if (n == 0) return m;
  if (m == 0) return n;
  Row before_previous(m + 1), previous(m + 1), current(m + 1);
  std::iota(previous.begin(), previous.end(), 0);
  for (int i = 1; i <= n; ++i) {
    current[0] = i;
    for (int j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int best = std::min(
          {previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        best = std::min(best, before_previous[j - 2] + 1);
      }
      current[j] = best;
    }
    std::swap(before_previous, previous);
    std::swap(previous, current);
  }
  return previous[m];
}

double TokenSimilarity(const char32_t* a, int n, const char32_t* b, int m) {
  if (n == m && std::equal(a, a + n, b)) return 1.0;
  const int distance = EditDistance(a, n, b, m);
  return 1.0 - static_cast<double>(distance) / std::max(n, m);
}

// The best total of values[i * columns + j] over pairings of each row with
// a distinct column; rows <= columns.
double BestPairing(const absl::InlinedVector<double, 64>& values, size_t rows,
                   size_t columns) {
  if (columns <= kMaxTokensForEveryPairing) {
    std::array<size_t, kMaxTokensForEveryPairing> order{};
    std::iota(order.begin(), order.begin() + columns, 0);
    double best = 0;
    do {
      double total = 0;
      for (size_t i = 0; i < rows; ++i) total += values[i * columns + order[i]];
      best = std::max(best, total);
    } while (std::next_permutation(order.begin(), order.begin() + columns));
    return best;
  }
  absl::InlinedVector<bool, 16> row_used(rows, false);
  absl::InlinedVector<bool, 16> column_used(columns, false);
  double total = 0;
  for (size_t paired = 0; paired < rows; ++paired) {
    size_t best_row = 0, best_column = 0;
    double best = -1;
    for (size_t i = 0; i < rows; ++i) {
      if (row_used[i]) continue;
      for (size_t j = 0; j < columns; ++j) {
        if (!column_used[j] && values[i * columns + j] > best) {
          best = values[i * columns + j];
          best_row = i;
          best_column = j;
        }
      }
    }
    row_used[best_row] = true;
    column_used[best_column] = true;
    total += best;
  }
  return total;
}

}  // namespace

double NameSimilarity(absl::string_view a_key, absl::string_view b_key) {
  CodePoints a_characters, b_characters;
  Tokens a_tokens, b_tokens;
  Tokenize(a_key, a_characters, a_tokens);
  Tokenize(b_key, b_characters, b_tokens);
  if (a_tokens.empty() || b_tokens.empty()) return 0.0;
  if (a_key == b_key) return 1.0;
  // Rows: the side with fewer tokens.
  const bool a_rows = a_tokens.size() <= b_tokens.size();
  const Tokens& rows = a_rows ? a_tokens : b_tokens;
  const Tokens& columns = a_rows ? b_tokens : a_tokens;
  const CodePoints& row_characters = a_rows ? a_characters : b_characters;
  const CodePoints& column_characters = a_rows ? b_characters : a_characters;

  absl::InlinedVector<double, 64> values(rows.size() * columns.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const Token& r = rows[i];
    for (size_t j = 0; j < columns.size(); ++j) {
      const Token& c = columns[j];
      values[i * columns.size() + j] =
          (r.length + c.length) *
          TokenSimilarity(
              row_characters.data() + r.begin, static_cast<int>(r.length),
              column_characters.data() + c.begin, static_cast<int>(c.length));
    }
  }
  double weight = 0;
  for (const Token& t : a_tokens) weight += t.length;
  for (const Token& t : b_tokens) weight += t.length;
  const double score =
      BestPairing(values, rows.size(), columns.size()) / weight;
  return std::clamp(score, 0.0, 1.0);
}

}  // namespace crm::core::duplicates
