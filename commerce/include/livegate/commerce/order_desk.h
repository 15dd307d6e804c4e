#pragma once
// Buy-now: turns clicks into orders through the batched buy script, and reads the tally.
// A result is only reported after Redis answered; when Redis is away the answer is
// "unavailable" at once, never a guess. Prices and limits are not checked here: the script
// reads them from Redis, where sellers edit them.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "livegate/common/event_loop.h"
#include "livegate/common/redis_client.h"

namespace livegate {
class Metrics;
}

namespace livegate::commerce {

struct BuyRequest {
  std::string key;  // the client's idempotency key (scoped to the user)
  std::string sku;
  int64_t qty = 1;
  std::string user_id;
  std::string deal;  // a flash deal id: buy at the deal price or not at all; empty: regular
};

enum class BuyStatus { ok, sold_out, duplicate, invalid, unavailable };
const char* to_string(BuyStatus s);

struct BuyResult {
  BuyStatus status = BuyStatus::unavailable;
  std::string order_id;    // Redis stream id of the order (ok and duplicate)
  int64_t remaining = 0;   // stock left of the sku after this buy
  int64_t sold = 0;
  // sold_out: "sold_out" or "deal_sold_out". invalid/unavailable: unknown_sku, unknown_deal,
  // bad_qty, limit_reached, deal_not_started, deal_ended, no_shop, unavailable.
  std::string error_code;
  std::string message;
  int64_t detail = 0;      // bad_qty: max per order; limit_reached: units left; not started: ms
  // duplicate: what the original order bought ("" / 0 when its record is gone). A key reused
  // for another sku or qty gets the original's receipt, not one that looks like the new click's.
  std::string original_sku;
  int64_t original_qty = 0;
  std::string original_deal;
};

// The result label of livegate_orders_total: ok | duplicate | sold_out | limit (the buyer's
// per-buyer limit) | invalid | failed (Redis away or the batch failed: the viewer may retry).
const char* metric_result(const BuyResult& r);

struct Tally {
  std::map<std::string, int64_t> stock;
  std::map<std::string, int64_t> sold;
  int64_t gmv_cents = 0;
  int64_t orders = 0;
};

struct OrderDeskLimits {
  // Clicks that arrive within one loop turn go to Redis as one script call, up to this many.
  size_t max_batch = 64;
};

class OrderDesk {
 public:
  using BuyCallback = std::function<void(const BuyResult&)>;
  using TallyCallback = std::function<void(std::optional<Tally>, const std::string& error)>;

  // metrics: every buy's result and the batch sizes; null counts nothing.
  OrderDesk(EventLoop& loop, RedisClient& redis, OrderDeskLimits limits = {}, Metrics* metrics = nullptr);
  OrderDesk(const OrderDesk&) = delete;
  OrderDesk& operator=(const OrderDesk&) = delete;

  // Buys for a broadcast are taken once its shop is open (keynotes have none).
  void open_shop(const std::string& broadcast_id) { shops_[broadcast_id]; }
  bool has_shop(const std::string& broadcast_id) const { return shops_.contains(broadcast_id); }

  // Queues the buy for the next batch of its broadcast.
  void buy(const std::string& broadcast_id, BuyRequest request, BuyCallback cb);
  void tally(const std::string& broadcast_id, TallyCallback cb);

  uint64_t batches_sent() const { return batches_sent_; }
  // Buys taken and not answered yet (queued or in Redis).
  size_t in_flight() const { return in_flight_; }

 private:
  struct QueuedBuy {
    BuyRequest request;
    BuyCallback cb;
  };
  struct Shop {
    std::vector<QueuedBuy> queue;
    Timer flush_timer;
  };

  void flush(const std::string& broadcast_id);

  EventLoop& loop_;
  RedisClient& redis_;
  OrderDeskLimits limits_;
  std::map<std::string, Shop> shops_;
  uint64_t batches_sent_ = 0;
  size_t in_flight_ = 0;
  Metrics* metrics_ = nullptr;
};

}  // namespace livegate::commerce
