// Typed Redis replies (common/redis_reply.h) and the one reader of stream entries
// (common/redis_stream.h), on replies hiredis' own reader builds from RESP bytes: every accessor
// reads nil / the fallback on a mismatch, and stream entries come out as Redis sends them.

#include "livegate/common/redis_reply.h"

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <memory>
#include <string>
#include <string_view>

#include "livegate/common/redis_stream.h"

using livegate::RedisReply;
using livegate::stream_entries;
using livegate::stream_entries_of_read;

namespace {

// One reply parsed from RESP, owned here; view() is valid while it lives.
class Resp {
 public:
  explicit Resp(std::string_view bytes) {
    std::unique_ptr<redisReader, decltype(&redisReaderFree)> reader(redisReaderCreate(),
                                                                    &redisReaderFree);
    void* reply = nullptr;
    if (redisReaderFeed(reader.get(), bytes.data(), bytes.size()) == REDIS_OK &&
        redisReaderGetReply(reader.get(), &reply) == REDIS_OK) {
      reply_.reset(static_cast<redisReply*>(reply));
    }
  }
  RedisReply view() const {
    EXPECT_TRUE(reply_) << "not one complete RESP reply";
    return RedisReply(reply_.get());
  }

 private:
  std::unique_ptr<redisReply, decltype(&freeReplyObject)> reply_{nullptr, &freeReplyObject};
};

}  // namespace

TEST(RedisReply, NilWhenThereIsNoReplyOrRedisSaysNil) {
  Resp redis_nil("$-1\r\n");
  for (RedisReply nil : {RedisReply(), RedisReply(nullptr), redis_nil.view()}) {
    EXPECT_TRUE(nil.is_nil());
    EXPECT_FALSE(nil.is_error() || nil.is_integer() || nil.is_string() || nil.is_array());
    EXPECT_EQ(nil.string("fallback"), "fallback");
    EXPECT_EQ(nil.integer(-1), -1);
    EXPECT_EQ(nil.size(), 0u);
    EXPECT_TRUE(nil[0].is_nil());
    EXPECT_TRUE(nil.begin() == nil.end());
  }
}

TEST(RedisReply, StringsAndStatusesAreText) {
  Resp bulk("$5\r\nhello\r\n");
  EXPECT_TRUE(bulk.view().is_string());
  EXPECT_EQ(bulk.view().string(), "hello");
  EXPECT_EQ(bulk.view().str(), "hello");
  EXPECT_EQ(bulk.view().integer(7), 7);  // not a number: the fallback

  Resp status("+OK\r\n");
  EXPECT_TRUE(status.view().is_string());
  EXPECT_EQ(status.view().string(), "OK");

  Resp binary(std::string_view("$3\r\na\0b\r\n", 9));
  EXPECT_EQ(binary.view().str(), std::string_view("a\0b", 3));

  Resp empty("$0\r\n\r\n");
  EXPECT_TRUE(empty.view().is_string());
  EXPECT_EQ(empty.view().string("fallback"), "");
}

TEST(RedisReply, IntegersReadFromIntegersAndNumericStrings) {
  Resp integer(":-42\r\n");
  EXPECT_TRUE(integer.view().is_integer());
  EXPECT_EQ(integer.view().integer(), -42);
  EXPECT_EQ(integer.view().string(), "-42");  // in decimal, as text
  EXPECT_EQ(integer.view().str(), "");        // no bytes to point at

  EXPECT_EQ(Resp("$13\r\n1717171717123\r\n").view().integer(), 1717171717123);
  EXPECT_EQ(Resp("$3\r\n12x\r\n").view().integer(), 12);  // leading digits, as std::stoll
  EXPECT_EQ(Resp("$20\r\n99999999999999999999\r\n").view().integer(-1), -1);  // out of range
  EXPECT_EQ(Resp("+12\r\n").view().integer(-1), -1);  // a status is not read as a number
}

TEST(RedisReply, ErrorsKeepTheirMessageApartFromText) {
  Resp error("-NOSCRIPT No matching script. Please use EVAL.\r\n");
  const RedisReply r = error.view();
  EXPECT_TRUE(r.is_error());
  EXPECT_FALSE(r.is_nil() || r.is_string());
  EXPECT_EQ(r.error(), "NOSCRIPT No matching script. Please use EVAL.");
  EXPECT_TRUE(r.error_starts_with("NOSCRIPT"));
  EXPECT_FALSE(r.error_starts_with("NOGROUP"));
  EXPECT_EQ(r.string("script error"), "script error");  // an error is not a value
  EXPECT_EQ(r.str(), "");

  Resp text("$8\r\nNOSCRIPT\r\n");
  EXPECT_EQ(text.view().error(), "");
  EXPECT_FALSE(text.view().error_starts_with("NOSCRIPT"));  // text, not an error reply
}

