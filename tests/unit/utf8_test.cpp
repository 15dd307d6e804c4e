#include "livegate/chat/utf8.h"

#include <gtest/gtest.h>

using livegate::chat::utf8_length;

TEST(Utf8, CountsCodePoints) {
  EXPECT_EQ(utf8_length(""), 0u);
  EXPECT_EQ(utf8_length("apple"), 5u);
  EXPECT_EQ(utf8_length("苹果"), 2u);
  EXPECT_EQ(utf8_length("🍎"), 1u);
  EXPECT_EQ(utf8_length("é"), 1u);
}

TEST(Utf8, RejectsInvalidSequences) {
  EXPECT_FALSE(utf8_length("\xff"));
  EXPECT_FALSE(utf8_length("\xe8\x8b"));          // truncated
  EXPECT_FALSE(utf8_length("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(utf8_length("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(utf8_length("\xf4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(utf8_length("a\x80"));             // lone continuation
}
