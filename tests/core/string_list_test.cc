#include "core/string_list.h"

#include <gtest/gtest.h>

namespace crm::core {
namespace {

TEST(StringList, RoundTripsAwkwardItems) {
  std::vector<std::string> items = {
      "plain",     "with \"quotes\"",        "back\\slash",
      "new\nline", std::string("nul\0x", 5), "ünïcode 🙂",
      ""};
  std::string json = EncodeStringList(items);
  EXPECT_EQ(*DecodeStringList(json), items);
  EXPECT_EQ(EncodeStringList({}), "[]");
  EXPECT_EQ(EncodeStringList({"a", "b"}), R"(["a","b"])");
}

TEST(StringList, DecodesJsonEscapesFromSqlite) {
  EXPECT_EQ(*DecodeStringList(R"([ "\u00fc" , "\ud83d\ude42", "\/" ])"),
            (std::vector<std::string>{"ü", "🙂", "/"}));
}

TEST(StringList, RejectsWhatIsNotAnArrayOfStrings) {
  for (const char* bad :
       {"", "[", "[1]", R"(["a")", R"(["a",])", "{}", R"(["\x"])"}) {
    EXPECT_FALSE(DecodeStringList(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace crm::core
