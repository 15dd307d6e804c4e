#include "livegate/streaming/ingest_stats.h"

#include "livegate/streaming/ts_reader.h"

namespace livegate::streaming {

namespace {

// Reads an H.264 RBSP bit by bit (emulation prevention bytes already removed).
class BitReader {
 public:
  explicit BitReader(std::string_view d) : d_(d) {}
  bool ok() const { return ok_; }
  uint32_t bit() {
    if (pos_ >= d_.size() * 8) {
      ok_ = false;
      return 0;
    }
    const uint32_t b = (static_cast<uint8_t>(d_[pos_ / 8]) >> (7 - pos_ % 8)) & 1;
    ++pos_;
    return b;
  }
  uint32_t bits(int n) {
    uint32_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 1) | bit();
    return v;
  }
  uint32_t ue() {  // Exp-Golomb
    int zeros = 0;
    while (ok_ && bit() == 0) {
      if (++zeros > 31) {
        ok_ = false;
        return 0;
      }
    }
    return ok_ ? (1u << zeros) - 1 + bits(zeros) : 0;
  }
  int32_t se() {
    const uint32_t k = ue();
    return (k & 1) ? static_cast<int32_t>((k + 1) / 2) : -static_cast<int32_t>(k / 2);
  }

 private:
  std::string_view d_;
  size_t pos_ = 0;
  bool ok_ = true;
};

std::string unescape_rbsp(std::string_view nal) {
  std::string out;
  out.reserve(nal.size());
  int zeros = 0;
  for (char c : nal) {
    if (zeros >= 2 && c == 3) {
      zeros = 0;
      continue;
    }
    zeros = c == 0 ? zeros + 1 : 0;
    out += c;
  }
  return out;
}

void skip_scaling_list(BitReader& r, int size) {
  int last = 8, next = 8;
  for (int j = 0; j < size; ++j) {
    if (next != 0) next = (last + r.se() + 256) % 256;
    last = next == 0 ? last : next;
  }
}

}  // namespace

std::optional<H264Info> parse_sps(std::string_view nal) {
  if (nal.size() < 4 || (static_cast<uint8_t>(nal[0]) & 0x1f) != 7) return std::nullopt;
  const std::string rbsp = unescape_rbsp(nal.substr(1));
  BitReader r(rbsp);
  H264Info info;
  info.profile_idc = static_cast<int>(r.bits(8));
  r.bits(8);  // constraint flags
  info.level_idc = static_cast<int>(r.bits(8));
  r.ue();  // seq_parameter_set_id
  uint32_t chroma_format_idc = 1;
  static constexpr int kHighProfiles[] = {100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135};
  for (int p : kHighProfiles) {
    if (info.profile_idc != p) continue;
    chroma_format_idc = r.ue();
    if (chroma_format_idc == 3) r.bit();  // separate_colour_plane_flag
    r.ue();                               // bit_depth_luma_minus8
    r.ue();                               // bit_depth_chroma_minus8
    r.bit();                              // qpprime_y_zero_transform_bypass_flag
    if (r.bit()) {                        // seq_scaling_matrix_present_flag
      for (int i = 0; i < (chroma_format_idc != 3 ? 8 : 12); ++i) {
        if (r.bit()) skip_scaling_list(r, i < 6 ? 16 : 64);
      }
    }
    break;
  }
  r.ue();  // log2_max_frame_num_minus4
  const uint32_t poc_type = r.ue();
  if (poc_type == 0) {
    r.ue();
  } else if (poc_type == 1) {
    r.bit();
    r.se();
    r.se();
    const uint32_t n = r.ue();
    if (n > 255) return std::nullopt;
    for (uint32_t i = 0; i < n; ++i) r.se();
  }
  r.ue();   // max_num_ref_frames
  r.bit();  // gaps_in_frame_num_value_allowed_flag
  const uint32_t width_mbs = r.ue() + 1;
  const uint32_t height_map_units = r.ue() + 1;
  const uint32_t frame_mbs_only = r.bit();
  if (!frame_mbs_only) r.bit();  // mb_adaptive_frame_field_flag
  r.bit();                       // direct_8x8_inference_flag
  uint32_t crop_left = 0, crop_right = 0, crop_top = 0, crop_bottom = 0;
  if (r.bit()) {
    crop_left = r.ue();
    crop_right = r.ue();
    crop_top = r.ue();
    crop_bottom = r.ue();
  }
  if (!r.ok() || width_mbs > 1024 || height_map_units > 1024) return std::nullopt;
  const uint32_t crop_x = chroma_format_idc == 0 || chroma_format_idc == 3 ? 1 : 2;
  const uint32_t crop_y = (chroma_format_idc == 1 ? 2 : 1) * (2 - frame_mbs_only);
  info.width = static_cast<int>(width_mbs * 16 - crop_x * (crop_left + crop_right));
  info.height = static_cast<int>((2 - frame_mbs_only) * height_map_units * 16 - crop_y * (crop_top + crop_bottom));
  if (info.width <= 0 || info.height <= 0) return std::nullopt;
  return info;
}

std::optional<H264Info> parse_avc_config(std::string_view rec) {
  // version, profile, compatibility, level, length size, numOfSPS, then 16-bit length + SPS.
  if (rec.size() < 8 || rec[0] != 1) return std::nullopt;
  if ((static_cast<uint8_t>(rec[5]) & 0x1f) == 0) return std::nullopt;
  const size_t len = (static_cast<uint8_t>(rec[6]) << 8) | static_cast<uint8_t>(rec[7]);
  if (8 + len > rec.size()) return std::nullopt;
  return parse_sps(rec.substr(8, len));
}

