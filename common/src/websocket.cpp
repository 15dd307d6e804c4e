#include "livegate/common/websocket.h"

namespace livegate {

// RFC 6455 §5.2, as a server writes it: FIN set, no mask, the shortest length form.
WsFrame::WsFrame(std::string_view payload, Opcode opcode) {
  const size_t n = payload.size();
  header_bytes_ = n < 126 ? 2 : n <= 0xffff ? 4 : 10;
  wire_.reserve(header_bytes_ + n);
  wire_ += static_cast<char>(0x80 | opcode);
  if (n < 126) {
    wire_ += static_cast<char>(n);
  } else if (n <= 0xffff) {
    wire_ += static_cast<char>(126);
    wire_ += static_cast<char>((n >> 8) & 0xff);
    wire_ += static_cast<char>(n & 0xff);
  } else {
    wire_ += static_cast<char>(127);
    for (int shift = 56; shift >= 0; shift -= 8) wire_ += static_cast<char>((static_cast<uint64_t>(n) >> shift) & 0xff);
  }
  wire_.append(payload);
}

}  // namespace livegate
