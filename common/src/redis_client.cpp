#include "livegate/common/redis_client.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include "livegate/common/guard.h"
#include "livegate/common/log.h"
#include "livegate/common/metrics.h"
#include "redis_glib_source.h"

namespace livegate {

namespace {
constexpr std::chrono::milliseconds kMaxBackoff{2000};
}

std::string RedisEndpoint::describe() const {
  return unix_socket.empty() ? host + ":" + std::to_string(port) : "unix:" + unix_socket;
}

RedisScript::RedisScript(std::string source) : source_(std::move(source)) {
  gchar* sha = g_compute_checksum_for_string(G_CHECKSUM_SHA1, source_.c_str(),
                                             static_cast<gssize>(source_.size()));
  sha_ = sha;
  g_free(sha);
}

struct RedisClient::Pending {
  RedisClient* client;
  RedisCallback cb;
  std::chrono::steady_clock::time_point sent;
};

RedisClient::RedisClient(EventLoop& loop, RedisEndpoint endpoint, std::string name, Metrics* metrics)
    : loop_(loop), endpoint_(std::move(endpoint)), name_(std::move(name)), metrics_(metrics) {}

RedisClient::~RedisClient() {
  shutting_down_ = true;
  *alive_ = false;
  if (ac_) {
    // Pending callbacks are dropped silently: their owners are being torn down too.
    redisAsyncContext* ac = ac_;
    ac_ = nullptr;
    redisAsyncFree(ac);
  }
}

void RedisClient::start() { connect(); }

void RedisClient::connect() {
  if (shutting_down_ || ac_) return;
  redisAsyncContext* ac = endpoint_.unix_socket.empty()
                              ? redisAsyncConnect(endpoint_.host.c_str(), endpoint_.port)
                              : redisAsyncConnectUnix(endpoint_.unix_socket.c_str());
  if (!ac) {
    schedule_reconnect();
    return;
  }
  if (ac->err) {
    log("redis")->debug("{} connect to {} failed: {}", name_, endpoint_.describe(), ac->errstr);
    redisAsyncFree(ac);
    schedule_reconnect();
    return;
  }
  ac->data = this;
  ac_ = ac;
  detail::attach_redis_source(ac, loop_.context());
  redisAsyncSetConnectCallback(ac, &RedisClient::on_connected);
  redisAsyncSetDisconnectCallback(ac, &RedisClient::on_disconnected);
}

void RedisClient::on_connected(const redisAsyncContext* ac, int status) {
  auto* self = static_cast<RedisClient*>(ac->data);
  if (!self || self->shutting_down_) return;
  if (status != REDIS_OK) {
    // hiredis frees the context after this callback returns.
    log("redis")->debug("{} connect to {} failed: {}", self->name_, self->endpoint_.describe(),
                        ac->errstr);
    self->ac_ = nullptr;
    self->schedule_reconnect();
    return;
  }
  self->connected_ = true;
  self->scripts_sent_.clear();  // a new connection may be a new (empty) Redis
  self->backoff_ = std::chrono::milliseconds{100};
  log("redis")->info("{} connected to {}", self->name_, self->endpoint_.describe());
  for (const auto& [channel, handler] : self->subscriptions_) self->send_subscribe(channel);
  for (const auto& fn : self->on_connect_) guarded(Boundary::redis, "a Redis on-connect handler", fn);
}

void RedisClient::on_disconnected(const redisAsyncContext* ac, int status) {
  auto* self = static_cast<RedisClient*>(ac->data);
  if (!self || self->shutting_down_) return;
  self->lost(status == REDIS_OK ? "closed" : ac->errstr);
}

void RedisClient::lost(const std::string& why) {
  if (connected_) log("redis")->warn("{} lost {}: {}", name_, endpoint_.describe(), why);
  connected_ = false;
  ac_ = nullptr;  // hiredis frees it after the disconnect callback
  schedule_reconnect();
}

void RedisClient::schedule_reconnect() {
  if (shutting_down_) return;
  reconnect_timer_ = loop_.after(backoff_, [this] { connect(); });
  backoff_ = std::min(backoff_ * 2, kMaxBackoff);
}

void RedisClient::fail_soon(RedisCallback cb, std::string error) {
  // Called back on a later loop turn so callers never see a callback inside their own call.
  std::weak_ptr<bool> alive = alive_;
  loop_.post([alive, cb = std::move(cb), error = std::move(error)] {
    if (auto a = alive.lock(); a && *a) cb(RedisReply(), error);  // EventLoop::post guards it
  });
}

void RedisClient::on_reply(redisAsyncContext* ac, void* reply, void* privdata) {
  std::unique_ptr<Pending> pending(static_cast<Pending*>(privdata));
  RedisClient* self = pending->client;
  if (self->shutting_down_ || !ac) return;
  if (!reply) {
    guarded(Boundary::redis, "a Redis reply (connection lost)",
            [&] { pending->cb(RedisReply(), "redis connection lost"); });
    return;
  }
  self->replies_++;
  if (self->metrics_) {
    self->metrics_->redis_command_seconds.Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - pending->sent).count());
  }
  guarded(Boundary::redis, "a Redis reply",
          [&] { pending->cb(RedisReply(static_cast<redisReply*>(reply)), {}); });
}