void IngestStats::expire(Clock::time_point now) const {
  while (!samples_.empty() && now - samples_.front().at > window_) samples_.pop_front();
}

void IngestStats::on_tag(const FlvTag& tag, Clock::time_point now) {
  bytes_total_ += tag.data.size();
  bool video_frame = false;
  if (tag.type == 9 && tag.data.size() >= 2) {
    const auto first = static_cast<uint8_t>(tag.data[0]);
    video_codec_ = (first & 0x0f) == 7 ? "h264" : "codec " + std::to_string(first & 0x0f);
    if ((first & 0x0f) == 7 && tag.data[1] == 0 && tag.data.size() > 5) {
      if (auto info = parse_avc_config(std::string_view(tag.data).substr(5))) video_ = info;
    } else if (tag.data[1] == 1) {  // a coded frame (not a sequence header or end of sequence)
      video_frame = true;
      video_frames_++;
      if ((first >> 4) == 1) on_keyframe_time(tag.timestamp);
    }
  } else if (tag.type == 8 && !tag.data.empty()) {
    const auto first = static_cast<uint8_t>(tag.data[0]);
    audio_codec_ = (first >> 4) == 10 ? "aac" : "format " + std::to_string(first >> 4);
    static constexpr int kRates[] = {5512, 11025, 22050, 44100};
    audio_rate_ = kRates[(first >> 2) & 3];
    audio_channels_ = (first & 1) ? 2 : 1;
  }
  samples_.push_back({now, tag.data.size(), video_frame});
  expire(now);
}

IngestStats::IngestStats(std::chrono::seconds window) : window_(window) {}
IngestStats::~IngestStats() = default;

void IngestStats::on_keyframe_time(uint32_t ms) {
  keyframes_++;
  if (last_keyframe_ts_ && ms > *last_keyframe_ts_) keyframe_interval_ms_ = ms - *last_keyframe_ts_;
  last_keyframe_ts_ = ms;
}

void IngestStats::on_ts(std::string_view bytes, Clock::time_point now) {
  if (!ts_) {
    ts_ = std::make_unique<TsReader>(TsReader::Callbacks{
        .streams =
            [this](const std::string& video, const std::string& audio) {
              video_codec_ = video;
              audio_codec_ = audio;
            },
        .video_frame =
            [this](const TsReader::Frame& frame) {
              video_frames_++;
              samples_.push_back({ts_now_, 0, true});
              // PTS is 90 kHz; in ms it wraps after ~26 h, which only skips one interval.
              if (frame.keyframe && frame.pts_90khz) on_keyframe_time(static_cast<uint32_t>(*frame.pts_90khz / 90));
            },
        .sps = [this](const H264Info& info) { video_ = info; }});
  }
  ts_now_ = now;
  ts_->feed(bytes);
  on_bytes(bytes.size(), now);
}

void IngestStats::on_bytes(size_t bytes, Clock::time_point now) {
  bytes_total_ += bytes;
  samples_.push_back({now, bytes, false});
  expire(now);
}

double IngestStats::bitrate_kbps(Clock::time_point now) const {
  expire(now);
  size_t bytes = 0;
  for (const auto& s : samples_) bytes += s.bytes;
  const double secs = std::min<double>(
      std::chrono::duration<double>(window_).count(),
      std::max(0.001, std::chrono::duration<double>(now - started_).count()));
  return bytes * 8.0 / 1000.0 / secs;
}

double IngestStats::fps(Clock::time_point now) const {
  expire(now);
  size_t frames = 0;
  for (const auto& s : samples_) frames += s.video_frame ? 1 : 0;
  const double secs = std::min<double>(
      std::chrono::duration<double>(window_).count(),
      std::max(0.001, std::chrono::duration<double>(now - started_).count()));
  return frames / secs;
}

nlohmann::json IngestStats::snapshot(Clock::time_point now) const {
  nlohmann::json j = {{"video_codec", video_codec_},
                      {"audio_codec", audio_codec_},
                      {"bitrate_kbps", std::lround(bitrate_kbps(now))},
                      {"fps", std::lround(fps(now) * 10) / 10.0},
                      {"keyframe_interval_ms", keyframe_interval_ms_},
                      {"video_frames", video_frames_},
                      {"keyframes", keyframes_},
                      {"bytes", bytes_total_},
                      {"dropped_video_frames", dropped_video_},
                      {"dropped_audio_frames", dropped_audio_}};
  if (link_) {
    j["lost_packets"] = link_->lost_packets;
    j["dropped_packets"] = link_->dropped_packets;
    j["rtt_ms"] = std::lround(link_->rtt_ms * 10) / 10.0;
  }
  if (video_) {
    j["width"] = video_->width;
    j["height"] = video_->height;
    j["h264_profile_idc"] = video_->profile_idc;
    j["h264_level_idc"] = video_->level_idc;
  }
  if (audio_rate_) {
    // FLV's AAC rate bits always say 44.1 kHz; the real rate is in the AudioSpecificConfig.
    j["audio_channels"] = audio_channels_;
  }
  return j;
}

}  // namespace livegate::streaming
