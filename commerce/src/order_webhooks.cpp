#include "livegate/commerce/order_webhooks.h"

#include <algorithm>

#include "livegate/commerce/webhook_signature.h"
#include "livegate/common/log.h"
#include "livegate/common/redis_keys.h"
#include "webhook_sender.h"

namespace livegate::commerce {

namespace {

// Deletes the group's consumers, other than the caller, that hold no pending orders and have been
// idle longer than ARGV[3] ms: default node ids are <host>:<pid>, so every restart would leave
// one behind. One script, so a consumer that reads between the check and the delete cannot
// take pending entries down with it (DELCONSUMER drops them).
// KEYS: stream. ARGV: group, self, idle ms. Returns how many it removed.
const RedisScript& forget_idle_consumers_script() {
  static const RedisScript script(R"LUA(
local removed = 0
for _, info in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
  local c = {}
  for i = 1, #info, 2 do c[info[i]] = info[i + 1] end
  if c['name'] ~= ARGV[2] and c['pending'] == 0 and c['idle'] > tonumber(ARGV[3]) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], c['name'])
    removed = removed + 1
  end
end
return removed
)LUA");
  return script;
}

std::string order_body(const std::string& broadcast_id, const OrderRecord& order) {
  return nlohmann::json{
      {"type", "order"}, {"broadcast", broadcast_id}, {"order", order_json(order)}}
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// A receiver's answer as one printable log fragment.
std::string printable(const std::string& text, size_t max = 200) {
  std::string out;
  for (char c : text.substr(0, max)) out += (c >= 32 && c < 127) ? c : ' ';
  return out;
}

// Scans for abandoned orders often enough that takeover follows claim_idle_ms closely, but no
// more than once a second.
std::chrono::milliseconds claim_scan_every(const WebhookConfig& c) {
  return std::clamp(std::chrono::milliseconds(c.claim_idle_ms / 4), std::chrono::milliseconds(1000),
                    std::chrono::milliseconds(60000));
}

}  // namespace

OrderWebhooks::OrderWebhooks(EventLoop& loop, RedisClient& redis, WebhookConfig config,
                             std::string consumer)
    : loop_(loop),
      redis_(redis),
      config_(std::move(config)),
      consumer_(std::move(consumer)),
      sender_(std::make_unique<WebhookSender>(loop, config_.url, config_.batch)),
      rng_(std::random_device{}()) {
  tick_ = loop_.every(std::chrono::milliseconds(config_.poll_interval_ms), [this] {
    for (auto& [id, feed] : feeds_) pump(feed);
    return true;
  });
  log("webhooks")
      ->info("delivering orders to {} as consumer '{}' (at most {} at once)", config_.url,
             consumer_, config_.batch);
}

OrderWebhooks::~OrderWebhooks() {
  *alive_ = false;
}

void OrderWebhooks::watch(const std::string& broadcast_id) {
  auto [it, added] = feeds_.try_emplace(broadcast_id);
  if (!added) return;
  it->second.id = broadcast_id;
  it->second.stream = keys::orders(broadcast_id);
  pump(it->second);
}

RedisCallback OrderWebhooks::on_feed(
    const std::string& id, std::function<void(Feed&, RedisReply, const std::string&)> fn) {
  return [this, alive = std::weak_ptr<bool>(alive_), id, fn = std::move(fn)](
             RedisReply reply, const std::string& error) {
    if (auto a = alive.lock(); !a || !*a) return;
    auto it = feeds_.find(id);
    if (it != feeds_.end()) fn(it->second, reply, error);
  };
}

size_t OrderWebhooks::capacity() const {
  const size_t used = held_ + reserved_;
  return used < config_.batch ? config_.batch - used : 0;
}

// How many entries one read may ask for: a fair share of the batch. Every tick pumps the feeds in
// the same order while their reads are in flight, so a first feed that reserved the whole free
// capacity each time would starve every feed after it. A busy feed still gets more than its
// share when the others are idle: a full read pumps it again at once.
size_t OrderWebhooks::read_size() const {
  const size_t feeds = std::max<size_t>(feeds_.size(), 1);
  const size_t share = std::max<size_t>((config_.batch + feeds - 1) / feeds, 1);
  return std::min(capacity(), share);
}

void OrderWebhooks::pump(Feed& f) {
  if (f.busy || !redis_.connected()) return;
  switch (f.phase) {
    case Phase::create_group:
      return create_group(f);
    case Phase::own_pending:
      return read(f, f.pending_cursor);
    case Phase::live:
      if (std::chrono::steady_clock::now() >= f.next_claim) return claim(f);
      return read(f, ">");
  }
}

