#pragma once
// The WebSocket protocol (docs/protocol.md): parsing and validating client frames, and building the
// server's frames. Pure functions, no I/O, so every rule is unit-tested.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace livegate::chat {

struct ProtocolLimits {
  size_t max_text_chars = 500;  // Unicode code points in a chat line or a question
  size_t max_name_chars = 32;
  int64_t max_ban_seconds = 7 * 24 * 3600;
  int64_t max_slow_seconds = 3600;
};

struct Hello {
  std::string name;         // empty: the server picks a guest name
  std::string resume_from;  // empty, or a valid stream id
  std::string token;        // a signed token (roles); empty: anonymous viewer
  std::string guest;        // a secret the browser keeps, so a guest keeps one id across visits
};
struct ChatLine {
  std::string text;
};
// Keynote Q&A.
struct Ask {
  std::string text;
};
struct Vote {
  std::string question;
};
// Moderation (seller and moderator roles). An empty/zero field means "undo" where noted.
struct Answer {
  std::string question;
};
struct RemoveQuestion {
  std::string question;
};
struct DeleteLine {
  std::string id;  // chat stream id
};
struct Ban {
  std::string user;
  int64_t seconds = 0;  // 0: until lifted (connections are closed); else a timeout (muted)
};
struct Unban {
  std::string user;
};
struct SlowMode {
  int64_t seconds = 0;  // one line per user per this many seconds; 0 turns slow mode off
};
struct PinLine {
  std::string id;  // chat stream id to pin; empty unpins
};
struct Buy {
  std::string sku;
  int64_t qty = 1;
  std::string key;
  std::string deal;  // a flash deal id ("d<n>"): the deal price or nothing; empty: regular price
};
// A viewer opened a product card's details (the dashboard's funnel).
struct Tap {
  std::string sku;
};
// Staff: pin a product (empty sku unpins). The server stamps the pin with the media time.
struct PinProduct {
  std::string sku;
};
struct Ping {};

using ClientMessage = std::variant<Hello, ChatLine, Buy, Ping, Ask, Vote, Answer, RemoveQuestion,
                                   DeleteLine, Ban, Unban, SlowMode, PinLine, Tap, PinProduct>;

// True for messages only the seller and moderators may send.
bool needs_moderator(const ClientMessage& m);

// A rejected frame: code is one of docs/protocol.md's error codes, message is for people.
struct ProtocolError {
  std::string code;
  std::string message;
  std::string key;  // the buy's idempotency key when the frame was a buy, so the client can match
  int64_t retry_after_ms = 0;  // for rate_limited / slow_mode / muted: when trying again may work
};

using ParseResult = std::variant<ClientMessage, ProtocolError>;

ParseResult parse_client_message(std::string_view frame, const ProtocolLimits& limits);

// Server frames.
std::string error_frame(const ProtocolError& e);
std::string pong_frame();

}  // namespace livegate::chat
