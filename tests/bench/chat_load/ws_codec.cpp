#include "ws_codec.h"

#include <cstring>

namespace chat_load {

ParseStatus parse_server_frame(std::string_view data, FrameView& out) {
  if (data.size() < 2) return ParseStatus::need_more;
  const auto b0 = static_cast<uint8_t>(data[0]);
  const auto b1 = static_cast<uint8_t>(data[1]);
  if ((b0 & 0x70) || (b1 & 0x80)) return ParseStatus::bad;  // no extensions; servers never mask
  uint64_t len = b1 & 0x7F;
  size_t header = 2;
  if (len == 126) {
    if (data.size() < 4) return ParseStatus::need_more;
    len =
        (static_cast<uint64_t>(static_cast<uint8_t>(data[2])) << 8) | static_cast<uint8_t>(data[3]);
    header = 4;
  } else if (len == 127) {
    if (data.size() < 10) return ParseStatus::need_more;
    len = 0;
    for (int i = 2; i < 10; ++i) len = (len << 8) | static_cast<uint8_t>(data[i]);
    header = 10;
    if (len > (64u << 20)) return ParseStatus::bad;  // nothing in these protocols is that large
  }
  if (data.size() - header < len) return ParseStatus::need_more;
  out.fin = b0 & 0x80;
  out.opcode = b0 & 0x0F;
  out.payload = data.substr(header, len);
  out.consumed = header + len;
  return ParseStatus::frame;
}

void append_client_frame(std::string& out, uint8_t opcode, std::string_view payload,
                         uint32_t mask) {
  out.push_back(static_cast<char>(0x80 | opcode));
  if (payload.size() < 126) {
    out.push_back(static_cast<char>(0x80 | payload.size()));
  } else if (payload.size() <= 0xFFFF) {
    out.push_back(static_cast<char>(0x80 | 126));
    out.push_back(static_cast<char>(payload.size() >> 8));
    out.push_back(static_cast<char>(payload.size() & 0xFF));
  } else {
    out.push_back(static_cast<char>(0x80 | 127));
    for (int i = 7; i >= 0; --i)
      out.push_back(static_cast<char>((payload.size() >> (8 * i)) & 0xFF));
  }
  unsigned char key[4];
  std::memcpy(key, &mask, 4);
  out.append(reinterpret_cast<const char*>(key), 4);
  const size_t body = out.size();
  out.append(payload);
  for (size_t i = 0; i < payload.size(); ++i)
    out[body + i] = static_cast<char>(out[body + i] ^ key[i & 3]);
}

std::string upgrade_request(std::string_view host, int port, std::string_view path,
                            std::string_view subprotocol, std::string_view key) {
  std::string r;
  r.reserve(256);
  r.append("GET ").append(path).append(" HTTP/1.1\r\nHost: ").append(host);
  r.append(":").append(std::to_string(port));
  r.append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n");
  r.append("Sec-WebSocket-Key: ").append(key).append("\r\n");
  if (!subprotocol.empty()) r.append("Sec-WebSocket-Protocol: ").append(subprotocol).append("\r\n");
  r.append("\r\n");
  return r;
}

std::optional<size_t> response_head_length(std::string_view data) {
  const auto end = data.find("\r\n\r\n");
  if (end == std::string_view::npos) return std::nullopt;
  return end + 4;
}

bool upgrade_accepted(std::string_view head) {
  return head.starts_with("HTTP/1.1 101") || head.starts_with("HTTP/1.0 101");
}

}  // namespace chat_load