// True (after logging) when a Redis call failed; a vanished group sends the feed back to
// creating it, from the start of the stream.
bool OrderWebhooks::redis_problem(Feed& f, RedisReply reply, const std::string& error,
                                  const char* what) {
  if (!error.empty()) {
    log("webhooks")->debug("broadcast {}: {}: {}", f.id, what, error);  // retried next tick
    return true;
  }
  if (!reply.is_error()) return false;
  if (reply.error_starts_with("NOGROUP")) {
    log("webhooks")
        ->warn("broadcast {}: consumer group '{}' is gone (Redis flushed?); recreating it", f.id,
               kGroup);
    f.phase = Phase::create_group;
  } else {
    log("webhooks")->warn("broadcast {}: {}: {}", f.id, what, reply.string("error"));
  }
  return true;
}

void OrderWebhooks::create_group(Feed& f) {
  f.busy = true;
  // "0": every order of the stream, including those taken before the group existed.
  // MKSTREAM: a broadcast without orders yet has no stream.
  redis_.command({"XGROUP", "CREATE", f.stream, kGroup, "0", "MKSTREAM"},
                 on_feed(f.id, [this](Feed& f, RedisReply reply, const std::string& error) {
                   f.busy = false;
                   if (!reply.error_starts_with("BUSYGROUP") &&
                       redis_problem(f, reply, error, "XGROUP CREATE")) {
                     return;
                   }
                   f.phase = Phase::own_pending;
                   f.pending_cursor = "0";
                   pump(f);
                 }));
}

void OrderWebhooks::read(Feed& f, const std::string& from) {
  const size_t n = read_size();
  if (n == 0) return;
  f.busy = true;
  reserved_ += n;
  // Without BLOCK: an empty stream answers nil at once, and the next tick asks again.
  redis_.command(
      {"XREADGROUP", "GROUP", kGroup, consumer_, "COUNT", std::to_string(n), "STREAMS", f.stream,
       from},
      on_feed(f.id, [this, n, from](Feed& f, RedisReply reply, const std::string& error) {
        f.busy = false;
        reserved_ -= n;
        if (redis_problem(f, reply, error, "XREADGROUP")) return;
        // Nil when nothing is new: no orders.
        std::vector<OrderRecord> orders = stream_entries_of_read(reply);
        const bool full = orders.size() == n;
        if (from != ">") {
          // This node's own pending orders (it restarted): walk them once, then read new ones.
          if (orders.empty()) {
            f.phase = Phase::live;
          } else {
            f.pending_cursor = orders.back().id;
            log("webhooks")
                ->info("broadcast {}: re-sending {} orders still pending for '{}'", f.id,
                       orders.size(), consumer_);
          }
        }
        accept(f, std::move(orders));
        if (full || (f.phase == Phase::live && from != ">")) pump(f);
      }));
}

void OrderWebhooks::claim(Feed& f) {
  const size_t n = read_size();
  if (n == 0) return;
  f.busy = true;
  reserved_ += n;
  redis_.command(
      {"XAUTOCLAIM", f.stream, kGroup, consumer_, std::to_string(config_.claim_idle_ms),
       f.claim_cursor, "COUNT", std::to_string(n)},
      on_feed(f.id, [this, n](Feed& f, RedisReply reply, const std::string& error) {
        f.busy = false;
        reserved_ -= n;
        if (redis_problem(f, reply, error, "XAUTOCLAIM")) {
          f.next_claim = std::chrono::steady_clock::now() + claim_scan_every(config_);
          return;
        }
        // [next cursor, [entries], [deleted ids] (Redis 7)]
        std::vector<OrderRecord> orders;
        if (reply.size() >= 2) {
          f.claim_cursor = reply[0].string("0-0");
          orders = stream_entries(reply[1]);
        } else {
          f.claim_cursor = "0-0";
        }
        if (!orders.empty()) {
          log("webhooks")
              ->info("broadcast {}: took over {} orders pending longer than {} ms", f.id,
                     orders.size(), config_.claim_idle_ms);
        }
        if (f.claim_cursor == "0-0") {
          f.next_claim = std::chrono::steady_clock::now() + claim_scan_every(config_);
          forget_idle_consumers(f);
        }
        accept(f, std::move(orders));
        pump(f);
      }));
}

