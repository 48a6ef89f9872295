#include <gtest/gtest.h>

#include <string>

#include "core/duplicates/match_keys.h"

namespace crm::core::duplicates {
namespace {

double PersonSimilarity(absl::string_view a, absl::string_view b) {
  return NameSimilarity(PersonNameKey(a), PersonNameKey(b));
}

TEST(NameSimilarity, EqualKeysAreOneAndSwappedNamesAreEqualKeys) {
  EXPECT_EQ(NameSimilarity("doe jane", "doe jane"), 1.0);
  EXPECT_EQ(PersonSimilarity("Jane Doe", "Doe, Jane"), 1.0);
  EXPECT_EQ(PersonSimilarity("Bob Smith", "Robert Smith"), 1.0);
  // Tokens in another order pair up the same, keys sorted or not.
  EXPECT_DOUBLE_EQ(NameSimilarity("jane doe", "doe jane"), 1.0);
}

TEST(NameSimilarity, OneEditBeatsTwoEditsBeatsAnotherPerson) {
  const double transposed = NameSimilarity("doe jane", "doe jnae");
  const double one_edit = NameSimilarity("hansen kristine", "hansen kristina");
  const double two_edits = NameSimilarity("hansen kristine", "hansen krstina");
  const double other_person = NameSimilarity("hansen kristine", "hansen ola");
  EXPECT_GT(transposed, 0.8);
  EXPECT_LT(transposed, 1.0);
  EXPECT_GT(one_edit, two_edits);
  EXPECT_GT(two_edits, other_person);
  // The brief's example: a shared family name is not the same person.
  EXPECT_LT(NameSimilarity("anna hansen", "hansen ola") + 0.1,
            NameSimilarity("doe jane", "doe jnae"));
}

TEST(NameSimilarity, AnAdjacentTranspositionIsOneEdit) {
  // One edit in "kristine" (8 letters) leaves 7/8 of it.
  const double swapped = NameSimilarity("kristine", "kristien");
  const double substituted = NameSimilarity("kristine", "kristina");
  EXPECT_DOUBLE_EQ(swapped, substituted);
  EXPECT_DOUBLE_EQ(substituted, 1.0 - 1.0 / 8);
  // Without transpositions a swap would be two edits.
  EXPECT_GT(swapped, NameSimilarity("kristine", "kristnia"));
}

TEST(NameSimilarity, EditsCountCharactersNotBytes) {
  // "ø" vs "o" is one character edit, though "ø" is 2 bytes.
  EXPECT_DOUBLE_EQ(NameSimilarity("bjørn", "bjorn"), 1.0 - 1.0 / 5);
}

TEST(NameSimilarity, AMissingTokenCountsAsZeroByItsLength) {
  // "doe jane" (7 letters) against "doe jane q" (8): 14 of 15 weigh 1.
  EXPECT_DOUBLE_EQ(NameSimilarity("doe jane", "doe jane q"), 14.0 / 15);
  // A long extra token weighs more than a short one.
  EXPECT_GT(NameSimilarity("doe jane", "doe jane q"),
            NameSimilarity("doe jane", "doe elisabeth jane"));
  EXPECT_EQ(NameSimilarity("doe", "kim"), 0.0);
}

TEST(NameSimilarity, TokensPairByTheBestAssignment) {
  // Pairing each token in order with its best partner gives anna-anne
  // (8 * 3/4) + anne-annie (9 * 4/5) = 13.2; the best pairing is
  // anna-annie (9 * 3/5) + anne-anne (8 * 1) = 13.4, of 17 letters.
  EXPECT_DOUBLE_EQ(NameSimilarity("anna anne", "anne annie"), 13.4 / 17);
  // Symmetric.
  EXPECT_DOUBLE_EQ(NameSimilarity("anna anne", "anne annie"),
                   NameSimilarity("anne annie", "anna anne"));
  EXPECT_DOUBLE_EQ(NameSimilarity("doe jane q", "doe jnae"),
                   NameSimilarity("doe jnae", "doe jane q"));
}

TEST(NameSimilarity, ManyTokensArePairedGreedily) {
  const std::string six = "alpha bravo charlie delta echo foxtrot";
  EXPECT_EQ(NameSimilarity(six, six), 1.0);
  EXPECT_DOUBLE_EQ(
      NameSimilarity(six, "foxtrot echo delta charlie bravo alpha"), 1.0);
  const double one_typo =
      NameSimilarity(six, "alpha bravo charlie delta echo foxtrto");
  EXPECT_GT(one_typo, 0.95);
  EXPECT_LT(one_typo, 1.0);
}

TEST(NameSimilarity, EmptyKeysAreLikeNothing) {
  EXPECT_EQ(NameSimilarity("", ""), 0.0);
  EXPECT_EQ(NameSimilarity("", "doe jane"), 0.0);
  EXPECT_EQ(NameSimilarity("doe jane", ""), 0.0);
  EXPECT_EQ(NameSimilarity("   ", "   "), 0.0);
}

TEST(NameSimilarity, StaysInRangeForAnyBytes) {
  const std::string inputs[] = {
      "\xff\xfe",
      "a",
      std::string(1000, 'x'),
      std::string(300, ' '),
      "a b c d e f g h i j k l m n o p q r s t u v w x y z",
      std::string(70, 'y') + " " + std::string(70, 'z')};
  for (const std::string& a : inputs) {
    for (const std::string& b : inputs) {
      const double similarity = NameSimilarity(a, b);
      EXPECT_GE(similarity, 0.0);
      EXPECT_LE(similarity, 1.0);
    }
  }
  EXPECT_EQ(NameSimilarity("\xff\xfe", "\xff\xfe"), 1.0);
  EXPECT_DOUBLE_EQ(
      NameSimilarity(std::string(1000, 'x'), std::string(999, 'x') + "y"),
      1.0 - 1.0 / 1000);
}

}  // namespace
}  // namespace crm::core::duplicates
