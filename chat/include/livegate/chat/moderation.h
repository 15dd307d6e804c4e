#pragma once
// The room rules sellers and moderators set, kept in Redis so every node enforces the same:
// deleting a line (from history too), muting (timeout) or banning a user, slow mode and the
// pinned line. Each change is one Lua script that also publishes an event on the room's
// channel, so all nodes apply it in the same order as chat lines.
//
// Published events (batched to viewers as they are):
//   {"type":"deleted","id":"<chat id>"}
//   {"type":"banned","user":"<id>","until":<Redis ms, 0 = until lifted>,"seconds":n}
//   {"type":"unbanned","user":"<id>"}
//   {"type":"slow","seconds":n}                       (0 = off)
//   {"type":"pinned_message","line":{chat line}|null}

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

#include "livegate/common/redis_client.h"

namespace livegate::chat {

// The rules a joining viewer needs to know.
struct RoomRules {
  int64_t slow_seconds = 0;
  nlohmann::json pinned;    // the pinned chat line, or null
  bool banned = false;      // this user is banned until lifted
  int64_t muted_ms = 0;     // this user is muted for this much longer
};

class Moderation {
 public:
  // error_code: empty on success, "unknown_line" when the chat id is not in the history,
  // "unavailable" when Redis could not be reached.
  using Done = std::function<void(const std::string& error_code)>;
  using RulesCallback = std::function<void(RoomRules rules, const std::string& error)>;

  explicit Moderation(RedisClient& commands);

  // Removes the line from the history (XDEL), records the deletion for resuming viewers, and
  // unpins it when it was pinned.
  void delete_line(const std::string& room, const std::string& id, const std::string& by, Done done);
  // seconds > 0 mutes for that long; 0 bans until unban (nodes also close the user's sockets).
  void ban(const std::string& room, const std::string& user, int64_t seconds, Done done);
  void unban(const std::string& room, const std::string& user, Done done);
  void set_slow(const std::string& room, int64_t seconds, Done done);
  // Pins the line with this chat id; an empty id unpins.
  void pin(const std::string& room, const std::string& id, Done done);
  // The room's slow mode and pinned line, and this user's ban state.
  void rules(const std::string& room, const std::string& user, RulesCallback cb);

 private:
  RedisClient& commands_;
};

}  // namespace livegate::chat
