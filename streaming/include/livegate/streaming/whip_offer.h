#pragma once
// Reading a WHIP publisher's SDP offer: which of its codecs livegate takes. A browser offers many
// (VP8, VP9, H.264 in several profiles, AV1, RTX, RED, FEC...); we answer exactly one video codec
// we can decode (H.264 packetization-mode 1, else VP8) and Opus audio, and reject the rest.
// Pure functions of the offer text so they can be tested and fuzzed without a pipeline.

#include <optional>
#include <string>
#include <string_view>

namespace livegate::streaming {

enum class WhipVideoCodec { h264, vp8 };
const char* to_string(WhipVideoCodec codec);

struct WhipTrack {
  unsigned mline = 0;    // index of the m= line in the offer
  int payload = 0;       // the chosen RTP payload type
  std::string rtp_caps;  // caps for the transceiver's codec-preferences (this payload only)
};

struct WhipOffer {
  WhipTrack video;
  WhipVideoCodec video_codec = WhipVideoCodec::vp8;
  std::optional<WhipTrack> audio;  // Opus; none when the publisher sends no sound
};

// The codecs to answer, or nullopt with a reason fit for the publisher (HTTP 400/415).
std::optional<WhipOffer> read_whip_offer(std::string_view sdp, std::string* error);

}  // namespace livegate::streaming