void RedisClient::command(const std::vector<std::string>& argv, RedisCallback cb) {
  if (!connected_ || !ac_) {
    fail_soon(std::move(cb), "redis unavailable");
    return;
  }
  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
  ptrs.reserve(argv.size());
  lens.reserve(argv.size());
  for (const auto& a : argv) {
    ptrs.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* pending = new Pending{this, std::move(cb), std::chrono::steady_clock::now()};
  if (redisAsyncCommandArgv(ac_, &RedisClient::on_reply, pending, static_cast<int>(argv.size()),
                            ptrs.data(), lens.data()) != REDIS_OK) {
    RedisCallback failed = std::move(pending->cb);
    delete pending;
    fail_soon(std::move(failed), "redis command not sent");
  }
}

void RedisClient::eval(const RedisScript& script, const std::vector<std::string>& keys,
                       const std::vector<std::string>& args, RedisCallback cb) {
  auto build = [&](const std::string& verb, const std::string& body) {
    std::vector<std::string> argv;
    argv.reserve(3 + keys.size() + args.size());
    argv.push_back(verb);
    argv.push_back(body);
    argv.push_back(std::to_string(keys.size()));
    argv.insert(argv.end(), keys.begin(), keys.end());
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  };
  // The first call of a script on this connection sends its source: EVAL caches it in Redis and,
  // being on the same connection, runs before any later EVALSHA. Starting with EVALSHA and
  // retrying NOSCRIPT failures with EVAL would run those first calls *after* calls sent later
  // (chat lines out of order on a fresh Redis). The NOSCRIPT retry stays as a safety net for a
  // SCRIPT FLUSH behind our back.
  if (scripts_sent_.insert(script.sha()).second) {
    command(build("EVAL", script.source()), std::move(cb));
    return;
  }
  auto by_source = build("EVAL", script.source());
  command(build("EVALSHA", script.sha()),
          [this, by_source = std::move(by_source), cb = std::move(cb)](
              RedisReply reply, const std::string& error) mutable {
            if (reply.error_starts_with("NOSCRIPT")) {
              command(by_source, std::move(cb));
              return;
            }
            cb(reply, error);
          });
}

void RedisClient::on_message(redisAsyncContext* ac, void* reply, void* privdata) {
  auto* self = static_cast<RedisClient*>(privdata);
  if (!reply || !ac || self->shutting_down_) return;
  auto* r = static_cast<redisReply*>(reply);
  // ["message", channel, payload] or ["subscribe", channel, count]; others are ignored.
  if (r->type != REDIS_REPLY_ARRAY || r->elements != 3 || r->element[0]->type != REDIS_REPLY_STRING ||
      r->element[1]->type != REDIS_REPLY_STRING) {
    return;
  }
  const std::string_view kind(r->element[0]->str, r->element[0]->len);
  std::string channel(r->element[1]->str, r->element[1]->len);
  auto it = self->subscriptions_.find(channel);
  if (it == self->subscriptions_.end()) return;
  if (kind == "subscribe") {
    if (it->second.on_subscribed) guarded(Boundary::redis, "a Redis subscription", it->second.on_subscribed);
    return;
  }
  if (kind != "message" || r->element[2]->type != REDIS_REPLY_STRING) return;
  self->replies_++;
  const std::string_view payload(r->element[2]->str, r->element[2]->len);
  guarded(Boundary::redis, "a Redis pub/sub message on " + channel,
          [&] { it->second.on_message(channel, payload); });
}

void RedisClient::send_subscribe(const std::string& channel) {
  if (!connected_ || !ac_) return;  // re-issued on connect
  const char* argv[] = {"SUBSCRIBE", channel.c_str()};
  size_t lens[] = {9, channel.size()};
  redisAsyncCommandArgv(ac_, &RedisClient::on_message, this, 2, argv, lens);
}

void RedisClient::subscribe(const std::string& channel, MessageHandler handler,
                            std::function<void()> on_subscribed) {
  subscriptions_[channel] = {std::move(handler), std::move(on_subscribed)};
  send_subscribe(channel);
}

void RedisClient::unsubscribe(const std::string& channel) {
  if (subscriptions_.erase(channel) == 0 || !connected_ || !ac_) return;
  const char* argv[] = {"UNSUBSCRIBE", channel.c_str()};
  size_t lens[] = {11, channel.size()};
  redisAsyncCommandArgv(ac_, nullptr, nullptr, 2, argv, lens);
}

}  // namespace livegate
