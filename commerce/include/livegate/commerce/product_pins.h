#pragma once
// Product pins on the media timeline. A pin carries media_ms: the EXT-X-PROGRAM-DATE-TIME (Unix
// ms) of the moment in the video it belongs to. HLS viewers are seconds behind the live edge, so
// the player shows a pin when its own playback reaches media_ms, not when the event arrives;
// a replay reads the whole timeline and shows each pin at its moment ("shoppable replay").

#include <optional>
#include <string>

#include "livegate/commerce/shop_result.h"
#include "livegate/common/redis_client.h"

namespace livegate::commerce {

class ProductPins {
 public:
  explicit ProductPins(RedisClient& redis) : redis_(redis) {}

  // sku empty: unpin. media_ms: the media time; nullopt = the Redis clock now (the live edge on
  // a node that does not run the media). Value: the pin {sku, media_ms, at, by}.
  void pin(const std::string& broadcast_id, const std::string& sku, std::optional<int64_t> media_ms,
           const std::string& by, ShopCallback cb);
  // Value: {"pins": [{sku|null, media_ms, at, by}, ...]} oldest first (at most the last 10,000).
  void timeline(const std::string& broadcast_id, ShopCallback cb);

 private:
  RedisClient& redis_;
};

}  // namespace livegate::commerce
