#pragma once
// Chat history and room events in Redis: each line is XADDed to the room's stream and published
// on the room's events channel in one script, so every node sees lines in stream order, once.
// Bans and slow mode are checked inside that same script, so they hold across all nodes.

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "livegate/common/redis_client.h"
#include "livegate/common/redis_stream.h"

namespace livegate::chat {

struct ChatUser {
  std::string id;
  std::string name;
  std::string role = "viewer";  // viewer | moderator | seller | admin (a token's role claim)

  // Sellers and moderators: may moderate, are never muted by slow mode or bans.
  bool staff() const { return role == "seller" || role == "moderator" || role == "admin"; }
};

// Guests' ids are "g-" and a hash of their browser's secret (hub_welcome.cpp); nobody else's
// may look like one, or a token could make a guest staff or pass for one.
inline bool is_guest_id(std::string_view id) { return id.starts_with("g-"); }

struct ChatStoreLimits {
  size_t history_maxlen = 10000;  // stream trimmed to about this many lines
};

// What became of a line: its stream id, or why Redis refused it.
struct AppendOutcome {
  std::string id;       // set when the line was added
  std::string refused;  // "banned" | "muted" | "slow_mode" when the room's rules refused it
  int64_t wait_ms = 0;  // muted / slow_mode: how long until the user may post again
  std::string error;    // Redis unreachable or failed
  bool unreachable = false;  // with error: Redis is away (or still loading); trying later may work
};

// A line a node showed its own viewers while Redis was away, waiting to be written (replayed).
struct HeldLine {
  std::string room;
  ChatUser user;
  std::string text;
  std::string local_id;  // the id the node's viewers know it by until the stream id replaces it
  int64_t ts = 0;        // when it was said (the node's clock, ms since the epoch)
};

// A joining or returning viewer's chat: the missed lines when resuming worked, else the latest.
struct HistoryRequest {
  std::string resume_from;  // empty: a fresh join
  size_t latest = 50;       // lines in a snapshot
  size_t max_missed = 500;  // resuming with more missed lines than this gets a snapshot instead
};
struct History {
  std::vector<nlohmann::json> lines;  // oldest first
  bool resumed = false;               // true: lines are exactly those after resume_from
  std::vector<std::string> deleted;   // resumed: ids deleted since resume_from (drop them)
};

class ChatStore {
 public:
  using AppendCallback = std::function<void(const AppendOutcome&)>;
  using HistoryCallback = std::function<void(History history, const std::string& error)>;
  using EventHandler = std::function<void(std::string_view event_json)>;

  // commands and subscriber must be different connections (a subscribed connection only listens).
  ChatStore(RedisClient& commands, RedisClient& subscriber, ChatStoreLimits limits = {});

  // Adds the line unless the user is banned/muted or within slow mode (staff skip both checks).
  void append(const std::string& room, const ChatUser& user, const std::string& text,
              AppendCallback cb);
  // Writes a held line after an outage: bans and mutes still refuse it (as "banned"/"muted"),
  // slow mode does not (the node's rate limit paced it when it was said). The event everyone
  // gets carries "replaces": local_id. Sending the same line twice adds it once.
  void replay(const HeldLine& line, AppendCallback cb);
  // A snapshot of the latest lines, or, with resume_from, exactly the lines after it when the
  // stream still holds all of them (nothing trimmed past it, at most max_missed).
  void history(const std::string& room, const HistoryRequest& request, HistoryCallback cb);
  // Up to max chat lines after the given stream id, oldest first: what a node missed while its
  // subscription was down.
  void lines_after(const std::string& room, const std::string& after, size_t max, HistoryCallback cb);
  // Every event published for the room, by any node (chat lines, stock, ...). on_subscribed:
  // each time Redis confirms the subscription (the first time and after every reconnect).
  void subscribe(const std::string& room, EventHandler handler, std::function<void()> on_subscribed = {});
  void unsubscribe(const std::string& room);

 private:
  RedisClient& commands_;
  RedisClient& subscriber_;
  ChatStoreLimits limits_;
};

// A stream entry as a chat event; null when it is not a chat line (it has no fields). A line
// replayed after an outage also carries "replaces" (the local id it was shown under).
nlohmann::json chat_event_from_entry(const StreamEntry& entry);

}  // namespace livegate::chat
