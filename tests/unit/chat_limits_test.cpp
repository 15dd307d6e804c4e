// The pure rules behind chat limits: token buckets and the word filter.

#include <gtest/gtest.h>

#include "livegate/chat/token_bucket.h"
#include "livegate/chat/word_filter.h"

using namespace livegate::chat;
using namespace std::chrono_literals;

TEST(TokenBucket, BurstThenSustainedRate) {
  const auto t0 = TokenBucket::Clock::time_point{} + 100s;
  TokenBucket b(1.0, 5, t0);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(b.take(t0)) << i;
  EXPECT_FALSE(b.take(t0));
  EXPECT_EQ(b.wait(t0), 1001ms);
  EXPECT_FALSE(b.take(t0 + 999ms));
  EXPECT_TRUE(b.take(t0 + 1000ms));
  EXPECT_FALSE(b.take(t0 + 1000ms));
  // Refill never passes the burst, however long the pause.
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(b.take(t0 + 1h)) << i;
  EXPECT_FALSE(b.take(t0 + 1h));
}

TEST(TokenBucket, ZeroRateMeansNoLimit) {
  TokenBucket b(0, 1);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(b.take());
  EXPECT_EQ(b.wait(), 0ms);
}

TEST(WordFilter, MasksWholeAsciiWordsCaseInsensitively) {
  WordFilter f({"spam", "bad word"});
  EXPECT_EQ(f.mask("no SPAM here, Spam!"), "no **** here, ****!");
  EXPECT_EQ(f.mask("spammer and antispam stay"), "spammer and antispam stay");
  EXPECT_EQ(f.mask("a Bad Word."), "a ********.");
  EXPECT_EQ(f.mask("clean line"), "clean line");
}

TEST(WordFilter, MasksChineseAnywhereOneStarPerCharacter) {
  WordFilter f({"骗子"});
  EXPECT_EQ(f.mask("你是骗子吗"), "你是**吗");
  EXPECT_EQ(f.mask("骗子骗子"), "****");
}

TEST(WordFilter, EmptyFilterChangesNothing) {
  WordFilter f;
  EXPECT_TRUE(f.empty());
  EXPECT_EQ(f.mask("anything"), "anything");
}
