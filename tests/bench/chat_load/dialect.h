#pragma once
// The two chat dialects the tool speaks over one WebSocket: livegate's JSON frames and
// socket.io v4 (engine.io v4 packets over a raw WebSocket, no polling). Both servers answer
// hello with a welcome and deliver chat lines as events that carry the sender's text, so one
// marker in the text identifies and times a delivery in either.

#include <cstdint>
#include <string>
#include <string_view>

#include "options.h"

namespace chat_load {

// Every chat line starts with this, then the send time (CLOCK_MONOTONIC, us, the same clock
// in every process on the machine) and a sequence number: "lgbench t=<us> s=<seq> xxxx".
inline constexpr std::string_view kMarker = "lgbench t=";

std::string_view subprotocol(Dialect d);

// Sent once the upgrade succeeded (empty: wait for the server to speak first).
std::string opening_message(Dialect d, const std::string& name);
// Sent when the server has accepted the connection (socket.io: after "40"): joins the room.
std::string join_message(Dialect d, const std::string& room, const std::string& name);

struct Reaction {
  enum class Kind {
    none,        // nothing to do (presence, pings we ignore, ...)
    reply,       // send `reply` (engine.io pong, socket.io namespace connect)
    join,        // send join_message()
    welcome,     // the connection is in the room
    deliveries,  // may hold chat lines: scan it for markers
    error,       // an error frame; `reply` holds its code
    refused,     // the server will not let us in (socket.io connect_error)
  };
  Kind kind = Kind::none;
  std::string reply;
};

// Classifies one complete text message; cheap prefix tests, no parsing.
Reaction react(Dialect d, std::string_view message);

// A chat line from this client in the dialect's framing.
std::string chat_message(Dialect d, std::string_view text);

// The chat line text: marker, send time, sequence, padded with 'x' to `length` bytes.
std::string chat_text(uint64_t sent_us, uint64_t seq, size_t length);

// Calls on_line(sent_us) for every marker in the message; returns how many there were.
template <typename F>
size_t scan_deliveries(std::string_view message, F&& on_line) {
  size_t found = 0;
  size_t pos = 0;
  while ((pos = message.find(kMarker, pos)) != std::string_view::npos) {
    pos += kMarker.size();
    uint64_t t = 0;
    while (pos < message.size() && message[pos] >= '0' && message[pos] <= '9') {
      t = t * 10 + static_cast<uint64_t>(message[pos] - '0');
      ++pos;
    }
    on_line(t);
    ++found;
  }
  return found;
}

}  // namespace chat_load
