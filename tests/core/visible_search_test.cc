// What a restricted handle's search keeps of the index's candidates
// (core/visible_search.h): each phrase of the query found among the words
// of the visible text, split and folded as the index splits them.
#include "core/visible_search.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/search_words.h"

namespace crm::core {
namespace {

bool Matches(const std::string& query, const std::string& text) {
  absl::StatusOr<std::vector<SearchPhrase>> phrases = SearchPhrases(query);
  EXPECT_TRUE(phrases.ok()) << phrases.status();
  absl::StatusOr<std::vector<std::string>> words = store::SearchWords(text);
  EXPECT_TRUE(words.ok()) << words.status();
  return MatchesEveryPhrase(*phrases, *words);
}

TEST(VisibleSearch, WordsAreFoldedAsTheIndexFoldsThem) {
  const std::string text = "Zoë Ångström-Smith, +44 20 7946";
  EXPECT_TRUE(Matches("zoe", text));
  EXPECT_TRUE(Matches("ZOË", text));
  EXPECT_TRUE(Matches("angstrom", text));
  EXPECT_FALSE(Matches("zo", text));
  EXPECT_FALSE(Matches("zoey", text));
}

TEST(VisibleSearch, EveryPhraseMustMatchWithItsWordsAdjacent) {
  const std::string text = "Ada Lovelace analytical engine";
  EXPECT_TRUE(Matches("engine ada", text));
  EXPECT_FALSE(Matches("engine babbage", text));
  EXPECT_TRUE(Matches("lovelace-analytical", text));
  EXPECT_FALSE(Matches("analytical-lovelace", text));
  EXPECT_FALSE(Matches("ada-analytical", text));
}

TEST(VisibleSearch, AStarMakesThePhrasesLastWordAPrefix) {
  const std::string text = "Ada Lovelace analytical engine";
  EXPECT_TRUE(Matches("love*", text));
  EXPECT_FALSE(Matches("love", text));
  EXPECT_TRUE(Matches("ada-love*", text));
  EXPECT_FALSE(Matches("ad*-engine", text));
  EXPECT_FALSE(Matches("xyz*", text));
}

TEST(VisibleSearch, PhrasesWithoutWordsAreLeftOut) {
  absl::StatusOr<std::vector<SearchPhrase>> phrases =
      SearchPhrases("-- ada !!");
  ASSERT_TRUE(phrases.ok());
  ASSERT_EQ(phrases->size(), 1u);
  EXPECT_EQ(phrases->at(0).words, std::vector<std::string>{"ada"});
}

}  // namespace
}  // namespace crm::core
