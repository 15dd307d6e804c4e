// What other people read (common/people_text.h): NFC, no control or bidi characters, something
// visible. Name spoofing with invisible or reordering characters is refused.

#include <gtest/gtest.h>

#include "livegate/common/people_text.h"

using namespace livegate;

TEST(PeopleText, NfcMakesOneNameOfTwoSpellings) {
  EXPECT_EQ(nfc("Cafe\xCC\x81"), "Caf\xC3\xA9");  // e + combining acute -> é
  EXPECT_EQ(clean_people_text("  Cafe\xCC\x81 \xE2\x80\x8B"), "Caf\xC3\xA9");  // and trimmed, ZWSP too
  EXPECT_EQ(nfc("蜜脆苹果"), "蜜脆苹果");
}

TEST(PeopleText, ControlAndBidiCharactersAreRefused) {
  EXPECT_TRUE(people_text_problem("Seller\xE2\x80\xAEtset"));    // U+202E right-to-left override
  EXPECT_TRUE(people_text_problem("a\xE2\x81\xA6" "b"));         // U+2066 left-to-right isolate
  EXPECT_TRUE(people_text_problem(std::string("a\0b", 3)));      // NUL
  EXPECT_TRUE(people_text_problem("a\x1b[31mred"));              // ESC
  EXPECT_TRUE(people_text_problem("line\nbreak"));
  EXPECT_TRUE(people_text_problem("a\xE2\x80\xA8" "b"));         // U+2028 line separator
  EXPECT_TRUE(people_text_problem("\xEF\xB7\x90"));              // U+FDD0 noncharacter
  EXPECT_TRUE(people_text_problem("Caf\xE9"));                   // not UTF-8
  EXPECT_EQ(people_text_problem("Mia 🍎"), std::nullopt);
  EXPECT_EQ(people_text_problem("👨‍👩‍👧 family"), std::nullopt);  // zero-width joiners in emoji stay
  EXPECT_EQ(people_text_problem("\xE2\x80\x8F" "שלום"), std::nullopt);  // an RLM mark in Hebrew text stays
}

TEST(PeopleText, InvisibleOnlyTextHasNothingVisible) {
  EXPECT_FALSE(has_visible_character(""));
  EXPECT_FALSE(has_visible_character("   "));
  EXPECT_FALSE(has_visible_character("\xE2\x80\x8B\xE2\x80\x8C\xE2\x80\x8D"));  // ZWSP ZWNJ ZWJ
  EXPECT_FALSE(has_visible_character("\xE3\x85\xA4\xE3\x85\xA4"));              // U+3164 Hangul filler
  EXPECT_FALSE(has_visible_character("\xE2\xA0\x80"));                          // U+2800 Braille blank
  EXPECT_FALSE(has_visible_character("\xEF\xBB\xBF\xC2\xAD"));                  // BOM, soft hyphen
  EXPECT_TRUE(has_visible_character("\xE2\x80\x8B" "a"));
  EXPECT_TRUE(has_visible_character("苹"));
}

TEST(PeopleText, DisplayNames) {
  EXPECT_EQ(display_name_problem("Mia", 64), std::nullopt);
  EXPECT_EQ(display_name_problem("", 64), "is empty or invisible");
  EXPECT_EQ(display_name_problem("\xE3\x85\xA4", 64), "is empty or invisible");
  EXPECT_EQ(display_name_problem("苹果苹果", 3), "is longer than 3 characters");  // characters, not bytes
  EXPECT_EQ(display_name_problem("苹果苹", 3), std::nullopt);
  EXPECT_EQ(display_name_problem("Mod\xE2\x80\xAE", 64), "has a bidi override or isolate (U+202A-202E, U+2066-2069)");
}
