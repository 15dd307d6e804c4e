#include "livegate/streaming/backpressure_gate.h"

namespace livegate::streaming {

namespace {
constexpr uint8_t kAudio = 8;
constexpr uint8_t kVideo = 9;

// FLV video: frame type in the high nibble of byte 0 (1 = keyframe); AVC packet type in byte 1
// (0 = sequence header). FLV audio: AAC packet type in byte 1 (0 = sequence header).
bool is_codec_header(const FlvTag& tag) {
  return tag.data.size() >= 2 && static_cast<uint8_t>(tag.data[1]) == 0;
}
bool is_keyframe(const FlvTag& tag) {
  return !tag.data.empty() && (static_cast<uint8_t>(tag.data[0]) >> 4) == 1;
}
}  // namespace

bool BackpressureGate::pass(const FlvTag& tag, size_t queued_bytes) {
  if (tag.type == kAudio) {
    if (is_codec_header(tag) || queued_bytes <= hard_limit_) return true;
    ++dropped_audio_;
    return false;
  }
  if (tag.type != kVideo || is_codec_header(tag)) return true;  // script data, AVC config
  if (dropping_video_) {
    // Resume only on a keyframe, and only once the queue has room again.
    if (is_keyframe(tag) && queued_bytes <= soft_limit_ / 2) {
      dropping_video_ = false;
      return true;
    }
    ++dropped_video_;
    return false;
  }
  if (queued_bytes > soft_limit_) {
    dropping_video_ = true;
    ++dropped_video_;
    return false;
  }
  return true;
}

}  // namespace livegate::streaming
