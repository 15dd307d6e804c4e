#pragma once
// Chat history and room events in Redis: each line is XADDed to the room's stream and published
// on the room's events channel in one script, so every node sees lines in stream order, once.

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

#include "livegate/common/redis_client.h"

namespace livegate::chat {

struct ChatUser {
  std::string id;
  std::string name;
  std::string role = "viewer";
};

struct ChatStoreLimits {
  size_t history_maxlen = 10000;  // stream trimmed to about this many lines
};

class ChatStore {
 public:
  using AppendCallback = std::function<void(const std::string& id, const std::string& error)>;
  using HistoryCallback =
      std::function<void(std::vector<nlohmann::json> lines, const std::string& error)>;
  using EventHandler = std::function<void(std::string_view event_json)>;

  // commands and subscriber must be different connections (a subscribed connection only listens).
  ChatStore(RedisClient& commands, RedisClient& subscriber, ChatStoreLimits limits = {});

  void append(const std::string& room, const ChatUser& user, const std::string& text,
              AppendCallback cb);
  // Lines after resume_from (exclusive) when given, else the latest; oldest first, at most count.
  void history(const std::string& room, const std::string& resume_from, size_t count,
               HistoryCallback cb);
  // Every event published for the room, by any node (chat lines, stock, ...).
  void subscribe(const std::string& room, EventHandler handler);
  void unsubscribe(const std::string& room);

 private:
  RedisClient& commands_;
  RedisClient& subscriber_;
  ChatStoreLimits limits_;
};

// A stream entry [id, [field, value, ...]] as a chat event; null when it is not a chat line.
nlohmann::json chat_event_from_entry(const redisReply* entry);

}  // namespace livegate::chat
