#pragma once
// Flash deals: a lower price on a product for 10-300 seconds, with its own limited stock and
// per-buyer limit. Redis decides everything about time: the deal window is set from and
// checked against the Redis clock inside the scripts, so no node's or viewer's clock can open
// or close a deal. Viewers count down with server time (`now` in the events) and their offset.

#include <string>

#include "livegate/commerce/shop_result.h"
#include "livegate/common/redis_client.h"

namespace livegate::commerce {

struct DealRequest {
  std::string sku;
  int64_t price_cents = 0;   // below the product's price
  int64_t stock = 0;         // units at the deal price; at most the product's stock now
  int per_buyer = 1;         // 0: only the product's limits apply
  int64_t starts_in_ms = 0;  // 0: now
  int64_t duration_ms = 60'000;
};

struct DealLimits {
  int64_t min_duration_ms = 10'000;
  int64_t max_duration_ms = 300'000;
  int64_t max_starts_in_ms = 3'600'000;
};

// A message naming the problem with a request, or nullopt.
std::optional<std::string> validate_deal(const DealRequest& r, const DealLimits& limits);

class FlashDeals {
 public:
  FlashDeals(RedisClient& redis, DealLimits limits = {}) : redis_(redis), limits_(limits) {}

  // Value: {"deal": {...}, "remaining": n, "now": ms}. Refused (conflict) while the product has
  // a deal that has not ended.
  void create(const std::string& broadcast_id, const DealRequest& request, ShopCallback cb);
  // Ends a running or scheduled deal now. Value as create's.
  void end(const std::string& broadcast_id, const std::string& deal_id, ShopCallback cb);

  const DealLimits& limits() const { return limits_; }

 private:
  RedisClient& redis_;
  DealLimits limits_;
};

}  // namespace livegate::commerce
