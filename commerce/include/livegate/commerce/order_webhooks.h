#pragma once
// Pushes every order of the watched broadcasts to webhooks.url, at least once, from however
// many nodes share Redis.
//
// Each broadcast's order stream has one consumer group, "webhooks"; each node reads it as its
// own consumer (its node id), so an order goes to one node. The node POSTs it (signed, see
// webhook_signature.h) and XACKs it only after a 2xx. A failure is retried with backoff up to
// max_attempts; then the order stays pending in the group. Nothing is lost:
//   - at start a node first re-sends its own pending orders (its consumer name must be stable
//     across restarts for that: set chat.node_id);
//   - every node scans for orders pending longer than claim_idle_ms under any consumer (a dead
//     node, or a round that gave up) and takes them over with XAUTOCLAIM: a new round.
// Receivers therefore see an order more than once now and then, and dedupe by (broadcast, id).
// The group starts at the beginning of the stream ("0"), so orders taken before the group
// existed (webhooks just turned on, or orders taken while no node ran them) are sent too.
// Nothing here blocks the loop: Redis calls are async and polled on a timer, HTTP is libsoup's
// async API on the loop's context.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "livegate/commerce/order_record.h"
#include "livegate/commerce/webhook_config.h"
#include "livegate/common/event_loop.h"
#include "livegate/common/redis_client.h"

namespace livegate::commerce {

class WebhookSender;
struct WebhookOutcome;

class OrderWebhooks {
 public:
  static constexpr const char* kGroup = "webhooks";

  // config must be enabled and valid (validate_webhook_config). consumer names this node in
  // every broadcast's group.
  OrderWebhooks(EventLoop& loop, RedisClient& redis, WebhookConfig config, std::string consumer);
  OrderWebhooks(const OrderWebhooks&) = delete;
  OrderWebhooks& operator=(const OrderWebhooks&) = delete;
  ~OrderWebhooks();

  // Starts delivering a broadcast's orders; a second call for the same id does nothing.
  void watch(const std::string& broadcast_id);

  // Orders acknowledged after a 2xx since start (for logs and tests).
  uint64_t delivered() const { return delivered_; }

 private:
  struct Delivery {
    std::string body;  // signed as is, identical on every attempt
    int attempt = 0;   // attempts made in this round
    Timer retry;
  };
  enum class Phase { create_group, own_pending, live };
  struct Feed {
    std::string id;
    std::string stream;
    Phase phase = Phase::create_group;
    bool busy = false;                 // one Redis read or group call at a time per feed
    std::string pending_cursor = "0";  // walking this node's own pending entries at start
    std::string claim_cursor = "0-0";  // XAUTOCLAIM's scan position
    std::chrono::steady_clock::time_point next_claim{};
    std::map<std::string, Delivery> deliveries;  // by order id
  };

  RedisCallback on_feed(const std::string& id,
                        std::function<void(Feed&, RedisReply, const std::string&)> fn);
  void pump(Feed& f);
  void create_group(Feed& f);
  void read(Feed& f, const std::string& from);
  void claim(Feed& f);
  void forget_idle_consumers(Feed& f);
  bool redis_problem(Feed& f, RedisReply reply, const std::string& error, const char* what);
  void accept(Feed& f, std::vector<OrderRecord> orders);
  void attempt(Feed& f, const std::string& order_id);
  void finished(const std::string& broadcast_id, const std::string& order_id,
                const WebhookOutcome& outcome);
  void acknowledge(Feed& f, const std::string& order_id);
  size_t capacity() const;
  size_t read_size() const;

  EventLoop& loop_;
  RedisClient& redis_;
  WebhookConfig config_;
  std::string consumer_;
  std::unique_ptr<WebhookSender> sender_;
  std::map<std::string, Feed> feeds_;
  size_t held_ = 0;      // deliveries in memory (sending or waiting to retry), all feeds
  size_t reserved_ = 0;  // entries Redis reads in flight may still return
  uint64_t delivered_ = 0;
  std::mt19937 rng_;
  Timer tick_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace livegate::commerce
