#pragma once
// Buy-now: turns clicks into orders through the batched buy script, and reads the tally.
// A result is only reported after Redis answered; when Redis is away the answer is
// "unavailable" at once, never a guess.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "livegate/commerce/catalog.h"
#include "livegate/common/event_loop.h"
#include "livegate/common/redis_client.h"

namespace livegate::commerce {

struct BuyRequest {
  std::string key;  // the client's idempotency key
  std::string sku;
  int64_t qty = 1;
  std::string user_id;
};

enum class BuyStatus { ok, sold_out, duplicate, invalid, unavailable };
const char* to_string(BuyStatus s);

struct BuyResult {
  BuyStatus status = BuyStatus::unavailable;
  std::string order_id;    // Redis stream id of the order (ok and duplicate)
  int64_t remaining = 0;   // stock left of the sku after this buy
  int64_t sold = 0;
  std::string error_code;  // for invalid/unavailable: unknown_sku, bad_qty, unavailable
  std::string message;
};

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
  using DoneCallback = std::function<void(const std::string& error)>;

  OrderDesk(EventLoop& loop, RedisClient& redis, OrderDeskLimits limits = {});
  OrderDesk(const OrderDesk&) = delete;
  OrderDesk& operator=(const OrderDesk&) = delete;

  // Registers a broadcast's catalog and writes it to Redis (stock only where not yet set).
  void open_shop(const std::string& broadcast_id, Catalog catalog, DoneCallback done);
  const Catalog* catalog(const std::string& broadcast_id) const;

  // Validates against the catalog, then queues the buy for the next batch.
  void buy(const std::string& broadcast_id, BuyRequest request, BuyCallback cb);
  void tally(const std::string& broadcast_id, TallyCallback cb);

  uint64_t batches_sent() const { return batches_sent_; }

 private:
  struct QueuedBuy {
    BuyRequest request;
    int64_t price_cents;
    BuyCallback cb;
  };
  struct Shop {
    Catalog catalog;
    std::vector<QueuedBuy> queue;
    Timer flush_timer;
  };

  void flush(const std::string& broadcast_id);

  EventLoop& loop_;
  RedisClient& redis_;
  OrderDeskLimits limits_;
  std::map<std::string, Shop> shops_;
  uint64_t batches_sent_ = 0;
};

}  // namespace livegate::commerce
