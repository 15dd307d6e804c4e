#pragma once
// One viewer's WebSocket on this node (private to the hub's source files).

#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "livegate/chat/hub.h"
#include "room.h"

namespace livegate::chat {

struct Hub::Connection {
  Connection(const HubLimits& limits)
      : frames(limits.frames_per_second, limits.frames_burst),
        errors(limits.errors_per_minute / 60.0, limits.errors_per_minute) {}

  uint64_t id = 0;         // the socket's
  WebSocket* socket = nullptr;  // valid until Hub::closed
  std::string room;
  std::string ip;
  ChatUser user;
  bool admitted = false;   // counted in per_ip_ and the room
  bool hello_seen = false;
  bool guest = false;      // no token: auth.anonymous decides what it may do
  bool welcomed = false;
  // Batches flushed while the welcome snapshot was being read; replayed after it.
  std::vector<Batch> held;
  // The newest chat line the viewer already has (its resume_from or the welcome's last line).
  // Until a batch brings a newer one, lines at or before it are left out of what it is sent: this
  // node's pub/sub may lag behind the node it came from, which sent those lines already.
  std::optional<StreamId> chat_floor;
  TokenBucket frames;       // every client message; empty: the connection floods
  TokenBucket errors;       // error frames earned; empty: the connection floods
  std::optional<std::pair<int, std::string>> close_when_drained;  // closing with this code
};

}  // namespace livegate::chat
