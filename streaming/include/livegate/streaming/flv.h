#pragma once
// FLV framing: RTMP media messages are FLV tag bodies; wrapped as an FLV byte stream they go
// straight into GStreamer's flvdemux, with no re-encoding.

#include <cstdint>
#include <optional>
#include <string>

namespace livegate::streaming {

struct FlvTag {
  uint8_t type = 0;  // 8 audio, 9 video, 18 script data
  uint32_t timestamp = 0;  // milliseconds
  std::string data;
};

// "FLV", version 1, audio+video flags, header size, and the first PreviousTagSize (0).
std::string flv_file_header();
// Tag header + body + PreviousTagSize.
std::string flv_tag_bytes(const FlvTag& tag);

// Codec checks on the first byte of a tag body. Passthrough to HLS needs H.264 and AAC.
// Returns a reason when the tag uses another codec, nullopt when it is fine (or not media).
std::optional<std::string> unsupported_codec(const FlvTag& tag);

}  // namespace livegate::streaming
