#include "livegate/streaming/abr_ladder.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace livegate::streaming {

namespace {
// Bitrates roughly those of common streaming ladders for x264 veryfast at 30 fps.
const std::vector<Rendition>& presets() {
  static const std::vector<Rendition> p = {
      {"1080p", 1080, 5000}, {"720p", 720, 2800}, {"480p", 480, 1400},
      {"360p", 360, 800},    {"240p", 240, 400},  {"180p", 180, 250},
  };
  return p;
}

int even_round(double v) { return std::max(2, static_cast<int>(std::lround(v / 2.0)) * 2); }
}  // namespace

std::optional<Rendition> rendition_preset(const std::string& name) {
  for (const auto& r : presets()) {
    if (r.name == name) return r;
  }
  return std::nullopt;
}

std::string rendition_preset_names() {
  std::string out;
  for (const auto& r : presets()) out += (out.empty() ? "" : ", ") + r.name;
  return out;
}

Size scaled_size(int src_width, int src_height, int par_n, int par_d, int target_height) {
  if (src_width <= 0 || src_height <= 0) return {};
  if (par_n <= 0 || par_d <= 0) par_n = par_d = 1;
  const int height = std::min(target_height, src_height - src_height % 2);
  const double display_aspect = static_cast<double>(src_width) * par_n / (static_cast<double>(src_height) * par_d);
  return {even_round(height * display_aspect), height};
}

std::string avc_codecs(const std::string& profile, const std::string& level) {
  // profile_idc and the constraint_set flags x264 writes for it.
  int profile_idc = 0x4d, constraints = 0x40;  // main
  if (profile == "constrained-baseline" || profile == "baseline") {
    profile_idc = 0x42;
    constraints = 0xc0;
  } else if (profile == "high") {
    profile_idc = 0x64;
    constraints = 0x00;
  }
  int level_idc = 0x1f;  // 3.1 when unknown: covers 720p30
  if (level == "1b") {
    level_idc = 0x0b;
  } else if (!level.empty()) {
    level_idc = static_cast<int>(std::lround(std::atof(level.c_str()) * 10));
  }
  char out[40];
  std::snprintf(out, sizeof(out), "avc1.%02x%02x%02x,mp4a.40.2", profile_idc, constraints, level_idc);
  return out;
}

std::string render_master_playlist(const std::vector<Rendition>& ladder,
                                   const std::vector<RenditionFormat>& formats, int audio_kbps,
                                   int segment_seconds) {
  std::string out = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n";
  for (size_t i = 0; i < ladder.size() && i < formats.size(); ++i) {
    const auto& r = ladder[i];
    const auto& f = formats[i];
    // AVERAGE-BANDWIDTH: the CBR target plus audio. BANDWIDTH (the peak segment bitrate): with
    // CBR and its VBV buffer, a segment holds at most bitrate * (segment + VBV) of video.
    const long average = (static_cast<long>(r.video_bitrate_kbps) + audio_kbps) * 1000;
    const double peak_factor = (segment_seconds * 1000.0 + kVbvMillis) / (segment_seconds * 1000.0);
    const long peak = std::lround(r.video_bitrate_kbps * 1000 * peak_factor) + audio_kbps * 1000L;
    out += "#EXT-X-STREAM-INF:BANDWIDTH=" + std::to_string(peak) +
           ",AVERAGE-BANDWIDTH=" + std::to_string(average) +
           ",RESOLUTION=" + std::to_string(f.width) + "x" + std::to_string(f.height) +
           ",CODECS=\"" + f.codecs + "\"";
    if (f.fps_num > 0 && f.fps_den > 0) {
      char fps[32];
      std::snprintf(fps, sizeof(fps), ",FRAME-RATE=%.3f", static_cast<double>(f.fps_num) / f.fps_den);
      out += fps;
    }
    out += "\n" + r.name + "/index.m3u8\n";
  }
  return out;
}

}  // namespace livegate::streaming