TEST(RedisReply, ArraysIndexAndIterateAndReadNilPastTheEnd) {
  Resp array("*4\r\n$2\r\nok\r\n:3\r\n*2\r\n$1\r\na\r\n$-1\r\n*0\r\n");
  const RedisReply r = array.view();
  ASSERT_TRUE(r.is_array());
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].string(), "ok");
  EXPECT_EQ(r[1].integer(), 3);
  EXPECT_EQ(r[2][0].string(), "a");
  EXPECT_TRUE(r[2][1].is_nil());
  EXPECT_TRUE(r[3].is_array());
  EXPECT_EQ(r[3].size(), 0u);
  EXPECT_TRUE(r[4].is_nil());
  EXPECT_TRUE(r[99][0][1].is_nil());  // a chain past the end stays nil
  EXPECT_TRUE(r[0][0].is_nil());      // indexing a string

  std::string seen;
  for (RedisReply element : r) seen += element.string("_") + ",";
  EXPECT_EQ(seen, "ok,3,_,_,");
  size_t inner = 0;
  for (RedisReply element : r[2]) inner += element.is_nil() ? 10 : 1;
  EXPECT_EQ(inner, 11u);
  EXPECT_TRUE(r[0].begin() == r[0].end());  // a string has no elements
}

TEST(RedisStream, ReadsRangeEntriesInOrderWithEveryField) {
  // XRANGE: [[id, [field, value, ...]], ...]; a field name may repeat.
  Resp range(
      "*2\r\n"
      "*2\r\n$3\r\n1-0\r\n*4\r\n$3\r\nsku\r\n$4\r\ngala\r\n$3\r\nqty\r\n$1\r\n2\r\n"
      "*2\r\n$3\r\n2-5\r\n*4\r\n$3\r\nsku\r\n$1\r\na\r\n$3\r\nsku\r\n$1\r\nb\r\n");
  const auto entries = stream_entries(range.view());
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].id, "1-0");
  ASSERT_EQ(entries[0].fields.size(), 2u);
  EXPECT_EQ(entries[0].fields[1], (std::pair<std::string, std::string>{"qty", "2"}));
  ASSERT_NE(entries[0].field("sku"), nullptr);
  EXPECT_EQ(*entries[0].field("sku"), "gala");
  EXPECT_EQ(entries[0].field("deal"), nullptr);
  EXPECT_EQ(entries[1].id, "2-5");
  EXPECT_EQ(*entries[1].field("sku"), "a");  // the first of a repeated name
  EXPECT_EQ(entries[1].fields.size(), 2u);
}

TEST(RedisStream, KeepsDeletedEntriesWithoutFieldsAndSkipsMalformedRows) {
  Resp rows(
      "*6\r\n"
      "*2\r\n$3\r\n1-0\r\n$-1\r\n"  // deleted while pending (XREADGROUP, XAUTOCLAIM): kept
      "$3\r\n2-0\r\n"               // not an entry
      "*1\r\n$3\r\n3-0\r\n"         // no fields element
      "*2\r\n$0\r\n\r\n*2\r\n$1\r\nk\r\n$1\r\nv\r\n"                   // no id
      "*2\r\n$3\r\n5-0\r\n*3\r\n$1\r\nk\r\n$1\r\nv\r\n$4\r\nlone\r\n"  // a name without a value
      "*2\r\n:6\r\n*2\r\n$1\r\nn\r\n:7\r\n");                          // integers read as text
  const auto entries = stream_entries(rows.view());
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].id, "1-0");
  EXPECT_TRUE(entries[0].fields.empty());
  EXPECT_EQ(entries[1].id, "5-0");
  EXPECT_EQ(entries[1].fields, (std::vector<std::pair<std::string, std::string>>{{"k", "v"}}));
  EXPECT_EQ(entries[2].id, "6");
  EXPECT_EQ(*entries[2].field("n"), "7");

  EXPECT_TRUE(stream_entries(RedisReply()).empty());
  EXPECT_TRUE(stream_entries(Resp("-ERR no\r\n").view()).empty());
  EXPECT_TRUE(stream_entries(Resp("*0\r\n").view()).empty());
}

TEST(RedisStream, ReadsTheEntriesOfAnXreadReplyOnOneStream) {
  // XREADGROUP: [[stream, [entries]]], or nil when nothing is new.
  Resp read(
      "*1\r\n*2\r\n$9\r\nlg:orders\r\n"
      "*2\r\n*2\r\n$3\r\n7-1\r\n*2\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\n7-2\r\n$-1\r\n");
  const auto entries = stream_entries_of_read(read.view());
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].id, "7-1");
  EXPECT_EQ(*entries[0].field("k"), "v");
  EXPECT_EQ(entries[1].id, "7-2");
  EXPECT_TRUE(entries[1].fields.empty());

  EXPECT_TRUE(stream_entries_of_read(Resp("*-1\r\n").view()).empty());
  EXPECT_TRUE(stream_entries_of_read(Resp("-NOGROUP no group\r\n").view()).empty());
  // An XRANGE-shaped reply is not an XREAD one.
  EXPECT_TRUE(
      stream_entries_of_read(Resp("*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nk\r\n$1\r\nv\r\n").view())
          .empty());
}
