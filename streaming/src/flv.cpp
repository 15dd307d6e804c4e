#include "livegate/streaming/flv.h"

namespace livegate::streaming {

std::string flv_file_header() {
  return std::string("FLV\x01\x05\x00\x00\x00\x09\x00\x00\x00\x00", 13);
}

std::string flv_tag_bytes(const FlvTag& tag) {
  const auto size = static_cast<uint32_t>(tag.data.size());
  std::string out;
  out.reserve(15 + tag.data.size());
  out += static_cast<char>(tag.type);
  out += static_cast<char>((size >> 16) & 0xff);
  out += static_cast<char>((size >> 8) & 0xff);
  out += static_cast<char>(size & 0xff);
  out += static_cast<char>((tag.timestamp >> 16) & 0xff);
  out += static_cast<char>((tag.timestamp >> 8) & 0xff);
  out += static_cast<char>(tag.timestamp & 0xff);
  out += static_cast<char>((tag.timestamp >> 24) & 0xff);  // TimestampExtended
  out += std::string(3, '\0');                             // StreamID
  out += tag.data;
  const uint32_t previous = 11 + size;
  for (int i = 3; i >= 0; --i) out += static_cast<char>((previous >> (8 * i)) & 0xff);
  return out;
}

std::optional<std::string> unsupported_codec(const FlvTag& tag) {
  if (tag.data.empty()) return std::nullopt;
  const auto first = static_cast<uint8_t>(tag.data[0]);
  if (tag.type == 9) {
    const int codec = first & 0x0f;
    // Enhanced RTMP (HEVC, AV1) sets the top bit and a FourCC instead.
    if ((first & 0x80) != 0) return "video codec is enhanced-RTMP (HEVC/AV1); send H.264";
    if (codec != 7) return "video codec id " + std::to_string(codec) + " is not H.264; send H.264";
  } else if (tag.type == 8) {
    const int format = first >> 4;
    if (format != 10) return "audio format " + std::to_string(format) + " is not AAC; send AAC";
  }
  return std::nullopt;
}

}  // namespace livegate::streaming
