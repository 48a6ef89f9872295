#include "base/utf8.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace crm::core {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("Zürich – 東京 – 🙂"));
  EXPECT_TRUE(IsValidUtf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF
}

TEST(Utf8, RejectsMalformedTextAtTheRightOffset) {
  size_t offset = 99;
  EXPECT_FALSE(IsValidUtf8("ab\xff", &offset));
  EXPECT_EQ(offset, 2u);
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf", &offset));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf", &offset));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80", &offset));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80", &offset));  // > U+10FFFF
  EXPECT_FALSE(IsValidUtf8("ok\xe2\x82", &offset));        // truncated
  EXPECT_EQ(offset, 2u);
  EXPECT_FALSE(IsValidUtf8("\x80", &offset));  // lone continuation
}

TEST(Utf8, TextProblemRefusesNulBytesWhichCCallersWouldCutShort) {
  EXPECT_EQ(TextProblem("Zürich"), "");
  EXPECT_EQ(TextProblem(""), "");
  EXPECT_EQ(TextProblem(absl::string_view("Mallory\0Admin", 13)),
            "holds a NUL byte (byte 7)");
  EXPECT_EQ(TextProblem("ab\xff"), "is not valid UTF-8 (byte 2)");
  absl::Status status = ValidateText(absl::string_view("a\0", 2), "name",
                                     [] { return std::string("value"); });
  EXPECT_EQ(status.message(), "value holds a NUL byte (byte 1)");
  EXPECT_EQ(FieldOf(status), "name");
  EXPECT_EQ(RuleOf(status), "utf8");
  EXPECT_EQ(CodeOf(status), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace crm::core
