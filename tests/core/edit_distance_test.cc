#include "core/duplicates/edit_distance.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace crm::core::duplicates {
namespace {

// The textbook optimal string alignment distance, to check the bit-parallel
// one against.
int ReferenceDistance(const std::u32string& a, const std::u32string& b) {
  std::vector<std::vector<int>> d(a.size() + 1, std::vector<int>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] =
          std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

TEST(EditDistance, KnownDistances) {
  EXPECT_EQ(EditDistance(U"", U""), 0);
  EXPECT_EQ(EditDistance(U"", U"abc"), 3);
  EXPECT_EQ(EditDistance(U"abc", U""), 3);
  EXPECT_EQ(EditDistance(U"jane", U"jane"), 0);
  EXPECT_EQ(EditDistance(U"jane", U"jnae"), 1);  // transposition
  EXPECT_EQ(EditDistance(U"jane", U"jan"), 1);
  EXPECT_EQ(EditDistance(U"jane", U"june"), 1);
  EXPECT_EQ(EditDistance(U"kitten", U"sitting"), 3);
  // Optimal string alignment: "ca" -> "ac" -> "abc" may not edit the
  // transposed pair again, so 3 (true Damerau-Levenshtein would say 2).
  EXPECT_EQ(EditDistance(U"ca", U"abc"), 3);
  EXPECT_EQ(EditDistance(U"bjørn", U"bjorn"), 1);
  EXPECT_EQ(EditDistance(U"東京", U"京東"), 1);
}

TEST(EditDistance, BitParallelAgreesWithTheDynamicProgramme) {
  std::mt19937 random(24);
  // A small alphabet (many repeats and transpositions) with a letter, a
  // digit and characters beyond ASCII.
  const std::u32string alphabet = U"abe1øж東";
  std::uniform_int_distribution<size_t> letter(0, alphabet.size() - 1);
  for (int round = 0; round < 20000; ++round) {
    const size_t a_length = random() % 12, b_length = random() % 12;
    std::u32string a, b;
    for (size_t i = 0; i < a_length; ++i) a += alphabet[letter(random)];
    for (size_t i = 0; i < b_length; ++i) b += alphabet[letter(random)];
    ASSERT_EQ(EditDistance(a, b), ReferenceDistance(a, b)) << "round " << round;
  }
}

TEST(EditDistance, LongTextsAroundTheWordSize) {
  std::mt19937 random(7);
  for (size_t length : {63u, 64u, 65u, 100u}) {
    std::u32string a, b;
    for (size_t i = 0; i < length; ++i) a += U"abc"[random() % 3];
    b = a;
    b[length / 2] = U'z';
    std::swap(b[1], b[2]);
    b.erase(b.size() - 1);
    EXPECT_EQ(EditDistance(a, b), ReferenceDistance(a, b)) << length;
    EXPECT_EQ(EditDistance(b, a), ReferenceDistance(b, a)) << length;
  }
}

TEST(EditDistance, APatternServesManyTexts) {
  const EditDistancePattern pattern(U"kristine");
  EXPECT_EQ(pattern.DistanceTo(U"kristine"), 0);
  EXPECT_EQ(pattern.DistanceTo(U"kristina"), 1);
  EXPECT_EQ(pattern.DistanceTo(U"krsitine"), 1);
  EXPECT_EQ(pattern.DistanceTo(U"christine"), 2);
  EXPECT_EQ(pattern.DistanceTo(U""), 8);
}

}  // namespace
}  // namespace crm::core::duplicates
