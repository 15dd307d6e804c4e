// The RTMP protocol core without sockets: AMF0, the chunk stream, and a publisher session
// driven by the bytes a real client would send.

#include <gtest/gtest.h>

#include "livegate/streaming/flv.h"
#include "rtmp/amf0.h"
#include "rtmp/chunk_stream.h"
#include "rtmp/session.h"

using namespace livegate::streaming;
using namespace livegate::streaming::rtmp;

namespace {

std::string encode(const std::vector<Amf0Value>& values) {
  std::string out;
  for (const auto& v : values) amf0_encode(v, out);
  return out;
}

std::string chunked(const Message& m, uint32_t csid = 3, uint32_t chunk_size = 128) {
  std::string out;
  write_message(out, csid, m, chunk_size);
  return out;
}

std::string command(const std::vector<Amf0Value>& values, uint32_t stream_id = 0) {
  return chunked(Message{kCommandAmf0, stream_id, 0, encode(values)});
}

}  // namespace

TEST(Amf0, RoundTripsWhatPublishersSend) {
  std::vector<Amf0Value> values = {
      amf_string("connect"), amf_number(1),
      amf_object({{"app", amf_string("live")}, {"tcUrl", amf_string("rtmp://h/live")},
                  {"fpad", amf_bool(false)}, {"nested", amf_object({{"x", amf_null()}})}})};
  auto decoded = amf0_decode_all(encode(values));
  ASSERT_TRUE(decoded);
  ASSERT_EQ(decoded->size(), 3u);
  EXPECT_EQ(*(*decoded)[0].string(), "connect");
  EXPECT_EQ(*(*decoded)[1].number(), 1);
  EXPECT_EQ(*(*decoded)[2].get("app")->string(), "live");
  EXPECT_TRUE((*decoded)[2].get("nested")->get("x"));
}

TEST(Amf0, RejectsTruncatedAndHostileInput) {
  const std::string good = encode({amf_string("publish"), amf_number(5)});
  const size_t first_value = 1 + 2 + 7;  // marker, length, "publish": a whole value on its own
  for (size_t cut = 1; cut < good.size(); ++cut) {
    if (cut == first_value) continue;
    EXPECT_FALSE(amf0_decode_all(good.substr(0, cut))) << cut;
  }
  EXPECT_FALSE(amf0_decode_all(std::string("\x02\xff\xff", 3)));             // string past the end
  EXPECT_FALSE(amf0_decode_all(std::string("\x0a\xff\xff\xff\xff", 5)));     // 4 billion items
  EXPECT_FALSE(amf0_decode_all(std::string("\x11", 1)));                     // AMF3 marker
  EXPECT_FALSE(amf0_decode_all(std::string(200, '\x03')));                   // nesting bomb
}

TEST(ChunkStream, ReassemblesMessagesFedOneByteAtATime) {
  Message big{kVideo, 1, 1234, std::string(1000, 'v')};
  for (size_t i = 0; i < big.payload.size(); ++i) big.payload[i] = static_cast<char>(i * 7);
  const std::string bytes = chunked(big, 6) + chunked(Message{kAudio, 1, 1250, "aac"}, 4);
  ChunkReader reader;
  std::vector<Message> out;
  for (char c : bytes) ASSERT_TRUE(reader.feed(std::string_view(&c, 1), out)) << reader.error();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].payload, big.payload);
  EXPECT_EQ(out[0].timestamp, 1234u);
  EXPECT_EQ(out[0].stream_id, 1u);
  EXPECT_EQ(out[1].type, kAudio);
  EXPECT_EQ(out[1].timestamp, 1250u);
}

TEST(ChunkStream, DeltaHeadersAndExtendedTimestamps) {
  // fmt 0 at 0x1000000 (extended), then a fmt 3 message: same delta again.
  Message first{kVideo, 1, 0x1000000, "a"};
  std::string bytes = chunked(first, 6);
  bytes += std::string("\xC6", 1) + std::string("\x01\x00\x00\x00", 4) + "b";  // fmt 3 + ext ts
  ChunkReader reader;
  std::vector<Message> out;
  ASSERT_TRUE(reader.feed(bytes, out)) << reader.error();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].timestamp, 0x1000000u);
  EXPECT_EQ(out[1].payload, "b");
}

TEST(ChunkStream, SetChunkSizeAppliesToTheNextChunk) {
  std::string bytes = chunked(Message{kSetChunkSize, 0, 0, std::string("\x00\x00\x10\x00", 4)}, 2);
  bytes += chunked(Message{kVideo, 1, 0, std::string(3000, 'x')}, 6, 4096);
  ChunkReader reader;
  std::vector<Message> out;
  ASSERT_TRUE(reader.feed(bytes, out)) << reader.error();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(reader.chunk_size(), 4096u);
  EXPECT_EQ(out[1].payload.size(), 3000u);
}

TEST(ChunkStream, RefusesProtocolViolations) {
  std::vector<Message> out;
  {
    ChunkReader reader;  // a continuation chunk on a stream never opened
    EXPECT_FALSE(reader.feed(std::string("\xC5xxxx", 5), out));
    EXPECT_NE(reader.error().find("without a full header"), std::string::npos);
  }
  {
    ChunkReader reader({.max_message_bytes = 1000});
    EXPECT_FALSE(reader.feed(chunked(Message{kVideo, 1, 0, std::string(2000, 'x')}), out));
    EXPECT_NE(reader.error().find("over the limit"), std::string::npos);
  }
  {
    ChunkReader reader;  // set chunk size to 2^30
    EXPECT_FALSE(reader.feed(chunked(Message{kSetChunkSize, 0, 0, std::string("\x40\x00\x00\x00", 4)}, 2), out));
    EXPECT_NE(reader.error().find("chunk size"), std::string::npos);
  }
}

