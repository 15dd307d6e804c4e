#include "livegate/streaming/whip_offer.h"

#include <gst/gst.h>
#include <gst/sdp/sdp.h>

#include <cstdlib>
#include <memory>

namespace livegate::streaming {

const char* to_string(WhipVideoCodec codec) { return codec == WhipVideoCodec::h264 ? "H.264" : "VP8"; }

namespace {

struct SdpDeleter {
  void operator()(GstSDPMessage* m) const { gst_sdp_message_free(m); }
};
struct CapsDeleter {
  void operator()(GstCaps* c) const { gst_caps_unref(c); }
};
using CapsPtr = std::unique_ptr<GstCaps, CapsDeleter>;

bool sends_media(const GstSDPMedia* media) {
  // No direction attribute means sendrecv; a publisher must send.
  return gst_sdp_media_get_attribute_val(media, "recvonly") == nullptr &&
         gst_sdp_media_get_attribute_val(media, "inactive") == nullptr && gst_sdp_media_get_port(media) != 0;
}

std::string field(const GstStructure* s, const char* name) {
  const char* v = gst_structure_get_string(s, name);
  return v ? v : "";
}

// The caps of one payload type, or null for formats that are not plain numbers.
CapsPtr caps_of(const GstSDPMedia* media, const char* format) {
  char* end = nullptr;
  const long pt = std::strtol(format, &end, 10);
  if (end == format || *end != '\0' || pt < 0 || pt > 127) return nullptr;
  CapsPtr caps(gst_sdp_media_get_caps_from_media(media, static_cast<gint>(pt)));
  // The SDP helper names them application/x-unknown; webrtcbin matches application/x-rtp.
  for (guint i = 0; caps && i < gst_caps_get_size(caps.get()); ++i) {
    gst_structure_set_name(gst_caps_get_structure(caps.get(), i), "application/x-rtp");
  }
  return caps;
}

// H.264 needs packetization-mode 1 (what browsers send; mode 0 is one NAL per packet).
// Among those, constrained baseline (42e0..) first: every decoder takes it.
std::optional<WhipTrack> pick_video(const GstSDPMedia* media, unsigned mline, WhipVideoCodec* codec) {
  std::optional<WhipTrack> h264, h264_baseline, vp8;
  for (guint i = 0; i < gst_sdp_media_formats_len(media); ++i) {
    const char* format = gst_sdp_media_get_format(media, i);
    CapsPtr caps = caps_of(media, format);
    if (!caps || gst_caps_is_empty(caps.get())) continue;
    const GstStructure* s = gst_caps_get_structure(caps.get(), 0);
    const std::string name = field(s, "encoding-name");
    gint pt = 0;
    gst_structure_get_int(s, "payload", &pt);
    char* text = gst_caps_to_string(caps.get());
    WhipTrack track{.mline = mline, .payload = pt, .rtp_caps = text};
    g_free(text);
    if (name == "H264" && field(s, "packetization-mode") == "1") {
      if (!h264) h264 = track;
      // GStreamer turns profile-level-id into "profile" in the caps.
      const bool constrained = field(s, "profile") == "constrained-baseline" ||
                               field(s, "profile-level-id").starts_with("42e0");
      if (!h264_baseline && constrained) h264_baseline = track;
    } else if (name == "VP8" && !vp8) {
      vp8 = track;
    }
  }
  if (h264_baseline || h264) {
    *codec = WhipVideoCodec::h264;
    return h264_baseline ? h264_baseline : h264;
  }
  *codec = WhipVideoCodec::vp8;
  return vp8;
}

std::optional<WhipTrack> pick_audio(const GstSDPMedia* media, unsigned mline) {
  for (guint i = 0; i < gst_sdp_media_formats_len(media); ++i) {
    CapsPtr caps = caps_of(media, gst_sdp_media_get_format(media, i));
    if (!caps || gst_caps_is_empty(caps.get())) continue;
    const GstStructure* s = gst_caps_get_structure(caps.get(), 0);
    if (g_ascii_strcasecmp(field(s, "encoding-name").c_str(), "OPUS") != 0) continue;
    gint pt = 0;
    gst_structure_get_int(s, "payload", &pt);
    char* text = gst_caps_to_string(caps.get());
    WhipTrack track{.mline = mline, .payload = pt, .rtp_caps = text};
    g_free(text);
    return track;
  }
  return std::nullopt;
}

}  // namespace

std::optional<WhipOffer> read_whip_offer(std::string_view sdp, std::string* error) {
  if (!gst_is_initialized()) gst_init(nullptr, nullptr);
  const std::string text(sdp);
  if (text.empty() || text.find("v=0") == std::string::npos) {
    *error = "the body is not an SDP offer";
    return std::nullopt;
  }
  GstSDPMessage* raw = nullptr;
  const GstSDPResult parsed = gst_sdp_message_new_from_text(text.c_str(), &raw);
  // Owned before the result is checked: on a parse error the message is already allocated
  // (each refused offer leaked it; found by the whip_offer fuzz target's LeakSanitizer).
  std::unique_ptr<GstSDPMessage, SdpDeleter> message(raw);
  if (parsed != GST_SDP_OK || !message) {
    *error = "the SDP offer cannot be parsed";
    return std::nullopt;
  }
  // ICE and DTLS need these, at session or media level; without them webrtcbin fails later
  // and less clearly.
  for (const char* required : {"ice-ufrag", "ice-pwd", "fingerprint"}) {
    bool found = gst_sdp_message_get_attribute_val(message.get(), required) != nullptr;
    for (guint i = 0; !found && i < gst_sdp_message_medias_len(message.get()); ++i) {
      found = gst_sdp_media_get_attribute_val(gst_sdp_message_get_media(message.get(), i), required) != nullptr;
    }
    if (!found) {
      *error = std::string("the offer has no a=") + required + " (ICE/DTLS cannot start)";
      return std::nullopt;
    }
  }
  std::optional<WhipTrack> video, audio;
  WhipVideoCodec codec = WhipVideoCodec::vp8;
  for (guint i = 0; i < gst_sdp_message_medias_len(message.get()); ++i) {
    const GstSDPMedia* media = gst_sdp_message_get_media(message.get(), i);
    const std::string kind = gst_sdp_media_get_media(media) ? gst_sdp_media_get_media(media) : "";
    if (kind != "video" && kind != "audio") {
      *error = "only audio and video tracks can be published (m=" + kind + ")";
      return std::nullopt;
    }
    if (!sends_media(media)) {
      *error = "the offer's " + kind + " track does not send (a WHIP publisher must be sendonly)";
      return std::nullopt;
    }
    if ((kind == "video" && video) || (kind == "audio" && audio)) {
      *error = "publish one video track and at most one audio track";
      return std::nullopt;
    }
    if (kind == "video") {
      video = pick_video(media, i, &codec);
      if (!video) {
        *error = "no supported video codec in the offer (livegate takes H.264 packetization-mode=1 or VP8)";
        return std::nullopt;
      }
    } else {
      audio = pick_audio(media, i);
      if (!audio) {
        *error = "no supported audio codec in the offer (livegate takes Opus)";
        return std::nullopt;
      }
    }
  }
  if (!video) {
    *error = "the offer has no video track";
    return std::nullopt;
  }
  return WhipOffer{.video = *video, .video_codec = codec, .audio = audio};
}

}  // namespace livegate::streaming
