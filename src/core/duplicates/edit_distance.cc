#include "core/duplicates/edit_distance.h"

#include <algorithm>
#include <numeric>

#include "absl/container/inlined_vector.h"

namespace crm::core::duplicates {
namespace {

// The slot of a lower-case ASCII letter or digit, or -1.
int DirectSlot(char32_t c) {
  if (c >= 'a' && c <= 'z') return static_cast<int>(c - 'a');
  if (c >= '0' && c <= '9') return static_cast<int>(c - '0') + 26;
  return -1;
}

// The dynamic programme, for texts longer than a machine word.
int DynamicProgramme(std::u32string_view a, std::u32string_view b) {
  const size_t n = a.size(), m = b.size();
  if (n == 0) return static_cast<int>(m);
  if (m == 0) return static_cast<int>(n);
  absl::InlinedVector<int, 65> before_previous(m + 1), previous(m + 1),
      current(m + 1);
  std::iota(previous.begin(), previous.end(), 0);
  for (size_t i = 1; i <= n; ++i) {
    current[0] = static_cast<int>(i);
    for (size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int best = std::min(std::min(previous[j], current[j - 1]) + 1,
                          previous[j - 1] + cost);
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

}  // namespace

EditDistancePattern::EditDistancePattern(std::u32string_view pattern)
    : pattern_(pattern) {
  if (pattern_.size() > kMaxBitParallel) return;
  for (size_t i = 0; i < pattern_.size(); ++i) {
    const char32_t c = pattern_[i];
    const uint64_t bit = uint64_t{1} << i;
    if (int slot = DirectSlot(c); slot >= 0) {
      direct_[slot] |= bit;
      continue;
    }
    int entry = 0;
    while (entry < others_ && other_characters_[entry] != c) ++entry;
    if (entry == others_) {
      other_characters_[others_] = c;
      other_positions_[others_++] = 0;
    }
    other_positions_[entry] |= bit;
  }
}

uint64_t EditDistancePattern::Positions(char32_t c) const {
  if (int slot = DirectSlot(c); slot >= 0) return direct_[slot];
  for (int entry = 0; entry < others_; ++entry) {
    if (other_characters_[entry] == c) return other_positions_[entry];
  }
  return 0;
}

int EditDistancePattern::DistanceTo(std::u32string_view text) const {
  if (pattern_.size() > kMaxBitParallel) {
    return DynamicProgramme(pattern_, text);
  }
  if (pattern_.empty()) return static_cast<int>(text.size());
  // Hyyrö (2003), "A bit-vector algorithm for computing Levenshtein and
  // Damerau edit distances": column by column of the dynamic programme,
  // the vertical differences of the pattern's rows as bit vectors.
  uint64_t vertical_positive = ~uint64_t{0};
  uint64_t vertical_negative = 0;
  uint64_t zero_diagonal = 0;
  uint64_t previous_matches = 0;
  int distance = static_cast<int>(pattern_.size());
  const uint64_t last_row = uint64_t{1} << (pattern_.size() - 1);
  for (char32_t c : text) {
    const uint64_t matches = Positions(c);
    const uint64_t transpositions =
        (((~zero_diagonal) & matches) << 1) & previous_matches;
    zero_diagonal = (((matches & vertical_positive) + vertical_positive) ^
                     vertical_positive) |
                    matches | vertical_negative | transpositions;
    uint64_t horizontal_positive =
        vertical_negative | ~(zero_diagonal | vertical_positive);
    uint64_t horizontal_negative = zero_diagonal & vertical_positive;
    if (horizontal_positive & last_row) ++distance;
    if (horizontal_negative & last_row) --distance;
    horizontal_positive = (horizontal_positive << 1) | 1;
    horizontal_negative <<= 1;
    vertical_positive =
        horizontal_negative | ~(zero_diagonal | horizontal_positive);
    vertical_negative = horizontal_positive & zero_diagonal;
    previous_matches = matches;
  }
  return distance;
}

int EditDistance(std::u32string_view a, std::u32string_view b) {
  return EditDistancePattern(a).DistanceTo(b);
}

}  // namespace crm::core::duplicates