void OrderWebhooks::forget_idle_consumers(Feed& f) {
  redis_.eval(
      forget_idle_consumers_script(), {f.stream},
      {kGroup, consumer_, std::to_string(config_.claim_idle_ms)},
      on_feed(f.id, [](Feed& f, RedisReply reply, const std::string& error) {
        if (error.empty() && reply.is_integer() && reply.integer() > 0) {
          log("webhooks")
              ->info("broadcast {}: removed {} idle consumers with nothing pending", f.id,
                     reply.integer());
        }
      }));
}

void OrderWebhooks::accept(Feed& f, std::vector<OrderRecord> orders) {
  for (auto& order : orders) {
    if (f.deliveries.contains(order.id)) continue;  // already in hand (claimed back from ourselves)
    if (order.fields.empty()) {
      // Deleted from the stream while pending: nothing left to send.
      log("webhooks")
          ->warn("broadcast {}: order {} was deleted before delivery; acknowledging it", f.id,
                 order.id);
      redis_.command({"XACK", f.stream, kGroup, order.id},
                     [](RedisReply, const std::string&) {});
      continue;
    }
    Delivery& d = f.deliveries[order.id];
    d.body = order_body(f.id, order);
    held_++;
    attempt(f, order.id);
  }
}

void OrderWebhooks::attempt(Feed& f, const std::string& order_id) {
  auto it = f.deliveries.find(order_id);
  if (it == f.deliveries.end()) return;
  Delivery& d = it->second;
  d.attempt++;
  std::vector<std::pair<std::string, std::string>> headers = {
      {"x-livegate-signature", webhook_signature(config_.secret, d.body)},
      {"x-livegate-order-id", order_id},
      {"x-livegate-broadcast", f.id},
      {"x-livegate-delivery-attempt", std::to_string(d.attempt)}};
  sender_->post(d.body, headers, std::chrono::milliseconds(config_.timeout_ms),
                [this, alive = std::weak_ptr<bool>(alive_), broadcast_id = f.id,
                 order_id](WebhookOutcome outcome) {
                  if (auto a = alive.lock(); a && *a) finished(broadcast_id, order_id, outcome);
                });
}

void OrderWebhooks::finished(const std::string& broadcast_id, const std::string& order_id,
                             const WebhookOutcome& outcome) {
  auto f = feeds_.find(broadcast_id);
  if (f == feeds_.end()) return;
  auto it = f->second.deliveries.find(order_id);
  if (it == f->second.deliveries.end()) return;
  Delivery& d = it->second;
  if (outcome.ok()) {
    log("webhooks")
        ->debug("broadcast {}: order {} delivered (HTTP {}, attempt {})", broadcast_id, order_id,
                outcome.status, d.attempt);
    return acknowledge(f->second, order_id);
  }
  const std::string why =
      outcome.status ? "HTTP " + std::to_string(outcome.status) +
                           (outcome.snippet.empty() ? "" : ": " + printable(outcome.snippet))
                     : outcome.error;
  if (d.attempt >= config_.max_attempts) {
    // Still pending in the group: a node claims it again after claim_idle_ms (a new round),
    // and a restart of this node re-sends it.
    log("webhooks")
        ->error(
            "broadcast {}: order {} not delivered after {} attempts ({}); it stays pending and is "
            "sent again in about {} s",
            broadcast_id, order_id, d.attempt, why, config_.claim_idle_ms / 1000);
    f->second.deliveries.erase(it);
    held_--;
    return;
  }
  const auto delay =
      backoff_delay(config_, d.attempt, std::uniform_real_distribution<double>(0, 1)(rng_));
  log("webhooks")
      ->warn("broadcast {}: order {} attempt {} failed ({}); next in {} ms", broadcast_id, order_id,
             d.attempt, why, delay.count());
  d.retry = loop_.after(delay, [this, broadcast_id, order_id] {
    if (auto f = feeds_.find(broadcast_id); f != feeds_.end()) attempt(f->second, order_id);
  });
}

void OrderWebhooks::acknowledge(Feed& f, const std::string& order_id) {
  redis_.command(
      {"XACK", f.stream, kGroup, order_id},
      on_feed(f.id, [this, order_id](Feed& f, RedisReply reply, const std::string& error) {
        if (!error.empty() || reply.is_error()) {
          // The receiver has it; unacknowledged, it will be sent again after
          // claim_idle_ms and the receiver drops the duplicate.
          log("webhooks")
              ->warn("broadcast {}: order {} delivered but XACK failed: {}", f.id, order_id,
                     error.empty() ? reply.string("error") : error);
        } else {
          delivered_++;
        }
        if (f.deliveries.erase(order_id)) held_--;
        pump(f);
      }));
}

}  // namespace livegate::commerce
