// Reading MPEG-TS for ingest stats: tables, frames, keyframes, PTS, any chunking, and garbage.

#include <gtest/gtest.h>

#include <random>

#include "livegate/streaming/ts_reader.h"

using namespace livegate::streaming;

namespace {

std::string packet(int pid, bool unit_start, std::string payload, bool random_access = false) {
  std::string p(4, '\0');
  p[0] = 0x47;
  p[1] = static_cast<char>((unit_start ? 0x40 : 0) | ((pid >> 8) & 0x1f));
  p[2] = static_cast<char>(pid & 0xff);
  if (random_access) {
    p[3] = 0x30;                                   // adaptation field + payload
    const size_t stuffing = 184 - 2 - payload.size();
    p += static_cast<char>(1 + stuffing);          // adaptation field length
    p += '\x40';                                   // random_access_indicator
    p += std::string(stuffing, '\xff');
  } else {
    p[3] = 0x10;
    payload.resize(184, '\xff');
  }
  p += payload;
  return p;
}

// PAT: program 1 at PID 0x100. PMT: H.264 on 0x101, AAC on 0x102. (CRCs are not checked.)
std::string pat() { return packet(0, true, std::string("\x00\x00\xb0\x0d\x00\x01\xc1\x00\x00\x00\x01\xe1\x00\0\0\0\0", 17)); }
std::string pmt() {
  return packet(0x100, true,
                std::string("\x00\x02\xb0\x17\x00\x01\xc1\x00\x00\xe1\x01\xf0\x00"
                            "\x1b\xe1\x01\xf0\x00"
                            "\x0f\xe1\x02\xf0\x00"
                            "\0\0\0\0", 27));
}
// A video PES start with PTS (in 90 kHz units).
std::string frame(uint64_t pts, bool key) {
  std::string pes("\x00\x00\x01\xe0\x00\x00\x80\x80\x05", 9);
  pes += static_cast<char>(0x21 | ((pts >> 29) & 0x0e));
  pes += static_cast<char>((pts >> 22) & 0xff);
  pes += static_cast<char>(0x01 | ((pts >> 14) & 0xfe));
  pes += static_cast<char>((pts >> 7) & 0xff);
  pes += static_cast<char>(0x01 | ((pts << 1) & 0xfe));
  pes += std::string("\x00\x00\x00\x01\x09\xf0", 6);  // an AUD
  return packet(0x101, true, pes, key);
}

struct Seen {
  std::string video, audio;
  std::vector<TsReader::Frame> frames;
};

TsReader reader_for(Seen& seen) {
  return TsReader({.streams = [&](const std::string& v, const std::string& a) { seen.video = v; seen.audio = a; },
                   .video_frame = [&](const TsReader::Frame& f) { seen.frames.push_back(f); },
                   .sps = nullptr});
}

}  // namespace

TEST(TsReader, FindsStreamsFramesKeyframesAndPts) {
  Seen seen;
  TsReader reader = reader_for(seen);
  const std::string ts = pat() + pmt() + frame(90000, true) + packet(0x101, false, "x") + frame(93000, false) +
                         packet(0x102, true, "audio") + frame(180000, true);
  reader.feed(ts);
  EXPECT_EQ(seen.video, "h264");
  EXPECT_EQ(seen.audio, "aac");
  ASSERT_EQ(seen.frames.size(), 3u);
  EXPECT_TRUE(seen.frames[0].keyframe);
  EXPECT_FALSE(seen.frames[1].keyframe);
  EXPECT_EQ(seen.frames[0].pts_90khz, 90000u);
  EXPECT_EQ(seen.frames[2].pts_90khz, 180000u);
}

TEST(TsReader, AnyChunkingGivesTheSameFrames) {
  const std::string ts = pat() + pmt() + frame(1000, true) + frame(4000, false) + frame(7000, false);
  for (size_t chunk : {1u, 7u, 187u, 188u, 189u, 1316u}) {
    Seen seen;
    TsReader reader = reader_for(seen);
    for (size_t at = 0; at < ts.size(); at += chunk) reader.feed(std::string_view(ts).substr(at, chunk));
    EXPECT_EQ(seen.frames.size(), 3u) << "chunk " << chunk;
    EXPECT_EQ(seen.video, "h264") << "chunk " << chunk;
  }
}

TEST(TsReader, GarbageIsSkippedAndSyncIsFoundAgain) {
  Seen seen;
  TsReader reader = reader_for(seen);
  std::mt19937 rng(7);
  std::string noise(5000, '\0');
  for (auto& c : noise) c = static_cast<char>(rng());
  reader.feed(noise);  // must not crash; may "see" nothing or nonsense
  seen = {};
  reader.feed(std::string("\x12\x34", 2) + pat() + pmt() + frame(1000, true));
  EXPECT_EQ(seen.video, "h264");
  EXPECT_GE(seen.frames.size(), 1u);
}
