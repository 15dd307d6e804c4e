#pragma once
// The optional ABR ladder of a broadcast: which renditions are encoded (one decode, one x264
// encode each) and what the master playlist says about them. Pure logic, no GStreamer: the
// pipeline and the playlists both use it, and unit tests check it directly.

#include <optional>
#include <string>
#include <vector>

namespace livegate::streaming {

// One rung as configured. The width is not configured: it follows the source's aspect ratio.
struct Rendition {
  std::string name;             // its folder and URL part: /live/<id>/<name>/index.m3u8
  int height = 0;               // even; never above the source's (no upscaling)
  int video_bitrate_kbps = 0;   // x264 CBR target (VBV buffer kVbvMillis of it)

  bool operator==(const Rendition&) const = default;
};

// x264enc's default VBV buffer (vbv-buf-capacity): with CBR, no 2 s segment can carry more than
// bitrate * (segment + this) of video, which bounds the master playlist's BANDWIDTH.
inline constexpr int kVbvMillis = 600;
inline constexpr size_t kMaxRenditions = 5;

// A named rung ("720p") with its usual bitrate; nullopt for names that are not presets.
std::optional<Rendition> rendition_preset(const std::string& name);
// The preset names, for error messages ("1080p, 720p, ...").
std::string rendition_preset_names();

// What a rung turned out to be once the source was known (read from the encoded stream).
struct RenditionFormat {
  int width = 0;
  int height = 0;
  int fps_num = 0;  // 0: unknown (a variable-rate source)
  int fps_den = 1;
  std::string codecs;  // RFC 6381, e.g. "avc1.4d401f,mp4a.40.2"

  bool operator==(const RenditionFormat&) const = default;
};

struct Size {
  int width = 0;
  int height = 0;
};
// The frame size of a rung for a source of src_width x src_height with the given pixel aspect
// ratio: the rung's height (or the source's, if smaller: no upscaling), the width keeping the
// display aspect ratio with square pixels, both even (4:2:0 chroma needs it).
Size scaled_size(int src_width, int src_height, int par_n, int par_d, int target_height);

// RFC 6381 codec string of H.264 from the profile and level names GStreamer puts in caps
// ("main", "3.1"), with AAC-LC audio; x264's constraint flags for that profile.
std::string avc_codecs(const std::string& profile, const std::string& level);

// master.m3u8: one EXT-X-STREAM-INF per rung, in ladder order (highest first).
// audio_kbps is the audio bitrate every rung carries (passed through, or the test source's).
std::string render_master_playlist(const std::vector<Rendition>& ladder,
                                   const std::vector<RenditionFormat>& formats, int audio_kbps,
                                   int segment_seconds);

}  // namespace livegate::streaming
