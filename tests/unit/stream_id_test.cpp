#include "livegate/common/stream_id.h"

#include <gtest/gtest.h>

using livegate::parse_stream_id;

TEST(StreamId, ParsesAndOrders) {
  auto a = parse_stream_id("1700000000000-0");
  auto b = parse_stream_id("1700000000000-12");
  auto c = parse_stream_id("1700000000001-0");
  ASSERT_TRUE(a && b && c);
  EXPECT_LT(*a, *b);
  EXPECT_LT(*b, *c);
}

TEST(StreamId, RejectsOtherForms) {
  for (const char* bad : {"", "-", "1-", "-1", "17", "*", "1-2-3", "a-1", " 1-2", "1-2 "}) {
    EXPECT_FALSE(parse_stream_id(bad)) << bad;
  }
}

TEST(StreamId, WritesWhatItReads) {
  for (const char* id : {"0-0", "1700000000000-12", "18446744073709551615-18446744073709551615"}) {
    const auto parsed = parse_stream_id(id);
    ASSERT_TRUE(parsed) << id;
    EXPECT_EQ(to_string(*parsed), id);
  }
}
