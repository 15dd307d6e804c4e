// Frame dropping under backpressure: video drops until the next keyframe after the queue drained.

#include <gtest/gtest.h>

#include "livegate/streaming/backpressure_gate.h"

using namespace livegate::streaming;

namespace {
FlvTag video(bool key) { return {.type = 9, .timestamp = 0, .data = std::string{key ? '\x17' : '\x27', '\x01', 0, 0, 0}}; }
FlvTag avc_config() { return {.type = 9, .timestamp = 0, .data = std::string{'\x17', '\x00', 0, 0, 0}}; }
FlvTag audio() { return {.type = 8, .timestamp = 0, .data = std::string{'\xaf', '\x01', 0}}; }
constexpr size_t kSoft = 1000;
constexpr size_t kHard = 4000;
}  // namespace

TEST(BackpressureGate, EverythingPassesWhileThePipelineKeepsUp) {
  BackpressureGate gate(kSoft, kHard);
  EXPECT_TRUE(gate.pass(video(true), 0));
  EXPECT_TRUE(gate.pass(video(false), kSoft));
  EXPECT_TRUE(gate.pass(audio(), kSoft));
  EXPECT_EQ(gate.dropped_video_frames(), 0u);
}

TEST(BackpressureGate, VideoDropsUntilAKeyframeAfterTheQueueDrained) {
  BackpressureGate gate(kSoft, kHard);
  EXPECT_FALSE(gate.pass(video(false), kSoft + 1));
  EXPECT_TRUE(gate.dropping());
  EXPECT_FALSE(gate.pass(video(false), 0));        // drained, but not a keyframe: still broken
  EXPECT_FALSE(gate.pass(video(true), kSoft));     // a keyframe, but the queue is still full
  EXPECT_TRUE(gate.pass(avc_config(), kHard * 2)); // codec headers always pass
  EXPECT_TRUE(gate.pass(audio(), kSoft + 1));      // audio keeps going below the hard limit
  EXPECT_TRUE(gate.pass(video(true), 0));          // decodable again
  EXPECT_FALSE(gate.dropping());
  EXPECT_TRUE(gate.pass(video(false), 0));
  EXPECT_EQ(gate.dropped_video_frames(), 3u);
  EXPECT_EQ(gate.dropped_audio_frames(), 0u);
}

TEST(BackpressureGate, AudioDropsOnlyOverTheHardLimit) {
  BackpressureGate gate(kSoft, kHard);
  EXPECT_TRUE(gate.pass(audio(), kHard));
  EXPECT_FALSE(gate.pass(audio(), kHard + 1));
  EXPECT_EQ(gate.dropped_audio_frames(), 1u);
  EXPECT_TRUE(gate.pass(FlvTag{.type = 8, .timestamp = 0, .data = std::string{'\xaf', '\x00', 0}}, kHard * 2));
}
