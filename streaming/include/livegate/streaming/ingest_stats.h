#pragma once
// What a publisher is sending, read from its FLV tags as they pass: codecs, resolution (from the
// H.264 sequence header), bitrate and frame rate over the last few seconds, keyframe interval.
// Sellers get these wrong all the time (a 10 s keyframe interval makes 10 s segments), so the
// API and the logs show them.

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "livegate/streaming/flv.h"

namespace livegate::streaming {

struct H264Info {
  int width = 0;
  int height = 0;
  int profile_idc = 0;
  int level_idc = 0;
};

// Parses an AVCDecoderConfigurationRecord (the body of an FLV AVC sequence header after its
// 5-byte tag header) for the first SPS; nullopt when it is malformed.
std::optional<H264Info> parse_avc_config(std::string_view record);
// Parses one H.264 SPS NAL unit (header byte included, emulation prevention still in).
std::optional<H264Info> parse_sps(std::string_view nal);

class TsReader;

class IngestStats {
 public:
  using Clock = std::chrono::steady_clock;
  explicit IngestStats(std::chrono::seconds window = std::chrono::seconds(5));
  ~IngestStats();

  void on_tag(const FlvTag& tag, Clock::time_point now = Clock::now());
  // Transports without FLV tags count bytes only...
  void on_bytes(size_t bytes, Clock::time_point now = Clock::now());
  // ...or, for MPEG-TS (SRT callers, WHIP sessions), read frames and the SPS from the stream.
  void on_ts(std::string_view bytes, Clock::time_point now = Clock::now());
  nlohmann::json snapshot(Clock::time_point now = Clock::now()) const;

  double bitrate_kbps(Clock::time_point now = Clock::now()) const;
  double fps(Clock::time_point now = Clock::now()) const;
  // Media time between the last two keyframes, in ms; 0 until two were seen.
  uint32_t keyframe_interval_ms() const { return keyframe_interval_ms_; }
  const std::optional<H264Info>& video() const { return video_; }
  // Frames livegate dropped because the pipeline fell behind (see BackpressureGate).
  void set_dropped(uint64_t video_frames, uint64_t audio_frames) {
    dropped_video_ = video_frames;
    dropped_audio_ = audio_frames;
  }
  uint64_t dropped_video_frames() const { return dropped_video_; }
  uint64_t bytes() const { return bytes_total_; }
  // What the transport lost on the way (SRT): packets never received, packets too late.
  void set_link(uint64_t lost_packets, uint64_t dropped_packets, double rtt_ms) {
    link_ = Link{lost_packets, dropped_packets, rtt_ms};
  }

 private:
  struct Sample {
    Clock::time_point at;
    size_t bytes;
    bool video_frame;
  };
  void expire(Clock::time_point now) const;
  void on_keyframe_time(uint32_t ms);

  std::chrono::seconds window_;
  mutable std::deque<Sample> samples_;
  std::optional<H264Info> video_;
  std::string video_codec_;
  std::string audio_codec_;
  int audio_rate_ = 0;
  int audio_channels_ = 0;
  uint64_t bytes_total_ = 0;
  uint64_t video_frames_ = 0;
  uint64_t keyframes_ = 0;
  std::optional<uint32_t> last_keyframe_ts_;
  uint32_t keyframe_interval_ms_ = 0;
  uint64_t dropped_video_ = 0;
  uint64_t dropped_audio_ = 0;
  struct Link {
    uint64_t lost_packets;
    uint64_t dropped_packets;
    double rtt_ms;
  };
  std::optional<Link> link_;
  Clock::time_point started_ = Clock::now();
  std::unique_ptr<class TsReader> ts_;
  Clock::time_point ts_now_{};  // the time of the bytes being read (for TsReader's callbacks)
};

}  // namespace livegate::streaming
