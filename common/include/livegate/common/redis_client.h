#pragma once
// Asynchronous Redis client on the event loop (hiredis async). Never blocks: a command while the
// connection is down fails at once (called back on the next loop turn) with an error, so callers
// can tell a user "try again" instead of waiting. Reconnects by itself with backoff.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "livegate/common/event_loop.h"
#include "livegate/common/redis_reply.h"

struct redisAsyncContext;

namespace livegate {

class Metrics;

struct RedisEndpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string unix_socket;  // when set, used instead of host:port

  std::string describe() const;
};

// error is not empty when the command did not run (Redis unavailable, the connection lost); reply
// is nil then. Otherwise reply is Redis' answer, which may still be an error reply. reply is a
// view valid only during the call (redis_reply.h).
using RedisCallback = std::function<void(RedisReply reply, const std::string& error)>;

// A Lua script known by its SHA1, so it is sent once per Redis lifetime and then called by SHA.
class RedisScript {
 public:
  explicit RedisScript(std::string source);
  const std::string& source() const { return source_; }
  const std::string& sha() const { return sha_; }

 private:
  std::string source_;
  std::string sha_;
};

class RedisClient {
 public:
  using MessageHandler = std::function<void(std::string_view channel, std::string_view message)>;

  // metrics: where command round trips are timed; null times nothing.
  RedisClient(EventLoop& loop, RedisEndpoint endpoint, std::string name, Metrics* metrics = nullptr);
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;
  ~RedisClient();

  // Starts connecting; keeps reconnecting until destroyed.
  void start();
  bool connected() const { return connected_; }
  // Called on the loop after every (re)connect (and after its subscriptions were re-issued);
  // every function added is kept.
  void on_connect(std::function<void()> fn) { on_connect_.push_back(std::move(fn)); }

  void command(const std::vector<std::string>& argv, RedisCallback cb);
  // Runs a script in call order: its source (EVAL) the first time on each connection, by SHA
  // (EVALSHA) after that; a NOSCRIPT answer (SCRIPT FLUSH) is retried with the source.
  void eval(const RedisScript& script, const std::vector<std::string>& keys,
            const std::vector<std::string>& args, RedisCallback cb);

  // Pub/sub: a client that subscribes must not be used for commands. Subscriptions survive
  // reconnects (they are re-issued). on_subscribed runs each time Redis confirms the
  // subscription, the first time and after every reconnect: from then on nothing published on
  // the channel is missed, so it is where a subscriber catches up on what it missed meanwhile.
  void subscribe(const std::string& channel, MessageHandler handler,
                 std::function<void()> on_subscribed = {});
  void unsubscribe(const std::string& channel);

  // Round trips answered since start, for metrics and tests.
  uint64_t replies() const { return replies_; }

 private:
  struct Pending;
  static void on_reply(redisAsyncContext* ac, void* reply, void* privdata);
  static void on_message(redisAsyncContext* ac, void* reply, void* privdata);
  static void on_connected(const redisAsyncContext* ac, int status);
  static void on_disconnected(const redisAsyncContext* ac, int status);

  void connect();
  void lost(const std::string& why);
  void schedule_reconnect();
  void send_subscribe(const std::string& channel);
  void fail_soon(RedisCallback cb, std::string error);

  EventLoop& loop_;
  RedisEndpoint endpoint_;
  std::string name_;
  redisAsyncContext* ac_ = nullptr;
  bool connected_ = false;
  bool shutting_down_ = false;
  std::chrono::milliseconds backoff_{100};
  Timer reconnect_timer_;
  std::vector<std::function<void()>> on_connect_;
  struct Subscription {
    MessageHandler on_message;
    std::function<void()> on_subscribed;
  };
  std::map<std::string, Subscription> subscriptions_;
  std::unordered_set<std::string> scripts_sent_;  // SHAs sent as EVAL on this connection
  uint64_t replies_ = 0;
  Metrics* metrics_ = nullptr;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace livegate
