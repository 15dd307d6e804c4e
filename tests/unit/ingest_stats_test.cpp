#include "livegate/streaming/ingest_stats.h"

#include <gtest/gtest.h>

using namespace livegate::streaming;
using namespace std::chrono_literals;

namespace {
// The AVCDecoderConfigurationRecord libx264 writes for 320x180 (High profile, level 1.2):
// 180 is not a multiple of 16, so the SPS codes 192 rows and crops 12.
const std::string kAvcc(
    "\x01\x64\x00\x0c\xff\xe1\x00\x1a\x67\x64\x00\x0c\xac\xd9\x41\x41\x9f\x9f\x01\x10\x00\x00\x03"
    "\x00\x10\x00\x00\x03\x01\xe0\xf1\x42\x99\x60\x01\x00\x06\x68\xeb\xe3\xcb\x22\xc0\xfd\xf8\xf8\x00",
    48);
}  // namespace

TEST(H264Config, ReadsResolutionWithCropping) {
  auto info = parse_avc_config(kAvcc);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->width, 320);
  EXPECT_EQ(info->height, 180);
  EXPECT_EQ(info->profile_idc, 100);
  EXPECT_EQ(info->level_idc, 12);
}

TEST(H264Config, RejectsGarbageWithoutCrashing) {
  EXPECT_FALSE(parse_avc_config(""));
  EXPECT_FALSE(parse_avc_config(std::string(8, '\x01')));
  for (size_t cut = 0; cut < kAvcc.size(); ++cut) parse_avc_config(kAvcc.substr(0, cut));
  std::string zeros = kAvcc;
  for (size_t i = 9; i < zeros.size(); ++i) zeros[i] = 0;  // an SPS of zero bits: ue() overflows
  EXPECT_FALSE(parse_avc_config(zeros));
}

TEST(IngestStats, BitrateFpsKeyframesAndCodecs) {
  IngestStats stats(5s);
  const auto t0 = IngestStats::Clock::now();
  stats.on_tag({9, 0, std::string("\x17\x00\x00\x00\x00", 5) + kAvcc}, t0);
  stats.on_tag({8, 0, std::string("\xaf\x00\x12\x10", 4)}, t0);
  // 4 s of 30 fps video, a keyframe every 2 s, 1000 bytes a frame.
  for (int i = 0; i < 120; ++i) {
    const bool key = i % 60 == 0;
    std::string frame(1000, 'x');
    frame[0] = key ? '\x17' : '\x27';
    frame[1] = '\x01';
    stats.on_tag({9, static_cast<uint32_t>(i * 1000 / 30), frame}, t0 + std::chrono::milliseconds(i * 1000 / 30));
  }
  const auto now = t0 + 4s;
  EXPECT_NEAR(stats.fps(now), 30, 1);
  EXPECT_NEAR(stats.bitrate_kbps(now), 120 * 1000 * 8 / 1000.0 / 4, 5);  // 240 kbps
  EXPECT_EQ(stats.keyframe_interval_ms(), 2000u);
  auto j = stats.snapshot(now);
  EXPECT_EQ(j["video_codec"], "h264");
  EXPECT_EQ(j["audio_codec"], "aac");
  EXPECT_EQ(j["width"], 320);
  EXPECT_EQ(j["height"], 180);
  EXPECT_EQ(j["keyframes"], 2);
}
