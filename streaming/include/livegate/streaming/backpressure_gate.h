#pragma once
// What to do when a publisher sends faster than its pipeline takes (a stalled pipeline, a CPU
// spike): drop video from the moment the pipeline's input queue passes a soft limit until the
// next keyframe after it has drained, so everything that does get through still decodes
// (the way RTMP servers drop for slow consumers). Audio is cheap and keeps lips in sync, so it
// is dropped only over a hard limit. Codec headers always pass. Counts what it dropped.

#include <cstddef>
#include <cstdint>

#include "livegate/streaming/flv.h"

namespace livegate::streaming {

class BackpressureGate {
 public:
  BackpressureGate(size_t soft_limit_bytes, size_t hard_limit_bytes)
      : soft_limit_(soft_limit_bytes), hard_limit_(hard_limit_bytes) {}

  // True to push the tag, false to drop it. queued_bytes: what the pipeline has not taken yet.
  bool pass(const FlvTag& tag, size_t queued_bytes);

  uint64_t dropped_video_frames() const { return dropped_video_; }
  uint64_t dropped_audio_frames() const { return dropped_audio_; }
  bool dropping() const { return dropping_video_; }

 private:
  size_t soft_limit_;
  size_t hard_limit_;
  bool dropping_video_ = false;
  uint64_t dropped_video_ = 0;
  uint64_t dropped_audio_ = 0;
};

}  // namespace livegate::streaming
