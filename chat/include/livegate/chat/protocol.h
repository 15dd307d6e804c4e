#pragma once
// The WebSocket protocol of DESIGN.md: parsing and validating client frames, and building the
// server's frames. Pure functions, no I/O, so every rule is unit-tested.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace livegate::chat {

struct ProtocolLimits {
  size_t max_text_chars = 500;  // Unicode code points in a chat line
  size_t max_name_chars = 32;
};

struct Hello {
  std::string name;         // empty: the server picks a guest name
  std::string resume_from;  // empty, or a valid stream id
  std::string token;        // reserved for JWT (issue 8); ignored when empty
};
struct ChatLine {
  std::string text;
};
struct Buy {
  std::string sku;
  int64_t qty = 1;
  std::string key;
};
struct Ping {};

using ClientMessage = std::variant<Hello, ChatLine, Buy, Ping>;

// A rejected frame: code is one of DESIGN.md's error codes, message is for people.
struct ProtocolError {
  std::string code;
  std::string message;
  std::string key;  // the buy's idempotency key when the frame was a buy, so the client can match
};

using ParseResult = std::variant<ClientMessage, ProtocolError>;

ParseResult parse_client_message(std::string_view frame, const ProtocolLimits& limits);

// Server frames.
std::string error_frame(const ProtocolError& e);
std::string pong_frame();

}  // namespace livegate::chat