class PublisherSession : public ::testing::Test {
 protected:
  Session session{SessionLimits{},
                  Session::Callbacks{
                      .on_publish = [this](const std::string& key) {
                        keys.push_back(key);
                        return key == "good-key-123" ? std::string() : std::string("unknown stream key");
                      },
                      .on_media = [this](FlvTag&& tag) { tags.push_back(std::move(tag)); },
                      .on_unpublish = [this] { unpublished++; }}};
  std::vector<std::string> keys;
  std::vector<FlvTag> tags;
  int unpublished = 0;
  std::string out;

  bool handshake() {
    std::string c0c1(1 + 1536, '\x01');
    c0c1[0] = 3;
    if (!session.feed(c0c1, out) || out.size() != 1 + 2 * 1536) return false;
    return session.feed(std::string(1536, '\x02'), out);
  }
  bool connect(const std::string& app = "live") {
    return session.feed(command({amf_string("connect"), amf_number(1),
                                 amf_object({{"app", amf_string(app)}})}),
                        out);
  }
  bool publish(const std::string& key) {
    return session.feed(command({amf_string("createStream"), amf_number(2), amf_null()}), out) &&
           session.feed(command({amf_string("publish"), amf_number(3), amf_null(), amf_string(key),
                                 amf_string("live")},
                                1),
                        out);
  }
};

TEST_F(PublisherSession, PublishesAndHandsUpMedia) {
  ASSERT_TRUE(handshake());
  ASSERT_TRUE(connect());
  EXPECT_NE(out.find("NetConnection.Connect.Success"), std::string::npos);
  ASSERT_TRUE(publish("good-key-123?token=x"));
  EXPECT_EQ(keys, std::vector<std::string>{"good-key-123"});  // query string stripped
  EXPECT_NE(out.find("NetStream.Publish.Start"), std::string::npos);
  EXPECT_TRUE(session.publishing());
  ASSERT_TRUE(session.feed(chunked(Message{kVideo, 1, 40, std::string("\x17\x01rest", 6)}, 6), out));
  std::string meta = encode({amf_string("@setDataFrame"), amf_string("onMetaData"), amf_object({})});
  ASSERT_TRUE(session.feed(chunked(Message{kDataAmf0, 1, 0, meta}, 4), out));
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_EQ(tags[0].type, 9);
  EXPECT_EQ(tags[0].timestamp, 40u);
  EXPECT_EQ(*amf0_decode_all(tags[1].data)->at(0).string(), "onMetaData");
  session.end("socket closed");
  EXPECT_EQ(unpublished, 1);
}

TEST_F(PublisherSession, WrongKeyIsRefused) {
  ASSERT_TRUE(handshake());
  ASSERT_TRUE(connect());
  EXPECT_FALSE(publish("wrong-key-456"));
  EXPECT_NE(out.find("NetStream.Publish.BadName"), std::string::npos);
  EXPECT_NE(session.reason().find("unknown stream key"), std::string::npos);
  EXPECT_EQ(unpublished, 0);
}

TEST_F(PublisherSession, WrongAppIsRefused) {
  ASSERT_TRUE(handshake());
  EXPECT_FALSE(connect("vod"));
  EXPECT_NE(out.find("NetConnection.Connect.Rejected"), std::string::npos);
}

TEST_F(PublisherSession, GarbageIsNotRtmp) {
  EXPECT_FALSE(session.feed("GET / HTTP/1.1\r\n\r\n", out));
  EXPECT_NE(session.reason().find("not RTMP"), std::string::npos);
  EXPECT_TRUE(out.empty());
}

TEST_F(PublisherSession, MediaBeforePublishIsIgnored) {
  ASSERT_TRUE(handshake());
  ASSERT_TRUE(connect());
  ASSERT_TRUE(session.feed(chunked(Message{kVideo, 1, 0, "\x17"}, 6), out));
  EXPECT_TRUE(tags.empty());
}

TEST(Flv, TagBytesAndCodecChecks) {
  FlvTag tag{9, 0x01020304, std::string("\x17\x00", 2)};
  const std::string bytes = flv_tag_bytes(tag);
  ASSERT_EQ(bytes.size(), 11u + 2 + 4);
  EXPECT_EQ(bytes[0], 9);
  EXPECT_EQ(static_cast<uint8_t>(bytes[4]), 0x02);  // timestamp low 24 bits, big-endian
  EXPECT_EQ(static_cast<uint8_t>(bytes[7]), 0x01);  // TimestampExtended
  EXPECT_EQ(static_cast<uint8_t>(bytes.back()), 13);
  EXPECT_FALSE(unsupported_codec(tag));
  EXPECT_TRUE(unsupported_codec(FlvTag{9, 0, "\x12"}));  // Sorenson H.263
  EXPECT_TRUE(unsupported_codec(FlvTag{8, 0, "\x2f"}));  // MP3
  EXPECT_FALSE(unsupported_codec(FlvTag{8, 0, "\xaf"}));  // AAC
  EXPECT_EQ(flv_file_header().size(), 13u);
}
