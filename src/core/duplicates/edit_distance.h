// The optimal string alignment distance (restricted Damerau-Levenshtein) of
// NameSimilarity: the fewest insertions, deletions, substitutions and
// transpositions of adjacent characters that turn one text into the other,
// where no character is edited after being transposed.
#ifndef CRM_CORE_DUPLICATES_EDIT_DISTANCE_H_
#define CRM_CORE_DUPLICATES_EDIT_DISTANCE_H_

#include <cstdint>
#include <string_view>

namespace crm::core::duplicates {

// One text prepared to be compared with many others: the bit-parallel
// algorithm of Hyyrö (2003) for texts of up to 64 characters, the textbook
// dynamic programme for longer ones. Refers to the characters it was given
// (they must outlive it). Not thread-safe; cheap to make (no allocation).
class EditDistancePattern {
 public:
  explicit EditDistancePattern(std::u32string_view pattern);

  // The distance from the pattern to `text`.
  int DistanceTo(std::u32string_view text) const;

 private:
  // The positions of `c` in the pattern, as bits (bit 0: the first).
  uint64_t Positions(char32_t c) const;

  static constexpr int kMaxBitParallel = 64;
  // Lower-case ASCII letters and digits, the characters of most folded
  // names, have a slot each; other characters a list entry.
  static constexpr int kDirectSlots = 36;

  std::u32string_view pattern_;
  uint64_t direct_[kDirectSlots] = {};
  char32_t other_characters_[kMaxBitParallel];
  uint64_t other_positions_[kMaxBitParallel];
  int others_ = 0;
};

// The distance from `a` to `b` (any lengths).
int EditDistance(std::u32string_view a, std::u32string_view b);

}  // namespace crm::core::duplicates

#endif  // CRM_CORE_DUPLICATES_EDIT_DISTANCE_H_
