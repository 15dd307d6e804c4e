#pragma once
// The seller dashboard's numbers: GMV, units per sku, per-minute orders/units/GMV/clicks/taps,
// and the funnel of unique users (viewers -> tapped a product -> clicked buy -> bought). The
// buy script counts clicks and orders as it settles them; taps are counted here. Minutes are
// Unix minutes (Redis clock) so the studio lines them up with the video's program date-time.

#include <string>

#include "livegate/commerce/shop_result.h"
#include "livegate/common/redis_client.h"

namespace livegate::commerce {

class ShopStats {
 public:
  explicit ShopStats(RedisClient& redis) : redis_(redis) {}

  // A viewer opened a product's details (fire and forget: a lost tap is only a statistic).
  void tap(const std::string& broadcast_id, const std::string& user, const std::string& sku);

  // Value: {"gmv_cents", "orders", "units": {sku: n}, "taps": {sku: n},
  //   "minutes": [{"t": minute start ms, "orders", "units", "gmv_cents", "clicks", "taps"}],
  //   "funnel": {"viewers", "tapped", "clicked", "bought"}, "now"}
  void read(const std::string& broadcast_id, ShopCallback cb);

 private:
  RedisClient& redis_;
};

}  // namespace livegate::commerce
