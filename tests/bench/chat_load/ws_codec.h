#pragma once
// Just enough RFC 6455 for a load client: the upgrade request, the server's answer, server
// frames (never masked) and client frames (always masked). The payload is never copied on the
// receive side: the caller gets a view into its own buffer.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chat_load {

enum Opcode : uint8_t {
  kContinuation = 0x0,
  kText = 0x1,
  kBinary = 0x2,
  kClose = 0x8,
  kPing = 0x9,
  kPong = 0xA,
};

struct FrameView {
  bool fin = false;
  uint8_t opcode = 0;
  std::string_view payload;
  size_t consumed = 0;  // header + payload bytes
};

enum class ParseStatus { frame, need_more, bad };

// Reads one server frame from the front of data. need_more when it is not all there yet; bad
// when the server masked it or sent reserved bits (the connection is then dropped).
ParseStatus parse_server_frame(std::string_view data, FrameView& out);

// Appends a masked client frame.
void append_client_frame(std::string& out, uint8_t opcode, std::string_view payload, uint32_t mask);

// The HTTP upgrade request. subprotocol may be empty.
std::string upgrade_request(std::string_view host, int port, std::string_view path,
                            std::string_view subprotocol, std::string_view key);

// Given bytes received so far: the length of the complete response head (through the blank
// line), or nullopt while it is incomplete.
std::optional<size_t> response_head_length(std::string_view data);
// True for "HTTP/1.1 101". Sec-WebSocket-Accept is not checked: the peer is our own server on
// loopback and the handshake itself is not what this tool measures.
bool upgrade_accepted(std::string_view head);

}  // namespace chat_load
