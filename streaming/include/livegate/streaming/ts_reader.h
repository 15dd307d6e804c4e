#pragma once
// Just enough MPEG-TS reading to describe what an SRT or WHIP publisher sends: the program's
// video and audio streams (from PAT and PMT), each video frame (a PES start on the video PID),
// whether it is a keyframe (random access indicator) and its PTS, and the SPS when a keyframe's
// first packet carries one. Bytes may arrive in any chunking; nothing is copied but a partial
// packet. Malformed packets are skipped, never trusted.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "livegate/streaming/ingest_stats.h"

namespace livegate::streaming {

class TsReader {
 public:
  struct Frame {
    bool keyframe = false;
    std::optional<uint64_t> pts_90khz;
  };
  struct Callbacks {
    std::function<void(const std::string& video_codec, const std::string& audio_codec)> streams;
    std::function<void(const Frame&)> video_frame;
    std::function<void(const H264Info&)> sps;
  };

  explicit TsReader(Callbacks callbacks) : callbacks_(std::move(callbacks)) {}
  void feed(std::string_view bytes);

 private:
  void packet(const uint8_t* p);
  void program_table(const uint8_t* section, size_t size, bool pat);

  Callbacks callbacks_;
  std::string partial_;
  int pmt_pid_ = -1;
  int video_pid_ = -1;
  int audio_pid_ = -1;
  std::string video_codec_;
  std::string audio_codec_;
};

}  // namespace livegate::streaming
